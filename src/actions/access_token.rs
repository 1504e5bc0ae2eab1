//! `api.getAccessToken` (SPEC §9): the signed-in user's stored provider token, refreshed when
//! under a minute is left. One refresh per refresh token at a time: a finished refresh stays
//! shared for [`REFRESH_GRACE`] (while its token is valid), so callers that still hold the old
//! (rotated) refresh token get the new tokens instead of spending the old one again.
//! With a database the tokens live in the account row instead (`access_token_db`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::auth::{Auth, ProviderRuntime, RefreshSlot};
use crate::clock;
use crate::error::{AuthError, Result};
use crate::http::context::session_schemes;
use crate::oauth::tokens::{self, TokenSet};
use crate::seal::cookies::RequestCookies;
use crate::session;

pub const REFRESH_GRACE: Duration = Duration::from_secs(60);

/// `NO_TOKENS`: nothing of `provider` is kept for the signed-in user.
pub(super) fn no_tokens(provider: &str) -> AuthError {
    AuthError::new(
        "NO_TOKENS",
        format!("No tokens of `{provider}` are stored for the signed-in user."),
    )
}

impl Auth {
    /// The single-flight slot of one refresh (keyed by [`refresh_key`]): callers with the same key
    /// share one call to the token endpoint. A finished refresh is shared for [`REFRESH_GRACE`],
    /// while its token is valid.
    pub(super) fn refresh_slot(&self, key: [u8; 32]) -> RefreshSlot {
        match self.refreshing.lock() {
            Ok(mut map) => {
                let now = clock::now();
                map.retain(|_, (slot, at)| {
                    at.elapsed() < REFRESH_GRACE
                        && !matches!(slot.get(), Some(Ok(t)) if t.expires_at.is_some_and(|e| e <= now))
                });
                map.entry(key)
                    .or_insert_with(|| (Arc::new(tokio::sync::OnceCell::new()), Instant::now()))
                    .0
                    .clone()
            }
            Err(_) => Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    /// Drops a failed refresh's slot (a transient error), so the next caller tries again.
    pub(super) fn forget_refresh(&self, key: &[u8; 32], slot: &RefreshSlot) {
        if let Ok(mut map) = self.refreshing.lock() {
            if map.get(key).is_some_and(|(s, _)| Arc::ptr_eq(s, slot)) {
                map.remove(key);
            }
        }
    }

    /// The stored tokens of `provider` for the signed-in user of this Cookie header, and whether
    /// they were found under the https (`__Host-`) names.
    fn stored_tokens<'a>(
        &'a self,
        provider: &str,
        cookies: &RequestCookies,
        forwarded_proto: Option<&str>,
    ) -> Result<(&'a ProviderRuntime, bool, TokenSet)> {
        let p = self.provider(provider).ok_or_else(|| {
            AuthError::new(
                "UNKNOWN_PROVIDER",
                format!("Provider `{provider}` is not configured."),
            )
        })?;
        if !p.tokens.store {
            return Err(AuthError::new(
                "NO_TOKENS",
                format!(
                    "Provider `{provider}` does not keep tokens: set `storeTokens: true` on it."
                ),
            ));
        }
        let c = &self.config;
        for &secure in session_schemes(c, forwarded_proto) {
            let Some(session) = session::read(c, cookies, &c.names(secure).session) else {
                continue;
            };
            let user: serde_json::Value =
                serde_json::from_str(&session.user_json).unwrap_or_default();
            let set = TokenSet::read(c, cookies, &tokens::cookie_name(c, secure, provider))
                .filter(|t| {
                    user["sub"] == t.sub.as_str() && user["provider"] == t.provider.as_str()
                })
                .ok_or_else(|| no_tokens(provider))?;
            return Ok((p, secure, set));
        }
        Err(AuthError::new("UNAUTHENTICATED", "Nobody is signed in."))
    }

    /// `api.getAccessToken`, without the network: the token when it has more than a minute left
    /// (or no expiry), `{"refresh":true}` when it must be refreshed first, or a coded error.
    pub fn access_token(
        &self,
        provider: &str,
        cookie: Option<&str>,
        forwarded_proto: Option<&str>,
    ) -> String {
        // With a database the tokens are in the account row: read there (I/O, so async).
        if self.store.is_some() && self.provider(provider).is_some_and(|p| p.tokens.store) {
            return r#"{"refresh":true}"#.to_string();
        }
        let cookies = RequestCookies::parse_for(cookie, &self.config.cookie_prefix);
        match self.stored_tokens(provider, &cookies, forwarded_proto) {
            Ok((_, _, set)) if !set.needs_refresh() => access_json(&set, &[]),
            Ok(_) => r#"{"refresh":true}"#.to_string(),
            Err(e) => error_json(&e, &[]),
        }
    }

    /// `api.getAccessToken` when the token must be refreshed: one refresh request per refresh
    /// token at a time, however many callers hold it; the new tokens come with the Set-Cookie
    /// lines that store them. `invalid_grant` clears the token cookie (the session stays);
    /// an unreachable provider leaves it as it is.
    pub async fn refresh_access_token(
        &self,
        provider: &str,
        cookie: Option<&str>,
        forwarded_proto: Option<&str>,
    ) -> String {
        let cookies = RequestCookies::parse_for(cookie, &self.config.cookie_prefix);
        if let (Some(store), Some(p)) = (
            &self.store,
            self.provider(provider).filter(|p| p.tokens.store),
        ) {
            return self
                .access_token_from_row(p, store, &cookies, forwarded_proto)
                .await;
        }
        let (p, secure, set) = match self.stored_tokens(provider, &cookies, forwarded_proto) {
            Ok(v) => v,
            Err(e) => return error_json(&e, &[]),
        };
        if !set.needs_refresh() {
            return access_json(&set, &[]);
        }
        let name = tokens::cookie_name(&self.config, secure, provider);
        // What the session leaves of the combined cookie budget (review finding 9).
        let budget = tokens::budget_beside(
            cookies
                .chunked(&self.config.names(secure).session)
                .map_or(0, |s| s.len()),
        );
        // Without a refresh token there is nothing to share: the refresh fails on its own.
        let Some(refresh_token) = set.refresh_token.as_deref() else {
            let endpoints = match self.endpoints(p).await {
                Ok(e) => e,
                Err(e) => return error_json(&e, &[]),
            };
            return match crate::oauth::token_calls::refresh(&self.outbound, p, &endpoints, &set)
                .await
            {
                Ok(fresh) => self.stored_answer(&fresh, &cookies, &name, secure, budget),
                Err(e) => error_json(&e, &[]),
            };
        };
        let key = refresh_key(provider, &set.sub, refresh_token);
        let slot = self.refresh_slot(key);
        let result = slot
            .get_or_init(|| async {
                let endpoints = self.endpoints(p).await?;
                crate::oauth::token_calls::refresh(&self.outbound, p, &endpoints, &set).await
            })
            .await
            .clone();
        match result {
            // A shared result is used only for the same user of the same provider.
            Ok(fresh) if fresh.sub != set.sub || fresh.provider != set.provider => error_json(
                &AuthError::new(
                    "REFRESH_FAILED",
                    "The shared refresh belongs to another user.",
                ),
                &[],
            ),
            Ok(fresh) => self.stored_answer(&fresh, &cookies, &name, secure, budget),
            Err(e) if e.code == "REFRESH_TOKEN_INVALID" => {
                let lines = cookies.clear_all(&name, secure, cookie::SameSite::Lax);
                error_json(&e, &lines)
            }
            Err(e) => {
                // Transient: the next caller may try again.
                self.forget_refresh(&key, &slot);
                error_json(&e, &[])
            }
        }
    }
}

impl Auth {
    /// The refreshed tokens with the Set-Cookie lines storing them within `budget`; when they
    /// do not fit, the stale token cookie is cleared instead (the access token is still given).
    fn stored_answer(
        &self,
        fresh: &TokenSet,
        cookies: &RequestCookies,
        name: &crate::seal::cookies::CookieName,
        secure: bool,
        budget: usize,
    ) -> String {
        let lines = match fresh.sealed_within(&self.config, name, budget) {
            Some(value) => crate::seal::cookies::set_chunked(
                cookies,
                name,
                &value,
                self.config.max_age,
                secure,
            ),
            None => cookies.clear_all(name, secure, cookie::SameSite::Lax),
        };
        access_json(fresh, &lines)
    }
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessJson<'a> {
    ok: bool,
    access_token: &'a str,
    expires_at: Option<u64>,
    scope: Option<&'a str>,
    set_cookie: &'a [String],
}

pub(crate) fn access_json(set: &TokenSet, set_cookie: &[String]) -> String {
    serde_json::to_string(&AccessJson {
        ok: true,
        access_token: &set.access_token,
        expires_at: set.expires_at,
        scope: set.scope.as_deref(),
        set_cookie,
    })
    .unwrap_or_default()
}

pub(crate) fn error_json(e: &AuthError, set_cookie: &[String]) -> String {
    serde_json::json!({ "ok": false, "code": e.code, "message": e.message, "setCookie": set_cookie })
        .to_string()
}

/// The shared-refresh key (review finding 12): (provider, subject, refresh token), each part
/// length-prefixed so no two triples hash alike.
pub(crate) fn refresh_key(provider: &str, sub: &str, refresh_token: &str) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for part in [provider, sub, refresh_token] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::refresh_key;

    #[test]
    fn finding_12_a_shared_refresh_is_keyed_by_provider_subject_and_refresh_token() {
        let k = refresh_key("oidc", "alice", "rt");
        assert_eq!(k, refresh_key("oidc", "alice", "rt"));
        assert_ne!(k, refresh_key("oidc", "bob", "rt"), "another user");
        assert_ne!(k, refresh_key("github", "alice", "rt"), "another provider");
        assert_ne!(
            refresh_key("a", "bc", "d"),
            refresh_key("ab", "c", "d"),
            "no ambiguity"
        );
    }
}
