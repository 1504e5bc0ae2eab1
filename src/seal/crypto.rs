//! Sealing: XChaCha20-Poly1305 under per-purpose keys derived by HKDF-SHA256 from secret + salt.
//!
//! Token format: `<kid>.<base64url(nonce[24] || ciphertext || tag)>`. The associated data binds the
//! purpose and the cookie's full name as sent (with any `__Host-` prefix), so a token sealed for
//! one cookie never opens as another, nor under the plain name of the same cookie.
//! `kid` names the secret that sealed it; with a rotated secret list the first secret seals and
//! every secret opens.

use chacha20poly1305::aead::{Aead, AeadInOut, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;

const NONCE_LEN: usize = 24;
const KID_BYTES: usize = 6;
/// Tokens longer than this are refused before any decoding work.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// What a key is for: one key per purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Session,
    Flow,
    Csrf,
    /// A sign-in or session update waiting for the app's hooks (never leaves the process).
    Ticket,
    /// The provider's tokens (`storeTokens`) in their cookie.
    Tokens,
    /// The provider's tokens in a database account row (SPEC §11): a key of their own, so a
    /// sealed row never opens as a cookie, nor a cookie as a row.
    AccountTokens,
}

impl Purpose {
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Session => "session",
            Purpose::Flow => "flow",
            Purpose::Csrf => "csrf",
            Purpose::Ticket => "ticket",
            Purpose::Tokens => "tokens",
            Purpose::AccountTokens => "account-tokens",
        }
    }
}

struct KeySet {
    kid: String,
    session: XChaCha20Poly1305,
    flow: XChaCha20Poly1305,
    csrf: XChaCha20Poly1305,
    ticket: XChaCha20Poly1305,
    tokens: XChaCha20Poly1305,
    account_tokens: XChaCha20Poly1305,
}

impl KeySet {
    fn derive(secret: &[u8], salt: &[u8]) -> Self {
        let hk = Hkdf::<Sha256>::new(Some(salt), secret);
        let key = |purpose: Purpose| {
            let mut okm = [0u8; 32];
            let info = format!("aura-auth/v1/{}", purpose.label());
            // 32 bytes is far below HKDF-SHA256's 8160-byte output limit, so expand cannot fail.
            hk.expand(info.as_bytes(), &mut okm)
                .expect("32-byte HKDF output");
            XChaCha20Poly1305::new(&okm.into())
        };
        let mut kid = [0u8; KID_BYTES];
        hk.expand(b"aura-auth/v1/kid", &mut kid)
            .expect("6-byte HKDF output");
        KeySet {
            kid: crate::seal::b64::encode(&kid),
            session: key(Purpose::Session),
            flow: key(Purpose::Flow),
            csrf: key(Purpose::Csrf),
            ticket: key(Purpose::Ticket),
            tokens: key(Purpose::Tokens),
            account_tokens: key(Purpose::AccountTokens),
        }
    }

    fn cipher(&self, purpose: Purpose) -> &XChaCha20Poly1305 {
        match purpose {
            Purpose::Session => &self.session,
            Purpose::Flow => &self.flow,
            Purpose::Csrf => &self.csrf,
            Purpose::Ticket => &self.ticket,
            Purpose::Tokens => &self.tokens,
            Purpose::AccountTokens => &self.account_tokens,
        }
    }
}

/// The keys of every configured secret (the first one seals).
pub struct Keyring {
    sets: Vec<KeySet>,
}

/// The associated data of a sealed cookie: purpose and full cookie name.
pub fn associated_data(purpose: Purpose, cookie_name: &str) -> Vec<u8> {
    format!("aura-auth/v2|{}|{cookie_name}", purpose.label()).into_bytes()
}

impl Keyring {
    /// `secrets` must be non-empty (config validation guarantees it).
    pub fn new(secrets: &[Vec<u8>], salt: &[u8]) -> Self {
        Keyring {
            sets: secrets.iter().map(|s| KeySet::derive(s, salt)).collect(),
        }
    }

