//! `GET signIn` (no provider): the built-in sign-in page (SPEC §15), a small HTML list of the
//! configured providers, each a link to `signIn/<id>` carrying the validated `redirectTo`. With
//! `pages.signIn` set, the app's page wins: this answers a 302 there with the same `redirectTo`.
//! It echoes nothing unvalidated: names are HTML-escaped, `redirectTo` passes the redirect rule
//! (§4.4) and only known error codes are shown.

use html_escape::encode_text;

use crate::auth::Auth;
use crate::error::page_message;
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::response::Response;

/// A whole page around `body`: readable on a phone, follows the system's dark mode, inline CSS
/// only (the page's CSP allows nothing else), no external assets.
pub fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title><style>\
:root{{color-scheme:light dark}}\
body{{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}}\
a{{color:inherit}}.p{{display:block;padding:.75rem 1rem;margin:.6rem 0;border:1px solid #8888;border-radius:.5rem;text-decoration:none;font-weight:600}}\
.p:hover,.p:focus{{border-color:currentColor}}.e{{padding:.75rem 1rem;border-radius:.5rem;background:#c0392b22}}\
</style></head><body>{body}</body></html>",
        title = encode_text(title),
    )
}

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
            "<p class=\"e\" role=\"alert\">{}</p>",
            encode_text(message)
        ));
    }
    if auth.providers.is_empty() {
        body.push_str("<p>No sign-in provider is configured for this app.</p>");
    }
    for p in &auth.providers {
        // Ids are validated at createAuth (lowercase letters, digits, `-`, `_`); escaped anyway.
        body.push_str(&format!(
            "<a class=\"p\" href=\"{base}/signIn/{id}{suffix}\">Sign in with {name}</a>",
            base = html_escape::encode_double_quoted_attribute(&c.base_path),
            id = html_escape::encode_double_quoted_attribute(&p.spec.id),
            suffix = html_escape::encode_double_quoted_attribute(&suffix),
            name = encode_text(&p.spec.name),
        ));
    }
    Response::html(200, shell("Sign in", &body))
}
