//! A user's linked accounts and the user itself (SPEC §11), for the server API:
//! `api.listAccounts`, `api.unlinkAccount` (never the last way to sign in: `LAST_ACCOUNT`),
//! `api.deleteUser(userId)` and `api.revokeUserSessions(userId)` (server only: an admin ends a
//! stolen or banned user's sessions on every instance).
//! Must never: show provider tokens, or act for a user other than the caller (except the two
//! server-only calls, which the app guards).

use serde_json::{json, Value};

use super::sessions::{caller_of, store_of};
use crate::auth::Auth;
use crate::clock;
use crate::error::{AuthError, Result};
use crate::session::SessionData;
use crate::store::sessions::Revoke;

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
    store.unlink_account(&caller.user_id, provider, &id).await?;
    Ok(json!({ "ok": true }))
}

/// `api.deleteUser(userId)`: the user, its accounts and sessions (revoked everywhere).
pub async fn delete_user(auth: &Auth, user_id: &str) -> Result<Value> {
    let store = store_of(auth)?;
    let deleted = store.delete_user(user_id).await?;
    Ok(json!({ "ok": true, "deleted": deleted }))
}

/// `api.revokeUserSessions(userId)`.
pub async fn revoke_user_sessions(auth: &Auth, user_id: &str) -> Result<Value> {
    let store = store_of(auth)?;
    let ended = store.revoke_sessions(Revoke::AllOfUser(user_id)).await?;
    Ok(json!({ "ok": true, "revoked": ended.len() }))
}
