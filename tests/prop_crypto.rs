//! Property tests: sealed-token opening (`aura_auth::seal::crypto::Keyring::open`).

use aura_auth::seal::crypto::{associated_data, Keyring, Purpose};
use proptest::prelude::*;

fn ring() -> Keyring {
    Keyring::new(&[vec![0x5au8; 32]], b"salt-salt-salt-salt-salt-salt-32")
}

/// The associated data of the cookie `<prefix>.<purpose>` (with an optional `__Host-`).
fn aad(p: Purpose, prefix: &str) -> Vec<u8> {
    associated_data(p, &format!("{prefix}.{}", p.label()))
}

const A: &str = "aura-auth";

fn purpose() -> impl Strategy<Value = Purpose> {
    prop_oneof![
        Just(Purpose::Session),
        Just(Purpose::Flow),
        Just(Purpose::Csrf)
    ]
}

/// Strings shaped like tokens: a kid-like head, a dot, base64url-ish bodies, plus junk.
fn token_like() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        "[A-Za-z0-9_-]{0,10}\\.[A-Za-z0-9_-]{0,300}",
        "[A-Za-z0-9_-]{8}\\.[A-Za-z0-9_=+/-]{50,120}",
        "[A-Za-z0-9_.-]{0,2000}",
    ]
}

proptest! {
    #[test]
    fn arbitrary_strings_never_open(t in token_like(), p in purpose()) {
        prop_assert!(ring().open(p, &aad(p, A), &t).is_none());
    }

    #[test]
    fn seal_open_round_trip(msg in prop::collection::vec(any::<u8>(), 0..2048), p in purpose(), name in "[a-z.-]{1,20}") {
        let k = ring();
        let t = k.seal(p, &aad(p, &name), &msg);
        prop_assert_eq!(k.open(p, &aad(p, &name), &t), Some(msg));
    }

    #[test]
    fn a_token_never_opens_for_another_purpose_or_name(
        msg in prop::collection::vec(any::<u8>(), 0..256), p in purpose(), q in purpose(),
        name in "[a-z.-]{1,20}", other in "[a-z.-]{1,20}",
    ) {
        // The cookie name is `<prefix>.<purpose>`, with `__Host-` on https: vary all three.
        let t = ring().seal(p, &aad(p, &name), &msg);
        if p != q || name != other {
            prop_assert!(ring().open(q, &aad(q, &other), &t).is_none());
        }
        let host = format!("__Host-{name}");
        prop_assert!(ring().open(p, &aad(p, &host), &t).is_none());
    }

    #[test]
    fn any_single_byte_change_fails(
        msg in prop::collection::vec(any::<u8>(), 0..512), pos in any::<prop::sample::Index>(), byte in 0x20u8..0x7f,
    ) {
        let k = ring();
        let s = aad(Purpose::Session, A);
        let t = k.seal(Purpose::Session, &s, &msg);
        let i = pos.index(t.len());
        let mut b = t.clone().into_bytes();
        if b[i] == byte {
            return Ok(());
        }
        b[i] = byte;
        let m = String::from_utf8(b).unwrap();
        prop_assert!(k.open(Purpose::Session, &s, &m).is_none(), "mutated at {} opened", i);
    }

    #[test]
    fn truncation_and_extension_fail(msg in prop::collection::vec(any::<u8>(), 0..256), cut in any::<prop::sample::Index>(), tail in "[A-Za-z0-9_=.-]{1,8}") {
        let k = ring();
        let f = aad(Purpose::Flow, A);
        let t = k.seal(Purpose::Flow, &f, &msg);
        let c = cut.index(t.len());
        prop_assert!(k.open(Purpose::Flow, &f, &t[..c]).is_none());
        let extended = t.clone() + &tail;
        prop_assert!(k.open(Purpose::Flow, &f, &extended).is_none());
    }

    #[test]
    fn another_secret_never_opens(msg in prop::collection::vec(any::<u8>(), 0..128), s in prop::collection::vec(any::<u8>(), 32..64)) {
        let a = aad(Purpose::Session, A);
        let t = ring().seal(Purpose::Session, &a, &msg);
        let other = Keyring::new(&[s], b"salt-salt-salt-salt-salt-salt-32");
        if other.open(Purpose::Session, &a, &t).is_some() {
            // Only the very same secret could open it.
            prop_assert!(false, "a different keyring opened the token");
        }
    }
}
