//! The shape of a built-in provider: a `const` description, all `&'static` data, so each
//! provider file holds only what sets it apart (`..Builtin::OAUTH2` / `..Builtin::OIDC` fill the
//! rest). `resolve` turns it into a [`ProviderSpec`](super::ProviderSpec) at `createAuth`.

use serde_json::Value;

use super::profile::{Paths, ProfileMap};
use super::{ClientAuth, Pkce, Protocol};

/// Configuration a provider cannot ship fixed URLs without (providers.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// Fixed URLs.
    None,
    /// `issuer` [`<ID>_ISSUER`] is required; endpoints come from its discovery document.
    Issuer,
    /// `tenant` [`<ID>_TENANT`] (default `common`) is substituted for `{tenant}` in every URL.
    Tenant,
}

/// How the access token is presented to the profile API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenIn {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: <scheme> <token>` (Yandex's `OAuth`), or the bare token when empty.
    Scheme(&'static str),
    /// A query parameter of this name.
    Query(&'static str),
    /// In the URL, where it says `{access_token}` (HubSpot); no Authorization header.
    Path,
}

/// The second call for the user's addresses (GitHub, Bitbucket).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Emails {
    pub url: &'static str,
    /// Where the list is in the response ("" = the response itself).
    pub list: &'static str,
    pub email: &'static str,
    pub primary: &'static str,
    pub verified: &'static str,
    /// Consider only verified entries when choosing an address (Bitbucket).
    pub only_verified: bool,
}

/// Profile paths (see [`ProfileMap`] for the path syntax).
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    pub sub: &'static [&'static str],
    pub name: &'static [&'static str],
    pub email: &'static [&'static str],
    pub image: &'static [&'static str],
    pub email_verified: &'static [&'static str],
    pub verified_all: &'static [&'static str],
    pub verified_lists: &'static [&'static str],
    pub verified_sources: &'static [&'static str],
    pub image_fn: Option<fn(&Value) -> Option<String>>,
}

impl Profile {
    /// OpenID Connect claims (the subject is the id_token's anyway).
    pub const OIDC: Profile = Profile {
        sub: &["sub"],
        name: &["name", "preferred_username"],
        email: &["email"],
        image: &["picture"],
        email_verified: &["email_verified"],
        verified_all: &[],
        verified_lists: &[],
        verified_sources: &[],
        image_fn: None,
    };
    /// A typical REST profile: `id`, `name`, `email`, `avatar_url`; no verification signal.
    pub const REST: Profile = Profile {
        sub: &["id"],
        name: &["name"],
        email: &["email"],
        image: &["avatar_url"],
        email_verified: &[],
        ..Profile::OIDC
    };

    pub fn to_map(&self) -> ProfileMap {
        let p = |v: &[&str]| Paths::of(v);
        ProfileMap {
            sub: p(self.sub),
            name: p(self.name),
            email: p(self.email),
            image: p(self.image),
            email_verified: p(self.email_verified),
            verified_all: p(self.verified_all),
            verified_lists: p(self.verified_lists),
            verified_sources: p(self.verified_sources),
            image_fn: self.image_fn,
        }
    }
}

/// One built-in provider. Empty strings mean "none".
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    pub id: &'static str,
    pub name: &'static str,
    pub protocol: Protocol,
    pub template: Template,
    /// OIDC issuer (`{tenant}`/`{tenantid}` allowed for Template::Tenant).
    pub issuer: &'static str,
    /// Another spelling of the issuer that id_tokens may carry (Google's scheme-less one).
    pub issuer_alias: &'static str,
    pub authorize: &'static str,
    pub token: &'static str,
    /// Profile API (OIDC: optional, merged with the id_token claims).
    pub userinfo: &'static str,
    pub jwks: &'static str,
    pub scopes: &'static [&'static str],
    /// How scopes are joined in the authorize URL (`,` for TikTok and Strava).
    pub scope_separator: &'static str,
    pub client_auth: ClientAuth,
    pub pkce: Pkce,
    /// Extra authorize-URL parameters.
    pub params: &'static [(&'static str, &'static str)],
    /// Extra headers on every call to the provider (`{client_id}` is replaced).
    pub headers: &'static [(&'static str, &'static str)],
    /// The profile API is called with POST (no body) instead of GET.
    pub userinfo_post: bool,
    pub token_in: TokenIn,
    /// The client id's parameter name where it is not `client_id` (TikTok's `client_key`).
    pub client_id_param: &'static str,
    pub emails: Option<Emails>,
    /// The profile response must hold this value at this path (Naver's `resultcode` "00").
    pub require: Option<(&'static str, &'static str)>,
    pub profile: Profile,
    /// `response_mode=form_post`: the callback is a cross-site POST (Apple).
    pub form_post: bool,
    /// The id_token may be HS256-signed with the client secret (LINE).
    pub id_token_hmac: bool,
    /// The client secret may be minted as an ES256 JWT from teamId/keyId/privateKey (Apple).
    pub mints_secret: bool,
    /// The RFC 7009 revocation endpoint, where the provider has one (providers.md "Revoke").
    pub revocation: &'static str,
    /// The OpenID Connect RP-initiated logout endpoint, where the provider has one.
    pub end_session: &'static str,
}

impl Builtin {
    pub const OAUTH2: Builtin = Builtin {
        id: "",
        name: "",
        protocol: Protocol::OAuth2,
        template: Template::None,
        issuer: "",
        issuer_alias: "",
        authorize: "",
        token: "",
        userinfo: "",
        jwks: "",
        scopes: &[],
        scope_separator: " ",
        client_auth: ClientAuth::Basic,
        pkce: Pkce::Supported,
        params: &[],
        headers: &[],
        userinfo_post: false,
        token_in: TokenIn::Bearer,
        client_id_param: "",
        emails: None,
        require: None,
        profile: Profile::REST,
        form_post: false,
        id_token_hmac: false,
        mints_secret: false,
        revocation: "",
        end_session: "",
    };
    pub const OIDC: Builtin = Builtin {
        protocol: Protocol::Oidc,
        scopes: &["openid", "profile", "email"],
        profile: Profile::OIDC,
        ..Builtin::OAUTH2
    };
}
