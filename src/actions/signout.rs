//! `POST signOut`: needs the CSRF token (X-CSRF-Token header, or `csrfToken` in a JSON/form body)
//! matching its cookie, and a same-origin (or trusted) `Origin` when one is sent. Clears the
//! session, the CSRF token and any stored provider tokens; answers `{ ok: true, url }`, or 302 for
//! a plain form post. With `revokeTokens` the stored tokens are revoked first (RFC 7009, best
//! effort, bounded); with `federated: true` the answer's `url` is the provider's end-session
//! endpoint (OpenID Connect RP-Initiated Logout), which then returns the user to `redirectTo`.

use cookie::SameSite;
use serde::Serialize;
use serde_json::Value;

use super::{body_fields, field};
use crate::auth::{Auth, ProviderRuntime};
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::oauth::tokens::{self, TokenSet};
use crate::seal::b64::random_token;
use crate::seal::cookies;
use crate::session::{self, SessionData};

#[derive(Serialize)]
struct Body {
    ok: bool,
    url: String,
}

/// What a sign-out request asks for, once its CSRF check passed.
struct Ask {
    target: String,
    federated: bool,
    form_post: bool,
    session: Option<SessionData>,
}

fn ask(auth: &Auth, ctx: &Context, req: &Request) -> Result<Ask, Box<Response>> {
    let fields = body_fields(req.body.as_deref());
    if let Some(refusal) = super::csrf::verify(auth, ctx, req, field(&fields, "csrfToken")) {
        return Err(Box::new(refusal));
    }
    let target = ctx
        .query("redirectTo")
        .or_else(|| field(&fields, "redirectTo").map(str::to_string))
        .map(|t| safe_redirect(&t, &ctx.origin, &auth.config.trusted_origins))
        .unwrap_or_else(|| "/".into());
    let federated = ctx.query("federated").as_deref() == Some("true")
        || field(&fields, "federated") == Some("true");
    let form_post = req
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
        && req.csrf_token.is_none();
    Ok(Ask {
        target,
        federated,
        form_post,
        session: session::read(&auth.config, &ctx.cookies, &ctx.names.session),
    })
}

/// The signed-in user's provider and its stored tokens, if any.
fn provider_of<'a>(
    auth: &'a Auth,
    ctx: &Context,
    s: &SessionData,
) -> Option<(&'a ProviderRuntime, Option<TokenSet>)> {
    let user: Value = serde_json::from_str(&s.user_json).ok()?;
    let p = auth.provider(user["provider"].as_str()?)?;
    let stored = p
        .tokens
        .store
        .then(|| {
            TokenSet::read(
                &auth.config,
                &ctx.cookies,
                &tokens::cookie_name(&auth.config, ctx.secure, &p.spec.id),
            )
        })
        .flatten()
        .filter(|t| user["sub"] == t.sub.as_str());
    Some((p, stored))
}

/// Sign-out without the network, or the provider whose tokens must be revoked (or whose
/// end-session endpoint must be discovered) first.
pub fn run<'a>(
    auth: &'a Auth,
    ctx: &Context,
    req: &Request,
) -> Result<Response, &'a ProviderRuntime> {
    let ask = match ask(auth, ctx, req) {
        Ok(a) => a,
        Err(refusal) => return Ok(*refusal),
    };
    if let Some((p, stored)) = ask.session.as_ref().and_then(|s| provider_of(auth, ctx, s)) {
        let revoke = p.tokens.revoke && stored.is_some();
        let discover = ask.federated && p.end_session_url().is_none() && p.spec.issuer.is_some();
        if revoke || discover {
            return Err(p);
        }
        let url = ask
            .federated
            .then(|| federated_url(ctx, p, &ask.target, stored.as_ref()))
            .flatten();
        return Ok(respond(auth, ctx, &ask, url));
    }
    Ok(respond(auth, ctx, &ask, None))
}

