//! Provider descriptions. A built-in provider is a plain description (endpoints, scopes,
//! client authentication, profile mapping); the user's provider object may override any field.
//! Generic OAuth 2.0 providers are described the same way; OpenID Connect providers need only
//! `{ id, name, issuer, clientId, clientSecret }` and are completed by discovery.

pub mod builtin;
pub mod minted;
pub mod profile;

mod apple;
mod atlassian;
mod auth0;
mod authentik;
mod bitbucket;
mod r#box;
mod click_up;
mod cognito;
mod coinbase;
mod discord;
mod dribbble;
mod dropbox;
mod facebook;
mod figma;
mod github;
mod gitlab;
mod google;
mod hubspot;
mod huggingface;
mod kakao;
mod keycloak;
mod kick;
mod line;
mod linkedin;
mod mailchimp;
mod microsoft_entra_id;
mod naver;
mod notion;
mod okta;
mod osu;
mod patreon;
mod pinterest;
mod reddit;
mod roblox;
mod salesforce;
mod slack;
mod spotify;
mod strava;
mod threads;
mod tiktok;
mod twitch;
mod twitter;
mod vk;
mod wikimedia;
mod yahoo;
mod yandex;
mod zitadel;
mod zoom;

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use url::Url;

use crate::config::OneOrMany;
use crate::error::{AuthError, Result};
use crate::url_policy::provider_endpoint;
pub use builtin::{Builtin, Emails, Template, TokenIn};
pub use minted::MintedSecret;
pub use profile::{ProfileMap, ProfileOverride};

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1). A minted secret
/// (Apple) is sent as `Post`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic.
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    Post,
    /// A public client: `client_id` in the body, no secret; PKCE carries the proof.
    None,
    /// `client_id`, `client_secret` (and the form) also as query parameters (ClickUp).
    Query,
}

/// Whether the authorize and token requests carry PKCE (S256).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pkce {
    /// The provider refuses flows without it.
    Required,
    /// The provider accepts it: sent.
    Supported,
    /// Sent only for public clients (`clientAuth: "none"`); confidential clients must not.
    PublicClientsOnly,
    /// The provider does not accept it: not sent (state and, for OIDC, nonce still are).
    NotSent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    OAuth2,
    Oidc,
}

/// Which tenants an issuer template (`{tenantid}`, Entra multi-tenant) accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantRule {
    /// `common`: any tenant.
    Any,
    /// `organizations`: any tenant but the consumer (personal Microsoft account) tenant.
    Organizations,
    /// `consumers`: only the consumer tenant.
    Consumers,
}

/// The tenant id of personal Microsoft accounts.
pub const CONSUMER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// A fully described provider (before OIDC discovery fills any missing endpoint).
#[derive(Clone, Debug)]
pub struct ProviderSpec {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    pub client_id: String,
    pub client_secret: String,
    /// A client secret minted per use (Apple), instead of `client_secret`.
    pub minted_secret: Option<Arc<MintedSecret>>,
    pub issuer: Option<String>,
    /// Another accepted spelling of the issuer in id_tokens (Google).
    pub issuer_alias: Option<String>,
    pub authorization_url: Option<Url>,
    pub token_url: Option<Url>,
    pub userinfo_url: Option<Url>,
    pub emails_url: Option<Url>,
    pub jwks_url: Option<Url>,
    /// The built-in's RFC 7009 revocation and RP-initiated logout endpoints (an explicit
    /// `revocationURL`/`endSessionURL` wins, see `tokens::TokenOptions`).
    pub revocation_url: Option<Url>,
    pub end_session_url: Option<Url>,
    pub scopes: Vec<String>,
    pub scope_separator: &'static str,
    pub client_auth: Option<ClientAuth>,
    pub pkce: Pkce,
    pub profile: ProfileMap,
    pub emails: Option<Emails>,
    pub authorization_params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub userinfo_post: bool,
    pub token_in: TokenIn,
    pub client_id_param: Option<&'static str>,
    pub require: Option<(&'static str, &'static str)>,
    pub form_post: bool,
    pub id_token_hmac: bool,
    pub tenant: Option<TenantRule>,
}

