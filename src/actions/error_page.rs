//! `GET error?code=`: a small HTML page in the shell of [`crate::http::page`]. Only known codes are
//! shown; nothing from the request is echoed. For a lost flow (`FLOW_COOKIE_MISSING`,
//! `STATE_MISMATCH`) it names the most common cause (the app opened at another address than
//! `baseURL`) and links to the sign-in page at `baseURL`.

use crate::auth::Auth;
use crate::error::page_message;
use crate::http::context::Context;
use crate::http::page::{escape, render};
use crate::http::response::Response;

/// Where "Sign in again" goes: `pages.signIn`, else the built-in sign-in page, at `baseURL`
/// when one is configured (so a browser on the wrong address lands on the right one).
pub fn sign_in_href(auth: &Auth) -> String {
    let c = &auth.config;
    let path = c
        .sign_in_page
        .clone()
        .unwrap_or_else(|| format!("{}/signIn", c.base_path));
    match &c.base_origin {
        Some(o) => format!("{}{path}", o.as_str().trim_end_matches('/')),
        None => path,
    }
}

fn cause(auth: &Auth, code: &str) -> Option<String> {
    if !matches!(code, "FLOW_COOKIE_MISSING" | "STATE_MISMATCH") {
        return None;
    }
    Some(match &auth.config.base_origin {
        Some(o) => {
            let base = escape(o.as_str().trim_end_matches('/'));
            format!("<p>Most often this means the app was opened at a different address than its configured <code>baseURL</code>, <code>{base}</code>: the sign-in cookie belongs to one address and the provider returns to the other. Open <a href=\"{base}/\">{base}</a> and sign in again there.</p>")
        }
        None => "<p>Most often this means the sign-in started at one address (say <code>127.0.0.1</code>) and came back to another (<code>localhost</code>), or the browser blocked cookies. Sign in again from one address; setting <code>baseURL</code> (<code>AURA_AUTH_URL</code>) fixes the address.</p>".to_string(),
    })
}

pub fn run(auth: &Auth, ctx: &Context) -> Response {
    let raw = ctx.query("code").unwrap_or_default();
    let (code, message) = match page_message(&raw) {
        Some(m) => (raw.as_str(), m),
        None => ("UNKNOWN_ERROR", "Something went wrong while signing in."),
    };
    let home = match &auth.config.base_origin {
        Some(o) => o.as_str().to_string(),
        None => "/".to_string(),
    };
    let body = format!(
        "<h1>Sign-in failed</h1><p>{}</p>{}<p class=\"muted\">Error code: <code class=\"code\">{}</code></p>\
<div class=\"actions\"><a class=\"button primary\" href=\"{}\">Sign in again</a><a class=\"button\" href=\"{}\">Home</a></div>",
        escape(message),
        cause(auth, code).unwrap_or_default(),
        escape(code),
        escape(&sign_in_href(auth)),
        escape(&home),
    );
    Response::html(400, render("Sign-in error", &body))
}
