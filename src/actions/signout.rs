//! `POST signOut`: needs the CSRF token (X-CSRF-Token header, or `csrfToken` in a JSON/form body)
//! matching its cookie, and a same-origin (or trusted) `Origin` when one is sent. Clears the
//! session; answers `{ ok: true, url }`, or 302 for a plain form post.

use cookie::SameSite;
use serde::Serialize;

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
    let fields = body_fields(req.body.as_deref());
    if let Some(refusal) = super::csrf::verify(auth, ctx, req, field(&fields, "csrfToken")) {
        return refusal;
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
    let mut resp = if form_post {
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
    if auth.config.hooks.events {
        let session = crate::session::read(&auth.config, &ctx.cookies, &ctx.names.session)
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s.to_json()).ok())
            .map(|v| v["session"].clone())
            .unwrap_or(serde_json::Value::Null);
        resp = resp.with_event("signOut", serde_json::json!({ "session": session }));
    }
    resp.with_cookies(clears)
}
