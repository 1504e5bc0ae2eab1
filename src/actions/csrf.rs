//! `GET csrfToken`: a random token, returned in the body and sealed in a SameSite=Strict cookie
//! (double submit). A valid existing token is reused.

use cookie::SameSite;
use serde::Serialize;

use crate::auth::Auth;
use crate::b64::random_token;
use crate::context::Context;
use crate::cookies;
use crate::crypto::Purpose;
use crate::response::Response;

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
