//! Talking to providers: the built-in descriptions and their resolution (`providers`), OpenID
//! Connect discovery, JWKS and id_token verification (`oidc`), the resolved endpoints of one
//! provider (`endpoints`), the token endpoint shared by the code exchange and the refresh
//! (`token_endpoint`), refresh and RFC 7009 revocation calls (`token_calls`), the sealed token
//! cookie (`tokens`) and the sealed account row (`account_tokens`), each provider's run-time state (`runtime`) and the account hooks see (`account`).
//! `api.getAccessToken` is an action (`actions::access_token`).

pub mod account;
pub mod account_tokens;
pub mod endpoints;
pub mod oidc;
pub mod providers;
pub mod runtime;
pub mod token_calls;
pub mod token_endpoint;
pub mod tokens;
