//! Provider descriptions. A built-in provider is a plain description (endpoints, scopes,
//! client authentication, profile mapping); the user's provider object may override any field.
//! Generic OAuth 2.0 providers are described the same way; OpenID Connect providers need only
//! `{ id, name, issuer, clientId, clientSecret }` and are completed by discovery.

pub mod builtin;
pub mod minted;
pub mod profile;
mod resolve;
pub use resolve::{env_key, resolve};

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

use crate::error::{AuthError, Result};
use crate::http::url_policy::provider_endpoint;
pub use builtin::{Builtin, Emails, Template, TokenIn};
pub use minted::MintedSecret;
pub use profile::{ProfileMap, ProfileOverride};

/// A value that may be one string or a list (secrets rotate).
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

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
    /// `revocationURL`/`endSessionURL` wins, see `config::tokens::TokenOptions`).
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
mod tests;
