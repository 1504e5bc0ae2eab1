//! OpenID Provider metadata (`<issuer>/.well-known/openid-configuration`).

use serde::Deserialize;
use url::Url;

use crate::error::{AuthError, Result};
use crate::outbound::{allowed, Outbound};

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
}

pub fn discovery_url(issuer: &str) -> Option<Url> {
    Url::parse(&format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    ))
    .ok()
}

fn endpoint(text: &str, field: &str) -> Result<Url> {
    let url = Url::parse(text).ok().filter(allowed).ok_or_else(|| {
        AuthError::new(
            "DISCOVERY_FAILED",
            format!("The provider's {field} is not an https URL."),
        )
    })?;
    Ok(url)
}

/// Fetches and checks the metadata: `issuer` must equal the configured issuer exactly.
pub async fn discover(outbound: &Outbound, issuer: &str) -> Result<(Metadata, Vec<Url>)> {
    let url = discovery_url(issuer)
        .ok_or_else(|| AuthError::new("DISCOVERY_FAILED", "The issuer is not a valid URL."))?;
    let value = outbound.get_json(&url, None).await.map_err(|e| {
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
    let urls = vec![
        endpoint(&meta.authorization_endpoint, "authorization_endpoint")?,
        endpoint(&meta.token_endpoint, "token_endpoint")?,
        endpoint(&meta.jwks_uri, "jwks_uri")?,
    ];
    if let Some(u) = &meta.userinfo_endpoint {
        endpoint(u, "userinfo_endpoint")?;
    }
    Ok((meta, urls))
}
