//! The only module that knows about Node: translates between JS values and the core's plain data.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::oauth::providers::profile::User;
use crate::protect::{self, Guard};
use crate::{Auth, AuthError, Request, Response};

#[napi(object)]
pub struct NativeRequest {
    pub method: String,
    pub url: String,
    pub host: Option<String>,
    pub secure: Option<bool>,
    pub cookie: Option<String>,
    pub origin: Option<String>,
    pub forwarded_host: Option<String>,
    pub forwarded_proto: Option<String>,
    pub forwarded: Option<String>,
    /// The socket's peer address (Node adapter); none for a Web `Request`.
    pub ip: Option<String>,
    pub forwarded_for: Option<String>,
    pub user_agent: Option<String>,
    pub content_type: Option<String>,
    pub csrf_token: Option<String>,
    pub body: Option<String>,
    pub body_too_large: Option<bool>,
}

#[napi(object)]
pub struct NativeResponse {
    pub status: u32,
    /// Flat `[name, value, name, value, ...]`; each Set-Cookie is its own pair.
    pub headers: Vec<String>,
    pub body: String,
    /// Not final: the app's hooks run first (JSON hand-off), then `finishHooks`.
    pub hook: Option<String>,
    /// JSON `[[name, payload], ...]` for the app's `events`.
    pub events: Option<String>,
    /// JSON `[{ level, code, message, provider? }, ...]` for the app's logger.
    pub log: Option<String>,
    /// JSON `[{ to, kind, url, subject, text, html }, ...]` for the app's `email.send`.
    pub emails: Option<String>,
}

/// The proxy's decision (SPEC §15): neither field = not guarded (pass); `session` = signed in
/// (the `getSession` JSON); `response` = send it.
#[napi(object)]
pub struct NativeGuard {
    pub session: Option<String>,
    pub response: Option<NativeResponse>,
}

fn to_core(r: NativeRequest) -> Request {
    Request {
        method: r.method,
        url: r.url,
        host: r.host,
        secure: r.secure,
        cookie: r.cookie,
        origin: r.origin,
        forwarded_host: r.forwarded_host,
        forwarded_proto: r.forwarded_proto,
        forwarded: r.forwarded,
        ip: r.ip,
        forwarded_for: r.forwarded_for,
        user_agent: r.user_agent,
        content_type: r.content_type,
        csrf_token: r.csrf_token,
        body: r.body,
        body_too_large: r.body_too_large == Some(true),
    }
}

fn to_js(r: Response) -> NativeResponse {
    let mut headers = Vec::with_capacity(r.headers.len() * 2);
    for (n, v) in r.headers {
        headers.push(n);
        headers.push(v);
    }
    let json = |empty: bool, value: String| (!empty).then_some(value);
    NativeResponse {
        status: r.status as u32,
        headers,
        body: r.body,
        hook: r.hook,
        events: json(
            r.events.is_empty(),
            serde_json::to_string(&r.events).unwrap_or_default(),
        ),
        log: json(
            r.log.is_empty(),
            serde_json::to_string(&r.log).unwrap_or_default(),
        ),
        emails: json(
            r.emails.is_empty(),
            serde_json::to_string(&r.emails).unwrap_or_default(),
        ),
    }
}

/// A core error as a JS error whose `code` is the stable code (napi's string status): index.js
/// re-creates it as an `AuraAuthError` without parsing the message.
fn to_napi(e: AuthError) -> Error<String> {
    Error::new(e.code.to_string(), e.message)
}

#[napi]
pub struct NativeAuth {
    inner: Arc<Auth>,
}

#[napi]
impl NativeAuth {
    #[napi(constructor, catch_unwind)]
    pub fn new(input: String) -> Result<Self, String> {
        Auth::new(&input)
            .map(|a| NativeAuth { inner: Arc::new(a) })
            .map_err(to_napi)
    }

