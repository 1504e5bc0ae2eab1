//! Sign in with Apple (OpenID Connect without userinfo). `response_mode=form_post`: the
//! callback is a cross-site POST. The client secret is given, or minted (ES256) from teamId,
//! keyId and privateKey. The name arrives only once, in the form's `user` field;
//! `email_verified` may be the string "true".

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const APPLE: Builtin = Builtin {
    id: "apple",
    name: "Apple",
    issuer: "https://appleid.apple.com",
    authorize: "https://appleid.apple.com/auth/authorize",
    token: "https://appleid.apple.com/auth/token",
    jwks: "https://appleid.apple.com/auth/keys",
    scopes: &["name", "email"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    params: &[("response_mode", "form_post")],
    form_post: true,
    mints_secret: true,
    profile: Profile {
        name: &["$form.user.name.firstName+$form.user.name.lastName"],
        image: &[],
        ..Profile::OIDC
    },
    revocation: "https://appleid.apple.com/auth/revoke",
    ..Builtin::OIDC
};
