//! The passkey endpoints (SPEC §14): `POST passkey/register/options`, `POST passkey/register`
//! (signed in), `POST passkey/signIn/options`, `POST passkey/signIn`, `GET passkeys`,
//! `POST passkeys/delete`. Every POST passes the sign-out CSRF/Origin rule first. Challenges are
//! kept in the store, single-use (taken before anything is checked, so a failed or replayed
//! answer spends it) and live 5 minutes. Verification is `crate::passkeys::ceremony`'s; this
//! module only moves data between the request, the ceremony, the store and the cookies, and
//! never echoes what the crate said about a refused response (it goes to the log).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::Auth;
use crate::clock;
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::log::{Level, LogEntry};
use crate::passkeys::ceremony::{self, Refusal, CHALLENGE_TTL_SECS};
use crate::passkeys::config::PasskeyConfig;
use crate::passkeys::store::{PasskeyRow, PasskeyStore};
use crate::passkeys::PASSKEY_PROVIDER;

mod session;

pub use session::after_hooks;

/// Which passkey endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    RegisterOptions,
    Register,
    SignInOptions,
    SignIn,
    List,
    Delete,
}

const REG: &str = "passkey-register:";
const AUTH: &str = "passkey-signin:";
const MAX_NAME: usize = 64;

/// An answer, or the response that refuses (boxed: a `Response` is large).
pub(super) type Out<T> = Result<T, Box<Response>>;

/// What is kept for a challenge: the ceremony's state, and for a registration the user it is for.
#[derive(Serialize, Deserialize)]
struct Kept {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<String>,
    state: String,
}

fn body(req: &Request) -> Value {
    req.body
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
        .filter(Value::is_object)
        .unwrap_or(Value::Null)
}

fn refused(r: &Refusal) -> Response {
    let (status, message) = match r.code {
        "PASSKEY_INVALID" => (400, "The passkey response is malformed."),
        "PASSKEY_CHALLENGE_INVALID" => (
            400,
            "This passkey request is unknown, already used or expired; start again.",
        ),
        "PASSKEY_CHALLENGE_EXPIRED" => (400, "The passkey request expired; start again."),
        "PASSKEY_UNKNOWN" => (401, "This passkey is not registered here."),
        "PASSKEY_USER_NOT_VERIFIED" => (
            401,
            "The authenticator did not verify the user (PIN or biometrics); this app requires it.",
        ),
        "PASSKEY_ORIGIN_MISMATCH" => (
            401,
            "The passkey was used from an origin this app does not accept.",
        ),
        "PASSKEY_COUNTER_REGRESSED" => (
            401,
            "The passkey's signature counter went backwards; it may have been cloned.",
        ),
        _ => (401, "The passkey could not be verified."),
    };
    let level = if r.code == "PASSKEY_COUNTER_REGRESSED" {
        Level::Error
    } else {
        Level::Warn
    };
    let mut resp = Response::error(status, r.code, message);
    resp.log.clear();
    // The crate's reason is the library's own text about the response's structure, never a
    // secret; it helps whoever reads the log.
    resp.with_log(LogEntry::new(
        level,
        r.code,
        &format!("{message} ({})", r.detail),
        Some(PASSKEY_PROVIDER),
    ))
}

fn store_failed(e: &crate::AuthError) -> Response {
    let status = match e.code {
        "LAST_ACCOUNT" => 409,
        "DATABASE_UNAVAILABLE" => 503,
        _ => 500,
    };
    Response::error(status, e.code, &e.message)
}

fn signed_in_user(auth: &Auth, ctx: &Context) -> Out<String> {
    super::sign_in_user::session_user_id(auth, ctx)
        .ok_or_else(|| Box::new(Response::error(401, "UNAUTHENTICATED", "Sign in first.")))
}

/// Handles one passkey endpoint. `cfg` and `store` are present (the dispatcher answers
/// `PASSKEYS_NOT_CONFIGURED` otherwise).
pub async fn run(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    step: Step,
    cfg: &PasskeyConfig,
    store: &dyn PasskeyStore,
) -> Response {
    if step != Step::List {
        if let Some(refusal) = super::csrf::verify(auth, ctx, req, None) {
            return refusal;
        }
    }
    let result = match step {
        Step::RegisterOptions => register_options(auth, ctx, cfg, store).await,
        Step::Register => register(auth, ctx, req, cfg, store).await,
        Step::SignInOptions => sign_in_options(cfg, store).await,
        Step::SignIn => sign_in(auth, ctx, req, cfg, store).await,
        Step::List => list(auth, ctx, store).await,
        Step::Delete => delete(auth, ctx, req, store).await,
    };
    result.unwrap_or_else(|resp| *resp)
}

