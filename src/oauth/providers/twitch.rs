//! Twitch (OpenID Connect). Email and picture reach the id_token only when asked for with the
//! `claims` parameter; the token response's `scope` is an array; `Client-Id` goes with every call.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const TWITCH: Builtin = Builtin {
    id: "twitch",
    name: "Twitch",
    issuer: "https://id.twitch.tv/oauth2",
    authorize: "https://id.twitch.tv/oauth2/authorize",
    token: "https://id.twitch.tv/oauth2/token",
    jwks: "https://id.twitch.tv/oauth2/keys",
    scopes: &["openid", "user:read:email"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    params: &[(
        "claims",
        r#"{"id_token":{"email":null,"email_verified":null,"picture":null,"preferred_username":null}}"#,
    )],
    headers: &[("Client-Id", "{client_id}")],
    profile: Profile {
        name: &["preferred_username"],
        ..Profile::OIDC
    },
    ..Builtin::OIDC
};
