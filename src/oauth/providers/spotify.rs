//! Spotify (OAuth 2.0). No verification flag; PKCE only for public clients.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const SPOTIFY: Builtin = Builtin {
    id: "spotify",
    name: "Spotify",
    authorize: "https://accounts.spotify.com/authorize",
    token: "https://accounts.spotify.com/api/token",
    userinfo: "https://api.spotify.com/v1/me",
    scopes: &["user-read-email"],
    client_auth: ClientAuth::Basic,
    pkce: Pkce::PublicClientsOnly,
    profile: Profile {
        name: &["display_name"],
        image: &["images.0.url"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
