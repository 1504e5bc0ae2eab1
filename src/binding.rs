//! The only module that knows about Node: translates between JS values and the core's plain data.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::providers::profile::User;
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
}

#[napi(object)]
pub struct NativeResponse {
    pub status: u32,
    /// Flat `[name, value, name, value, ...]`; each Set-Cookie is its own pair.
    pub headers: Vec<String>,
    pub body: String,
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
    }
}

fn to_js(r: Response) -> NativeResponse {
    let mut headers = Vec::with_capacity(r.headers.len() * 2);
    for (n, v) in r.headers {
        headers.push(n);
        headers.push(v);
    }
    NativeResponse {
        status: r.status as u32,
        headers,
        body: r.body,
    }
}

/// Errors cross as JSON in the message; index.js turns them into `AuraAuthError` with `.code`.
fn to_napi(e: AuthError) -> Error {
    let json = serde_json::json!({ "code": e.code, "message": e.message });
    Error::new(Status::InvalidArg, format!("AURA_AUTH_ERROR:{json}"))
}

#[napi]
pub struct NativeAuth {
    inner: Arc<Auth>,
}

#[napi]
impl NativeAuth {
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        Auth::new(&input)
            .map(|a| NativeAuth { inner: Arc::new(a) })
            .map_err(to_napi)
    }

    #[napi]
    pub fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    /// Sync fast path; `null` means the request needs the network: call `handleAsync`.
    #[napi]
    pub fn handle(&self, req: NativeRequest) -> Option<NativeResponse> {
        self.inner.handle(&to_core(req)).map(to_js)
    }

    #[napi]
    pub async fn handle_async(&self, req: NativeRequest) -> NativeResponse {
        let inner = self.inner.clone();
        let req = to_core(req);
        to_js(inner.handle_async(&req).await)
    }

    /// The session JSON for a Cookie header.
    #[napi]
    pub fn get_session(&self, cookie: Option<String>, forwarded_proto: Option<String>) -> String {
        self.inner
            .session_json(cookie.as_deref(), forwarded_proto.as_deref())
    }

    #[napi]
    pub fn seal_session_for_testing(&self, user_json: String, secure: bool) -> Result<String> {
        let user: User = serde_json::from_str(&user_json)
            .map_err(|e| to_napi(AuthError::new("INVALID_USER", format!("Not a User: {e}"))))?;
        Ok(self.inner.seal_session_for_testing(user, secure))
    }
}
