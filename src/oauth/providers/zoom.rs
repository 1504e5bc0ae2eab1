//! Zoom (OAuth 2.0). Scopes are set on the app; `verified` = 1 marks a verified email.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const ZOOM: Builtin = Builtin {
    id: "zoom",
    name: "Zoom",
    authorize: "https://zoom.us/oauth/authorize",
    token: "https://zoom.us/oauth/token",
    userinfo: "https://api.zoom.us/v2/users/me",
    client_auth: ClientAuth::Basic,
    profile: Profile {
        name: &["display_name", "first_name+last_name"],
        image: &["pic_url"],
        email_verified: &["verified"],
        ..Profile::REST
    },
    revocation: "https://zoom.us/oauth/revoke",
    ..Builtin::OAUTH2
};
