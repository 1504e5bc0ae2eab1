//! base64url (no padding) helpers over the `base64` crate.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Decodes standard or url-safe base64, padded or not (for configured secrets).
pub fn decode_any(text: &str) -> Option<Vec<u8>> {
    [&URL_SAFE_NO_PAD, &URL_SAFE, &STANDARD, &STANDARD_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

/// `n` random bytes from the operating system's CSPRNG, base64url encoded.
pub fn random_token(n: usize) -> String {
    encode(&crate::random::bytes(n))
}
