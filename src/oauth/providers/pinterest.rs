//! Pinterest (OAuth 2.0, API v5). No email.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const PINTEREST: Builtin = Builtin {
    id: "pinterest",
    name: "Pinterest",
    authorize: "https://www.pinterest.com/oauth",
    token: "https://api.pinterest.com/v5/oauth/token",
    userinfo: "https://api.pinterest.com/v5/user_account",
    scopes: &["user_accounts:read"],
    client_auth: ClientAuth::Basic,
    pkce: Pkce::Supported,
    profile: Profile {
        name: &["username"],
        email: &[],
        image: &["profile_image"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
