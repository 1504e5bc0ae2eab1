//! The provider's signing keys, cached per provider; an unknown `kid` triggers at most one
//! refetch per [`REFETCH_INTERVAL`], then fails closed.
//!
//! Fetches are single-flight (under the cache's lock). Callers that queued behind a fetch that
//! failed get that failure at once instead of each trying again, so N concurrent callbacks
//! against a hanging JWKS endpoint take one timeout, not N.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Header};
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use crate::error::{AuthError, Result};
use crate::http::outbound::{Outbound, OutboundError};

pub const REFETCH_INTERVAL: Duration = Duration::from_secs(60);
/// Keys are refetched when older than this, so a key replaced under the same `kid` is seen.
pub const MAX_AGE: Duration = Duration::from_secs(60 * 60);

#[derive(Default)]
struct State {
    keys: Option<Vec<Jwk>>,
    /// When `keys` were fetched: after [`MAX_AGE`] they are fetched again.
    fetched_at: Option<Instant>,
    last_refetch: Option<Instant>,
    /// The error of the most recent failed fetch (cleared by a successful one).
    last_error: Option<AuthError>,
}

#[derive(Default)]
pub struct JwksCache {
    state: Mutex<State>,
    /// Completed fetch attempts; read before waiting for the lock to notice one that finished
    /// (and failed) meanwhile.
    attempts: AtomicU64,
}

fn invalid(message: &str) -> AuthError {
    AuthError::new("ID_TOKEN_INVALID", message)
}

async fn fetch(outbound: &Outbound, url: &Url) -> Result<Vec<Jwk>> {
    let value = outbound.get_json(url, None).await.map_err(|e| {
        // Unreachable or silent: try again later. Anything else (a redirect, HTML, an error
        // status, an oversized or broken document) means the keys cannot be used.
        let code = match e {
            OutboundError::Timeout | OutboundError::Connect => "PROVIDER_UNAVAILABLE",
            _ => "ID_TOKEN_INVALID",
        };
        AuthError::new(code, format!("Loading the provider's keys failed: {e}."))
    })?;
    let keys = value
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("The provider's JWKS has no `keys`."))?;
    // Keys of kinds this library does not use are skipped, not fatal.
    Ok(keys
        .iter()
        .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
        .collect())
}

/// Whether a JWK can verify `alg`: asymmetric, right family, not an encryption key, and its own
/// `alg` (when given) equal to the header's.
fn usable(jwk: &Jwk, alg: Algorithm) -> bool {
    let family_ok = matches!(
        (&jwk.algorithm, alg),
        (
            AlgorithmParameters::RSA(_),
            Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
        ) | (
            AlgorithmParameters::EllipticCurve(_),
            Algorithm::ES256 | Algorithm::ES384
        ) | (AlgorithmParameters::OctetKeyPair(_), Algorithm::EdDSA)
    );
    let use_ok = !matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption));
    let alg_ok = jwk
        .common
        .key_algorithm
        .map(|ka| ka.to_string() == format!("{alg:?}"))
        .unwrap_or(true);
    family_ok && use_ok && alg_ok
}

fn select(keys: &[Jwk], header: &Header) -> Option<DecodingKey> {
    let jwk = match &header.kid {
        Some(kid) => keys
            .iter()
            .find(|k| k.common.key_id.as_deref() == Some(kid.as_str()) && usable(k, header.alg))?,
        None => {
            let mut candidates = keys.iter().filter(|k| usable(k, header.alg));
            let only = candidates.next()?;
            if candidates.next().is_some() {
                return None; // several keys and no kid: ambiguous, refuse
            }
            only
        }
    };
    DecodingKey::from_jwk(jwk).ok()
}

impl JwksCache {
    /// Fetches under the lock, recording the outcome for callers queued behind this one.
    async fn fetch_into(&self, state: &mut State, outbound: &Outbound, url: &Url) -> Result<()> {
        let result = fetch(outbound, url).await;
        self.attempts.fetch_add(1, Ordering::SeqCst);
        match result {
            Ok(keys) => {
                state.keys = Some(keys);
                state.fetched_at = Some(Instant::now());
                state.last_error = None;
                Ok(())
            }
            Err(e) => {
                state.last_error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// The key that should verify a token with this header.
    pub async fn key_for(
        &self,
        outbound: &Outbound,
        url: &Url,
        header: &Header,
    ) -> Result<DecodingKey> {
        let attempts_before = self.attempts.load(Ordering::SeqCst);
        let mut state = self.state.lock().await;
        let fetched_while_waiting = self.attempts.load(Ordering::SeqCst) != attempts_before;
        let expired = state.fetched_at.is_some_and(|t| t.elapsed() >= MAX_AGE);
        let fresh = state.keys.is_none() || expired;
        if fresh {
            if let (true, Some(e)) = (fetched_while_waiting, &state.last_error) {
                return Err(e.clone());
            }
            self.fetch_into(&mut state, outbound, url).await?;
        }
        if let Some(key) = state.keys.as_deref().and_then(|k| select(k, header)) {
            return Ok(key);
        }
        let may_refetch = !fresh
            && header.kid.is_some()
            && state
                .last_refetch
                .is_none_or(|t| t.elapsed() >= REFETCH_INTERVAL);
        if may_refetch {
            state.last_refetch = Some(Instant::now());
            self.fetch_into(&mut state, outbound, url).await?;
            if let Some(key) = state.keys.as_deref().and_then(|k| select(k, header)) {
                return Ok(key);
            }
        }
        Err(invalid(
            "No usable key of the provider matches the id_token.",
        ))
    }
}
