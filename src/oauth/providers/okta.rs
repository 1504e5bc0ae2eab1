//! Okta (OpenID Connect): `issuer` is the org server (`https://{domain}`) or a custom
//! authorization server (`https://{domain}/oauth2/{id}`); endpoints from discovery.

use super::builtin::{Builtin, Template};
use super::ClientAuth;

pub const OKTA: Builtin = Builtin {
    id: "okta",
    name: "Okta",
    template: Template::Issuer,
    issuer: "https://dev-123456.okta.com/oauth2/default",
    client_auth: ClientAuth::Basic,
    ..Builtin::OIDC
};
