//! LINE Login (OpenID Connect). The id_token may be HS256-signed with the channel secret
//! (or ES256, verified with LINE's keys). No verification flag.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const LINE: Builtin = Builtin {
    id: "line",
    name: "LINE",
    issuer: "https://access.line.me",
    authorize: "https://access.line.me/oauth2/v2.1/authorize",
    token: "https://api.line.me/oauth2/v2.1/token",
    jwks: "https://api.line.me/oauth2/v2.1/certs",
    client_auth: ClientAuth::Post,
    id_token_hmac: true,
    profile: Profile {
        email_verified: &[],
        ..Profile::OIDC
    },
    ..Builtin::OIDC
};
