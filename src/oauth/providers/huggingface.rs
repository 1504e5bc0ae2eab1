//! Hugging Face (OpenID Connect). `email_verified` claim; email only with the `email` scope.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const HUGGINGFACE: Builtin = Builtin {
    id: "huggingface",
    name: "Hugging Face",
    issuer: "https://huggingface.co",
    authorize: "https://huggingface.co/oauth/authorize",
    token: "https://huggingface.co/oauth/token",
    userinfo: "https://huggingface.co/oauth/userinfo",
    jwks: "https://huggingface.co/oauth/jwks",
    client_auth: ClientAuth::Post,
    profile: Profile::OIDC,
    ..Builtin::OIDC
};
