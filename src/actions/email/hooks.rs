//! The app's hooks for email sign-ins (SPEC §8 applies to every way to sign in): before a
//! password, magic-link or sign-up session is issued, `callbacks.signIn` may refuse it
//! (`ACCESS_DENIED`) or send the user elsewhere, `callbacks.session` shapes what is sealed and
//! `callbacks.redirect` picks the target (still checked by the redirect rule). The hand-off is
//! the same sealed ticket as for OAuth (`account` and `profile` are `null`); the answer is
//! finished here once the JS layer has run them. Never issues a session the hooks refused.

use serde::Serialize;
use serde_json::Value;

use super::Env;
use crate::actions::hooked::{decide, Decision};
use crate::actions::sign_in_user::{start_session, with_user_id};
use crate::auth::Auth;
use crate::credentials::store::UserRecord;
use crate::error::AuthError;
use crate::hooks::{Ticket, TicketKind};
use crate::http::context::Context;
use crate::http::request::Request;
use crate::http::response::Response;

/// Whether the app has a hook that runs at sign-in.
pub fn wanted(auth: &Auth) -> bool {
    let h = &auth.config.hooks;
    h.sign_in || h.session || h.redirect
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    kind: &'static str,
    ticket: String,
    provider: &'a str,
    user: &'a Value,
    account: Option<()>,
    profile: Option<()>,
    redirect_to: &'a str,
    #[serde(rename = "baseURL")]
    base_url: &'a str,
    is_new_user: bool,
}

/// The hand-off for `user`'s sign-in: the JS layer runs the hooks, then `finishHooks`.
pub fn hand_off(
    env: &Env,
    user: &Value,
    provider: &str,
    target: &str,
    is_new_user: bool,
) -> Response {
    let mut ticket = Ticket::new(
        TicketKind::SignIn,
        provider,
        user.clone(),
        &env.auth.config.hooks,
    );
    ticket.target = target.to_string();
    let payload = Payload {
        kind: "signIn",
        ticket: ticket.seal(&env.auth.config),
        provider,
        user,
        account: None,
        profile: None,
        redirect_to: target,
        base_url: env.ctx.origin.as_str().trim_end_matches('/'),
        is_new_user,
    };
    Response::hook(serde_json::to_string(&payload).unwrap_or_default())
}

/// The user JSON a session holds for an email sign-in.
pub fn user_value(user: &UserRecord, provider: &str) -> Value {
    serde_json::json!({
        "sub": user.id,
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "emailVerified": user.email_verified,
        "image": user.image,
        "provider": provider,
    })
}

/// A browser flow (GET link, or a plain HTML form post) is answered with redirects.
fn browser(req: &Request) -> bool {
    req.method.eq_ignore_ascii_case("GET")
        || req
            .content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
            && req.csrf_token.is_none()
}

/// After the hooks: the session (row and cookie) unless they refused.
pub async fn finish(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    ticket: &str,
    result: &str,
) -> Response {
    let form = browser(req);
    let fail = |e: AuthError| {
        if form {
            super::super::error_redirect(auth, ctx, e.code, false).with_provider_log(&e, None)
        } else {
            let status = if e.code == "ACCESS_DENIED" { 403 } else { 500 };
            let status = if e.code.starts_with("DATABASE") {
                503
            } else {
                status
            };
            Response::error(status, e.code, &e.message)
        }
    };
    let approved = match decide(auth, ctx, ticket, result) {
        Ok(Decision::SignIn(a)) => a,
        Ok(Decision::Done(resp)) => {
            let url = resp.header("location").unwrap_or("/").to_string();
            return if form { resp } else { super::json_done(&url) };
        }
        Err((e, _)) => return fail(e),
    };
    let (Some(db), Some(user_id)) = (&auth.store, approved.ticket.user["id"].as_str()) else {
        return fail(AuthError::new(
            "CALLBACK_ERROR",
            "The sign-in's user is not valid.",
        ));
    };
    let provider = approved.ticket.provider.clone();
    let handle = match start_session(auth, db, ctx, req, user_id, &provider).await {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    let out = crate::actions::callback::signed_in_as(
        auth,
        ctx,
        crate::actions::callback::SignedIn {
            provider: &provider,
            user_json: with_user_id(&approved.user_json, user_id),
            extra_json: approved.extra_json,
            account: None,
            target: &approved.target,
            handle: Some(handle),
            events: Vec::new(),
        },
    );
    match out {
        Ok(resp) if form => resp,
        Ok(resp) => super::as_json(resp, &approved.target),
        Err(e) => fail(e),
    }
}

/// The `createUser` event for a user an email flow just created (sign-up, a magic link's first
/// use), with the same payload as an OAuth sign-in's (SPEC §11), placed before the sign-in's
/// own events. Only read back when the app listens to events.
pub async fn with_created_user(env: &Env<'_>, resp: Response, user_id: &str) -> Response {
    if !env.auth.config.hooks.events {
        return resp;
    }
    match env.db.user(user_id).await {
        Ok(Some(row)) => with_first_event(
            resp,
            "createUser",
            serde_json::json!({ "user": crate::actions::sign_in_user::user_value(&row) }),
        ),
        _ => resp,
    }
}

/// The `linkAccount` event for a password joining an existing user (a reset that gives an
/// OAuth or magic-link user their first password), shaped as an OAuth account's.
pub fn with_linked_password(env: &Env<'_>, resp: Response, user_id: &str) -> Response {
    if !env.auth.config.hooks.events {
        return resp;
    }
    with_first_event(
        resp,
        "linkAccount",
        serde_json::json!({
            "userId": user_id,
            "account": { "provider": "credentials", "providerAccountId": user_id, "type": "credentials" },
        }),
    )
}

fn with_first_event(mut resp: Response, name: &'static str, payload: Value) -> Response {
    resp.events.insert(0, (name, payload));
    resp
}
