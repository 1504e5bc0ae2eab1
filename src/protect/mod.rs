//! Protecting pages (SPEC §15): what a proxy (Next 16 `proxy.ts`, Next 15 `middleware.ts` on
//! Node.js), `withSession` and `requireSession` answer. For a request to a protected page it
//! decides: pass (an auth route or the sign-in page itself), signed in (with the session JSON,
//! read exactly as `getSession` reads it: no I/O), or the answer for a signed-out visitor — a 307
//! to the sign-in page with a `redirectTo` validated by the redirect rule (§4.4), or 401 JSON
//! `UNAUTHENTICATED` for a fetch that asks for JSON. It never matches the app's path patterns
//! (the JS layer does, with path-to-regexp, as Next does) and never panics on any request.

use url::Url;

use crate::auth::Auth;
use crate::config::config_path;
use crate::error::Result;
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::http::router::route;

/// What the proxy does with a request to a protected path.
#[derive(Debug)]
pub enum Guard {
    /// Not guarded: an auth endpoint or the sign-in page (protecting those would loop).
    Pass,
    /// Signed in: the JSON `getSession` returns (`{ authenticated: true, session }`).
    SignedIn(String),
    /// Signed out, or a request that cannot be read: send this.
    Respond(Response),
}

const SIGNED_IN_PREFIX: &str = r#"{"authenticated":true"#;

/// Whether an `Accept` header asks for JSON rather than a page: it names a JSON type
/// (`application/json`, `…+json`) and either no HTML or HTML with a lower `q`. Browsers'
/// navigations ask for `text/html`, `fetch()` defaults to `*/*`: both get the redirect.
pub fn wants_json(accept: Option<&str>) -> bool {
    let Some(accept) = accept else { return false };
    let mut json: f32 = -1.0;
    let mut html: f32 = -1.0;
    for item in accept.split(',').take(64) {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite())
            .unwrap_or(1.0);
        if media == "application/json"
            || (media.starts_with("application/") && media.ends_with("+json"))
        {
            json = json.max(q);
        } else if media == "text/html" || media == "application/xhtml+xml" {
            html = html.max(q);
        }
    }
    json > 0.0 && json > html
}

/// 401 `{ error: { code: "UNAUTHENTICATED" } }` (the proxy's answer to a JSON fetch, and
/// `requireSession`'s).
pub fn unauthenticated() -> Response {
    Response::error(
        401,
        "UNAUTHENTICATED",
        "Sign in to use this: there is no valid session.",
    )
}

/// 403 when the app's `authorize` says no: JSON for a JSON fetch, else a small page.
pub fn forbidden(accept: Option<&str>) -> Response {
    if wants_json(accept) {
        return Response::error(
            403,
            "FORBIDDEN",
            "You are signed in, but this app does not allow you to see this page.",
        );
    }
    Response::html(
        403,
        crate::http::page::render(
            "Access denied",
            "<h1>Access denied</h1><p>You are signed in, but this app does not allow you to see this page.</p><div class=\"actions\"><a class=\"button\" href=\"/\">Back to the home page</a></div>",
        ),
    )
}

/// `page?redirectTo=<target>` (or `&` when the page has a query already), the target
/// percent-encoded as a query value.
fn with_redirect_to(page: &str, target: &str) -> String {
    let sep = if page.contains('?') { '&' } else { '?' };
    let value: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("{page}{sep}redirectTo={value}")
}

impl Auth {
    /// The sign-in page a signed-out visitor is sent to: `pages.signIn`, else the built-in
    /// `<basePath>/signIn`.
    pub fn sign_in_page(&self) -> String {
        self.config
            .sign_in_page
            .clone()
            .unwrap_or_else(|| format!("{}/signIn", self.config.base_path))
    }

    /// The decision for a request the app's patterns protect.
    pub fn guard(&self, req: &Request, accept: Option<&str>) -> Guard {
        let ctx = match Context::new(&self.config, req) {
            Ok(ctx) => ctx,
            Err(e) => return Guard::Respond(Response::error(400, e.code, &e.message)),
        };
        let path = ctx.url.path();
        let page = self.sign_in_page();
        let page_path = page.split(['?', '#']).next().unwrap_or_default();
        if route(&self.config.base_path, path).is_some() || path == page_path {
            return Guard::Pass;
        }
        let json = self.session_json(req.cookie.as_deref(), req.forwarded_proto.as_deref());
        if json.starts_with(SIGNED_IN_PREFIX) {
            return Guard::SignedIn(json);
        }
        let page_request = matches!(req.method.to_ascii_uppercase().as_str(), "GET" | "HEAD");
        if !page_request || wants_json(accept) {
            return Guard::Respond(unauthenticated());
        }
        let here = &ctx.url[url::Position::BeforePath..url::Position::AfterQuery];
        let target = safe_redirect(here, &ctx.origin, &self.config.trusted_origins);
        let location = ctx.absolute(&with_redirect_to(&page, &target));
        let mut resp = Response::redirect(&location);
        resp.status = 307;
        Guard::Respond(resp)
    }

    /// `withSession`'s redirect for a signed-out visitor of `target` (Next's `resolvedUrl`):
    /// `page` (else the sign-in page) with `redirectTo` = the target when it is a safe relative
    /// path (§4.4), else `/`. A `page` that is not a path on this app is a configuration error.
    pub fn sign_in_redirect(&self, page: Option<&str>, target: &str) -> Result<String> {
        let page = match page {
            Some(p) => config_path(p, "INVALID_PAGES", "withSession's redirectTo", "/login")?,
            None => self.sign_in_page(),
        };
        // Only relative targets can be on this (unknown) origin; anything absolute becomes `/`.
        let target = Url::parse("http://request.invalid")
            .map(|here| safe_redirect(target, &here, &[]))
            .unwrap_or_else(|_| "/".into());
        Ok(with_redirect_to(&page, &target))
    }
}

#[cfg(test)]
mod tests;