async fn keep(store: &dyn PasskeyStore, key: String, kept: &Kept) -> Out<()> {
    let value = serde_json::to_vec(kept).unwrap_or_default();
    store
        .put_challenge(&key, &value, clock::now() + CHALLENGE_TTL_SECS)
        .await
        .map_err(|e| Box::new(store_failed(&e)))
}

/// Takes (single use) the state kept under `key`; nothing kept (never issued, used, expired) is
/// `PASSKEY_CHALLENGE_INVALID`.
async fn take(store: &dyn PasskeyStore, key: &str) -> Out<Kept> {
    let kept = store
        .take_challenge(key)
        .await
        .map_err(|e| store_failed(&e))?;
    kept.and_then(|v| serde_json::from_slice::<Kept>(&v).ok())
        .ok_or_else(|| {
            Box::new(refused(&Refusal {
                code: "PASSKEY_CHALLENGE_INVALID",
                detail: "no live challenge".into(),
            }))
        })
}

async fn register_options(
    auth: &Auth,
    ctx: &Context<'_>,
    cfg: &PasskeyConfig,
    store: &dyn PasskeyStore,
) -> Out<Response> {
    let user_id = signed_in_user(auth, ctx)?;
    let user = store
        .passkey_user(&user_id)
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(|| {
            Response::error(
                401,
                "UNAUTHENTICATED",
                "This user no longer exists; sign in again.",
            )
        })?;
    let existing = store
        .list_passkeys(&user_id)
        .await
        .map_err(|e| store_failed(&e))?;
    let handle = existing
        .first()
        .map(|r| r.credential.user_handle.clone())
        .unwrap_or_else(ceremony::new_user_handle);
    let creds: Vec<_> = existing.iter().map(|r| r.credential.clone()).collect();
    let label = user
        .email
        .clone()
        .or(user.name.clone())
        .unwrap_or_else(|| "user".into());
    let display = user.name.clone().unwrap_or_else(|| label.clone());
    let started = ceremony::start_registration(cfg, &handle, &label, &display, &creds);
    challenge(store, REG, Some(user_id), started).await
}

async fn register(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    cfg: &PasskeyConfig,
    store: &dyn PasskeyStore,
) -> Out<Response> {
    let user_id = signed_in_user(auth, ctx)?;
    let body = body(req);
    let response = body["response"].to_string();
    let key = ceremony::registration_key(&response).map_err(|r| refused(&r))?;
    let kept = take(store, &format!("{REG}{key}")).await?;
    if kept.user.as_deref() != Some(user_id.as_str()) {
        return Err(Box::new(refused(&Refusal {
            code: "PASSKEY_CHALLENGE_INVALID",
            detail: "the challenge was issued to another user".into(),
        })));
    }
    let state = crate::seal::b64::decode(&kept.state).unwrap_or_default();
    let credential =
        ceremony::finish_registration(cfg, &state, &response).map_err(|r| refused(&r))?;
    let name: String = body["name"]
        .as_str()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("Passkey")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let row = PasskeyRow {
        credential,
        user_id,
        name,
        created_at: clock::now() as i64,
        last_used_at: None,
    };
    store
        .insert_passkey(&row)
        .await
        .map_err(|e| store_failed(&e))?;
    let resp = Response::json(
        200,
        &serde_json::json!({ "ok": true, "passkey": listing(&row) }),
    )
    .with_log(LogEntry::new(
        Level::Info,
        "PASSKEY_REGISTERED",
        "A passkey was registered.",
        Some(PASSKEY_PROVIDER),
    ));
    // A passkey is an account joining the user: the same event as a linked provider.
    Ok(resp.with_event(
        "linkAccount",
        serde_json::json!({
            "userId": row.user_id,
            "account": { "provider": PASSKEY_PROVIDER, "providerAccountId": row.credential.id, "type": "webauthn" },
        }),
    ))
}

