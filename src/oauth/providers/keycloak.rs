//! Keycloak (OpenID Connect): `issuer` is the realm URL; endpoints from discovery.

use super::builtin::{Builtin, Profile, Template};
use super::ClientAuth;

pub const KEYCLOAK: Builtin = Builtin {
    id: "keycloak",
    name: "Keycloak",
    template: Template::Issuer,
    issuer: "https://sso.example.com/realms/myrealm",
    client_auth: ClientAuth::Basic,
    profile: Profile {
        name: &["name", "preferred_username"],
        ..Profile::OIDC
    },
    ..Builtin::OIDC
};