impl ProviderSpec {
    /// Whether the authorize and token requests carry PKCE.
    pub fn sends_pkce(&self) -> bool {
        match self.pkce {
            Pkce::Required | Pkce::Supported => true,
            Pkce::PublicClientsOnly => self.client_auth == Some(ClientAuth::None),
            Pkce::NotSent => false,
        }
    }

    /// The extra headers every call to the provider carries (`{client_id}` filled in).
    pub fn extra_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.clone(), v.replace("{client_id}", &self.client_id)))
            .collect()
    }

    /// The client secret to send now (minted ones are renewed before they expire).
    pub fn secret(&self) -> Result<String> {
        match &self.minted_secret {
            Some(m) => m.current(),
            None => Ok(self.client_secret.clone()),
        }
    }
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
    pub profile: Option<ProfileOverride>,
    pub authorization_params: Option<HashMap<String, String>>,
    /// Microsoft Entra ID: `common`, `organizations`, `consumers` or a tenant id.
    pub tenant: Option<String>,
    /// Apple: the values a client secret is minted from.
    pub team_id: Option<String>,
    pub key_id: Option<String>,
    pub private_key: Option<String>,
}

/// An entry of `oauth`: a built-in id or a provider object.
pub type ProviderInput = serde_json::Value;

/// Every built-in provider, in the order of providers.md.
pub const ALL: &[&Builtin] = &[
    &github::GITHUB,
    &google::GOOGLE,
    &microsoft_entra_id::MICROSOFT_ENTRA_ID,
    &apple::APPLE,
    &facebook::FACEBOOK,
    &discord::DISCORD,
    &gitlab::GITLAB,
    &twitter::TWITTER,
    &twitter::X,
    &linkedin::LINKEDIN,
    &slack::SLACK,
    &spotify::SPOTIFY,
    &twitch::TWITCH,
    &bitbucket::BITBUCKET,
    &atlassian::ATLASSIAN,
    &dropbox::DROPBOX,
    &notion::NOTION,
    &figma::FIGMA,
    &reddit::REDDIT,
    &zoom::ZOOM,
    &salesforce::SALESFORCE,
    &okta::OKTA,
    &auth0::AUTH0,
    &keycloak::KEYCLOAK,
    &cognito::COGNITO,
    &authentik::AUTHENTIK,
    &zitadel::ZITADEL,
    &kakao::KAKAO,
    &naver::NAVER,
    &line::LINE,
    &vk::VK,
    &yandex::YANDEX,
    &strava::STRAVA,
    &patreon::PATREON,
    &pinterest::PINTEREST,
    &tiktok::TIKTOK,
    &mailchimp::MAILCHIMP,
    &hubspot::HUBSPOT,
    &huggingface::HUGGINGFACE,
    &coinbase::COINBASE,
    &roblox::ROBLOX,
    &osu::OSU,
    &dribbble::DRIBBBLE,
    &click_up::CLICK_UP,
    &r#box::BOX,
    &kick::KICK,
    &threads::THREADS,
    &yahoo::YAHOO,
    &wikimedia::WIKIMEDIA,
];

/// The built-in provider with this id.
pub fn built_in(id: &str) -> Option<&'static Builtin> {
    ALL.iter().copied().find(|b| b.id == id)
}

/// The ids that can be named by string alone.
pub fn built_in_ids() -> impl Iterator<Item = &'static str> {
    ALL.iter().map(|b| b.id)
}

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'_')
}

