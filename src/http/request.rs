//! The request as the core sees it: only the parts the protocol needs, all plain data.

/// One HTTP request, translated by the binding (or built by tests).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    /// Absolute URL (Web `Request`) or origin-form path with query (Node `req.url`).
    pub url: String,
    pub host: Option<String>,
    /// The transport was TLS (Node: `req.socket.encrypted`). Ignored when `url` is absolute.
    pub secure: Option<bool>,
    pub cookie: Option<String>,
    pub origin: Option<String>,
    pub forwarded_host: Option<String>,
    pub forwarded_proto: Option<String>,
    pub forwarded: Option<String>,
    /// The peer address of the connection (Node: `req.socket.remoteAddress`); none for a bare
    /// Web `Request`. Rate limiting keys by it (SPEC §13).
    pub ip: Option<String>,
    /// `X-Forwarded-For`, every value joined with `,` (read only with `trustedProxyHeaders`).
    pub forwarded_for: Option<String>,
    /// Shown in a user's list of sessions (SPEC §11); never trusted.
    pub user_agent: Option<String>,
    pub content_type: Option<String>,
    pub csrf_token: Option<String>,
    pub body: Option<String>,
    /// The adapter stopped reading the body at the size cap (the rest was never buffered).
    pub body_too_large: bool,
}

impl Request {
    pub fn get(url: &str) -> Self {
        Request {
            method: "GET".into(),
            url: url.into(),
            ..Default::default()
        }
    }
}
