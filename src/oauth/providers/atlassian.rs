//! Atlassian (OAuth 2.0, 3LO). The authorize URL must carry `audience=api.atlassian.com` and
//! `prompt=consent`. No verification flag.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const ATLASSIAN: Builtin = Builtin {
    id: "atlassian",
    name: "Atlassian",
    authorize: "https://auth.atlassian.com/authorize",
    token: "https://auth.atlassian.com/oauth/token",
    userinfo: "https://api.atlassian.com/me",
    scopes: &["read:me"],
    client_auth: ClientAuth::Post,
    params: &[("audience", "api.atlassian.com"), ("prompt", "consent")],
    profile: Profile {
        sub: &["account_id"],
        image: &["picture"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