    #[napi]
    pub fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    /// Sync fast path; `null` means the request needs the network: call `handleAsync`.
    #[napi(catch_unwind)]
    pub fn handle(&self, req: NativeRequest) -> Option<NativeResponse> {
        self.inner.handle(&to_core(req)).map(to_js)
    }

    #[napi]
    pub async fn handle_async(&self, req: NativeRequest) -> NativeResponse {
        let inner = self.inner.clone();
        let req = to_core(req);
        to_js(inner.handle_async(&req).await)
    }

    /// Completes a hand-off after the app's hooks ran (`result`: JSON of what they returned);
    /// `null` when it writes to the database: call `finishHooksAsync`.
    #[napi(catch_unwind)]
    pub fn finish_hooks(
        &self,
        req: NativeRequest,
        ticket: String,
        result: String,
    ) -> Option<NativeResponse> {
        self.inner
            .finish_hooks(&to_core(req), &ticket, &result)
            .map(to_js)
    }

    #[napi]
    pub async fn finish_hooks_async(
        &self,
        req: NativeRequest,
        ticket: String,
        result: String,
    ) -> NativeResponse {
        let inner = self.inner.clone();
        let req = to_core(req);
        to_js(inner.finish_hooks_async(&req, &ticket, &result).await)
    }

    /// Whether a database is configured (the JS layer then waits for `ready` once).
    #[napi]
    pub fn has_database(&self) -> bool {
        self.inner.store.is_some()
    }

    /// With a database: connects, migrates and loads the revocation view (once). JSON
    /// `{ ok: true }` or `{ ok: false, code, message }` (async calls carry codes as data).
    #[napi]
    pub async fn ready(&self) -> String {
        let inner = self.inner.clone();
        outcome(inner.ready().await.map(|_| "null".to_string()))
    }

    /// The server API with a database (`op`: listSessions, revokeSession, …; `args`: JSON).
    #[napi]
    pub async fn api_call(
        &self,
        op: String,
        cookie: Option<String>,
        forwarded_proto: Option<String>,
        args: String,
    ) -> String {
        let inner = self.inner.clone();
        outcome(
            inner
                .api_call(&op, cookie.as_deref(), forwarded_proto.as_deref(), &args)
                .await,
        )
    }

    /// Applies a provider's JS `profile` function result; returns the new hand-off JSON.
    #[napi(catch_unwind)]
    pub fn apply_profile(&self, ticket: String, partial: String) -> Result<String, String> {
        self.inner.apply_profile(&ticket, &partial).map_err(to_napi)
    }

    /// `api.getAccessToken` without the network: JSON `{ ok, accessToken, … }`, `{ refresh: true }`
    /// (call `refreshAccessToken`), or `{ ok: false, code, message, setCookie }`.
    #[napi(catch_unwind)]
    pub fn access_token(
        &self,
        provider: String,
        cookie: Option<String>,
        forwarded_proto: Option<String>,
    ) -> String {
        self.inner
            .access_token(&provider, cookie.as_deref(), forwarded_proto.as_deref())
    }

    /// `api.getAccessToken` with a refresh (single flight per refresh token).
    #[napi]
    pub async fn refresh_access_token(
        &self,
        provider: String,
        cookie: Option<String>,
        forwarded_proto: Option<String>,
    ) -> String {
        let inner = self.inner.clone();
        inner
            .refresh_access_token(&provider, cookie.as_deref(), forwarded_proto.as_deref())
            .await
    }

    /// `api.importUser`: JSON in; JSON `{ id }`, or `{ error: { code, message } }`.
    #[napi]
    pub async fn import_user(&self, input: String) -> String {
        let inner = self.inner.clone();
        match inner.import_user(&input).await {
            Ok(json) => json,
            Err(e) => {
                serde_json::json!({ "error": { "code": e.code, "message": e.message } }).to_string()
            }
        }
    }

