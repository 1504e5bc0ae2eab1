//! One-time tokens for email verification, password reset and magic links (SPEC §12): 32 random
//! bytes from the OS CSPRNG, sent base64url in a link, stored only as SHA-256 over the purpose and
//! the token (so a token minted for one purpose never matches a row of another, even if a store
//! forgot to compare the purpose), single use (the store deletes the row as it reads it) and
//! expiring: verification 24 h, reset 1 h, magic link 15 min.
//!
//! The token itself never reaches a log or the database; only the mail (`email.send`) carries it.

use sha2::{Digest, Sha256};

/// What a token may be used for. A token is good for exactly one purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    MagicLink,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify-email",
            Purpose::ResetPassword => "reset-password",
            Purpose::MagicLink => "magic-link",
        }
    }

    /// Lifetime in seconds.
    pub fn ttl(self) -> u64 {
        match self {
            Purpose::VerifyEmail => 24 * 60 * 60,
            Purpose::ResetPassword => 60 * 60,
            Purpose::MagicLink => 15 * 60,
        }
    }
}

/// A freshly minted token: `token` goes into the link, `hash` and `expires_at` into the store.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub hash: String,
    pub expires_at: u64,
}

/// The encoded length of 32 bytes in unpadded base64url.
const TOKEN_LEN: usize = 43;

pub fn issue(purpose: Purpose, now: u64) -> Issued {
    let token = crate::seal::b64::random_token(32);
    let hash = digest(purpose, &token);
    Issued {
        token,
        hash,
        expires_at: now + purpose.ttl(),
    }
}

/// The stored form of a token from a link, or `None` when it cannot be one of ours (wrong length
/// or alphabet): such input is refused without touching the store.
pub fn lookup_hash(purpose: Purpose, token: &str) -> Option<String> {
    let ok =
        token.len() == TOKEN_LEN && crate::seal::b64::decode(token).is_some_and(|b| b.len() == 32);
    ok.then(|| digest(purpose, token))
}

fn digest(purpose: Purpose, token: &str) -> String {
    let mut h = Sha256::new();
    h.update(purpose.as_str().as_bytes());
    h.update([0u8]);
    h.update(token.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_random_bytes_stored_hashed() {
        let a = issue(Purpose::ResetPassword, 1000);
        let b = issue(Purpose::ResetPassword, 1000);
        assert_ne!(a.token, b.token);
        assert_eq!(crate::seal::b64::decode(&a.token).unwrap().len(), 32);
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.token));
        assert_eq!(lookup_hash(Purpose::ResetPassword, &a.token), Some(a.hash));
    }

    #[test]
    fn a_token_is_bound_to_its_purpose() {
        let t = issue(Purpose::VerifyEmail, 0);
        assert_ne!(
            lookup_hash(Purpose::MagicLink, &t.token),
            Some(t.hash.clone())
        );
        assert_ne!(lookup_hash(Purpose::ResetPassword, &t.token), Some(t.hash));
    }

    #[test]
    fn lifetimes_follow_the_spec() {
        assert_eq!(issue(Purpose::VerifyEmail, 10).expires_at, 10 + 86_400);
        assert_eq!(issue(Purpose::ResetPassword, 10).expires_at, 10 + 3_600);
        assert_eq!(issue(Purpose::MagicLink, 10).expires_at, 10 + 900);
    }

    #[test]
    fn malformed_tokens_are_refused_before_the_store() {
        for t in ["", "short", &"a".repeat(44), &"*".repeat(43)] {
            assert_eq!(lookup_hash(Purpose::MagicLink, t), None, "{t}");
        }
    }
}
