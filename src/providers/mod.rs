//! Provider descriptions. A built-in provider is a plain description (endpoints, scopes,
//! client authentication, profile mapping); the user's provider object may override any field.
//! Generic OAuth 2.0 providers are described the same way; OpenID Connect providers need only
//! `{ id, name, issuer, clientId, clientSecret }` and are completed by discovery.

mod github;
pub mod profile;

use std::collections::HashMap;

use serde::Deserialize;
use url::Url;

use crate::config::OneOrMany;
use crate::error::{AuthError, Result};
use crate::url_policy::provider_endpoint;
pub use profile::{ProfileMap, ProfileStyle};

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    Basic,
    Post,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    OAuth2,
    Oidc,
}

/// A fully described provider (before OIDC discovery fills any missing endpoint).
#[derive(Clone, Debug)]
pub struct ProviderSpec {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    pub client_id: String,
    pub client_secret: String,
    pub issuer: Option<String>,
    pub authorization_url: Option<Url>,
    pub token_url: Option<Url>,
    pub userinfo_url: Option<Url>,
    pub emails_url: Option<Url>,
    pub jwks_url: Option<Url>,
    pub scopes: Vec<String>,
    pub client_auth: Option<ClientAuth>,
    pub profile: ProfileStyle,
    pub authorization_params: Vec<(String, String)>,
}

/// A provider object as the user wrote it.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProviderObject {
    pub id: String,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    #[serde(rename = "authorizationURL")]
    pub authorization_url: Option<String>,
    #[serde(rename = "tokenURL")]
    pub token_url: Option<String>,
    #[serde(rename = "userinfoURL")]
    pub userinfo_url: Option<String>,
    #[serde(rename = "emailsURL")]
    pub emails_url: Option<String>,
    #[serde(rename = "jwksURL")]
    pub jwks_url: Option<String>,
    pub scope: Option<OneOrMany>,
    pub client_auth: Option<String>,
    pub profile: Option<ProfileMap>,
    pub authorization_params: Option<HashMap<String, String>>,
}

/// An entry of `oauth`: a built-in id or a provider object.
pub type ProviderInput = serde_json::Value;

/// The ids that can be named by string alone.
pub const BUILT_IN: &[&str] = &["github"];

fn built_in(id: &str) -> Option<ProviderSpec> {
    match id {
        "github" => Some(github::description()),
        _ => None,
    }
}

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'_')
}

fn env_key(id: &str, suffix: &str) -> String {
    let mut key: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    key.push('_');
    key.push_str(suffix);
    key
}

fn credential(
    given: Option<String>,
    env: &HashMap<String, String>,
    id: &str,
    suffix: &str,
    field: &str,
) -> Result<String> {
    let key = env_key(id, suffix);
    given
        .filter(|s| !s.trim().is_empty())
        .or_else(|| env.get(&key).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))
        .ok_or_else(|| {
            AuthError::new(
                "MISSING_CLIENT_CREDENTIALS",
                format!("Provider `{id}` has no {field}. Set `{field}` on the provider object or the {key} environment variable."),
            )
        })
}

