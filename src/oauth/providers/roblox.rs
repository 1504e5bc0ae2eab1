//! Roblox (OpenID Connect). Never gives an email.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const ROBLOX: Builtin = Builtin {
    id: "roblox",
    name: "Roblox",
    issuer: "https://apis.roblox.com/oauth/",
    authorize: "https://apis.roblox.com/oauth/v1/authorize",
    token: "https://apis.roblox.com/oauth/v1/token",
    userinfo: "https://apis.roblox.com/oauth/v1/userinfo",
    jwks: "https://apis.roblox.com/oauth/v1/certs",
    scopes: &["openid", "profile"],
    client_auth: ClientAuth::Post,
    profile: Profile {
        name: &["nickname", "preferred_username"],
        email: &[],
        ..Profile::OIDC
    },
    revocation: "https://apis.roblox.com/oauth/v1/token/revoke",
    ..Builtin::OIDC
};
