//! Dribbble (OAuth 2.0, API v2). No verification flag.

use super::builtin::Builtin;
use super::ClientAuth;

pub const DRIBBBLE: Builtin = Builtin {
    id: "dribbble",
    name: "Dribbble",
    authorize: "https://dribbble.com/oauth/authorize",
    token: "https://dribbble.com/oauth/token",
    userinfo: "https://api.dribbble.com/v2/user",
    scopes: &["public"],
    client_auth: ClientAuth::Post,
    ..Builtin::OAUTH2
};
