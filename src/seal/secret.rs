//! Decoding and checking the configured secret(s) and salt.

use crate::error::{AuthError, Result};

pub const MIN_KEY_BYTES: usize = 32;
/// 32 random bytes contain ~30 distinct values; fewer than this means a pattern, not randomness.
const MIN_DISTINCT_BYTES: usize = 16;

const HOW_TO_FIX: &str = "Generate one with `npx aura-auth-secret` or `node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"`";

/// Which setting a key came from, for messages.
#[derive(Clone, Copy, Debug)]
pub enum KeyKind {
    Secret,
    Salt,
}

impl KeyKind {
    fn option(self) -> &'static str {
        match self {
            KeyKind::Secret => "secret (AURA_AUTH_SECRET)",
            KeyKind::Salt => "salt (AURA_AUTH_SALT)",
        }
    }
    fn code(self) -> &'static str {
        match self {
            KeyKind::Secret => "INVALID_SECRET",
            KeyKind::Salt => "INVALID_SALT",
        }
    }
}

fn is_hex(text: &str) -> bool {
    text.len().is_multiple_of(2) && !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Decodes hex or base64(url) key material and checks its length and entropy.
pub fn decode_key(text: &str, kind: KeyKind) -> Result<Vec<u8>> {
    let text = text.trim();
    let bytes = if let Some(bytes) = is_hex(text).then(|| hex::decode(text).ok()).flatten() {
        bytes
    } else if let Some(bytes) = crate::seal::b64::decode_any(text) {
        bytes
    } else {
        return Err(AuthError::new(
            kind.code(),
            format!(
                "The {} is not hex or base64. {}.",
                kind.option(),
                HOW_TO_FIX
            ),
        ));
    };
    if bytes.len() < MIN_KEY_BYTES {
        return Err(AuthError::new(
            kind.code(),
            format!(
                "The {} decodes to {} bytes; at least {MIN_KEY_BYTES} are required. {}.",
                kind.option(),
                bytes.len(),
                HOW_TO_FIX
            ),
        ));
    }
    let mut seen = [false; 256];
    bytes.iter().for_each(|b| seen[*b as usize] = true);
    if seen.iter().filter(|s| **s).count() < MIN_DISTINCT_BYTES {
        return Err(AuthError::new(
            kind.code(),
            format!(
                "The {} has too little entropy (it looks like a pattern, not random bytes). {}.",
                kind.option(),
                HOW_TO_FIX
            ),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hex_and_base64() {
        let hex = "8f3a1c9e27b4d05f6a81c3e9b2d74f0a5c6e8b1d3f2a4c6e9b8d7f1a3c5e7b9d";
        assert_eq!(decode_key(hex, KeyKind::Secret).unwrap().len(), 32);
        let b64 = crate::seal::b64::encode(&crate::random::bytes(32));
        assert_eq!(decode_key(&b64, KeyKind::Secret).unwrap().len(), 32);
    }

    #[test]
    fn rejects_short_low_entropy_and_garbage() {
        assert_eq!(
            decode_key("abcd", KeyKind::Secret).unwrap_err().code,
            "INVALID_SECRET"
        );
        let zeros = "00".repeat(32);
        let err = decode_key(&zeros, KeyKind::Salt).unwrap_err();
        assert_eq!(err.code, "INVALID_SALT");
        assert!(err.message.contains("entropy"));
        assert!(decode_key("not base64 at all!!", KeyKind::Secret).is_err());
    }
}
