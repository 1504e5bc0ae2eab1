//! Yahoo (OpenID Connect). The OIDC permissions must be ticked on the app itself.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const YAHOO: Builtin = Builtin {
    id: "yahoo",
    name: "Yahoo",
    issuer: "https://api.login.yahoo.com",
    authorize: "https://api.login.yahoo.com/oauth2/request_auth",
    token: "https://api.login.yahoo.com/oauth2/get_token",
    userinfo: "https://api.login.yahoo.com/openid/v1/userinfo",
    jwks: "https://api.login.yahoo.com/openid/v1/certs",
    client_auth: ClientAuth::Basic,
    profile: Profile::OIDC,
    ..Builtin::OIDC
};
