//! Native core of `@aura-stack/auth`: OAuth 2.0 / OpenID Connect sign-in and sealed, stateless
//! session cookies. The protocol code here knows nothing of Node; `binding` (feature `node`)
//! is the only module that does.
//!
//! The folders are layers; imports point down this list only:
//! `protect` (what a proxy, `withSession` and `requireSession` answer) → `auth` (the configured
//! instance and the dispatcher) → `actions` (one file per endpoint) →
//! `hooks`, `oauth` (providers, OIDC, tokens), `session` (what a signed-in browser holds) →
//! `config` → `ratelimit` (limiter, client IP, stores), `http` (the web boundary), `seal` (keys, sealing, cookies) → leaves
//! (`error`, `log`, `clock`, `random`). `docs/DESIGN.md` has the map.

pub mod actions;
pub mod auth;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod error;
pub mod hooks;
pub mod http;
pub mod log;
pub mod oauth;
pub mod passkeys;
pub mod protect;
pub mod random;
pub mod ratelimit;
pub mod seal;
pub mod session;
pub mod store;

// Not in the crate's own unit-test build: napi's exports are registered only in the addon, so one
// `cargo clippy --all-targets --features node` checks the binding and every test target.
#[cfg(all(feature = "node", not(test)))]
mod binding;

pub use auth::Auth;
pub use error::AuthError;
pub use http::request::Request;
pub use http::response::Response;
