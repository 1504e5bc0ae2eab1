//! Wikimedia (OAuth 2.0, one consumer for every Wikimedia project). Grants are set on the
//! consumer; accounts may have no email; no verification flag, no image.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const WIKIMEDIA: Builtin = Builtin {
    id: "wikimedia",
    name: "Wikimedia",
    authorize: "https://meta.wikimedia.org/w/rest.php/oauth2/authorize",
    token: "https://meta.wikimedia.org/w/rest.php/oauth2/access_token",
    userinfo: "https://meta.wikimedia.org/w/rest.php/oauth2/resource/profile",
    client_auth: ClientAuth::Basic,
    profile: Profile {
        sub: &["sub"],
        name: &["username"],
        image: &[],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
