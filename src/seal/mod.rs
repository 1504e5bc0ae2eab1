//! Keys and sealed values (SPEC rules 1, 2, 6, 7, 11, 12): the secret and salt as given
//! (`secret`), per-purpose keys and XChaCha20-Poly1305 sealing with the full cookie name as
//! associated data (`crypto`), base64url and random tokens (`b64`), and cookie names, chunking
//! and parsing (`cookies`). Nothing here knows what a session or a provider is.

pub mod b64;
pub mod cookies;
pub mod crypto;
pub mod dev_key;
pub mod secret;