    /// Seals `plaintext` for `purpose` under the associated data `aad` (see [`associated_data`]).
    pub fn seal(&self, purpose: Purpose, aad: &[u8], plaintext: &[u8]) -> String {
        let set = &self.sets[0];
        let mut nonce = [0u8; NONCE_LEN];
        crate::random::fill(&mut nonce);
        let ciphertext = set
            .cipher(purpose)
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption of an in-memory buffer");
        let mut raw = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&ciphertext);
        let mut token = String::with_capacity(set.kid.len() + 1 + raw.len() * 4 / 3 + 4);
        token.push_str(&set.kid);
        token.push('.');
        token.push_str(&crate::seal::b64::encode(&raw));
        token
    }

    /// Opens a token sealed by [`Keyring::seal`] for the same purpose and associated data. Any
    /// failure (unknown key, malformed, tampered, another cookie) is `None`: treated as absent.
    pub fn open(&self, purpose: Purpose, aad: &[u8], token: &str) -> Option<Vec<u8>> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let (kid, body) = token.split_once('.')?;
        let set = self.sets.iter().find(|s| s.kid == kid)?;
        let mut raw = crate::seal::b64::decode(body)?;
        if raw.len() < NONCE_LEN + 16 {
            return None;
        }
        let nonce = XNonce::try_from(&raw[..NONCE_LEN]).ok()?;
        raw.drain(..NONCE_LEN);
        set.cipher(purpose)
            .decrypt_in_place(&nonce, aad, &mut raw)
            .ok()?;
        Some(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(secrets: &[&[u8]]) -> Keyring {
        let secrets: Vec<Vec<u8>> = secrets.iter().map(|s| s.to_vec()).collect();
        Keyring::new(&secrets, b"salt-salt-salt-salt-salt-salt-32")
    }

    const S: &[u8] = b"aura-auth/v2|session|aura-auth.session";

    #[test]
    fn seal_open_roundtrip() {
        let k = ring(&[&[7u8; 32]]);
        let t = k.seal(Purpose::Session, S, b"hello");
        assert_eq!(k.open(Purpose::Session, S, &t).unwrap(), b"hello");
    }

    #[test]
    fn rule1_cookie_name_and_purpose_are_bound() {
        let k = ring(&[&[7u8; 32]]);
        let aad = associated_data(Purpose::Flow, "aura-auth.flow");
        let flow = k.seal(Purpose::Flow, &aad, b"{}");
        assert!(k.open(Purpose::Session, &aad, &flow).is_none());
        assert!(k.open(Purpose::Csrf, &aad, &flow).is_none());
        assert!(k.open(Purpose::Flow, &aad, &flow).is_some());
        // Same secret, another cookie name (another prefix): does not open.
        let other = associated_data(Purpose::Flow, "other-app.flow");
        assert!(k.open(Purpose::Flow, &other, &flow).is_none());
    }

    #[test]
    fn rule11_the_full_cookie_name_is_bound() {
        let k = ring(&[&[7u8; 32]]);
        let host = associated_data(Purpose::Session, "__Host-aura-auth.session");
        let plain = associated_data(Purpose::Session, "aura-auth.session");
        let t = k.seal(Purpose::Session, &host, b"x");
        assert!(k.open(Purpose::Session, &plain, &t).is_none());
        assert!(k.open(Purpose::Session, &host, &t).is_some());
        let t = k.seal(Purpose::Session, &plain, b"x");
        assert!(k.open(Purpose::Session, &host, &t).is_none());
    }

    #[test]
    fn rule1_key_rotation_by_kid() {
        let old = ring(&[&[1u8; 32]]);
        let t_old = old.seal(Purpose::Session, S, b"old");
        let rotated = ring(&[&[2u8; 32], &[1u8; 32]]);
        assert_eq!(rotated.open(Purpose::Session, S, &t_old).unwrap(), b"old");
        let t_new = rotated.seal(Purpose::Session, S, b"new");
        assert!(old.open(Purpose::Session, S, &t_new).is_none());
        assert_ne!(t_old.split('.').next(), t_new.split('.').next());
    }

    #[test]
    fn rule2_every_single_byte_mutation_fails() {
        let k = ring(&[&[9u8; 32]]);
        let t = k.seal(Purpose::Session, S, b"{\"a\":1}");
        let bytes = t.as_bytes();
        for i in 0..bytes.len() {
            for delta in [1u8, 0x20, 0x80] {
                let mut m = bytes.to_vec();
                m[i] = m[i].wrapping_add(delta);
                if let Ok(s) = std::str::from_utf8(&m) {
                    if s != t {
                        assert!(k.open(Purpose::Session, S, s).is_none(), "mutation at {i}");
                    }
                }
            }
        }
        for cut in 0..t.len() {
            assert!(k.open(Purpose::Session, S, &t[..cut]).is_none());
        }
    }
}
