//! Google (OpenID Connect). Identity from the id_token; `email_verified` is a boolean claim.
//! The `iss` claim may lack the scheme, so both forms are accepted.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const GOOGLE: Builtin = Builtin {
    id: "google",
    name: "Google",
    issuer: "https://accounts.google.com",
    issuer_alias: "accounts.google.com",
    authorize: "https://accounts.google.com/o/oauth2/v2/auth",
    token: "https://oauth2.googleapis.com/token",
    jwks: "https://www.googleapis.com/oauth2/v3/certs",
    client_auth: ClientAuth::Basic,
    pkce: Pkce::Supported,
    profile: Profile::OIDC,
    revocation: "https://oauth2.googleapis.com/revoke",
    ..Builtin::OIDC
};
