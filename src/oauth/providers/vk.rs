//! VK (OAuth 2.0, the classic API). API calls carry the token and a version as query
//! parameters; the email comes only in the token response. No verification flag; PKCE is sent.

use super::builtin::{Builtin, Profile, TokenIn};
use super::{ClientAuth, Pkce};

pub const VK: Builtin = Builtin {
    id: "vk",
    name: "VK",
    authorize: "https://oauth.vk.com/authorize",
    token: "https://oauth.vk.com/access_token",
    userinfo: "https://api.vk.com/method/users.get?fields=photo_100&v=5.131",
    token_in: TokenIn::Query("access_token"),
    scopes: &["email"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    profile: Profile {
        sub: &["response.0.id"],
        name: &["response.0.first_name+response.0.last_name"],
        email: &["$token.email"],
        image: &["response.0.photo_100"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
