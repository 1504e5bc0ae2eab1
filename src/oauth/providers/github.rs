//! GitHub (OAuth 2.0). JSON token responses only when asked (the client sends
//! `Accept: application/json`); errors come back as HTTP 200 with `error`. `/user` gives the
//! public profile; `/user/emails` the primary address and its `verified` flag.

use super::builtin::{Builtin, Emails, Profile};
use super::ClientAuth;

pub const GITHUB: Builtin = Builtin {
    id: "github",
    name: "GitHub",
    authorize: "https://github.com/login/oauth/authorize",
    token: "https://github.com/login/oauth/access_token",
    userinfo: "https://api.github.com/user",
    scopes: &["read:user", "user:email"],
    client_auth: ClientAuth::Post,
    emails: Some(Emails {
        url: "https://api.github.com/user/emails",
        list: "",
        email: "email",
        primary: "primary",
        verified: "verified",
        only_verified: false,
    }),
    profile: Profile {
        name: &["name", "login"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
