//! What the passkey flows need from storage (SPEC §14 over §11): single-use ceremony
//! challenges, the `<prefix>passkeys` rows, and the user a passkey belongs to. The database
//! store implements this; the flows never name an engine. Nothing here verifies anything.

use std::future::Future;
use std::pin::Pin;

use super::ceremony::StoredCredential;
use crate::error::Result;

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// One row of `<prefix>passkeys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyRow {
    pub credential: StoredCredential,
    pub user_id: String,
    /// The name the user gave it ("MacBook", "YubiKey").
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The user a passkey signs in as (from `<prefix>users`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyUser {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub image: Option<String>,
}

pub trait PasskeyStore: Send + Sync {
    /// Keeps a ceremony's state under `key` until `expires_at` (unix seconds).
    fn put_challenge<'a>(
        &'a self,
        key: &'a str,
        value: &'a [u8],
        expires_at: u64,
    ) -> StoreFuture<'a, ()>;
    /// Reads and deletes in one step (so two requests never both get it) a challenge that has
    /// not expired.
    fn take_challenge<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>>;
    /// Adds a passkey; a credential id that exists already is an error.
    fn insert_passkey<'a>(&'a self, row: &'a PasskeyRow) -> StoreFuture<'a, ()>;
    fn find_passkey<'a>(&'a self, credential_id: &'a str) -> StoreFuture<'a, Option<PasskeyRow>>;
    fn list_passkeys<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, Vec<PasskeyRow>>;
    /// After a sign-in: the new dynamic state, counter, backup flags and `last_used_at`.
    fn update_passkey_use<'a>(
        &'a self,
        credential: &'a StoredCredential,
        used_at: i64,
    ) -> StoreFuture<'a, ()>;
    /// Removes one of the user's passkeys unless it is their last way to sign in
    /// (`LAST_ACCOUNT`); `false` when the user has no such passkey.
    fn delete_passkey<'a>(
        &'a self,
        user_id: &'a str,
        credential_id: &'a str,
    ) -> StoreFuture<'a, bool>;
    fn passkey_user<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, Option<PasskeyUser>>;
}
