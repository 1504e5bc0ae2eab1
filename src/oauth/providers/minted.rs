//! A client secret that is a short-lived ES256 JWT (Sign in with Apple): header `kid` = key id;
//! claims `iss` = team id, `sub` = client id, `aud` = the provider, `iat`, `exp`. Minted with
//! `jsonwebtoken`, cached, and minted again before it expires.

use std::sync::Mutex;

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::clock;
use crate::error::{AuthError, Result};

/// How long a minted secret is valid (Apple accepts up to six months).
pub const LIFETIME: u64 = 60 * 60;
/// A cached secret with less than this left is replaced.
pub const RENEW_BEFORE: u64 = 5 * 60;

pub struct MintedSecret {
    team_id: String,
    key_id: String,
    client_id: String,
    audience: String,
    key: EncodingKey,
    cache: Mutex<Option<(String, u64)>>,
}

impl std::fmt::Debug for MintedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MintedSecret")
            .field("team_id", &self.team_id)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

impl MintedSecret {
    /// Checks the key by minting once (a bad key is a `createAuth` error, not a failed sign-in).
    pub fn new(
        id: &str,
        team_id: String,
        key_id: String,
        private_key_pem: &str,
        client_id: String,
        audience: String,
    ) -> Result<MintedSecret> {
        // Keys pasted into one-line env values often carry literal `\n`.
        let pem = private_key_pem.trim().replace("\\n", "\n");
        let bad = |what: &str| {
            AuthError::new(
                "INVALID_PRIVATE_KEY",
                format!("Provider `{id}`: the private key {what}. Use the .p8 file's PEM text (-----BEGIN PRIVATE KEY----- ...) as `privateKey` or {}_PRIVATE_KEY.", id.to_ascii_uppercase()),
            )
        };
        let key = EncodingKey::from_ec_pem(pem.as_bytes())
            .map_err(|_| bad("is not an EC private key in PEM form"))?;
        let minted = MintedSecret {
            team_id,
            key_id,
            client_id,
            audience,
            key,
            cache: Mutex::new(None),
        };
        minted
            .mint(clock::now())
            .map_err(|_| bad("cannot sign ES256"))?;
        Ok(minted)
    }

    fn mint(&self, now: u64) -> Result<String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.key_id.clone());
        let claims = Claims {
            iss: &self.team_id,
            sub: &self.client_id,
            aud: &self.audience,
            iat: now,
            exp: now + LIFETIME,
        };
        let jwt = encode(&header, &claims, &self.key).map_err(|_| {
            AuthError::new(
                "TOKEN_EXCHANGE_FAILED",
                "The client secret could not be minted.",
            )
        })?;
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some((jwt.clone(), now + LIFETIME));
        }
        Ok(jwt)
    }

    /// The current secret, minted again when it has less than [`RENEW_BEFORE`] left.
    pub fn current(&self) -> Result<String> {
        let now = clock::now();
        let cached = self.cache.lock().ok().and_then(|c| c.clone());
        match cached {
            Some((jwt, exp)) if exp > now + RENEW_BEFORE => Ok(jwt),
            _ => self.mint(now),
        }
    }

    /// Test support: when the cached secret expires.
    pub fn expires_at(&self) -> Option<u64> {
        self.cache
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(|(_, e)| *e))
    }

    /// Test support: pretend the cached secret expires at `exp`.
    #[cfg(test)]
    pub fn set_expiry(&self, exp: u64) {
        if let Ok(mut c) = self.cache.lock() {
            if let Some(entry) = c.as_mut() {
                entry.1 = exp;
            }
        }
    }
}
