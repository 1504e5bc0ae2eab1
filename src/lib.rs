//! Native core of `@aura-stack/auth`: OAuth 2.0 / OpenID Connect sign-in and sealed, stateless
//! session cookies. The protocol code here knows nothing of Node; `binding` (feature `node`)
//! is the only module that does.

pub mod access_token;
pub mod account;
pub mod actions;
pub mod auth;
pub mod b64;
pub mod clock;
pub mod config;
pub mod context;
pub mod cookies;
pub mod crypto;
pub mod endpoints;
pub mod error;
pub mod flow;
pub mod hooks;
pub mod log;
pub mod oidc;
pub mod outbound;
pub mod passkeys;
pub mod providers;
pub mod random;
pub mod redirect;
pub mod request;
pub mod response;
pub mod router;
pub mod secret;
pub mod session;
pub mod token_calls;
pub mod token_endpoint;
pub mod tokens;
pub mod url_policy;

#[cfg(feature = "node")]
mod binding;

pub use auth::Auth;
pub use error::AuthError;
pub use request::Request;
pub use response::Response;
