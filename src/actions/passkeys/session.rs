//! How a passkey sign-in ends (SPEC §14 over §11): the app's hooks decide as for any sign-in,
//! then a session row and the session cookie, answered as JSON for the client. Must never make
//! a session the hooks refused, or one without its row.

use serde_json::Value;

use super::Out;
use crate::actions::callback::{signed_in_as, SignedIn};
use crate::actions::hooked::{decide, Decision};
use crate::actions::sign_in_user::{start_session, with_user_id};
use crate::auth::Auth;
use crate::hooks::{Ticket, TicketKind};
use crate::http::context::Context;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::oauth::providers::profile::User;
use crate::passkeys::store::PasskeyUser;
use crate::passkeys::PASSKEY_PROVIDER;

/// A passkey sign-in ends like an OAuth one: the app's hooks decide first when it has them
/// (an allowlist in `callbacks.signIn` holds for passkeys too), then a session row and the
/// session cookie (`sign_in_user::start_session`, `callback::signed_in_as`), answered as JSON
/// `{ ok, url }` for the client to navigate.
pub(super) async fn session_for(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    user: &PasskeyUser,
    credential_id: &str,
    target: &str,
) -> Out<Response> {
    let profile = User {
        sub: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        email_verified: user.email.as_ref().map(|_| user.email_verified),
        image: user.image.clone(),
        provider: PASSKEY_PROVIDER.into(),
    };
    let mut user_json = serde_json::to_value(&profile).unwrap_or(Value::Null);
    user_json["id"] = Value::String(user.id.clone());
    if auth.config.hooks.hand_off(PASSKEY_PROVIDER) {
        let mut ticket = Ticket::new(
            TicketKind::SignIn,
            PASSKEY_PROVIDER,
            user_json.clone(),
            &auth.config.hooks,
        );
        ticket.target = target.to_string();
        let payload = serde_json::json!({
            "kind": "signIn",
            "ticket": ticket.seal(&auth.config),
            "provider": PASSKEY_PROVIDER,
            "user": user_json,
            "account": {
                "provider": PASSKEY_PROVIDER,
                "type": "webauthn",
                "providerAccountId": credential_id,
            },
            "profile": Value::Null,
            "redirectTo": target,
            "baseURL": ctx.origin.as_str().trim_end_matches('/'),
            "userId": user.id,
            "isNewUser": false,
        });
        return Ok(Response::hook(payload.to_string()));
    }
    finish(
        auth,
        ctx,
        req,
        &user.id,
        user_json.to_string(),
        String::new(),
        target,
    )
    .await
}

/// The session row and cookie for `user_id`; the redirect `signed_in_as` makes becomes JSON.
async fn finish(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    user_id: &str,
    user_json: String,
    extra_json: String,
    target: &str,
) -> Out<Response> {
    let store = auth
        .store
        .as_ref()
        .ok_or_else(|| Response::error(404, "PASSKEYS_NOT_CONFIGURED", "No database."))?;
    let handle = start_session(auth, store, ctx, req, user_id, PASSKEY_PROVIDER)
        .await
        .map_err(|e| super::store_failed(&e))?;
    let resp = signed_in_as(
        auth,
        ctx,
        SignedIn {
            provider: PASSKEY_PROVIDER,
            user_json: with_user_id(&user_json, user_id),
            extra_json,
            account: None,
            target,
            handle: Some(handle),
            events: Vec::new(),
        },
    )
    .map_err(|e| Response::error(400, e.code, &e.message))?;
    Ok(as_json(resp))
}

/// A redirect answer as JSON `{ ok: true, url }` (same cookies, events and log).
fn as_json(mut resp: Response) -> Response {
    let url = resp.header("location").unwrap_or("/").to_string();
    let json = Response::json(200, &serde_json::json!({ "ok": true, "url": url }));
    resp.headers
        .retain(|(k, _)| k != "location" && k != "cache-control");
    resp.headers.extend(json.headers);
    resp.status = 200;
    resp.body = json.body;
    resp
}

/// A passkey sign-in after the app's hooks ran: the same decision as an OAuth sign-in's
/// (`crate::actions::hooked::decide`), then the session, answered as JSON.
pub async fn after_hooks(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    ticket: &str,
    result: &str,
) -> Response {
    let outcome = match decide(auth, ctx, ticket, result) {
        Ok(Decision::Done(resp)) => Ok(as_json(resp)),
        Ok(Decision::SignIn(s)) => {
            let user_id = s.ticket.user["id"].as_str().unwrap_or_default().to_string();
            finish(
                auth,
                ctx,
                req,
                &user_id,
                s.user_json,
                s.extra_json,
                &s.target,
            )
            .await
            .map_err(|r| *r)
        }
        Err((e, _)) => {
            let status = if e.code == "ACCESS_DENIED" { 403 } else { 400 };
            Err(Response::error(status, e.code, &e.message))
        }
    };
    outcome.unwrap_or_else(|r| r)
}
