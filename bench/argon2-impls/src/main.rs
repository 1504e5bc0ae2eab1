//! Times one argon2id run (m = 19456 KiB, t = 2, p = 1, 32-byte output) with each implementation,
//! interleaved, and prints the medians as JSON. See Cargo.toml.
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use argon2::{Algorithm, Argon2, Block, Params, Version};
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(30);
    let pw = b"correct horse battery staple";
    let salt = [7u8; 16];
    let mut out = [0u8; 32];

    let p = Params::new(19456, 2, 1, Some(32)).unwrap();
    let a = Argon2::new(Algorithm::Argon2id, Version::V0x13, p.clone());
    let mut mem = vec![Block::default(); p.block_count()];
    let p6 = argon2_06::Params::new(19456, 2, 1, Some(32)).unwrap();
    let a6 = argon2_06::Argon2::new(argon2_06::Algorithm::Argon2id, argon2_06::Version::V0x13, p6.clone());
    let mut mem6 = vec![argon2_06::Block::default(); p6.block_count()];
    let phc = a
        .hash_password(pw, &SaltString::encode_b64(&salt).unwrap())
        .unwrap()
        .to_string();

    let mut r = [vec![], vec![], vec![], vec![], vec![]];
    for i in 0..n + 3 {
        let t = Instant::now();
        a.hash_password_into(pw, &salt, &mut out).unwrap();
        let f5 = ms(t);
        let t = Instant::now();
        a.hash_password_into_with_memory(pw, &salt, &mut out, &mut mem).unwrap();
        let r5 = ms(t);
        let t = Instant::now();
        a6.hash_password_into(pw, &salt, &mut out).unwrap();
        let f6 = ms(t);
        let t = Instant::now();
        a6.hash_password_into_with_memory(pw, &salt, &mut out, &mut mem6).unwrap();
        let r6 = ms(t);
        let t = Instant::now();
        argon2_rust::Argon2::verify_encoded(&phc, pw, argon2_rust::Algorithm::Argon2id).unwrap();
        let ar = ms(t);
        if i >= 3 {
            for (v, x) in r.iter_mut().zip([f5, r5, f6, r6, ar]) {
                v.push(x);
            }
        }
    }
    let [f5, r5, f6, r6, ar] = r.map(median);
    println!(
        "{{\"runs\":{n},\"rustcrypto_0_5_3_fresh_ms\":{f5:.2},\"rustcrypto_0_5_3_reused_ms\":{r5:.2},\"rustcrypto_0_6_0_fresh_ms\":{f6:.2},\"rustcrypto_0_6_0_reused_ms\":{r6:.2},\"argon2_rust_1_1_0_verify_ms\":{ar:.2},\"argon2_rust_backend\":\"{:?}\"}}",
        argon2_rust::detected_backend()
    );
}
