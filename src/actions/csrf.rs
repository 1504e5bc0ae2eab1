//! `GET csrfToken`: a random token, returned in the body and sealed in a SameSite=Strict cookie
//! (double submit). A valid existing token is reused.

use cookie::SameSite;
use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::auth::Auth;
use crate::http::context::Context;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::seal::b64::random_token;
use crate::seal::cookies;
use crate::seal::crypto::Purpose;

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "csrfToken")]
    csrf_token: &'a str,
}

/// The token sealed in the request's CSRF cookie, if exactly one such cookie was sent and opens.
pub fn current(auth: &Auth, ctx: &Context) -> Option<String> {
    let sealed = ctx.cookies.only(&ctx.names.csrf)?;
    let plain = auth
        .config
        .keys
        .open(Purpose::Csrf, ctx.names.csrf.aad(), sealed)?;
    String::from_utf8(plain).ok().filter(|t| t.len() >= 32)
}

/// The double-submit check for state-changing requests (sign-out, session update): a same-origin
/// (or trusted) `Origin` when one is sent, and the CSRF token (X-CSRF-Token header, or the
/// `form_token` from the body) matching its cookie in constant time. `Some` is the refusal.
pub fn verify(
    auth: &Auth,
    ctx: &Context,
    req: &Request,
    form_token: Option<&str>,
) -> Option<Response> {
    if let Some(origin) = req.origin.as_deref() {
        if !ctx.origin_allowed(&auth.config, origin) {
            return Some(Response::error(
                403,
                "CSRF_ORIGIN_MISMATCH",
                "Cross-site requests are refused.",
            ));
        }
    }
    let sent = req.csrf_token.as_deref().or(form_token).unwrap_or_default();
    let valid = match current(auth, ctx) {
        Some(t) => !sent.is_empty() && bool::from(sent.as_bytes().ct_eq(t.as_bytes())),
        None => false,
    };
    (!valid).then(|| {
        Response::error(
            403,
            "CSRF_TOKEN_INVALID",
            "The CSRF token is missing or does not match; fetch one from csrfToken and send it as X-CSRF-Token.",
        )
    })
}

pub fn run(auth: &Auth, ctx: &Context) -> Response {
    if let Some(token) = current(auth, ctx) {
        return Response::json(200, &Body { csrf_token: &token });
    }
    let token = random_token(32);
    let sealed = auth
        .config
        .keys
        .seal(Purpose::Csrf, ctx.names.csrf.aad(), token.as_bytes());
    Response::json(200, &Body { csrf_token: &token }).with_cookies([cookies::set(
        &ctx.names.csrf,
        &sealed,
        auth.config.max_age,
        ctx.secure,
        SameSite::Strict,
    )])
}
