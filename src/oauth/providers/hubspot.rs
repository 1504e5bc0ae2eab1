//! HubSpot (OAuth 2.0). The "profile" is token introspection with the token in the path;
//! the user is an email address. No verification flag, no image.

use super::builtin::{Builtin, Profile, TokenIn};
use super::{ClientAuth, Pkce};

pub const HUBSPOT: Builtin = Builtin {
    id: "hubspot",
    name: "HubSpot",
    authorize: "https://app.hubspot.com/oauth/authorize",
    token: "https://api.hubapi.com/oauth/v1/token",
    userinfo: "https://api.hubapi.com/oauth/v1/access-tokens/{access_token}",
    token_in: TokenIn::Path,
    scopes: &["oauth"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    profile: Profile {
        sub: &["user_id", "signed_access_token.userId"],
        name: &["user"],
        email: &["user"],
        image: &[],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
