//! ClickUp (OAuth 2.0). The authorize page really is `/api`; the token request carries the
//! client's credentials as query parameters; API calls send the bare token. No scopes.

use super::builtin::{Builtin, Profile, TokenIn};
use super::{ClientAuth, Pkce};

pub const CLICK_UP: Builtin = Builtin {
    id: "click-up",
    name: "ClickUp",
    authorize: "https://app.clickup.com/api",
    token: "https://api.clickup.com/api/v2/oauth/token",
    userinfo: "https://api.clickup.com/api/v2/user",
    token_in: TokenIn::Scheme(""),
    client_auth: ClientAuth::Query,
    pkce: Pkce::Supported,
    profile: Profile {
        sub: &["user.id"],
        name: &["user.username"],
        email: &["user.email"],
        image: &["user.profilePicture"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
