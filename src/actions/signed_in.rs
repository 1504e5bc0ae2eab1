//! The end of every successful sign-in, whatever its method (OAuth callback, hook answer, email
//! and password, magic link, passkey): the session cookie (last), the spent flow and CSRF cookies
//! cleared, the redirect or JSON answer, and the sign-in events. Never decides *who* signs in.

use crate::auth::Auth;
use crate::error::Result;
use crate::http::context::Context;
use crate::http::response::Response;
use crate::log::{Level, LogEntry};
use crate::oauth::account::Account;
use crate::oauth::tokens::{self, TokenSet};
use crate::seal::cookies;
use crate::session::SessionData;
use cookie::SameSite;
use serde_json::Value;

/// The end of every successful sign-in: the session cookie (last), the spent flow cookie and the
/// CSRF token (rotated) cleared, a redirect to `target`, and the `signIn` event.
pub fn signed_in(
    auth: &Auth,
    ctx: &Context,
    provider: &str,
    user_json: String,
    extra_json: String,
    account: Option<&Account>,
    target: &str,
) -> Result<Response> {
    signed_in_as(
        auth,
        ctx,
        SignedIn {
            provider,
            user_json,
            extra_json,
            account,
            target,
            handle: None,
            events: Vec::new(),
        },
    )
}

/// A finished sign-in, ready for its cookies.
pub struct SignedIn<'a> {
    pub provider: &'a str,
    pub user_json: String,
    pub extra_json: String,
    pub account: Option<&'a Account>,
    pub target: &'a str,
    /// With a database: the session row the cookie names.
    pub handle: Option<crate::session::SessionHandle>,
    /// Events of the sign-in itself (`createUser`, `linkAccount`), before `signIn`.
    pub events: Vec<(&'static str, Value)>,
}

/// [`signed_in`], with the database's session handle and events when there is one.
pub fn signed_in_as(auth: &Auth, ctx: &Context, s: SignedIn) -> Result<Response> {
    let SignedIn {
        provider,
        user_json,
        extra_json,
        account,
        target,
        handle,
        events,
    } = s;
    let mut session = SessionData::with_fields(user_json, extra_json, &auth.config);
    session.handle = handle;
    let sealed = session.seal_checked(&auth.config, &ctx.names.session)?;
    // The spent flow cookie and the CSRF token (rotated at sign-in) are cleared first; the
    // session cookie comes last, so an adapter that keeps only the last Set-Cookie keeps it.
    // The CSRF clear is always sent (review finding 4): the cookie is SameSite=Strict, so the
    // cross-site callback never carries it and could not tell it is there.
    let mut cookies_out = vec![
        cookies::clear(&ctx.names.flow, ctx.secure, SameSite::Lax),
        cookies::clear(&ctx.names.csrf, ctx.secure, SameSite::Strict),
    ];
    let form_post = auth.provider(provider).is_some_and(|p| p.spec.form_post);
    // `storeTokens`: every provider's token cookie is cleared (tokens of an earlier sign-in never
    // outlive it), then this provider's tokens are set within what the session leaves of the
    // combined budget (review finding 9), before the session's cookie.
    let mut too_large = false;
    let stores = |p: &&crate::auth::ProviderRuntime| p.tokens.store;
    for p in auth.providers.iter().filter(stores) {
        let name = tokens::cookie_name(&auth.config, ctx.secure, &p.spec.id);
        // With a database the tokens are in the account row (written at sign-in), not here.
        let in_cookie = p.spec.id == provider && auth.store.is_none();
        let sealed_tokens = account.filter(|_| in_cookie).map(|a| {
            TokenSet::from_account(a).sealed_within(
                &auth.config,
                &name,
                tokens::budget_beside(sealed.len()),
            )
        });
        match sealed_tokens {
            Some(Some(value)) => cookies_out.extend(cookies::set_chunked_blind(
                &name,
                &value,
                auth.config.max_age,
                ctx.secure,
            )),
            Some(None) => {
                too_large = true;
                cookies_out.extend(cookies::clear_every(&name, ctx.secure));
            }
            None => cookies_out.extend(cookies::clear_every(&name, ctx.secure)),
        }
    }
    // A form_post callback (Apple) is a cross-site POST that carries no Lax cookie: the old
    // session's name and every chunk are cleared unconditionally (review finding 5).
    cookies_out.extend(if form_post {
        cookies::set_chunked_blind(&ctx.names.session, &sealed, auth.config.max_age, ctx.secure)
    } else {
        cookies::set_chunked(
            &ctx.cookies,
            &ctx.names.session,
            &sealed,
            auth.config.max_age,
            ctx.secure,
        )
    });
    let mut resp = Response::redirect(target)
        .with_cookies(cookies_out)
        .with_log(LogEntry::new(
            Level::Info,
            "SIGNED_IN",
            "A user signed in.",
            Some(provider),
        ));
    if too_large {
        resp = resp.with_log(LogEntry::new(
            Level::Warn,
            "TOKENS_TOO_LARGE",
            "The provider's tokens do not fit beside the session in the cookie budget; they were not stored.",
            Some(provider),
        ));
    }
    if auth.config.hooks.events {
        for (name, payload) in events {
            resp = resp.with_event(name, payload);
        }
        let user: Value = serde_json::from_str(&session.user_json).unwrap_or(Value::Null);
        resp = resp.with_event(
            "signIn",
            serde_json::json!({ "user": user, "account": account }),
        );
    }
    Ok(resp)
}
