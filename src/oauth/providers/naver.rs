//! Naver (OAuth 2.0). The profile is wrapped as `{resultcode, message, response}`;
//! `resultcode` must be "00". No verification flag; PKCE is sent.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const NAVER: Builtin = Builtin {
    id: "naver",
    name: "Naver",
    authorize: "https://nid.naver.com/oauth2.0/authorize",
    token: "https://nid.naver.com/oauth2.0/token",
    userinfo: "https://openapi.naver.com/v1/nid/me",
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    require: Some(("resultcode", "00")),
    profile: Profile {
        sub: &["response.id"],
        name: &["response.name", "response.nickname"],
        email: &["response.email"],
        image: &["response.profile_image"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