    /// The session JSON for a Cookie header.
    #[napi(catch_unwind)]
    pub fn get_session(&self, cookie: Option<String>, forwarded_proto: Option<String>) -> String {
        self.inner
            .session_json(cookie.as_deref(), forwarded_proto.as_deref())
    }

    /// `auth.proxy`: the decision for a request to a path the app protects.
    #[napi(catch_unwind)]
    pub fn guard(&self, req: NativeRequest, accept: Option<String>) -> NativeGuard {
        match self.inner.guard(&to_core(req), accept.as_deref()) {
            Guard::Pass => NativeGuard {
                session: None,
                response: None,
            },
            Guard::SignedIn(json) => NativeGuard {
                session: Some(json),
                response: None,
            },
            Guard::Respond(r) => NativeGuard {
                session: None,
                response: Some(to_js(r)),
            },
        }
    }

    /// The 403 when the app's `authorize` says no.
    #[napi(catch_unwind)]
    pub fn forbidden(&self, accept: Option<String>) -> NativeResponse {
        to_js(protect::forbidden(accept.as_deref()))
    }

    /// `requireSession`'s 401 `UNAUTHENTICATED`.
    #[napi(catch_unwind)]
    pub fn unauthenticated(&self) -> NativeResponse {
        to_js(protect::unauthenticated())
    }

    /// `withSession`'s redirect destination for a signed-out visitor of `target`.
    #[napi(catch_unwind)]
    pub fn sign_in_redirect(&self, page: Option<String>, target: String) -> Result<String, String> {
        self.inner
            .sign_in_redirect(page.as_deref(), &target)
            .map_err(to_napi)
    }

    #[napi(catch_unwind)]
    pub fn seal_session_for_testing(
        &self,
        user_json: String,
        secure: bool,
    ) -> Result<String, String> {
        let user: User = serde_json::from_str(&user_json)
            .map_err(|e| to_napi(AuthError::new("INVALID_USER", format!("Not a User: {e}"))))?;
        self.inner
            .seal_session_for_testing(user, secure)
            .map_err(to_napi)
    }

    /// Test support for the panic guard: panics inside a `catch_unwind` export. It proves a
    /// panic fails one call (a JS exception) instead of aborting the process.
    #[napi(catch_unwind)]
    pub fn panic_for_testing(&self) -> Result<(), String> {
        panic!("aura-auth: panic requested by panicForTesting");
    }
}

/// `npx aura-auth migrate`: applies pending migrations; returns their names.
#[napi]
pub async fn migrate_database(input: String) -> String {
    outcome(
        crate::auth::api::cli_migrate(&input)
            .await
            .map(|applied| serde_json::to_string(&applied).unwrap_or_default()),
    )
}

/// An async result as JSON: `{ ok: true, value }` (value: JSON text) or `{ ok: false, code,
/// message }`.
fn outcome(r: crate::error::Result<String>) -> String {
    match r {
        Ok(value) => format!(r#"{{"ok":true,"value":{value}}}"#),
        Err(e) => {
            serde_json::json!({ "ok": false, "code": e.code, "message": e.message }).to_string()
        }
    }
}

/// `npx aura-auth migrate --print`: the schema as SQL for the configured engine and prefix.
#[napi(catch_unwind)]
pub fn migration_sql(input: String) -> Result<String, String> {
    crate::auth::api::cli_migration_sql(&input).map_err(to_napi)
}

/// Benchmark support (bench/password.mjs): one verification of `password` against a stored hash
/// at the default argon2id parameters, on the worker pool exactly as a sign-in runs it (same
/// slots, same kept memory), without the request around it. The bench subtracts it from a sign-in.
#[napi]
pub async fn verify_password_for_bench(password: String, stored: String) -> bool {
    let hasher = crate::credentials::password::Hasher::default();
    crate::actions::email::blocking(move || hasher.verify(&password, &stored).ok())
        .await
        .unwrap_or(false)
}