/// Turns one `oauth` entry into a validated provider description.
pub fn resolve(input: ProviderInput, env: &HashMap<String, String>) -> Result<ProviderSpec> {
    let object: ProviderObject = match input {
        serde_json::Value::String(id) => ProviderObject { id, ..Default::default() },
        value @ serde_json::Value::Object(_) => serde_json::from_value(value).map_err(|e| {
            AuthError::new("INVALID_PROVIDER", format!("A provider object is not valid: {e}."))
        })?,
        other => {
            return Err(AuthError::new(
                "INVALID_PROVIDER",
                format!("`oauth` entries must be provider ids (like \"github\") or provider objects, not `{other}`."),
            ))
        }
    };
    let id = object.id.clone();
    if !valid_id(&id) {
        return Err(AuthError::new(
            "INVALID_PROVIDER_ID",
            format!("Provider id `{id}` must be 1-64 lowercase letters, digits, `-` or `_`."),
        ));
    }
    let kind = object.kind.as_deref();
    let mut spec = match (built_in(&id), kind) {
        (Some(spec), None) => spec,
        (_, Some("oidc")) => ProviderSpec::empty(&id, Protocol::Oidc),
        (_, Some("oauth")) => ProviderSpec::empty(&id, Protocol::OAuth2),
        (None, None) if object.issuer.is_some() => ProviderSpec::empty(&id, Protocol::Oidc),
        (None, None) if object.authorization_url.is_some() || object.token_url.is_some() => {
            ProviderSpec::empty(&id, Protocol::OAuth2)
        }
        (_, Some(other)) => {
            return Err(AuthError::new(
                "INVALID_PROVIDER",
                format!("Provider `{id}`: type `{other}` is not known; use \"oidc\" or \"oauth\"."),
            ))
        }
        (None, None) => {
            return Err(AuthError::new(
                "UNKNOWN_PROVIDER",
                format!(
                    "Provider `{id}` is not built in (built-in: {}). For an OpenID Connect provider pass `{{ id, name, issuer, clientId, clientSecret }}`; for plain OAuth 2.0 pass authorizationURL, tokenURL and userinfoURL.",
                    BUILT_IN.join(", ")
                ),
            ))
        }
    };
    if let Some(name) = object.name {
        spec.name = name;
    }
    let set = |value: Option<String>, field: &str, slot: &mut Option<Url>| -> Result<()> {
        if let Some(v) = value {
            *slot = Some(provider_endpoint(&v, &id, field)?);
        }
        Ok(())
    };
    set(
        object.authorization_url,
        "authorizationURL",
        &mut spec.authorization_url,
    )?;
    set(object.token_url, "tokenURL", &mut spec.token_url)?;
    set(object.userinfo_url, "userinfoURL", &mut spec.userinfo_url)?;
    set(object.emails_url, "emailsURL", &mut spec.emails_url)?;
    set(object.jwks_url, "jwksURL", &mut spec.jwks_url)?;
    if let Some(issuer) = object.issuer {
        provider_endpoint(&issuer, &id, "issuer")?;
        spec.issuer = Some(issuer);
    }
    if let Some(scope) = object.scope {
        spec.scopes = match scope {
            OneOrMany::One(s) => s.split_whitespace().map(str::to_string).collect(),
            OneOrMany::Many(v) => v,
        };
    }
    if let Some(auth) = object.client_auth {
        spec.client_auth = Some(match auth.as_str() {
            "client_secret_basic" => ClientAuth::Basic,
            "client_secret_post" => ClientAuth::Post,
            other => {
                return Err(AuthError::new(
                    "INVALID_PROVIDER",
                    format!("Provider `{id}`: clientAuth `{other}` is not supported; use \"client_secret_basic\" or \"client_secret_post\"."),
                ))
            }
        });
    }
    if let Some(map) = object.profile {
        if spec.protocol == Protocol::Oidc && map.sub.0 != ["sub"] {
            return Err(AuthError::new(
                "INVALID_PROVIDER",
                format!("Provider `{id}`: an OpenID Connect provider's subject is always the verified id_token's `sub`; remove `profile.sub` (a profile map can shape name, email, image and emailVerified)."),
            ));
        }
        spec.profile = ProfileStyle::Mapped(map);
    }
    if let Some(params) = object.authorization_params {
        let reserved = [
            "state",
            "nonce",
            "code_challenge",
            "code_challenge_method",
            "redirect_uri",
            "client_id",
            "response_type",
        ];
        if let Some(bad) = params.keys().find(|k| reserved.contains(&k.as_str())) {
            return Err(AuthError::new(
                "INVALID_PROVIDER",
                format!("Provider `{id}`: authorizationParams may not set `{bad}`; the library sets it."),
            ));
        }
        let mut params: Vec<(String, String)> = params.into_iter().collect();
        params.sort();
        spec.authorization_params = params;
    }
    spec.client_id = credential(object.client_id, env, &id, "CLIENT_ID", "clientId")?;
    spec.client_secret = credential(
        object.client_secret,
        env,
        &id,
        "CLIENT_SECRET",
        "clientSecret",
    )?;

    match spec.protocol {
        Protocol::Oidc if spec.issuer.is_none() => Err(AuthError::new(
            "INVALID_PROVIDER",
            format!("OpenID Connect provider `{id}` needs an `issuer` (its discovery document lives at <issuer>/.well-known/openid-configuration)."),
        )),
        Protocol::OAuth2 if spec.authorization_url.is_none() || spec.token_url.is_none() || spec.userinfo_url.is_none() => Err(AuthError::new(
            "INVALID_PROVIDER",
            format!("OAuth 2.0 provider `{id}` needs authorizationURL, tokenURL and userinfoURL."),
        )),
        _ => Ok(spec),
    }
}

impl ProviderSpec {
    fn empty(id: &str, protocol: Protocol) -> Self {
        ProviderSpec {
            id: id.to_string(),
            name: id.to_string(),
            protocol,
            client_id: String::new(),
            client_secret: String::new(),
            issuer: None,
            authorization_url: None,
            token_url: None,
            userinfo_url: None,
            emails_url: None,
            jwks_url: None,
            scopes: match protocol {
                Protocol::Oidc => vec!["openid".into(), "profile".into(), "email".into()],
                Protocol::OAuth2 => vec![],
            },
            client_auth: None,
            profile: ProfileStyle::Mapped(ProfileMap::default()),
            authorization_params: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn github_by_id_takes_env_credentials() {
        let p = resolve(
            json!("github"),
            &env(&[("GITHUB_CLIENT_ID", "a"), ("GITHUB_CLIENT_SECRET", "b")]),
        )
        .unwrap();
        assert_eq!(p.client_id, "a");
        assert_eq!(
            p.token_url.unwrap().as_str(),
            "https://github.com/login/oauth/access_token"
        );
    }

    #[test]
    fn missing_credentials_and_unknown_ids_are_coded() {
        assert_eq!(
            resolve(json!("github"), &env(&[])).unwrap_err().code,
            "MISSING_CLIENT_CREDENTIALS"
        );
        assert_eq!(
            resolve(json!("nope"), &env(&[])).unwrap_err().code,
            "UNKNOWN_PROVIDER"
        );
        assert_eq!(
            resolve(json!({"id": "../x"}), &env(&[])).unwrap_err().code,
            "INVALID_PROVIDER_ID"
        );
    }

    #[test]
    fn overrides_and_http_only_on_loopback() {
        let p = resolve(
            json!({"id": "github", "clientId": "a", "clientSecret": "b", "tokenURL": "http://127.0.0.1:9/token"}),
            &env(&[]),
        )
        .unwrap();
        assert_eq!(p.token_url.unwrap().as_str(), "http://127.0.0.1:9/token");
        let err = resolve(
            json!({"id": "github", "clientId": "a", "clientSecret": "b", "tokenURL": "http://example.com/token"}),
            &env(&[]),
        )
        .unwrap_err();
        assert_eq!(err.code, "INVALID_PROVIDER_URL");
    }

    #[test]
    fn oidc_needs_only_issuer_and_credentials() {
        let p = resolve(
            json!({"id": "corp", "name": "Corp", "issuer": "https://id.example.com", "clientId": "a", "clientSecret": "b"}),
            &env(&[]),
        )
        .unwrap();
        assert_eq!(p.protocol, Protocol::Oidc);
        assert!(p.scopes.contains(&"openid".to_string()));
    }
}