/// Sign-out with a database: the same answer as without, then the session's row is deleted
/// (and its revocation announced to every instance). A database that cannot be reached does
/// not stop the sign-out: this browser's cookie is cleared either way, and the failure logged.
pub async fn run_with_store(auth: &Auth, ctx: &Context<'_>, req: &Request) -> Response {
    let fields = body_fields(req.body.as_deref());
    if let Some(refusal) = super::csrf::verify(auth, ctx, req, field(&fields, "csrfToken")) {
        return refusal;
    }
    let handle =
        session::read(&auth.config, &ctx.cookies, &ctx.names.session).and_then(|s| s.handle);
    let resp = match run(auth, ctx, req) {
        Ok(resp) => resp,
        Err(p) => run_async(auth, ctx, req, p).await,
    };
    match (&auth.store, handle) {
        (Some(store), Some(h)) => {
            match store
                .revoke_sessions(crate::store::sessions::Revoke::BySecret(&h.secret))
                .await
            {
                Ok(_) => resp,
                Err(e) => resp.with_log(crate::log::LogEntry::new(
                    crate::log::Level::Error,
                    e.code,
                    "Signed out this browser, but its session row could not be deleted; it ends at its expiry.",
                    None,
                )),
            }
        }
        _ => resp,
    }
}

/// Sign-out after revoking the stored tokens (bounded by the outbound timeout; failures do not
/// stop the sign-out) and, for `federated`, discovering the end-session endpoint.
pub async fn run_async(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    p: &ProviderRuntime,
) -> Response {
    let ask = match ask(auth, ctx, req) {
        Ok(a) => a,
        Err(refusal) => return *refusal,
    };
    let stored = ask
        .session
        .as_ref()
        .and_then(|s| provider_of(auth, ctx, s))
        .and_then(|(_, t)| t);
    let endpoints = auth.endpoints(p).await.ok();
    if let (true, Some(tokens), Some(endpoints)) = (p.tokens.revoke, &stored, &endpoints) {
        let limit = std::time::Duration::from_millis(auth.config.timeout_ms);
        crate::oauth::token_calls::revoke(&auth.outbound, p, endpoints, tokens, limit).await;
    }
    let url = ask
        .federated
        .then(|| federated_url(ctx, p, &ask.target, stored.as_ref()))
        .flatten();
    respond(auth, ctx, &ask, url)
}

/// The provider's end-session URL with `client_id`, `post_logout_redirect_uri` (the app origin
/// + the checked target), `state`, and `id_token_hint` when the id_token is stored.
fn federated_url(
    ctx: &Context,
    p: &ProviderRuntime,
    target: &str,
    stored: Option<&TokenSet>,
) -> Option<String> {
    let mut url = p.end_session_url()?;
    let back = if target.starts_with('/') {
        ctx.absolute(target)
    } else {
        target.to_string()
    };
    {
        let mut q = url.query_pairs_mut();
        if let Some(hint) = stored.and_then(|t| t.id_token.as_deref()) {
            q.append_pair("id_token_hint", hint);
        }
        q.append_pair("client_id", &p.spec.client_id);
        q.append_pair("post_logout_redirect_uri", &back);
        q.append_pair("state", &random_token(16));
    }
    Some(url.into())
}

fn respond(auth: &Auth, ctx: &Context, ask: &Ask, federated: Option<String>) -> Response {
    // The CSRF token and any stored provider tokens go first, the session last.
    let mut clears = vec![cookies::clear(
        &ctx.names.csrf,
        ctx.secure,
        SameSite::Strict,
    )];
    for p in auth.providers.iter().filter(|p| p.tokens.store) {
        let name = tokens::cookie_name(&auth.config, ctx.secure, &p.spec.id);
        if ctx.cookies.chunked(&name).is_some() || ctx.cookies.has(&name) {
            clears.extend(ctx.cookies.clear_all(&name, ctx.secure, SameSite::Lax));
        }
    }
    clears.extend(
        ctx.cookies
            .clear_all(&ctx.names.session, ctx.secure, SameSite::Lax),
    );
    let url = federated.unwrap_or_else(|| ask.target.clone());
    let mut resp = if ask.form_post {
        Response::redirect(&url)
    } else {
        Response::json(200, &Body { ok: true, url })
    };
    if auth.config.hooks.events {
        let session = ask
            .session
            .as_ref()
            .map_or(Value::Null, SessionData::session_value);
        resp = resp.with_event("signOut", serde_json::json!({ "session": session }));
    }
    resp.with_cookies(clears)
}
