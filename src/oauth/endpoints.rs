//! A provider's effective endpoints: its description, completed by discovery for OIDC providers
//! that do not carry every URL themselves.

use url::Url;

use crate::error::Result;
use crate::http::url_policy::{discovered_endpoint, Publisher};
use crate::oauth::oidc::discovery::Metadata;
use crate::oauth::providers::{ClientAuth, Protocol, ProviderSpec};

#[derive(Debug, Clone)]
pub struct Endpoints {
    pub authorization: Url,
    pub token: Url,
    pub userinfo: Option<Url>,
    pub emails: Option<Url>,
    pub jwks: Option<Url>,
    /// The issuer that `iss` (RFC 9207) and id_tokens must name. For Entra's multi-tenant
    /// authorities it holds `{tenantid}`, filled in from the id_token's `tid`.
    pub issuer: Option<String>,
    /// The provider promised the `iss` authorization-response parameter: it must be present.
    pub iss_required: bool,
    pub client_auth: ClientAuth,
    pub oidc: bool,
}

impl Endpoints {
    /// Everything from the description: plain OAuth 2.0 providers, and OIDC providers that carry
    /// their authorize, token and JWKS URLs and issuer (the built-ins with fixed URLs), so a
    /// sign-in needs no discovery request. `None`: discovery must complete them.
    pub fn from_spec(spec: &ProviderSpec) -> Option<Endpoints> {
        let oidc = spec.protocol == Protocol::Oidc;
        if oidc && (spec.jwks_url.is_none() || spec.issuer.is_none()) {
            return None;
        }
        Some(Endpoints {
            authorization: spec.authorization_url.clone()?,
            token: spec.token_url.clone()?,
            userinfo: spec.userinfo_url.clone(),
            emails: spec.emails_url.clone(),
            jwks: spec.jwks_url.clone(),
            issuer: spec.issuer.clone(),
            iss_required: false,
            client_auth: spec.client_auth.unwrap_or(ClientAuth::Basic),
            oidc,
        })
    }

    /// OIDC: discovered endpoints, with any explicit override on the provider object winning.
    pub fn from_discovery(
        spec: &ProviderSpec,
        meta: &Metadata,
        production: bool,
    ) -> Result<Endpoints> {
        let from = Publisher {
            issuer: &meta.issuer,
            production,
        };
        let parse = |text: &str, field: &str| discovered_endpoint(text, field, from);
        let methods = meta
            .token_endpoint_auth_methods_supported
            .clone()
            .unwrap_or_default();
        let discovered_auth =
            if methods.is_empty() || methods.iter().any(|m| m == "client_secret_basic") {
                ClientAuth::Basic
            } else if methods.iter().any(|m| m == "client_secret_post") {
                ClientAuth::Post
            } else {
                ClientAuth::Basic
            };
        Ok(Endpoints {
            authorization: match &spec.authorization_url {
                Some(u) => u.clone(),
                None => parse(&meta.authorization_endpoint, "authorization_endpoint")?,
            },
            token: match &spec.token_url {
                Some(u) => u.clone(),
                None => parse(&meta.token_endpoint, "token_endpoint")?,
            },
            userinfo: match (&spec.userinfo_url, &meta.userinfo_endpoint) {
                (Some(u), _) => Some(u.clone()),
                (None, Some(u)) => Some(parse(u, "userinfo_endpoint")?),
                (None, None) => None,
            },
            emails: spec.emails_url.clone(),
            jwks: Some(match &spec.jwks_url {
                Some(u) => u.clone(),
                None => parse(&meta.jwks_uri, "jwks_uri")?,
            }),
            issuer: Some(meta.issuer.clone()),
            iss_required: meta.authorization_response_iss_parameter_supported,
            client_auth: spec.client_auth.unwrap_or(discovered_auth),
            oidc: true,
        })
    }
}
