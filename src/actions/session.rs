//! `GET session`: `{ authenticated, session }`. A bad cookie means signed out and is cleared;
//! a session older than `updateAge` is re-issued (lazy rolling).

use cookie::SameSite;
use serde_json::Value;

use crate::auth::Auth;
use crate::hooks::{Ticket, TicketKind};
use crate::http::context::Context;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::seal::cookies;
use crate::session::{self, SIGNED_OUT_JSON};

/// `POST session` with JSON `{ data }` and the CSRF token: hands the session and `data` to the
/// app's `session` callback (`trigger: "update"`); without one the update is not allowed.
pub fn update(auth: &Auth, ctx: &Context, req: &Request) -> Response {
    if let Some(refusal) = super::csrf::verify(auth, ctx, req, None) {
        return refusal;
    }
    let Some(current) = session::read(&auth.config, &ctx.cookies, &ctx.names.session) else {
        return Response::error(401, "UNAUTHENTICATED", "There is no session to update.");
    };
    if !auth.config.hooks.session {
        return Response::error(
            403,
            "UPDATE_NOT_ALLOWED",
            "Session updates need a `callbacks.session` hook, which decides what the session holds.",
        );
    }
    let body = req.body.as_deref().map(str::trim).unwrap_or_default();
    let data = match body {
        "" => Value::Null,
        text => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(mut m)) => m.remove("data").unwrap_or(Value::Null),
            _ => {
                return Response::error(
                    400,
                    "BAD_REQUEST",
                    "Send the update as JSON: { \"data\": ... }.",
                )
            }
        },
    };
    let user: Value = serde_json::from_str(&current.user_json).unwrap_or(Value::Null);
    let provider = user["provider"].as_str().unwrap_or_default().to_string();
    let mut ticket = Ticket::new(TicketKind::Update, &provider, user, &auth.config.hooks);
    ticket.extra_json = current.extra_json.clone();
    ticket.auth_time = current.auth_time;
    let payload = serde_json::json!({
        "kind": "update",
        "ticket": ticket.seal(&auth.config),
        "session": current.session_value(),
        "data": data,
    });
    Response::hook(payload.to_string())
}

pub fn run(auth: &Auth, ctx: &Context) -> Response {
    let name = &ctx.names.session;
    match session::read(&auth.config, &ctx.cookies, name) {
        Some(data) => match data.renewed(&auth.config) {
            Some(fresh) => {
                // Stored provider tokens roll with the session (review finding 9), before it.
                let mut lines = crate::oauth::tokens::roll(&auth.config, &ctx.cookies, ctx.secure);
                lines.extend(cookies::set_chunked(
                    &ctx.cookies,
                    name,
                    &fresh.seal(&auth.config, name),
                    auth.config.max_age,
                    ctx.secure,
                ));
                Response::json_text(200, fresh.to_json()).with_cookies(lines)
            }
            None => Response::json_text(200, data.to_json()),
        },
        None => {
            let resp = Response::json_text(200, SIGNED_OUT_JSON.to_string());
            if ctx.cookies.chunked(name).is_some() {
                resp.with_cookies(ctx.cookies.clear_all(name, ctx.secure, SameSite::Lax))
            } else {
                resp
            }
        }
    }
}

/// With a database: whether this `GET session` re-issues the cookie (then the row's last-seen
/// time and expiry move too, which needs the database).
pub fn due(auth: &Auth, ctx: &Context) -> bool {
    session::read(&auth.config, &ctx.cookies, &ctx.names.session)
        .is_some_and(|s| s.handle.is_some() && s.renewed(&auth.config).is_some())
}

/// [`run`], then the row's `last_seen_at` and `expires_at` follow the re-issued cookie. A
/// database that cannot be reached changes nothing for the reader.
pub async fn run_touching(auth: &Auth, ctx: &Context<'_>) -> Response {
    let renewed = session::read(&auth.config, &ctx.cookies, &ctx.names.session)
        .and_then(|s| s.renewed(&auth.config));
    let resp = run(auth, ctx);
    if let (Some(store), Some(fresh)) = (&auth.store, renewed) {
        if let Some(h) = &fresh.handle {
            let _ = store.touch_session(&h.public_id(), fresh.exp as i64).await;
        }
    }
    resp
}
