//! Figma (OAuth 2.0). No verification flag.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const FIGMA: Builtin = Builtin {
    id: "figma",
    name: "Figma",
    authorize: "https://www.figma.com/oauth",
    token: "https://api.figma.com/v1/oauth/token",
    userinfo: "https://api.figma.com/v1/me",
    scopes: &["current_user:read"],
    client_auth: ClientAuth::Basic,
    profile: Profile {
        name: &["handle"],
        image: &["img_url"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
