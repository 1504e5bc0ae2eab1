//! Auth0 (OpenID Connect): `issuer` is `https://{domain}/` (keep the trailing slash);
//! endpoints from discovery.

use super::builtin::{Builtin, Template};
use super::ClientAuth;

pub const AUTH0: Builtin = Builtin {
    id: "auth0",
    name: "Auth0",
    template: Template::Issuer,
    issuer: "https://my-tenant.us.auth0.com/",
    client_auth: ClientAuth::Basic,
    ..Builtin::OIDC
};
