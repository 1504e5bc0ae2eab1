//! Completing a sign-in or session update after the app's hooks ran (see `crate::hooks`).

use serde_json::Value;

use super::callback::{signed_in, signed_in_as, SignedIn};
use super::error_redirect;
use super::sign_in_user::{self, Identity};
use crate::auth::Auth;
use crate::error::AuthError;
use crate::hooks::{
    apply_session, parse_result, redirect_answer, session_answer, sign_in_verdict, SignInVerdict,
    Ticket, TicketKind,
};
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::oauth::providers::profile::User;
use crate::seal::cookies;
use crate::session;

/// Sign-in: `signIn` may refuse (`ACCESS_DENIED`) or send the user elsewhere (no session);
/// `session` shapes what is sealed; `redirect` picks the target, which still passes the redirect
/// rule. A hook that failed ends on the error page with `CALLBACK_ERROR`, without a session.
/// With a database the sign-in is finished by [`finish_sign_in_async`] (it writes rows).
pub fn finish_sign_in(auth: &Auth, ctx: &Context, ticket: &str, result: &str) -> Response {
    let outcome = decide(auth, ctx, ticket, result).and_then(|d| match d {
        Decision::Done(resp) => Ok(resp),
        Decision::SignIn(s) => signed_in(
            auth,
            ctx,
            &s.ticket.provider,
            s.user_json,
            s.extra_json,
            s.ticket.account.as_ref(),
            &s.target,
        )
        .map_err(|e| (e, Some(s.ticket.provider.clone()))),
    });
    outcome.unwrap_or_else(|(e, provider)| {
        error_redirect(auth, ctx, e.code, true).with_provider_log(&e, provider)
    })
}

/// [`finish_sign_in`] with a database: the user, account and session rows are written first.
pub async fn finish_sign_in_async(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    ticket: &str,
    result: &str,
) -> Response {
    let outcome = match decide(auth, ctx, ticket, result) {
        Ok(Decision::Done(resp)) => Ok(resp),
        Ok(Decision::SignIn(s)) => with_store(auth, ctx, req, *s).await,
        Err(e) => Err(e),
    };
    outcome.unwrap_or_else(|(e, provider)| {
        error_redirect(auth, ctx, e.code, true).with_provider_log(&e, provider)
    })
}

async fn with_store(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    s: Approved,
) -> Result<Response, (AuthError, Option<String>)> {
    let provider = s.ticket.provider.clone();
    let fail = |e: AuthError| (e, Some(provider.clone()));
    let Some(store) = &auth.store else {
        return Err(fail(AuthError::new(
            "DATABASE_ERROR",
            "No database is configured.",
        )));
    };
    let user: User = serde_json::from_value(s.ticket.user.clone()).map_err(|_| {
        fail(AuthError::new(
            "CALLBACK_ERROR",
            "The sign-in's user is not valid.",
        ))
    })?;
    let kind = s
        .ticket
        .account
        .as_ref()
        .map(|a| a.kind.clone())
        .unwrap_or_else(|| if s.ticket.oidc { "oidc" } else { "oauth" }.to_string());
    let who = Identity {
        provider: &provider,
        kind: &kind,
        user: &user,
        tokens: s.ticket.account.as_ref(),
    };
    let told = s.ticket.user.get("id").and_then(Value::as_str);
    let done = sign_in_user::commit(
        auth,
        store,
        ctx,
        req,
        &who,
        s.ticket.link_user.as_deref(),
        told,
    )
    .await
    .map_err(fail)?;
    signed_in_as(
        auth,
        ctx,
        SignedIn {
            provider: &provider,
            user_json: sign_in_user::with_user_id(&s.user_json, &done.plan.user_id),
            extra_json: s.extra_json,
            account: s.ticket.account.as_ref(),
            target: &s.target,
            handle: Some(done.handle),
            events: done.events,
        },
    )
    .map_err(fail)
}

/// A sign-in the hooks let through, with what they shaped.
pub(crate) struct Approved {
    pub ticket: Ticket,
    pub user_json: String,
    pub extra_json: String,
    pub target: String,
}

pub(crate) enum Decision {
    /// Answered already (`signIn` returned a path).
    Done(Response),
    SignIn(Box<Approved>),
}

/// What the hooks decided (passkeys finish their own sign-in with it).
pub(crate) fn decide(
    auth: &Auth,
    ctx: &Context,
    ticket: &str,
    result: &str,
) -> Result<Decision, (AuthError, Option<String>)> {
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
    let hooks = &auth.config.hooks;
    if let SignInVerdict::Elsewhere(to) =
        sign_in_verdict(hooks.sign_in, result.sign_in.as_ref()).map_err(fail)?
    {
        let target = safe_redirect(&to, &ctx.origin, trusted);
        return Ok(Decision::Done(elsewhere(ctx, &target)));
    }
    let (user_json, extra_json) =
        match session_answer(hooks.session, result.session.as_ref()).map_err(fail)? {
            Some(session) => apply_session(&ticket.user, session).map_err(fail)?,
            None => (ticket.user.to_string(), String::new()),
        };
    let target = match redirect_answer(hooks.redirect, result.redirect.as_ref()).map_err(fail)? {
        Some(url) => safe_redirect(url, &ctx.origin, trusted),
        None => ticket.target.clone(),
    };
    Ok(Decision::SignIn(Box::new(Approved {
        ticket,
        user_json,
        extra_json,
        target,
    })))
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
        let session = session_answer(true, result.session.as_ref())?
            .ok_or_else(|| AuthError::new("CALLBACK_ERROR", "No session answer."))?;
        let (user_json, extra_json) = apply_session(&ticket.user, session)?;
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
