//! One module per endpoint, plus the helpers they share.

pub mod access_token;
pub mod access_token_db;
pub mod accounts;
pub mod callback;
pub mod csrf;
pub mod email;
pub mod error_page;
pub mod hooked;
pub mod limited;
pub mod passkeys;
pub mod providers;
pub mod session;
pub mod sessions;
pub mod sign_in_user;
pub mod signed_in;
pub mod signin;
pub mod signin_page;
pub mod signout;

use cookie::SameSite;
use serde_json::Value;

use crate::auth::Auth;
use crate::http::context::Context;
use crate::http::response::Response;
use crate::seal::cookies;

/// Sends a browser to the error page with `code` (`pages.error?code=`, else `pages.signIn?error=`,
/// else the built-in page). `clear_flow`: the request's flow was spent (its `state` matched), so
/// its cookie is cleared; otherwise a live flow is left as it is.
pub fn error_redirect(auth: &Auth, ctx: &Context, code: &str, clear_flow: bool) -> Response {
    let c = &auth.config;
    let (page, param) = match (&c.error_page, &c.sign_in_page) {
        (Some(p), _) => (p.clone(), "code"),
        (None, Some(p)) => (p.clone(), "error"),
        (None, None) => (format!("{}/error", c.base_path), "code"),
    };
    let sep = if page.contains('?') { '&' } else { '?' };
    let mut resp = Response::redirect(&format!("{page}{sep}{param}={code}"));
    if clear_flow && ctx.cookies.has(&ctx.names.flow) {
        resp = resp.with_cookies([cookies::clear(&ctx.names.flow, ctx.secure, SameSite::Lax)]);
    }
    resp
}

/// A request body as key/value data: JSON object, or form-urlencoded. Anything else is empty.
pub fn body_fields(body: Option<&str>) -> Vec<(String, String)> {
    let Some(body) = body.map(str::trim).filter(|b| !b.is_empty()) else {
        return Vec::new();
    };
    if body.starts_with('{') {
        return match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) => map
                .into_iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some((k, s)),
                    Value::Bool(b) => Some((k, b.to_string())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
    }
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
