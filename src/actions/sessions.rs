//! A user's sessions (SPEC §11): `GET sessions` (`{ sessions: [{ id, createdAt, lastSeenAt,
//! expiresAt, userAgent, ip, current }] }`), `POST sessions/revoke` (`{ sessionId }` or
//! `{ others: true }`, CSRF as sign-out), and the server API behind `api.listSessions`,
//! `api.revokeSession`, `api.revokeOtherSessions`, `api.revokeUserSessions`.
//! Must never: show the cookie's secret (only the public id), or let a user end another user's
//! session (every revocation is scoped to the caller's user id).

use cookie::SameSite;
use serde_json::{json, Value};

use super::{body_fields, field};
use crate::auth::Auth;
use crate::clock;
use crate::error::{AuthError, Result};
use crate::http::context::Context;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::session::{self, SessionData};
use crate::store::sessions::{Revoke, SessionRow};
use crate::store::Store;

fn iso(t: i64) -> String {
    clock::iso8601(t.max(0) as u64)
}

fn listing(rows: &[SessionRow], current: &str) -> Value {
    let sessions: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "createdAt": iso(r.created_at),
                "lastSeenAt": iso(r.last_seen_at),
                "expiresAt": iso(r.expires_at),
                "userAgent": r.user_agent,
                "ip": r.ip,
                "provider": r.provider,
                "current": r.id == current,
            })
        })
        .collect();
    json!({ "sessions": sessions })
}

/// The caller: a database session with its user id and public id.
pub struct Caller {
    pub user_id: String,
    pub session_id: String,
    pub session: SessionData,
}

pub fn caller_of(session: Option<SessionData>) -> Result<Caller> {
    let unauthenticated = || AuthError::new("UNAUTHENTICATED", "There is no signed-in user.");
    let session = session.ok_or_else(unauthenticated)?;
    let handle = session.handle.as_ref().ok_or_else(unauthenticated)?;
    let user: Value = serde_json::from_str(&session.user_json).map_err(|_| unauthenticated())?;
    let user_id = user["id"].as_str().ok_or_else(unauthenticated)?.to_string();
    Ok(Caller {
        user_id,
        session_id: handle.public_id(),
        session,
    })
}

pub fn store_of(auth: &Auth) -> Result<&Store> {
    auth.store.as_deref().ok_or_else(|| {
        AuthError::new(
            "DATABASE_REQUIRED",
            "This needs a database: set `database` (e.g. \"sqlite:.aura/auth.db\") in createAuth.",
        )
    })
}

/// The status an API error answers with.
pub fn status_of(code: &str) -> u16 {
    match code {
        "UNAUTHENTICATED" => 401,
        "LAST_ACCOUNT" => 409,
        "ACCOUNT_NOT_FOUND" | "SESSION_NOT_FOUND" | "DATABASE_REQUIRED" => 404,
        "DATABASE_UNAVAILABLE" | "DATABASE_NOT_MIGRATED" => 503,
        "DATABASE_ERROR" | "DATABASE_MIGRATION_FAILED" => 500,
        _ => 400,
    }
}

fn error(e: &AuthError) -> Response {
    Response::error(status_of(e.code), e.code, &e.message)
}

/// `api.listSessions` / `GET sessions`.
pub async fn list(auth: &Auth, session: Option<SessionData>) -> Result<Value> {
    let store = store_of(auth)?;
    let caller = caller_of(session)?;
    let rows = store.sessions_of(&caller.user_id).await?;
    Ok(listing(&rows, &caller.session_id))
}

/// What to end, as a request or API call asks.
pub enum Target {
    One(String),
    Others,
}

/// `api.revokeSession` / `api.revokeOtherSessions` / `POST sessions/revoke`. Returns how many
/// sessions ended and whether the caller's own was one of them.
pub async fn revoke(
    auth: &Auth,
    session: Option<SessionData>,
    target: Target,
) -> Result<(usize, bool)> {
    let store = store_of(auth)?;
    let caller = caller_of(session)?;
    let ended = match &target {
        Target::One(id) => {
            store
                .revoke_sessions(Revoke::One {
                    user_id: &caller.user_id,
                    session_id: id,
                })
                .await?
        }
        Target::Others => {
            store
                .revoke_sessions(Revoke::OthersOfUser {
                    user_id: &caller.user_id,
                    keep: &caller.session_id,
                })
                .await?
        }
    };
    if let (Target::One(_), true) = (&target, ended.is_empty()) {
        return Err(AuthError::new(
            "SESSION_NOT_FOUND",
            "No session of this user has that id.",
        ));
    }
    let own = ended.contains(&caller.session_id);
    Ok((ended.len(), own))
}

/// `GET sessions`.
pub async fn run_list(auth: &Auth, ctx: &Context<'_>) -> Response {
    let session = session::read(&auth.config, &ctx.cookies, &ctx.names.session);
    match list(auth, session).await {
        Ok(v) => Response::json(200, &v),
        Err(e) => error(&e),
    }
}

/// `POST sessions/revoke` with `{ sessionId }` or `{ others: true }`.
pub async fn run_revoke(auth: &Auth, ctx: &Context<'_>, req: &Request) -> Response {
    let fields = body_fields(req.body.as_deref());
    if let Some(refusal) = super::csrf::verify(auth, ctx, req, field(&fields, "csrfToken")) {
        return refusal;
    }
    let target = match (field(&fields, "sessionId"), field(&fields, "others")) {
        (Some(id), _) if !id.is_empty() && id.len() <= 64 => Target::One(id.to_string()),
        (None, Some("true")) => Target::Others,
        _ => {
            return Response::error(
                400,
                "BAD_REQUEST",
                "Send { \"sessionId\": \"…\" } or { \"others\": true }.",
            )
        }
    };
    let session = session::read(&auth.config, &ctx.cookies, &ctx.names.session);
    match revoke(auth, session, target).await {
        Ok((n, own)) => {
            let resp = Response::json(200, &json!({ "ok": true, "revoked": n }));
            if own {
                // The caller ended its own session: the browser is signed out too.
                resp.with_cookies(ctx.cookies.clear_all(
                    &ctx.names.session,
                    ctx.secure,
                    SameSite::Lax,
                ))
            } else {
                resp
            }
        }
        Err(e) => error(&e),
    }
}
