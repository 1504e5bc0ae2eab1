//! LinkedIn ("Sign In with LinkedIn using OpenID Connect"). No PKCE: LinkedIn enables it per app for native clients only (its "OAuth 2.0 for Native Clients" docs).

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const LINKEDIN: Builtin = Builtin {
    id: "linkedin",
    name: "LinkedIn",
    issuer: "https://www.linkedin.com/oauth",
    authorize: "https://www.linkedin.com/oauth/v2/authorization",
    token: "https://www.linkedin.com/oauth/v2/accessToken",
    userinfo: "https://api.linkedin.com/v2/userinfo",
    jwks: "https://www.linkedin.com/oauth/openid/jwks",
    client_auth: ClientAuth::Post,
    pkce: Pkce::NotSent,
    profile: Profile::OIDC,
    ..Builtin::OIDC
};
