//! Strava (OAuth 2.0). No email at all; scopes are comma-separated.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const STRAVA: Builtin = Builtin {
    id: "strava",
    name: "Strava",
    authorize: "https://www.strava.com/oauth/authorize",
    token: "https://www.strava.com/api/v3/oauth/token",
    userinfo: "https://www.strava.com/api/v3/athlete",
    scopes: &["read"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    params: &[("approval_prompt", "auto")],
    profile: Profile {
        name: &["firstname+lastname"],
        email: &[],
        image: &["profile"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
