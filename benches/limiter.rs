//! The in-memory limiter alone (SPEC §13 "≤ 5 µs per limited request"): plan (rule, client IP,
//! key) + count + verdict, for a per-IP rule and for an IP-and-email rule, over 1000 addresses.
//! No harness: `cargo bench --bench limiter` prints ns per request. `bench/ratelimit.mjs` measures
//! the same through the Node handler.

use std::hint::black_box;
use std::time::Instant;

use aura_auth::ratelimit::config::{RateLimitConfig, RateLimitInput};
use aura_auth::ratelimit::RateLimiter;

fn main() {
    let input: RateLimitInput =
        serde_json::from_str(r#"{"window":86400,"max":1000000,"rules":{"/signIn/email":{"window":86400,"max":1000000}}}"#)
            .expect("json");
    let config = RateLimitConfig::from_input(Some(input), true, None, false, &mut Vec::new())
        .expect("config")
        .expect("enabled");
    let limiter = RateLimiter::new(config, "aura-auth", false).expect("limiter");
    let ips: Vec<String> = (0..1000)
        .map(|i| format!("198.51.{}.{}", i / 256, i % 256))
        .collect();
    let email = Some("someone@example.com".to_string());
    let n = 1_000_000;
    for (name, path, with_email) in [
        (
            "per-IP rule (/csrfToken, default budget)",
            "/csrfToken",
            false,
        ),
        ("IP + email rule (/signIn/email)", "/signIn/email", true),
    ] {
        let mut best = f64::MAX;
        for _round in 0..7 {
            let t0 = Instant::now();
            for i in 0..n {
                let plan = limiter
                    .plan(path, Some(&ips[i % ips.len()]), None, || {
                        if with_email {
                            email.clone()
                        } else {
                            None
                        }
                    })
                    .expect("limited path");
                black_box(limiter.check_now(&plan));
            }
            best = best.min(t0.elapsed().as_nanos() as f64 / n as f64);
        }
        println!("{name}: {best:.0} ns per request (best of 7 rounds of {n})");
    }
}
