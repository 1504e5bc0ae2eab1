//! osu! (OAuth 2.0, API v2). No email.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const OSU: Builtin = Builtin {
    id: "osu",
    name: "osu!",
    authorize: "https://osu.ppy.sh/oauth/authorize",
    token: "https://osu.ppy.sh/oauth/token",
    userinfo: "https://osu.ppy.sh/api/v2/me",
    scopes: &["identify"],
    client_auth: ClientAuth::Post,
    profile: Profile {
        name: &["username"],
        email: &[],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