/// `<ID>_<SUFFIX>`: the id upper-cased, anything but letters and digits as `_`.
pub fn env_key(id: &str, suffix: &str) -> String {
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

/// The value given on the provider object, else the environment's `<ID>_<SUFFIX>`.
fn given_or_env(
    given: Option<String>,
    env: &HashMap<String, String>,
    id: &str,
    suffix: &str,
) -> Option<String> {
    given
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            env.get(&env_key(id, suffix))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
}

fn credential(
    given: Option<String>,
    env: &HashMap<String, String>,
    id: &str,
    suffix: &str,
    field: &str,
) -> Result<String> {
    given_or_env(given, env, id, suffix).ok_or_else(|| {
        let key = env_key(id, suffix);
        AuthError::new(
            "MISSING_CLIENT_CREDENTIALS",
            format!("Provider `{id}` has no {field}. Set `{field}` on the provider object or the {key} environment variable."),
        )
    })
}

fn invalid(id: &str, message: String) -> AuthError {
    AuthError::new("INVALID_PROVIDER", format!("Provider `{id}`: {message}"))
}

/// A tenant id in GUID form (8-4-4-4-12 hex digits).
fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The tenant's value in URLs, and the issuer rule it implies (providers.md §3).
fn tenant_of(id: &str, tenant: &str) -> Result<(String, Option<TenantRule>)> {
    match tenant {
        "common" => Ok((tenant.into(), Some(TenantRule::Any))),
        "organizations" => Ok((tenant.into(), Some(TenantRule::Organizations))),
        "consumers" => Ok((tenant.into(), Some(TenantRule::Consumers))),
        t if is_guid(t) => Ok((t.to_ascii_lowercase(), None)),
        other => Err(AuthError::new(
            "INVALID_TENANT",
            format!("Provider `{id}`: tenant `{other}` must be `common`, `organizations`, `consumers` or the directory (tenant) id, a GUID such as 00000000-0000-0000-0000-000000000000 (a domain name's issuer cannot be known without discovery). Set `tenant` or {}.", env_key(id, "TENANT")),
        )),
    }
}

/// A built-in's description, with templates filled in.
fn from_builtin(
    b: &Builtin,
    object: &mut ProviderObject,
    env: &HashMap<String, String>,
) -> Result<ProviderSpec> {
    let id = b.id;
    let mut spec = ProviderSpec::empty(id, b.protocol);
    spec.name = b.name.to_string();
    // `{tenant}` / `{issuer_tenant}` in a Template::Tenant description.
    let mut tenant_values: Option<(String, String)> = None;
    match b.template {
        Template::None => {}
        Template::Issuer => {
            let issuer = given_or_env(object.issuer.take(), env, id, "ISSUER").ok_or_else(|| {
                AuthError::new(
                    "MISSING_ISSUER",
                    format!("Provider `{id}` needs its issuer URL. Set `issuer` on the provider object or the {} environment variable (e.g. {}).", env_key(id, "ISSUER"), b.issuer),
                )
            })?;
            provider_endpoint(&issuer, id, "issuer")?;
            object.issuer = Some(issuer);
        }
        Template::Tenant => {
            let given =
                given_or_env(object.tenant.take(), env, id, "TENANT").unwrap_or("common".into());
            let (value, rule) = tenant_of(id, &given)?;
            spec.tenant = rule;
            let issuer_tenant = if rule.is_some() {
                "{tenantid}".to_string()
            } else {
                value.clone()
            };
            tenant_values = Some((value, issuer_tenant));
        }
    }
    let fill = |s: &str| match &tenant_values {
        Some((t, it)) => s.replace("{tenant}", t).replace("{issuer_tenant}", it),
        None => s.to_string(),
    };
    let url = |s: &str, field: &str| -> Result<Option<Url>> {
        if s.is_empty() {
            return Ok(None);
        }
        provider_endpoint(&fill(s), id, field).map(Some)
    };
    spec.authorization_url = url(b.authorize, "authorizationURL")?;
    spec.token_url = url(b.token, "tokenURL")?;
    spec.userinfo_url = url(b.userinfo, "userinfoURL")?;
    spec.jwks_url = url(b.jwks, "jwksURL")?;
    spec.revocation_url = url(b.revocation, "revocationURL")?;
    spec.end_session_url = url(b.end_session, "endSessionURL")?;
    spec.emails_url = match &b.emails {
        Some(e) => url(e.url, "emailsURL")?,
        None => None,
    };
    if b.template != Template::Issuer && !b.issuer.is_empty() {
        spec.issuer = Some(fill(b.issuer));
    }
    spec.issuer_alias = (!b.issuer_alias.is_empty()).then(|| b.issuer_alias.to_string());
    spec.scopes = b.scopes.iter().map(|s| s.to_string()).collect();
    spec.scope_separator = b.scope_separator;
    spec.client_auth = Some(b.client_auth);
    spec.pkce = b.pkce;
    spec.profile = b.profile.to_map();
    spec.emails = b.emails;
    spec.authorization_params = b
        .params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    spec.headers = b
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    spec.userinfo_post = b.userinfo_post;
    spec.token_in = b.token_in;
    spec.client_id_param = (!b.client_id_param.is_empty()).then_some(b.client_id_param);
    spec.require = b.require;
    spec.form_post = b.form_post;
    spec.id_token_hmac = b.id_token_hmac;
    Ok(spec)
}

/// Turns one `oauth` entry into a validated provider description.
pub fn resolve(input: ProviderInput, env: &HashMap<String, String>) -> Result<ProviderSpec> {
    let mut object: ProviderObject = match input {
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
    let kind = object.kind.clone();
    let builtin = built_in(&id).filter(|_| kind.is_none());
    let mut spec = match (builtin, kind.as_deref()) {
        (Some(b), _) => from_builtin(b, &mut object, env)?,
        (_, Some("oidc")) => ProviderSpec::empty(&id, Protocol::Oidc),
        (_, Some("oauth")) => ProviderSpec::empty(&id, Protocol::OAuth2),
        (None, None) if object.issuer.is_some() => ProviderSpec::empty(&id, Protocol::Oidc),
        (None, None) if object.authorization_url.is_some() || object.token_url.is_some() => {
            ProviderSpec::empty(&id, Protocol::OAuth2)
        }
        (_, Some(other)) => {
            return Err(invalid(&id, format!("type `{other}` is not known; use \"oidc\" or \"oauth\".")))
        }
        (None, None) => {
            return Err(AuthError::new(
                "UNKNOWN_PROVIDER",
                format!(
                    "Provider `{id}` is not built in (built-in: {}). For an OpenID Connect provider pass `{{ id, name, issuer, clientId, clientSecret }}`; for plain OAuth 2.0 pass authorizationURL, tokenURL and userinfoURL.",
                    built_in_ids().collect::<Vec<_>>().join(", ")
                ),
            ))
        }
    };
    if object.tenant.is_some() && builtin.is_none_or(|b| b.template != Template::Tenant) {
        return Err(invalid(
            &id,
            "`tenant` applies only to microsoft-entra-id.".into(),
        ));
    }
    if let Some(name) = object.name.take() {
        spec.name = name;
    }
    let set = |value: Option<String>, field: &str, slot: &mut Option<Url>| -> Result<()> {
        if let Some(v) = value {
            *slot = Some(provider_endpoint(&v, &id, field)?);
        }
        Ok(())
    };
    // The built-in's revocation and logout endpoints belong to its own host: pointing the
    // provider elsewhere (a self-managed GitLab) drops them (then set revocationURL/endSessionURL).
    if object.authorization_url.is_some() || object.token_url.is_some() || object.issuer.is_some() {
        spec.revocation_url = None;
        spec.end_session_url = None;
    }
    set(
        object.authorization_url.take(),
        "authorizationURL",
        &mut spec.authorization_url,
    )?;
    set(object.token_url.take(), "tokenURL", &mut spec.token_url)?;
    set(
        object.userinfo_url.take(),
        "userinfoURL",
        &mut spec.userinfo_url,
    )?;
    set(object.emails_url.take(), "emailsURL", &mut spec.emails_url)?;
    set(object.jwks_url.take(), "jwksURL", &mut spec.jwks_url)?;
    if let Some(issuer) = object.issuer.take() {
        provider_endpoint(&issuer, &id, "issuer")?;
        if spec.issuer.as_deref() != Some(issuer.as_str()) {
            spec.issuer_alias = None;
        }
        spec.issuer = Some(issuer);
    }
    if let Some(scope) = object.scope.take() {
        spec.scopes = match scope {
            OneOrMany::One(s) => s.split_whitespace().map(str::to_string).collect(),
            OneOrMany::Many(v) => v,
        };
    }
    if let Some(auth) = object.client_auth.take() {
        spec.client_auth = Some(match auth.as_str() {
            "client_secret_basic" => ClientAuth::Basic,
            "client_secret_post" => ClientAuth::Post,
            "none" => ClientAuth::None,
            other => {
                return Err(invalid(&id, format!("clientAuth `{other}` is not supported; use \"client_secret_basic\", \"client_secret_post\" or \"none\" (a public client with PKCE).")))
            }
        });
    }
    if let Some(map) = object.profile.take() {
        if spec.protocol == Protocol::Oidc && map.sub.as_ref().is_some_and(|s| s.0 != ["sub"]) {
            return Err(invalid(&id, "an OpenID Connect provider's subject is always the verified id_token's `sub`; remove `profile.sub` (a profile map can shape name, email, image and emailVerified).".into()));
        }
        spec.profile = std::mem::take(&mut spec.profile).with(map);
    }
    if let Some(params) = object.authorization_params.take() {
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
            return Err(invalid(
                &id,
                format!("authorizationParams may not set `{bad}`; the library sets it."),
            ));
        }
        let mut params: Vec<(String, String)> = params.into_iter().collect();
        params.sort();
        // The user's values replace the built-in's of the same name.
        spec.authorization_params
            .retain(|(k, _)| !params.iter().any(|(p, _)| p == k));
        spec.authorization_params.extend(params);
    }
    spec.client_id = credential(object.client_id.take(), env, &id, "CLIENT_ID", "clientId")?;
    let mints = builtin.is_some_and(|b| b.mints_secret);
    if !mints
        && (object.team_id.is_some() || object.key_id.is_some() || object.private_key.is_some())
    {
        return Err(invalid(
            &id,
            "teamId, keyId and privateKey apply only to apple.".into(),
        ));
    }
    let secret = given_or_env(object.client_secret.take(), env, &id, "CLIENT_SECRET");
    let team = given_or_env(object.team_id.take(), env, &id, "TEAM_ID");
    let key_id = given_or_env(object.key_id.take(), env, &id, "KEY_ID");
    let private_key = given_or_env(object.private_key.take(), env, &id, "PRIVATE_KEY");
    match (secret, spec.client_auth) {
        (Some(s), _) => spec.client_secret = s,
        (None, Some(ClientAuth::None)) => {}
        (None, _) if mints => match (team, key_id, private_key) {
            (Some(team), Some(key_id), Some(pem)) => {
                spec.minted_secret = Some(Arc::new(MintedSecret::new(
                    &id,
                    team,
                    key_id,
                    &pem,
                    spec.client_id.clone(),
                    spec.issuer.clone().unwrap_or_default(),
                )?));
            }
            _ => {
                let k = |s| env_key(&id, s);
                return Err(AuthError::new(
                    "MISSING_CLIENT_CREDENTIALS",
                    format!("Provider `{id}` needs a client secret: set `clientSecret` ({}), or `teamId`, `keyId` and `privateKey` ({}, {}, {}) to mint one.", k("CLIENT_SECRET"), k("TEAM_ID"), k("KEY_ID"), k("PRIVATE_KEY")),
                ));
            }
        },
        (None, _) => {
            spec.client_secret = credential(None, env, &id, "CLIENT_SECRET", "clientSecret")?;
        }
    }

    match spec.protocol {
        Protocol::Oidc if spec.issuer.is_none() => Err(invalid(&id, "an OpenID Connect provider needs an `issuer` (its discovery document lives at <issuer>/.well-known/openid-configuration).".into())),
        Protocol::OAuth2 if spec.authorization_url.is_none() || spec.token_url.is_none() || spec.userinfo_url.is_none() => Err(invalid(&id, "an OAuth 2.0 provider needs authorizationURL, tokenURL and userinfoURL.".into())),
        _ => Ok(spec),
    }
}

impl Default for ProviderSpec {
    fn default() -> Self {
        ProviderSpec::empty("", Protocol::OAuth2)
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
            minted_secret: None,
            issuer: None,
            issuer_alias: None,
            authorization_url: None,
            token_url: None,
            userinfo_url: None,
            emails_url: None,
            jwks_url: None,
            revocation_url: None,
            end_session_url: None,
            scopes: match protocol {
                Protocol::Oidc => vec!["openid".into(), "profile".into(), "email".into()],
                Protocol::OAuth2 => vec![],
            },
            scope_separator: " ",
            client_auth: None,
            pkce: Pkce::Supported,
            profile: ProfileMap::default(),
            emails: None,
            authorization_params: vec![],
            headers: vec![],
            userinfo_post: false,
            token_in: TokenIn::Bearer,
            client_id_param: None,
            require: None,
            form_post: false,
            id_token_hmac: false,
            tenant: None,
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

    fn creds(id: &str) -> HashMap<String, String> {
        env(&[
            (&env_key(id, "CLIENT_ID"), "cid"),
            (&env_key(id, "CLIENT_SECRET"), "sec"),
        ])
    }

    #[test]
    fn every_built_in_resolves_with_env_credentials_or_asks_for_its_template() {
        assert!(ALL.len() >= 40, "{} built-ins", ALL.len());
        let mut ids: Vec<&str> = built_in_ids().collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len(), "ids are unique");
        for b in ALL {
            let got = resolve(json!(b.id), &creds(b.id));
            match b.template {
                Template::Issuer => assert_eq!(got.unwrap_err().code, "MISSING_ISSUER", "{}", b.id),
                _ => {
                    let p = got.unwrap_or_else(|e| panic!("{}: {e}", b.id));
                    assert_eq!(p.client_id, "cid");
                    assert!(
                        crate::endpoints::Endpoints::from_spec(&p).is_some(),
                        "{} needs no discovery",
                        b.id
                    );
                    if p.protocol == Protocol::Oidc {
                        assert!(p.issuer.is_some() && p.jwks_url.is_some(), "{}", b.id);
                    }
                }
            }
        }
    }

    #[test]
    fn templated_issuer_from_env_or_object() {
        let mut e = creds("keycloak");
        e.insert(
            "KEYCLOAK_ISSUER".into(),
            "https://sso.example.com/realms/r".into(),
        );
        let p = resolve(json!("keycloak"), &e).unwrap();
        assert_eq!(
            p.issuer.as_deref(),
            Some("https://sso.example.com/realms/r")
        );
        assert!(
            crate::endpoints::Endpoints::from_spec(&p).is_none(),
            "discovery"
        );
        let p = resolve(
            json!({"id": "okta", "issuer": "https://x.okta.com"}),
            &creds("okta"),
        )
        .unwrap();
        assert_eq!(p.issuer.as_deref(), Some("https://x.okta.com"));
        let err = resolve(
            json!({"id": "auth0", "issuer": "http://evil.example/"}),
            &creds("auth0"),
        );
        assert_eq!(err.unwrap_err().code, "INVALID_PROVIDER_URL");
    }

    #[test]
    fn entra_tenants() {
        let id = "microsoft-entra-id";
        let p = resolve(json!(id), &creds(id)).unwrap();
        assert_eq!(p.tenant, Some(TenantRule::Any));
        assert_eq!(
            p.issuer.as_deref(),
            Some("https://login.microsoftonline.com/{tenantid}/v2.0")
        );
        assert_eq!(
            p.authorization_url.unwrap().as_str(),
            "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
        );
        let p = resolve(json!({"id": id, "tenant": "consumers"}), &creds(id)).unwrap();
        assert_eq!(p.tenant, Some(TenantRule::Consumers));
        let guid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let mut e = creds(id);
        e.insert("MICROSOFT_ENTRA_ID_TENANT".into(), guid.into());
        let p = resolve(json!(id), &e).unwrap();
        assert_eq!(p.tenant, None);
        assert_eq!(
            p.issuer.unwrap(),
            format!("https://login.microsoftonline.com/{guid}/v2.0")
        );
        for bad in ["contoso.com", "../x", "a/b"] {
            let err = resolve(json!({"id": id, "tenant": bad}), &creds(id)).unwrap_err();
            assert_eq!(err.code, "INVALID_TENANT", "{bad}");
        }
        let err = resolve(
            json!({"id": "github", "tenant": "common"}),
            &creds("github"),
        );
        assert_eq!(err.unwrap_err().code, "INVALID_PROVIDER");
    }

    // A P-256 key generated for these tests only.
    const TEST_P8: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgMKmeXiO9LVVJ18RZ\n9zelmlRoNqLFuD64vr8WPtCbrZOhRANCAATdIbusem8hyPZNncngWDRz3aC4vTYP\ncShASJgdpLM13dlkWE9kfMMxz4igdscFqEpLbBBqIUzKKScTYa1ko1MV\n-----END PRIVATE KEY-----";

    #[test]
    fn apple_secret_given_or_minted_and_renewed() {
        let p = resolve(json!("apple"), &creds("apple")).unwrap();
        assert_eq!(p.secret().unwrap(), "sec");
        assert!(p.form_post);
        let e = env(&[
            ("APPLE_CLIENT_ID", "com.example.web"),
            ("APPLE_TEAM_ID", "TEAM123456"),
            ("APPLE_KEY_ID", "KEY1234567"),
            ("APPLE_PRIVATE_KEY", TEST_P8),
        ]);
        let p = resolve(json!("apple"), &e).unwrap();
        let jwt = p.secret().unwrap();
        let header = jsonwebtoken::decode_header(&jwt).unwrap();
        assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
        assert_eq!(header.kid.as_deref(), Some("KEY1234567"));
        let m = p.minted_secret.as_ref().unwrap();
        assert_eq!(p.secret().unwrap(), jwt, "cached while fresh");
        m.set_expiry(crate::clock::now() + 10);
        let renewed = p.secret().unwrap();
        assert!(
            m.expires_at().unwrap() > crate::clock::now() + 3000,
            "renewed"
        );
        assert_eq!(
            jsonwebtoken::decode_header(&renewed).unwrap().alg,
            jsonwebtoken::Algorithm::ES256
        );
        let mut bad = e.clone();
        bad.insert("APPLE_PRIVATE_KEY".into(), "not a key".into());
        assert_eq!(
            resolve(json!("apple"), &bad).unwrap_err().code,
            "INVALID_PRIVATE_KEY"
        );
        let none = env(&[("APPLE_CLIENT_ID", "x")]);
        assert_eq!(
            resolve(json!("apple"), &none).unwrap_err().code,
            "MISSING_CLIENT_CREDENTIALS"
        );
    }

    #[test]
    fn public_clients_need_no_secret_and_pkce_follows_the_mode() {
        let p = resolve(
            json!({"id": "discord", "clientId": "a", "clientAuth": "none"}),
            &env(&[]),
        )
        .unwrap();
        assert!(p.sends_pkce(), "public client");
        let p = resolve(json!("discord"), &creds("discord")).unwrap();
        assert!(!p.sends_pkce(), "confidential client");
        // Finding 12: PKCE wherever the provider accepts it; off only where a fact says so.
        assert!(resolve(json!("reddit"), &creds("reddit"))
            .unwrap()
            .sends_pkce());
        assert!(!resolve(json!("linkedin"), &creds("linkedin"))
            .unwrap()
            .sends_pkce());
        assert!(resolve(json!("twitter"), &creds("twitter"))
            .unwrap()
            .sends_pkce());
    }

    #[test]
    fn profile_override_on_a_built_in_keeps_the_other_paths() {
        let p = resolve(
            json!({"id": "github", "profile": {"name": "login"}}),
            &creds("github"),
        )
        .unwrap();
        let u = p
            .profile
            .to_user(
                &json!({"id": 7, "login": "al", "name": "Al"}),
                None,
                "github",
            )
            .unwrap();
        assert_eq!(u.sub, "7");
        assert_eq!(u.name.as_deref(), Some("al"));
        let err = resolve(
            json!({"id": "google", "profile": {"sub": "email"}}),
            &creds("google"),
        );
        assert_eq!(err.unwrap_err().code, "INVALID_PROVIDER");
    }

    #[test]
    fn derived_images_and_verification_signals() {
        let d = resolve(json!("discord"), &creds("discord"))
            .unwrap()
            .profile;
        let u = d.to_user(&json!({"id": "80351110224678912", "avatar": "a_1f", "email": "a@x", "verified": true}), None, "discord").unwrap();
        assert_eq!(
            u.image.as_deref(),
            Some("https://cdn.discordapp.com/avatars/80351110224678912/a_1f.gif")
        );
        assert_eq!(u.email_verified, Some(true));
        let u = d
            .to_user(
                &json!({"id": "80351110224678912", "discriminator": "0"}),
                None,
                "discord",
            )
            .unwrap();
        let n = (80351110224678912u64 >> 22) % 6;
        assert_eq!(
            u.image,
            Some(format!("https://cdn.discordapp.com/embed/avatars/{n}.png"))
        );
        let k = resolve(json!("kakao"), &creds("kakao")).unwrap().profile;
        let acct = |valid: bool, verified: bool| json!({"id": 1, "kakao_account": {"email": "k@x", "is_email_valid": valid, "is_email_verified": verified}});
        assert_eq!(
            k.to_user(&acct(true, true), None, "kakao")
                .unwrap()
                .email_verified,
            Some(true)
        );
        assert_eq!(
            k.to_user(&acct(true, false), None, "kakao")
                .unwrap()
                .email_verified,
            Some(false)
        );
        assert_eq!(
            k.to_user(&acct(false, true), None, "kakao")
                .unwrap()
                .email_verified,
            Some(false)
        );
        let e = resolve(json!("microsoft-entra-id"), &creds("microsoft-entra-id"))
            .unwrap()
            .profile;
        let claims = |extra: serde_json::Value| {
            let mut c = json!({"sub": "s", "email": "e@x"});
            c.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            e.to_user(&c, None, "m").unwrap().email_verified
        };
        assert_eq!(claims(json!({})), Some(false));
        assert_eq!(
            claims(json!({"verified_primary_email": ["e@x"]})),
            Some(true)
        );
        assert_eq!(
            claims(json!({"verified_secondary_email": ["other@x"]})),
            Some(false)
        );
        assert_eq!(claims(json!({"xms_edov": true})), Some(true));
        let x = resolve(json!("x"), &creds("x")).unwrap().profile;
        let u = x
            .to_user(
                &json!({"data": {"id": "9", "confirmed_email": "c@x"}}),
                None,
                "x",
            )
            .unwrap();
        assert_eq!(
            (u.email.as_deref(), u.email_verified),
            (Some("c@x"), Some(true))
        );
        let z = resolve(json!("zoom"), &creds("zoom")).unwrap().profile;
        let u = z.to_user(&json!({"id": "z", "first_name": "Ada", "last_name": "L", "email": "z@x", "verified": 1}), None, "zoom").unwrap();
        assert_eq!(
            (u.name.as_deref(), u.email_verified),
            (Some("Ada L"), Some(true))
        );
    }
}
