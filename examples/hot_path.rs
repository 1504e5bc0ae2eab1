//! `cargo run --release --example hot_path`: time the core's getSession path without Node.
use std::time::Instant;

use aura_auth::oauth::providers::profile::User;
use aura_auth::Auth;

fn main() {
    let input = r#"{"config":{"oauth":[{"id":"github","clientId":"a","clientSecret":"b"}],"baseURL":"http://localhost:3000",
        "secret":"8f3a1c9e27b4d05f6a81c3e9b2d74f0a5c6e8b1d3f2a4c6e9b8d7f1a3c5e7b9d",
        "salt":"1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff001"}}"#;
    let auth = Auth::new(input).unwrap();
    let user = User {
        sub: "1234567".into(),
        name: Some("Ada Lovelace".into()),
        email: Some("ada@example.com".into()),
        email_verified: Some(true),
        image: Some("https://avatars.example.com/u/1234567?v=4&s=460".into()),
        provider: "github".into(),
    };
    let session = auth
        .seal_session_for_testing(user, false)
        .expect("a small session");
    let header = format!("_ga=GA1.1.123456789.1700000000; theme=dark; locale=en-US; _gid=GA1.1.987654321.1700000000; {session}");
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    for (label, cookie) in [
        ("signed in", header.as_str()),
        ("signed out", "_ga=GA1.1.1; theme=dark"),
    ] {
        let t = Instant::now();
        let mut total = 0;
        for _ in 0..n {
            total += auth.session_json(Some(cookie), None).len();
        }
        println!(
            "{label}: {:.3} µs/op ({total})",
            t.elapsed().as_secs_f64() * 1e6 / n as f64
        );
    }
}