async fn sign_in_options(cfg: &PasskeyConfig, store: &dyn PasskeyStore) -> Out<Response> {
    challenge(store, AUTH, None, ceremony::start_sign_in(cfg)).await
}

/// Keeps a started ceremony's state (single use, under its challenge's key and the ceremony's
/// prefix, bound to `user` for a registration) and answers its options for the browser.
async fn challenge(
    store: &dyn PasskeyStore,
    prefix: &str,
    user: Option<String>,
    started: crate::error::Result<ceremony::Started>,
) -> Out<Response> {
    let started = started.map_err(|e| Response::error(500, e.code, &e.message))?;
    let kept = Kept {
        user,
        state: crate::seal::b64::encode(&started.state),
    };
    keep(store, format!("{prefix}{}", started.key), &kept).await?;
    Ok(Response::json(
        200,
        &serde_json::json!({ "options": started.options }),
    ))
}

async fn sign_in(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    cfg: &PasskeyConfig,
    store: &dyn PasskeyStore,
) -> Out<Response> {
    let body = body(req);
    let assertion =
        ceremony::parse_assertion(&body["response"].to_string()).map_err(|r| refused(&r))?;
    let kept = take(store, &format!("{AUTH}{}", assertion.key)).await?;
    let unknown = || {
        refused(&Refusal {
            code: "PASSKEY_UNKNOWN",
            detail: "no such credential".into(),
        })
    };
    let row = store
        .find_passkey(&assertion.credential_id)
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(unknown)?;
    if row.credential.user_handle != assertion.user_handle {
        return Err(Box::new(unknown()));
    }
    let state = crate::seal::b64::decode(&kept.state).unwrap_or_default();
    let updated = ceremony::finish_sign_in(cfg, &state, &assertion, &row.credential)
        .map_err(|r| refused(&r))?;
    store
        .update_passkey_use(&updated, clock::now() as i64)
        .await
        .map_err(|e| store_failed(&e))?;
    let user = store
        .passkey_user(&row.user_id)
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(unknown)?;
    let target = body["redirectTo"]
        .as_str()
        .map(|t| safe_redirect(t, &ctx.origin, &auth.config.trusted_origins))
        .unwrap_or_else(|| "/".into());
    session::session_for(auth, ctx, req, &user, &row.credential.id, &target).await
}

fn listing(row: &PasskeyRow) -> Value {
    serde_json::json!({
        "id": row.credential.id,
        "name": row.name,
        "createdAt": iso(row.created_at),
        "lastUsedAt": row.last_used_at.map(iso),
        "backupEligible": row.credential.backup_eligible,
        "backedUp": row.credential.backed_up,
        "transports": serde_json::from_str::<Value>(&row.credential.transports).unwrap_or(Value::Array(vec![])),
    })
}

fn iso(secs: i64) -> String {
    clock::iso8601(secs.max(0) as u64)
}

async fn list(auth: &Auth, ctx: &Context<'_>, store: &dyn PasskeyStore) -> Out<Response> {
    let user_id = signed_in_user(auth, ctx)?;
    let rows = store
        .list_passkeys(&user_id)
        .await
        .map_err(|e| store_failed(&e))?;
    let passkeys: Vec<Value> = rows.iter().map(listing).collect();
    Ok(Response::json(
        200,
        &serde_json::json!({ "passkeys": passkeys }),
    ))
}

async fn delete(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    store: &dyn PasskeyStore,
) -> Out<Response> {
    let user_id = signed_in_user(auth, ctx)?;
    let body = body(req);
    let Some(id) = body["id"]
        .as_str()
        .filter(|i| !i.is_empty() && i.len() <= 1400)
    else {
        return Err(Box::new(Response::error(
            400,
            "BAD_REQUEST",
            "Send the passkey's `id`.",
        )));
    };
    match store.delete_passkey(&user_id, id).await {
        Ok(true) => Ok(Response::json(200, &serde_json::json!({ "ok": true }))),
        Ok(false) => Err(Box::new(Response::error(
            404,
            "PASSKEY_NOT_FOUND",
            "You have no passkey with this id.",
        ))),
        Err(e) => Err(Box::new(store_failed(&e))),
    }
}
