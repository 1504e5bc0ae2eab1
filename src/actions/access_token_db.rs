//! `api.getAccessToken` with a database (SPEC §11): the provider tokens live in the account row
//! (sealed, `oauth::account_tokens`), so every session of the user, on any device and any
//! instance, gets the same tokens. A refresh is single-flight twice over: in the process (one
//! flight per row version, shared by every concurrent caller, as without a database) and across
//! instances (a lease on the row taken by one conditional UPDATE, see
//! `store::account_tokens`). The lease holder reads the row again, refreshes, writes the new
//! (possibly rotated) tokens and frees the lease in one UPDATE; everyone else polls the row until
//! it changes, for a bounded time (then `REFRESH_TIMEOUT`).
//!
//! Must never: spend a refresh token another instance already spent (the row is re-read under
//! the lease), lose the account row or its session on a failed refresh (`invalid_grant` keeps
//! the row and drops only the refresh token), or wait without a bound.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::access_token::{access_json, error_json, no_tokens, refresh_key};
use crate::auth::{Auth, ProviderRuntime};
use crate::config::Config;
use crate::error::{AuthError, Result};
use crate::http::context::session_schemes;
use crate::oauth::account_tokens;
use crate::oauth::tokens::TokenSet;
use crate::seal::cookies::RequestCookies;
use crate::session;
use crate::store::account_tokens::TokenRow;
use crate::store::Store;

/// How often a caller waiting for another instance's refresh reads the row again.
pub const POLL: Duration = Duration::from_millis(50);

/// How long the refresh lease lasts: the refresh (discovery and the token call, each bounded by
/// the outbound timeout) always ends before it lapses.
pub fn lease_for(timeout_ms: u64) -> Duration {
    Duration::from_millis(timeout_ms.saturating_mul(2).saturating_add(5_000))
}

fn not_opened(provider: &str) -> AuthError {
    AuthError::new(
        "NO_TOKENS",
        format!("The stored tokens of `{provider}` could not be opened for this account (sealed for another account, altered, or under another secret)."),
    )
}

impl Auth {
    /// `api.getAccessToken` when a database is configured (see the module doc).
    pub(crate) async fn access_token_from_row(
        &self,
        p: &ProviderRuntime,
        store: &Arc<Store>,
        cookies: &RequestCookies<'_>,
        forwarded_proto: Option<&str>,
    ) -> String {
        match self.row_tokens(p, store, cookies, forwarded_proto).await {
            Ok(set) => access_json(&set, &[]),
            Err(e) => error_json(&e, &[]),
        }
    }

    /// The signed-in user's id and provider account id (when the session came from `provider`).
    fn session_user(
        &self,
        cookies: &RequestCookies<'_>,
        forwarded_proto: Option<&str>,
    ) -> Option<(String, Value)> {
        let c = &self.config;
        session_schemes(c, forwarded_proto)
            .iter()
            .find_map(|&secure| {
                let s = session::read(c, cookies, &c.names(secure).session)?;
                s.handle.as_ref()?;
                let user: Value = serde_json::from_str(&s.user_json).ok()?;
                Some((user.get("id")?.as_str()?.to_string(), user))
            })
    }

    async fn row_tokens(
        &self,
        p: &ProviderRuntime,
        store: &Arc<Store>,
        cookies: &RequestCookies<'_>,
        forwarded_proto: Option<&str>,
    ) -> Result<TokenSet> {
        let provider = p.spec.id.as_str();
        self.ready().await?;
        let (user_id, user) = self
            .session_user(cookies, forwarded_proto)
            .ok_or_else(|| AuthError::new("UNAUTHENTICATED", "Nobody is signed in."))?;
        let rows = store.token_rows(&user_id, provider).await?;
        // The account the session signed in with, else the newest one holding tokens.
        let same = |r: &&TokenRow| {
            user["provider"] == provider && user["sub"] == r.provider_account_id.as_str()
        };
        let row = rows
            .iter()
            .find(|r| same(r) && r.sealed.is_some())
            .or_else(|| rows.iter().find(|r| r.sealed.is_some()))
            .ok_or_else(|| no_tokens(provider))?;
        let set = account_tokens::open(&self.config, provider, row)
            .ok_or_else(|| not_opened(provider))?;
        if !set.needs_refresh() {
            return Ok(set);
        }
        let Some(refresh_token) = set.refresh_token.as_deref() else {
            return Err(no_refresh_token());
        };
        // One flight per row version in this process; a finished one is shared for the grace
        // period while its token is valid (as without a database).
        let key = refresh_key(
            provider,
            &format!("row:{}", row.account_id),
            &format!(
                "{refresh_token}\u{0}{}",
                row.sealed.as_deref().unwrap_or("")
            ),
        );
        let slot = self.refresh_slot(key);
        let lease = lease_for(self.config.timeout_ms);
        let result = slot
            .get_or_init(|| async {
                refresh_across(
                    store,
                    &self.config,
                    provider,
                    row,
                    lease,
                    |current| async move {
                        let endpoints = self.endpoints(p).await?;
                        crate::oauth::token_calls::refresh(&self.outbound, p, &endpoints, &current)
                            .await
                    },
                )
                .await
            })
            .await
            .clone();
        if let Err(e) = &result {
            if e.code != "REFRESH_TOKEN_INVALID" {
                // Transient: the next caller may try again.
                self.forget_refresh(&key, &slot);
            }
        }
        result
    }
}

