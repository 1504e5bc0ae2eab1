//! Mailchimp (OAuth 2.0). No scopes; the metadata endpoint takes `Authorization: OAuth`.
//! No verification flag.

use super::builtin::{Builtin, Profile, TokenIn};
use super::{ClientAuth, Pkce};

pub const MAILCHIMP: Builtin = Builtin {
    id: "mailchimp",
    name: "Mailchimp",
    authorize: "https://login.mailchimp.com/oauth2/authorize",
    token: "https://login.mailchimp.com/oauth2/token",
    userinfo: "https://login.mailchimp.com/oauth2/metadata",
    token_in: TokenIn::Scheme("OAuth"),
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    profile: Profile {
        sub: &["user_id", "login.login_id"],
        name: &["accountname"],
        email: &["login.email"],
        image: &["login.avatar"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
