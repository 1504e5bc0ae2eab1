//! `POST signOut`: needs the CSRF token (X-CSRF-Token header, or `csrfToken` in a JSON/form body)
//! matching its cookie, and a same-origin (or trusted) `Origin` when one is sent. Clears the
//! session; answers `{ ok: true, url }`, or 302 for a plain form post.

use cookie::SameSite;
use serde::Serialize;
use subtle::ConstantTimeEq;

use super::{body_fields, field};
use crate::auth::Auth;
use crate::context::Context;
use crate::redirect::safe_redirect;
use crate::request::Request;
use crate::response::Response;

#[derive(Serialize)]
struct Body {
    ok: bool,
    url: String,
}

pub fn run(auth: &Auth, ctx: &Context, req: &Request) -> Response {
    if let Some(origin) = req.origin.as_deref() {
        if !ctx.origin_allowed(&auth.config, origin) {
            return Response::error(
                403,
                "CSRF_ORIGIN_MISMATCH",
                "Cross-site sign-out requests are refused.",
            );
        }
    }
    let fields = body_fields(req.body.as_deref());
    let sent = req
        .csrf_token
        .as_deref()
        .or_else(|| field(&fields, "csrfToken"))
        .unwrap_or_default();
    let expected = super::csrf::current(auth, ctx);
    let valid = match &expected {
        Some(t) => !sent.is_empty() && bool::from(sent.as_bytes().ct_eq(t.as_bytes())),
        None => false,
    };
    if !valid {
        return Response::error(
            403,
            "CSRF_TOKEN_INVALID",
            "The CSRF token is missing or does not match; fetch one from csrfToken and send it as X-CSRF-Token.",
        );
    }
    let target = ctx
        .query("redirectTo")
        .or_else(|| field(&fields, "redirectTo").map(str::to_string))
        .map(|t| safe_redirect(&t, &ctx.origin, &auth.config.trusted_origins))
        .unwrap_or_else(|| "/".into());
    // The session goes, and the CSRF token with it (a new one is minted on the next request).
    let mut clears = vec![crate::cookies::clear(
        &ctx.names.csrf,
        ctx.secure,
        SameSite::Strict,
    )];
    clears.extend(
        ctx.cookies
            .clear_all(&ctx.names.session, ctx.secure, SameSite::Lax),
    );
    let form_post = req
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
        && req.csrf_token.is_none();
    let resp = if form_post {
        Response::redirect(&target)
    } else {
        Response::json(
            200,
            &Body {
                ok: true,
                url: target,
            },
        )
    };
    resp.with_cookies(clears)
}