fn no_refresh_token() -> AuthError {
    AuthError::new(
        "REFRESH_TOKEN_INVALID",
        "The access token expired and no usable refresh token is stored: sign in again.",
    )
}

/// The tokens another caller just wrote: used as they are, unless they expired without a
/// refresh token (the provider refused it: `REFRESH_TOKEN_INVALID`).
fn settled(config: &Config, provider: &str, row: &TokenRow) -> Result<TokenSet> {
    let set = account_tokens::open(config, provider, row).ok_or_else(|| not_opened(provider))?;
    if set.needs_refresh() && set.refresh_token.is_none() {
        return Err(no_refresh_token());
    }
    Ok(set)
}

/// Refreshes the tokens of `row` once across every instance sharing the database: the caller
/// that takes the lease runs `refresh` with the row's current tokens and stores the answer;
/// the others wait (bounded by the lease and a little) for the row to change and return what
/// was stored. `invalid_grant` keeps the row, without its refresh token.
pub async fn refresh_across<F, Fut>(
    store: &Store,
    config: &Config,
    provider: &str,
    row: &TokenRow,
    lease: Duration,
    refresh: F,
) -> Result<TokenSet>
where
    F: FnOnce(TokenSet) -> Fut,
    Fut: Future<Output = Result<TokenSet>>,
{
    let id = row.account_id.as_str();
    let lease_secs = lease.as_secs_f64().ceil() as i64;
    let deadline = Instant::now() + lease + Duration::from_secs(2);
    let mut refresh = Some(refresh);
    loop {
        if store.take_refresh_lease(id, lease_secs).await? {
            let f = refresh.take().ok_or_else(no_refresh_token)?;
            return holding_lease(store, config, provider, row, lease, f).await;
        }
        if Instant::now() >= deadline {
            return Err(AuthError::new(
                "REFRESH_TIMEOUT",
                "Another instance is refreshing these tokens and did not finish in time; try again.",
            ));
        }
        tokio::time::sleep(POLL).await;
        let now = store
            .token_row(id)
            .await?
            .ok_or_else(|| no_tokens(provider))?;
        if now.sealed != row.sealed {
            return settled(config, provider, &now);
        }
    }
}

async fn holding_lease<F, Fut>(
    store: &Store,
    config: &Config,
    provider: &str,
    seen: &TokenRow,
    lease: Duration,
    refresh: F,
) -> Result<TokenSet>
where
    F: FnOnce(TokenSet) -> Fut,
    Fut: Future<Output = Result<TokenSet>>,
{
    let id = seen.account_id.as_str();
    let release = || async {
        let _ = store.release_refresh_lease(id).await;
    };
    // Another instance may have refreshed between our read and our lease: use its tokens.
    let current = match store.token_row(id).await {
        Ok(Some(row)) => row,
        Ok(None) => return Err(no_tokens(provider)),
        Err(e) => {
            release().await;
            return Err(e);
        }
    };
    if current.sealed != seen.sealed {
        release().await;
        return settled(config, provider, &current);
    }
    let Some(set) = account_tokens::open(config, provider, &current) else {
        release().await;
        return Err(not_opened(provider));
    };
    let limit = lease.saturating_sub(Duration::from_secs(2));
    let answer = tokio::time::timeout(limit, refresh(set.clone()))
        .await
        .unwrap_or_else(|_| {
            Err(AuthError::new(
                "PROVIDER_UNAVAILABLE",
                "The provider's token endpoint did not answer in time.",
            ))
        });
    match answer {
        Ok(fresh) => {
            // Stored with the (possibly rotated) refresh token; the lease is freed with it. The
            // caller gets the new token even if the write failed (it works at the provider).
            let _ = account_tokens::save(store, config, id, &fresh).await;
            Ok(fresh)
        }
        Err(e) if e.code == "REFRESH_TOKEN_INVALID" => {
            let kept = TokenSet {
                refresh_token: None,
                ..set
            };
            if account_tokens::save(store, config, id, &kept)
                .await
                .is_err()
            {
                release().await;
            }
            Err(e)
        }
        Err(e) => {
            release().await;
            Err(e)
        }
    }
}

#[cfg(test)]
#[path = "access_token_db_tests.rs"]
mod tests;
