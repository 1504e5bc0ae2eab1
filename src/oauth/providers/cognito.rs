//! Amazon Cognito (OpenID Connect): `issuer` is `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`;
//! the hosted-UI endpoints come from its discovery document.

use super::builtin::{Builtin, Profile, Template};
use super::ClientAuth;

pub const COGNITO: Builtin = Builtin {
    id: "cognito",
    name: "Amazon Cognito",
    template: Template::Issuer,
    issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
    client_auth: ClientAuth::Basic,
    profile: Profile {
        name: &["name", "given_name+family_name", "cognito:username"],
        ..Profile::OIDC
    },
    ..Builtin::OIDC
};
