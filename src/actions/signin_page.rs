//! `GET signIn` (no provider): the built-in sign-in page (SPEC §15), a small HTML list of the
//! configured providers, each a link to `signIn/<id>` carrying the validated `redirectTo`. With
//! `pages.signIn` set, the app's page wins: this answers a 302 there with the same `redirectTo`.
//! It echoes nothing unvalidated: names are HTML-escaped, `redirectTo` passes the redirect rule
//! (§4.4) and only known error codes are shown.

use crate::auth::Auth;
use crate::error::page_message;
use crate::http::context::Context;
use crate::http::page::{escape, render};
use crate::http::redirect::safe_redirect;
use crate::http::response::Response;

fn query_value(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

pub fn run(auth: &Auth, ctx: &Context) -> Response {
    let c = &auth.config;
    let target = ctx
        .query("redirectTo")
        .map(|t| safe_redirect(&t, &ctx.origin, &c.trusted_origins));
    if let Some(page) = &c.sign_in_page {
        let location = match &target {
            Some(t) => {
                let sep = if page.contains('?') { '&' } else { '?' };
                format!("{page}{sep}redirectTo={}", query_value(t))
            }
            None => page.clone(),
        };
        return Response::redirect(&location);
    }
    let suffix = target
        .as_deref()
        .map(|t| format!("?redirectTo={}", query_value(t)))
        .unwrap_or_default();
    let mut body = String::from("<h1>Sign in</h1>");
    if let Some(message) = ctx.query("error").as_deref().and_then(page_message) {
        body.push_str(&format!(
            "<p class=\"notice\" role=\"alert\">{}</p>",
            escape(message)
        ));
    }
    if auth.providers.is_empty() {
        body.push_str("<p class=\"muted\">No sign-in provider is configured for this app.</p>");
    }
    body.push_str("<div class=\"stack\">");
    for p in &auth.providers {
        // Ids are validated at createAuth (lowercase letters, digits, `-`, `_`); escaped anyway.
        body.push_str(&format!(
            "<a class=\"button\" href=\"{base}/signIn/{id}{suffix}\">Sign in with {name}</a>",
            base = escape(&c.base_path),
            id = escape(&p.spec.id),
            suffix = escape(&suffix),
            name = escape(&p.spec.name),
        ));
    }
    body.push_str("</div>");
    Response::html(200, render("Sign in", &body))
}
