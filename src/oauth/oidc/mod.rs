//! OpenID Connect: discovery, JWKS and id_token verification.

pub mod discovery;
pub mod id_token;
pub mod jwks;
