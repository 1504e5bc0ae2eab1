//! The only module that knows about Node: translates between JS values and the core's plain data.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::oauth::providers::profile::User;
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

    /// Completes a hand-off after the app's hooks ran (`result`: JSON of what they returned).
    #[napi(catch_unwind)]
    pub fn finish_hooks(
        &self,
        req: NativeRequest,
        ticket: String,
        result: String,
    ) -> NativeResponse {
        to_js(self.inner.finish_hooks(&to_core(req), &ticket, &result))
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

    /// The session JSON for a Cookie header.
    #[napi(catch_unwind)]
    pub fn get_session(&self, cookie: Option<String>, forwarded_proto: Option<String>) -> String {
        self.inner
            .session_json(cookie.as_deref(), forwarded_proto.as_deref())
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
