//! Completing a sign-in or session update after the app's hooks ran (see `crate::hooks`).

use serde_json::Value;

use super::callback::signed_in;
use super::error_redirect;
use crate::auth::Auth;
use crate::error::AuthError;
use crate::hooks::{apply_session, parse_result, Ticket, TicketKind};
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::response::Response;
use crate::seal::cookies;
use crate::session;

/// Sign-in: `signIn` may refuse (`ACCESS_DENIED`) or send the user elsewhere (no session);
/// `session` shapes what is sealed; `redirect` picks the target, which still passes the redirect
/// rule. A hook that failed ends on the error page with `CALLBACK_ERROR`, without a session.
pub fn finish_sign_in(auth: &Auth, ctx: &Context, ticket: &str, result: &str) -> Response {
    match sign_in(auth, ctx, ticket, result) {
        Ok(resp) => resp,
        Err((e, provider)) => {
            error_redirect(auth, ctx, e.code, true).with_provider_log(&e, provider)
        }
    }
}

pub(crate) fn sign_in(
    auth: &Auth,
    ctx: &Context,
    ticket: &str,
    result: &str,
) -> Result<Response, (AuthError, Option<String>)> {
    let ticket = Ticket::open(&auth.config, TicketKind::SignIn, ticket).map_err(|e| (e, None))?;
    let provider = Some(ticket.provider.clone());
    let fail = |e: AuthError| (e, provider.clone());
    let result = parse_result(result).map_err(fail)?;
    if result.error {
        return Err(fail(AuthError::new(
            "CALLBACK_ERROR",
            "A hook threw, rejected or timed out during sign-in.",
        )));
    }
    let trusted = &auth.config.trusted_origins;
    match result.sign_in {
        None | Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => {
            return Err(fail(AuthError::new(
                "ACCESS_DENIED",
                "callbacks.signIn refused the sign-in.",
            )))
        }
        Some(Value::String(to)) => {
            let target = safe_redirect(&to, &ctx.origin, trusted);
            return Ok(elsewhere(ctx, &target));
        }
        Some(_) => {
            return Err(fail(AuthError::new(
                "CALLBACK_ERROR",
                "callbacks.signIn must return true, false or a path.",
            )))
        }
    }
    let (user_json, extra_json) = match (auth.config.hooks.session, &result.session) {
        (true, Some(session)) => apply_session(&ticket.user, session).map_err(fail)?,
        (true, None) => {
            return Err(fail(AuthError::new(
                "CALLBACK_ERROR",
                "callbacks.session must return the session.",
            )))
        }
        (false, _) => (ticket.user.to_string(), String::new()),
    };
    let target = match (auth.config.hooks.redirect, &result.redirect) {
        (true, Some(Value::String(url))) => safe_redirect(url, &ctx.origin, trusted),
        _ => ticket.target.clone(),
    };
    signed_in(
        auth,
        ctx,
        &ticket.provider,
        user_json,
        extra_json,
        ticket.account.as_ref(),
        &target,
    )
    .map_err(fail)
}

/// `callbacks.signIn` returned a path: go there, without a session (the flow is spent).
fn elsewhere(ctx: &Context, target: &str) -> Response {
    Response::redirect(target).with_cookies([cookies::clear(
        &ctx.names.flow,
        ctx.secure,
        cookie::SameSite::Lax,
    )])
}

/// Session update: the `session` callback's result is sealed for the same sign-in.
pub fn finish_update(auth: &Auth, ctx: &Context, ticket: &str, result: &str) -> Response {
    let outcome = Ticket::open(&auth.config, TicketKind::Update, ticket).and_then(|ticket| {
        let result = parse_result(result)?;
        if result.error {
            return Err(AuthError::new(
                "CALLBACK_ERROR",
                "callbacks.session threw, rejected or timed out during the update.",
            ));
        }
        let session = result.session.ok_or_else(|| {
            AuthError::new(
                "CALLBACK_ERROR",
                "callbacks.session must return the session.",
            )
        })?;
        let (user_json, extra_json) = apply_session(&ticket.user, &session)?;
        let current = session::read(&auth.config, &ctx.cookies, &ctx.names.session)
            .ok_or_else(|| AuthError::new("UNAUTHENTICATED", "The session ended meanwhile."))?;
        let fresh = current.reissued(user_json, extra_json, &auth.config);
        let sealed = fresh.seal_checked(&auth.config, &ctx.names.session)?;
        Ok((fresh, sealed, ticket.provider))
    });
    match outcome {
        Ok((fresh, sealed, provider)) => {
            let body = fresh.to_json();
            let mut resp =
                Response::json_text(200, body.clone()).with_cookies(cookies::set_chunked(
                    &ctx.cookies,
                    &ctx.names.session,
                    &sealed,
                    auth.config.max_age,
                    ctx.secure,
                ));
            if auth.config.hooks.events {
                resp = resp.with_event(
                    "updateSession",
                    serde_json::json!({ "session": fresh.session_value(), "provider": provider }),
                );
            }
            resp
        }
        Err(e) => {
            let status = if e.code == "UNAUTHENTICATED" {
                401
            } else {
                400
            };
            Response::error(status, e.code, &e.message)
        }
    }
}
