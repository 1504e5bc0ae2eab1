//! Per-request decisions: the app origin (configured `baseURL` first; forwarded headers only with
//! `trustedProxyHeaders`), whether cookies are `Secure` and prefixed, the route path and query.
//! Nothing here is stored between requests.

use url::Url;

use crate::config::Config;
use crate::seal::cookies::{CookieNames, RequestCookies};

use crate::error::{AuthError, Result};
use crate::http::request::Request;

pub struct Context<'a> {
    pub origin: Url,
    pub secure: bool,
    pub names: &'a CookieNames,
    pub url: Url,
    pub cookies: RequestCookies<'a>,
}

fn first_value(v: &str) -> &str {
    v.split(',').next().unwrap_or("").trim()
}

/// `Forwarded: for=..;proto=https;host=example.com` (RFC 7239), first element only.
fn forwarded_pair(header: &str) -> (Option<String>, Option<String>) {
    let mut host = None;
    let mut proto = None;
    for pair in first_value(header).split(';') {
        if let Some((k, v)) = pair.split_once('=') {
            let v = v.trim().trim_matches('"').to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "host" => host = Some(v),
                "proto" => proto = Some(v),
                _ => {}
            }
        }
    }
    (host, proto)
}

fn origin_from(proto: &str, host: &str) -> Option<Url> {
    if !matches!(proto, "http" | "https")
        || host.is_empty()
        || host.contains(['/', '\\', '@', '?', '#'])
    {
        return None;
    }
    let url = Url::parse(&format!("{proto}://{host}")).ok()?;
    url.host()?;
    Some(url)
}

/// The request's own URL: absolute as given, or an origin-form path on a placeholder origin.
pub fn request_url(raw: &str) -> Result<Url> {
    let parsed = if raw.starts_with('/') {
        Url::parse(&format!("http://request.invalid{raw}"))
    } else {
        Url::parse(raw)
    };
    parsed.map_err(|_| AuthError::new("BAD_REQUEST", "The request URL is malformed."))
}

/// The app's origin for this request, and whether it is https.
pub fn app_origin(config: &Config, req: &Request, url: &Url) -> Result<Url> {
    if let Some(base) = &config.base_origin {
        return Ok(base.clone());
    }
    if config.trusted_proxy_headers {
        let (mut host, mut proto) = req
            .forwarded
            .as_deref()
            .map(forwarded_pair)
            .unwrap_or((None, None));
        if host.is_none() {
            host = req
                .forwarded_host
                .as_deref()
                .map(|h| first_value(h).to_string());
        }
        if proto.is_none() {
            proto = req
                .forwarded_proto
                .as_deref()
                .map(|p| first_value(p).to_ascii_lowercase());
        }
        if host.is_some() || proto.is_some() {
            let host = host
                .or_else(|| req.host.clone())
                .or_else(|| url.host_str().map(str::to_string));
            let proto = proto.unwrap_or_else(|| url.scheme().to_string());
            if let Some(o) = host.and_then(|h| origin_from(&proto, &h)) {
                return Ok(o);
            }
            return Err(AuthError::new(
                "BAD_HOST",
                "The forwarded host or protocol is malformed.",
            ));
        }
    }
    if url.host_str() != Some("request.invalid") {
        return origin_from(
            url.scheme(),
            &url[url::Position::BeforeHost..url::Position::AfterPort],
        )
        .ok_or_else(|| AuthError::new("BAD_HOST", "The request URL has no usable host."));
    }
    let proto = if req.secure == Some(true) {
        "https"
    } else {
        "http"
    };
    req.host
        .as_deref()
        .and_then(|h| origin_from(proto, h))
        .ok_or_else(|| {
            AuthError::new(
                "BAD_HOST",
                "The request has no valid Host header; set baseURL (AURA_AUTH_URL).",
            )
        })
}

impl<'a> Context<'a> {
    pub fn new(config: &'a Config, req: &'a Request) -> Result<Context<'a>> {
        let url = request_url(&req.url)?;
        let origin = app_origin(config, req, &url)?;
        let secure = origin.scheme() == "https";
        Ok(Context {
            names: config.names(secure),
            secure,
            origin,
            url,
            cookies: RequestCookies::parse_for(req.cookie.as_deref(), &config.cookie_prefix),
        })
    }

    /// The first value of a query parameter.
    pub fn query(&self, name: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// `origin` + path, e.g. the callback URL sent to providers.
    pub fn absolute(&self, path: &str) -> String {
        let o = self.origin.as_str().trim_end_matches('/');
        format!("{o}{path}")
    }

    /// Whether a request `Origin` header is this app's or a trusted origin.
    pub fn origin_allowed(&self, config: &Config, origin: &str) -> bool {
        match Url::parse(origin) {
            Ok(u) => {
                let o = u.origin();
                o == self.origin.origin() || config.trusted_origins.contains(&o)
            }
            Err(_) => false,
        }
    }
}

/// For `api.getSession`, which sees headers only: https when baseURL says so, or (with trusted
/// proxy headers) X-Forwarded-Proto says so; `None` when nothing tells.
pub fn session_scheme(config: &Config, forwarded_proto: Option<&str>) -> Option<bool> {
    if let Some(base) = &config.base_origin {
        return Some(base.scheme() == "https");
    }
    if config.trusted_proxy_headers {
        if let Some(p) = forwarded_proto {
            return Some(first_value(p).eq_ignore_ascii_case("https"));
        }
    }
    None
}

/// The session cookie schemes a header-only read tries, in order: the one [`session_scheme`]
/// names, else https then http.
pub fn session_schemes(config: &Config, forwarded_proto: Option<&str>) -> &'static [bool] {
    match session_scheme(config, forwarded_proto) {
        Some(true) => &[true],
        Some(false) => &[false],
        None => &[true, false],
    }
}
