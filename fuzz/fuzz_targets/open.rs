//! Sealed-token opening: `Keyring::open` never panics and never opens a token it did not seal.
//! A real token is spliced into some inputs so mutations near valid tokens are explored.
#![no_main]

use std::sync::OnceLock;

use aura_auth::seal::crypto::{associated_data, Keyring, Purpose};
use libfuzzer_sys::fuzz_target;

fn ring() -> &'static (Keyring, String) {
    static R: OnceLock<(Keyring, String)> = OnceLock::new();
    R.get_or_init(|| {
        let k = Keyring::new(&[vec![0x5au8; 32]], b"salt-salt-salt-salt-salt-salt-32");
        let t = k.seal(
            Purpose::Session,
            &associated_data(Purpose::Session, "aura-auth.session"),
            br#"{"user":{"sub":"1"}}"#,
        );
        (k, t)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (k, valid) = ring();
    let aad = associated_data(Purpose::Session, "aura-auth.session");
    for p in [Purpose::Session, Purpose::Flow, Purpose::Csrf] {
        assert!(k.open(p, &aad, text).is_none() || text == valid);
    }
    // The valid token with the input spliced over a prefix: must not open unless unchanged.
    if !text.is_empty() && text.len() < valid.len() {
        let spliced = format!("{}{}", text, &valid[text.len()..]);
        if spliced != *valid {
            assert!(k.open(Purpose::Session, &aad, &spliced).is_none());
        }
    }
});
