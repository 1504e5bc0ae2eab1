//! Box (OAuth 2.0). Scopes are set on the app; the email is the field named `login`. No
//! verification flag.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const BOX: Builtin = Builtin {
    id: "box",
    name: "Box",
    authorize: "https://account.box.com/api/oauth2/authorize",
    token: "https://api.box.com/oauth2/token",
    userinfo: "https://api.box.com/2.0/users/me",
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    profile: Profile {
        email: &["login"],
        ..Profile::REST
    },
    revocation: "https://api.box.com/oauth2/revoke",
    ..Builtin::OAUTH2
};
