//! What one configured provider keeps at run time: its resolved description, its token options,
//! the endpoints (fixed, or discovered and cached for the discovery document's lifetime, one
//! discovery at a time), the logout endpoints discovery taught, and its JWKS cache.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use url::Url;

use crate::config::TokenOptions;
use crate::error::{AuthError, Result};
use crate::http::outbound::Outbound;
use crate::oauth::endpoints::Endpoints;
use crate::oauth::oidc::{discovery, jwks::JwksCache};
use crate::oauth::providers::ProviderSpec;

pub struct ProviderRuntime {
    pub spec: ProviderSpec,
    /// Fixed endpoints (plain OAuth 2.0 and built-ins), or the last discovered ones with the
    /// time until which they are used (the discovery response's `Cache-Control` decides).
    endpoints: RwLock<Option<(Arc<Endpoints>, Option<Instant>)>>,
    /// One discovery at a time per provider.
    discovering: tokio::sync::Mutex<()>,
    /// `storeTokens`, `revokeTokens` and their endpoints.
    pub tokens: TokenOptions,
    /// Revocation and end-session endpoints learned by discovery (explicit ones win).
    discovered_logout: RwLock<(Option<Url>, Option<Url>)>,
    pub jwks: JwksCache,
    /// The last discovery failure: callers queued behind it fail fast instead of each waiting
    /// out another timeout.
    discovery_failure: Mutex<Option<(Instant, AuthError)>>,
    /// `NODE_ENV=production`: discovered loopback endpoints only from a loopback issuer.
    production: bool,
}

impl ProviderRuntime {
    pub fn new(spec: &ProviderSpec, tokens: &TokenOptions, production: bool) -> Self {
        ProviderRuntime {
            spec: spec.clone(),
            tokens: tokens.clone(),
            discovered_logout: RwLock::new((None, None)),
            endpoints: RwLock::new(Endpoints::from_spec(spec).map(|e| (Arc::new(e), None))),
            discovering: tokio::sync::Mutex::new(()),
            jwks: JwksCache::default(),
            discovery_failure: Mutex::new(None),
            production,
        }
    }

    /// The endpoints when known and not due for rediscovery (no network).
    pub fn endpoints_now(&self) -> Option<Arc<Endpoints>> {
        let slot = self.endpoints.read().ok()?;
        match slot.as_ref()? {
            (_, Some(until)) if Instant::now() >= *until => None,
            (e, _) => Some(e.clone()),
        }
    }

    /// The RFC 7009 revocation endpoint: configured, else discovered.
    pub fn revocation_url(&self) -> Option<Url> {
        self.tokens
            .revocation_url
            .clone()
            .or_else(|| self.discovered_logout.read().ok().and_then(|s| s.0.clone()))
    }

    /// The RP-initiated logout endpoint: configured, else discovered.
    pub fn end_session_url(&self) -> Option<Url> {
        self.tokens
            .end_session_url
            .clone()
            .or_else(|| self.discovered_logout.read().ok().and_then(|s| s.1.clone()))
    }

    fn stale(&self) -> Option<Arc<Endpoints>> {
        self.endpoints
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|(e, _)| e.clone()))
    }
    /// Endpoints, discovering them first for OIDC providers (again once the discovered ones are
    /// past their lifetime). A failure is not cached for later requests, but callers that were
    /// already waiting while it happened share it (so N concurrent sign-ins against a hanging
    /// provider take one timeout, not N in a row); with stale endpoints at hand, those are used.
    pub async fn endpoints(&self, outbound: &Outbound) -> Result<Arc<Endpoints>> {
        let p = self;
        if let Some(e) = p.endpoints_now() {
            return Ok(e);
        }
        let waiting_since = Instant::now();
        let _turn = p.discovering.lock().await;
        if let Some(e) = p.endpoints_now() {
            return Ok(e);
        }
        let shared = p.discovery_failure.lock().ok().and_then(|f| f.clone());
        if let Some((_, e)) = shared.filter(|(at, _)| *at >= waiting_since) {
            return p.stale().ok_or(e);
        }
        let issuer = p.spec.issuer.as_deref().unwrap_or_default();
        let result = match discovery::discover(outbound, issuer).await {
            Ok((meta, lifetime)) => {
                let from = crate::http::url_policy::Publisher {
                    issuer: &meta.issuer,
                    production: p.production,
                };
                let optional = |u: &Option<String>, field| {
                    u.as_deref().and_then(|u| {
                        crate::http::url_policy::discovered_endpoint(u, field, from).ok()
                    })
                };
                if let Ok(mut slot) = p.discovered_logout.write() {
                    *slot = (
                        optional(&meta.revocation_endpoint, "revocation_endpoint"),
                        optional(&meta.end_session_endpoint, "end_session_endpoint"),
                    );
                }
                Endpoints::from_discovery(&p.spec, &meta, p.production)
                    .map(|e| (Arc::new(e), Instant::now() + lifetime))
            }
            Err(e) => Err(e),
        };
        match result {
            Ok((e, until)) => {
                if let Ok(mut slot) = p.endpoints.write() {
                    *slot = Some((e.clone(), Some(until)));
                }
                Ok(e)
            }
            Err(e) => {
                if let Ok(mut slot) = p.discovery_failure.lock() {
                    *slot = Some((Instant::now(), e.clone()));
                }
                p.stale().ok_or(e)
            }
        }
    }
}
