//! authentik (OpenID Connect): `issuer` is `{base}/application/o/{slug}/`; endpoints from
//! discovery.

use super::builtin::{Builtin, Template};
use super::ClientAuth;

pub const AUTHENTIK: Builtin = Builtin {
    id: "authentik",
    name: "authentik",
    template: Template::Issuer,
    issuer: "https://auth.example.com/application/o/my-app/",
    client_auth: ClientAuth::Basic,
    ..Builtin::OIDC
};
