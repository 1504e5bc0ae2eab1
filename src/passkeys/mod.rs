//! Passkeys (SPEC §14): WebAuthn registration for a signed-in user and sign-in with a
//! discoverable credential, strict by default (user verification required and enforced,
//! attestation `none`, single-use 5-minute challenges kept in the store, counters that go
//! backwards refused). `config` validates the relying party at `createAuth`, `ceremony` drives
//! the `webauthn_rp` crate (pure Rust: no system OpenSSL), `store` is what the flows need from
//! the database. The HTTP side is `crate::actions::passkeys`. Nothing here hand-verifies CBOR
//! or signatures.

pub mod ceremony;
pub mod config;
pub mod store;

#[cfg(test)]
mod tests;

/// The `provider` of a passkey sign-in (the session's `user.provider`, the account's provider).
pub const PASSKEY_PROVIDER: &str = "passkey";
