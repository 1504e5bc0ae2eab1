//! Kick (OAuth 2.0). PKCE required; the user is the first entry of `data`. No verification flag.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const KICK: Builtin = Builtin {
    id: "kick",
    name: "Kick",
    authorize: "https://id.kick.com/oauth/authorize",
    token: "https://id.kick.com/oauth/token",
    userinfo: "https://api.kick.com/public/v1/users",
    scopes: &["user:read"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::Required,
    profile: Profile {
        sub: &["data.0.user_id"],
        name: &["data.0.name"],
        email: &["data.0.email"],
        image: &["data.0.profile_picture"],
        ..Profile::REST
    },
    revocation: "https://id.kick.com/oauth/revoke",
    ..Builtin::OAUTH2
};
