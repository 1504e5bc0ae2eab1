//! ZITADEL (OpenID Connect): `issuer` is the instance URL; endpoints from discovery.

use super::builtin::{Builtin, Template};
use super::ClientAuth;

pub const ZITADEL: Builtin = Builtin {
    id: "zitadel",
    name: "ZITADEL",
    template: Template::Issuer,
    issuer: "https://my-instance.zitadel.cloud",
    client_auth: ClientAuth::Basic,
    ..Builtin::OIDC
};
