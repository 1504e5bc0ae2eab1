//! A user's linked accounts and the user itself (SPEC §11), for the server API:
//! `api.listAccounts`, `api.unlinkAccount` (never the last way to sign in: `LAST_ACCOUNT`),
//! `api.deleteUser(userId)` and `api.revokeUserSessions(userId)` (server only: an admin ends a
//! stolen or banned user's sessions on every instance).
//! An account that goes (unlinked, or with its user) takes its stored provider tokens with it,
//! and where its provider has `revokeTokens` they are revoked there too (RFC 7009, bounded, best
//! effort: the row is gone whatever the provider answers).
//! Must never: show provider tokens, or act for a user other than the caller (except the two
//! server-only calls, which the app guards).

use serde_json::{json, Value};

use super::sessions::{caller_of, store_of};
use crate::auth::Auth;
use crate::clock;
use crate::error::{AuthError, Result};
use crate::oauth::tokens::TokenSet;
use crate::session::SessionData;
use crate::store::sessions::Revoke;
use crate::store::Store;

/// `api.listAccounts({ headers })`: `{ accounts: [{ id, provider, providerAccountId, type, createdAt }] }`.
pub async fn list(auth: &Auth, session: Option<SessionData>) -> Result<Value> {
    let store = store_of(auth)?;
    let caller = caller_of(session)?;
    let rows = store.accounts_of(&caller.user_id).await?;
    let accounts: Vec<Value> = rows
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "provider": a.provider,
                "providerAccountId": a.provider_account_id,
                "type": a.kind,
                "createdAt": clock::iso8601(a.created_at.max(0) as u64),
            })
        })
        .collect();
    Ok(json!({ "accounts": accounts }))
}

/// `api.unlinkAccount({ headers, provider, providerAccountId })`.
pub async fn unlink(
    auth: &Auth,
    session: Option<SessionData>,
    provider: &str,
    provider_account_id: Option<&str>,
) -> Result<Value> {
    let store = store_of(auth)?;
    let caller = caller_of(session)?;
    // Without an explicit account id, the user's one account of that provider.
    let id =
        match provider_account_id {
            Some(id) => id.to_string(),
            None => {
                let of_provider: Vec<_> = store
                    .accounts_of(&caller.user_id)
                    .await?
                    .into_iter()
                    .filter(|a| a.provider == provider)
                    .collect();
                match of_provider.as_slice() {
                    [one] => one.provider_account_id.clone(),
                    [] => {
                        return Err(AuthError::new(
                            "ACCOUNT_NOT_FOUND",
                            "This user has no such linked account.",
                        ))
                    }
                    _ => return Err(AuthError::new(
                        "BAD_REQUEST",
                        "This user has several accounts of that provider: pass providerAccountId.",
                    )),
                }
            }
        };
    let tokens = revocable(auth, store, &caller.user_id, Some((provider, &id))).await;
    store.unlink_account(&caller.user_id, provider, &id).await?;
    revoke_at_providers(auth, tokens).await;
    Ok(json!({ "ok": true }))
}

/// `api.deleteUser(userId)`: the user, its accounts and sessions (revoked everywhere).
pub async fn delete_user(auth: &Auth, user_id: &str) -> Result<Value> {
    let store = store_of(auth)?;
    let tokens = revocable(auth, store, user_id, None).await;
    let deleted = store.delete_user(user_id).await?;
    revoke_at_providers(auth, tokens).await;
    Ok(json!({ "ok": true, "deleted": deleted }))
}

/// `api.revokeUserSessions(userId)`.
pub async fn revoke_user_sessions(auth: &Auth, user_id: &str) -> Result<Value> {
    let store = store_of(auth)?;
    let ended = store.revoke_sessions(Revoke::AllOfUser(user_id)).await?;
    Ok(json!({ "ok": true, "revoked": ended.len() }))
}

/// The stored tokens of the user's accounts (or of the one `(provider, providerAccountId)`) whose
/// provider revokes tokens (`revokeTokens`), opened while their rows still exist.
async fn revocable(
    auth: &Auth,
    store: &Store,
    user_id: &str,
    only: Option<(&str, &str)>,
) -> Vec<TokenSet> {
    let mut providers: Vec<String> = match only {
        Some((provider, _)) => vec![provider.to_string()],
        None => store
            .accounts_of(user_id)
            .await
            .map(|rows| rows.into_iter().map(|a| a.provider).collect())
            .unwrap_or_default(),
    };
    providers.sort();
    providers.dedup();
    let mut sets = Vec::new();
    for provider in providers {
        if !auth.provider(&provider).is_some_and(|p| p.tokens.revoke) {
            continue;
        }
        let Ok(rows) = store.token_rows(user_id, &provider).await else {
            continue;
        };
        sets.extend(
            rows.iter()
                .filter(|r| only.is_none_or(|(_, id)| r.provider_account_id == id))
                .filter_map(|r| crate::oauth::account_tokens::open(&auth.config, &provider, r)),
        );
    }
    sets
}

/// Revokes each set at its provider, each call bounded by the outbound timeout.
async fn revoke_at_providers(auth: &Auth, sets: Vec<TokenSet>) {
    let limit = std::time::Duration::from_millis(auth.config.timeout_ms);
    for set in sets {
        let Some(p) = auth.provider(&set.provider) else {
            continue;
        };
        if let Ok(endpoints) = auth.endpoints(p).await {
            crate::oauth::token_calls::revoke(&auth.outbound, p, &endpoints, &set, limit).await;
        }
    }
}
