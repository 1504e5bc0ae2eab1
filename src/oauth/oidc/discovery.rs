//! OpenID Provider metadata (`<issuer>/.well-known/openid-configuration`).

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use crate::error::{AuthError, Result};
use crate::http::outbound::Outbound;

#[derive(Deserialize, Debug, Clone)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// RFC 7009 token revocation.
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    /// OpenID Connect RP-Initiated Logout.
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

pub fn discovery_url(issuer: &str) -> Option<Url> {
    Url::parse(&format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    ))
    .ok()
}

/// How long discovered metadata is used before it is fetched again: the response's
/// `Cache-Control: max-age`, kept within these bounds, or the default when none is given.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
pub const MIN_LIFETIME: Duration = Duration::from_secs(5 * 60);
pub const MAX_LIFETIME: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The lifetime a `Cache-Control` header value grants, within [`MIN_LIFETIME`, `MAX_LIFETIME`].
pub fn lifetime(cache_control: Option<&str>) -> Duration {
    let Some(value) = cache_control else {
        return DEFAULT_LIFETIME;
    };
    let mut max_age = None;
    for directive in value.split(',') {
        let directive = directive.trim().to_ascii_lowercase();
        if directive == "no-store" || directive == "no-cache" {
            return MIN_LIFETIME;
        }
        if let Some(n) = directive.strip_prefix("max-age=") {
            max_age = n.trim_matches('"').parse::<u64>().ok();
        }
    }
    match max_age {
        Some(secs) => Duration::from_secs(secs).clamp(MIN_LIFETIME, MAX_LIFETIME),
        None => DEFAULT_LIFETIME,
    }
}

/// Fetches and checks the metadata (`issuer` must equal the configured issuer exactly) and says
/// how long it may be used. Endpoint URLs are checked by `Endpoints::from_discovery`.
pub async fn discover(outbound: &Outbound, issuer: &str) -> Result<(Metadata, Duration)> {
    let url = discovery_url(issuer)
        .ok_or_else(|| AuthError::new("DISCOVERY_FAILED", "The issuer is not a valid URL."))?;
    let (value, cache_control) = outbound.get_json_meta(&url).await.map_err(|e| {
        AuthError::new(
            "DISCOVERY_FAILED",
            format!("Loading the OpenID configuration failed: {e}."),
        )
    })?;
    let meta: Metadata = serde_json::from_value(value).map_err(|_| {
        AuthError::new(
            "DISCOVERY_FAILED",
            "The OpenID configuration is missing required fields.",
        )
    })?;
    if meta.issuer != issuer {
        return Err(AuthError::new(
            "DISCOVERY_FAILED",
            "The OpenID configuration names a different issuer than the one configured.",
        ));
    }
    Ok((meta, lifetime(cache_control.as_deref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_lifetime_honours_max_age_within_bounds() {
        assert_eq!(lifetime(None), DEFAULT_LIFETIME);
        assert_eq!(lifetime(Some("public")), DEFAULT_LIFETIME);
        assert_eq!(
            lifetime(Some("public, max-age=3600")),
            Duration::from_secs(3600)
        );
        assert_eq!(lifetime(Some("max-age=1")), MIN_LIFETIME);
        assert_eq!(lifetime(Some("max-age=99999999999")), MAX_LIFETIME);
        assert_eq!(lifetime(Some("no-store")), MIN_LIFETIME);
        assert_eq!(lifetime(Some("max-age=junk")), DEFAULT_LIFETIME);
    }
}
