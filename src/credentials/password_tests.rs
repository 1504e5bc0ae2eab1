//! Unit tests of `credentials::password`: PHC parameters, imports (bcrypt, Better Auth scrypt),
//! rehash rules, the dummy hash, length rules.
use super::*;

#[test]
fn hashes_are_argon2id_phc_at_owasp_parameters() {
    let h = Hasher::default();
    let phc = h.hash("correct horse battery").unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(!phc.contains("correct horse"));
    assert_eq!(h.verify("correct horse battery", &phc), Verified::Yes);
    assert_eq!(h.verify("correct horse battery!", &phc), Verified::No);
    assert!(!h.needs_rehash(&phc));
    // Two hashes of one password differ (random salt).
    assert_ne!(phc, h.hash("correct horse battery").unwrap());
}

#[test]
fn verifies_argon2id_hashes_made_elsewhere() {
    // Made by @node-rs/argon2 2.2 (m=19456, t=2, p=1) for "x" * 20.
    let h = Hasher::default();
    let stored = "$argon2id$v=19$m=19456,t=2,p=1$kLmTk/on3iOzavr+eWBAcw$ji4J4DT448RlKJBUmqr16bdzA91b9E9Q6Ylk1ekC414";
    assert_eq!(h.verify(&"x".repeat(20), stored), Verified::Yes);
    assert_eq!(h.verify(&"x".repeat(21), stored), Verified::No);
    // A smaller cost verifies too (and asks for a rehash), reusing the kept memory.
    let small = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(8, 1, 1, None).unwrap(),
    );
    let salt = SaltString::encode_b64(&[1u8; 16]).unwrap();
    let weak = small
        .hash_password(b"tiny cost pw", &salt)
        .unwrap()
        .to_string();
    assert_eq!(h.verify("tiny cost pw", &weak), Verified::Rehash);
    assert_eq!(h.verify("tiny cost px", &weak), Verified::No);
    // An imported hash asking for more than 1 GiB is refused, not computed.
    let huge = "$argon2id$v=19$m=2097152,t=2,p=1$kLmTk/on3iOzavr+eWBAcw$ji4J4DT448RlKJBUmqr16bdzA91b9E9Q6Ylk1ekC414";
    assert_eq!(h.verify(&"x".repeat(20), huge), Verified::No);
}

#[test]
fn raised_parameters_ask_for_a_rehash() {
    let weak = Hasher::default().hash("correct horse battery").unwrap();
    let strong = Hasher::new(DEFAULT_MEMORY_KIB, 3, 1).unwrap();
    assert!(strong.needs_rehash(&weak));
    assert_eq!(
        strong.verify("correct horse battery", &weak),
        Verified::Rehash
    );
    assert!(Hasher::new(1024, 2, 1).is_err());
    assert!(Hasher::new(DEFAULT_MEMORY_KIB, 1, 1).is_err());
}

#[test]
fn bcrypt_imports_verify_and_ask_for_a_rehash() {
    let h = Hasher::default();
    // Cost 4 keeps the test quick; every prefix the exporters use.
    let b = bcrypt::hash_with_result("hunter2hunter2", 4).unwrap();
    for v in [
        bcrypt::Version::TwoA,
        bcrypt::Version::TwoB,
        bcrypt::Version::TwoY,
    ] {
        let s = b.format_for_version(v);
        assert_eq!(Kind::of(&s), Some(Kind::Bcrypt), "{s}");
        assert_eq!(h.verify("hunter2hunter2", &s), Verified::Rehash);
        assert_eq!(h.verify("hunter2hunter3", &s), Verified::No);
    }
}

/// A Better Auth hash of "password1234" (made with its own hashPassword: salt text as salt).
fn better_auth_hash(password: &str, salt_hex: &str) -> String {
    let params = scrypt::Params::new(14, 16, 1, 64).unwrap();
    let mut out = [0u8; 64];
    let normalized: String = password.nfkc().collect();
    scrypt::scrypt(
        normalized.as_bytes(),
        salt_hex.as_bytes(),
        &params,
        &mut out,
    )
    .unwrap();
    format!("{salt_hex}:{}", hex::encode(out))
}

#[test]
fn better_auth_scrypt_imports_verify_with_nfkc() {
    let h = Hasher::default();
    let stored = better_auth_hash("password1234", "0123456789abcdef0123456789abcdef");
    assert_eq!(Kind::of(&stored), Some(Kind::BetterAuthScrypt));
    assert_eq!(h.verify("password1234", &stored), Verified::Rehash);
    assert_eq!(h.verify("password1235", &stored), Verified::No);
    // U+FB01 (the "fi" ligature) is NFKC-equal to "fi".
    let lig = better_auth_hash("\u{FB01}ne password", "aa");
    assert_eq!(h.verify("fine password", &lig), Verified::Rehash);
}

#[test]
fn unknown_and_malformed_hashes_never_match() {
    let h = Hasher::default();
    for s in [
        "",
        "plain",
        "$2b$",
        "$argon2id$v=19$m=1",
        "zz:zz",
        "$2b$10$short",
    ] {
        assert_eq!(Kind::of(s), None, "{s}");
        assert_eq!(h.verify("anything long", s), Verified::No);
    }
    assert!(!h.verify_dummy("anything long"));
}

#[test]
fn the_dummy_hash_is_argon2id_at_todays_parameters_and_never_matches() {
    let h = Hasher::new(DEFAULT_MEMORY_KIB, 3, 1).unwrap();
    assert!(!h.verify_dummy("aura-auth dummy password"));
    let dummy = h.dummy.get().unwrap();
    assert!(
        dummy.starts_with("$argon2id$v=19$m=19456,t=3,p=1$"),
        "{dummy}"
    );
    assert_eq!(Kind::of(dummy), Some(Kind::Argon2));
    assert!(!h.needs_rehash(dummy));
}

#[test]
fn length_rules() {
    assert_eq!(
        check_length("short", 10).unwrap_err().code,
        "PASSWORD_TOO_SHORT"
    );
    assert!(check_length("ten chars!", 10).is_ok());
    // Ten characters of four bytes each are fine; 257 bytes are not.
    assert!(check_length(&"😀".repeat(10), 10).is_ok());
    assert_eq!(
        check_length(&"a".repeat(257), 10).unwrap_err().code,
        "PASSWORD_TOO_LONG"
    );
    assert!(check_length(&"a".repeat(256), 10).is_ok());
}
