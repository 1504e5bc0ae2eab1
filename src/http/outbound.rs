//! Outbound HTTP to providers (token, userinfo, discovery, JWKS): rustls TLS, a time limit, no
//! redirects followed, a response-size cap, JSON required. Plain http only to loopback hosts.

use std::time::Duration;

use serde_json::Value;
use url::Url;

use crate::http::url_policy::outbound_allowed;

/// Why an outbound call failed. Never contains a token or secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundError {
    InsecureUrl,
    Timeout,
    Connect,
    Redirect(u16),
    Status(u16),
    TooLarge,
    NotJson,
}

impl std::fmt::Display for OutboundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutboundError::InsecureUrl => write!(f, "refused a non-https URL that is not loopback"),
            OutboundError::Timeout => write!(f, "the provider did not answer in time"),
            OutboundError::Connect => write!(f, "the provider could not be reached"),
            OutboundError::Redirect(s) => write!(
                f,
                "the provider answered with a redirect ({s}), which is not followed"
            ),
            OutboundError::Status(s) => write!(f, "the provider answered with HTTP {s}"),
            OutboundError::TooLarge => write!(f, "the provider's response was too large"),
            OutboundError::NotJson => write!(f, "the provider's response was not JSON"),
        }
    }
}

impl std::error::Error for OutboundError {}

/// A shared client (connection pool) with this instance's limits.
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    max_bytes: usize,
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|c| c.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false)
}

impl Outbound {
    /// The hardened client, or an error: there is no fallback to a client without these limits.
    pub fn new(timeout_ms: u64, max_bytes: usize) -> Result<Self, crate::AuthError> {
        let timeout = Duration::from_millis(timeout_ms);
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("aura-auth/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                crate::AuthError::new(
                    "HTTP_CLIENT_UNAVAILABLE",
                    format!("The outbound HTTP client (rustls TLS, timeouts, no redirects) could not be built: {e}."),
                )
            })?;
        Ok(Outbound { client, max_bytes })
    }

    /// Sends a request and reads the whole (capped) response. Redirects are errors.
    pub async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, OutboundError> {
        let url = Url::parse(&request.uri().to_string()).map_err(|_| OutboundError::InsecureUrl)?;
        if !outbound_allowed(&url) {
            return Err(OutboundError::InsecureUrl);
        }
        let (parts, body) = request.into_parts();
        let mut builder = self.client.request(parts.method, url);
        for (name, value) in parts.headers.iter() {
            builder = builder.header(name, value);
        }
        let mut response = builder.body(body).send().await.map_err(classify)?;
        let status = response.status();
        if status.is_redirection() {
            return Err(OutboundError::Redirect(status.as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|n| n as usize > self.max_bytes)
        {
            return Err(OutboundError::TooLarge);
        }
        let mut out = http::Response::builder().status(status.as_u16());
        for (name, value) in response.headers() {
            out = out.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(OutboundError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        out.body(body).map_err(|_| OutboundError::Connect)
    }

    /// GET a JSON document (optionally with a bearer token). Non-2xx, non-JSON and oversized
    /// responses are errors.
    pub async fn get_json(&self, url: &Url, bearer: Option<&str>) -> Result<Value, OutboundError> {
        self.get(url, bearer).await.map(|(v, _)| v)
    }

    /// Like [`Outbound::get_json`] without a token, also returning the `Cache-Control` header.
    pub async fn get_json_meta(&self, url: &Url) -> Result<(Value, Option<String>), OutboundError> {
        self.get(url, None).await
    }

    async fn get(
        &self,
        url: &Url,
        bearer: Option<&str>,
    ) -> Result<(Value, Option<String>), OutboundError> {
        let auth = bearer.map(|t| ("authorization".to_string(), format!("Bearer {t}")));
        self.call(http::Method::GET, url, auth.as_slice()).await
    }

    /// A call to a provider's API with extra headers (the Authorization header among them, in
    /// whatever scheme the provider takes), GET or POST without a body; the answer must be
    /// JSON. A header that cannot be sent is refused as an insecure request, never a panic.
    pub async fn request_json(
        &self,
        method: http::Method,
        url: &Url,
        headers: &[(String, String)],
    ) -> Result<Value, OutboundError> {
        self.call(method, url, headers).await.map(|(v, _)| v)
    }

    async fn call(
        &self,
        method: http::Method,
        url: &Url,
        headers: &[(String, String)],
    ) -> Result<(Value, Option<String>), OutboundError> {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(url.as_str())
            .header("accept", "application/json");
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let request = builder
            .body(Vec::new())
            .map_err(|_| OutboundError::InsecureUrl)?;
        let response = self.send(request).await?;
        if !response.status().is_success() {
            return Err(OutboundError::Status(response.status().as_u16()));
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if !is_json(header("content-type").as_deref()) {
            return Err(OutboundError::NotJson);
        }
        let value = serde_json::from_slice(response.body()).map_err(|_| OutboundError::NotJson)?;
        Ok((value, header("cache-control")))
    }
}

fn classify(e: reqwest::Error) -> OutboundError {
    if e.is_timeout() {
        OutboundError::Timeout
    } else {
        OutboundError::Connect
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        assert!(is_json(Some("application/json; charset=utf-8")));
        assert!(is_json(Some("application/jwk-set+json")));
        assert!(!is_json(Some("text/html")));
        assert!(!is_json(None));
    }
}
