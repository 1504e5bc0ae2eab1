//! What the email flows need from the database (SPEC §11/§12), as one small trait the endpoints
//! call; the database store implements it (migration `0002_credentials` adds the password
//! column). Tokens arrive here already hashed; passwords only as PHC strings. A store must make
//! `take_token` atomic (read and delete in one statement), so a token is used at most once even
//! when two requests race.

use std::future::Future;
use std::pin::Pin;

use crate::error::Result;

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// A user as the email flows see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub image: Option<String>,
    pub email_verified: bool,
}

/// A new user from a sign-up, a magic link or `api.importUser`.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub email_verified: bool,
    pub password_hash: Option<&'a str>,
}

pub trait CredentialStore: Send + Sync {
    /// The user with this (normalised) email.
    fn user_by_email<'a>(&'a self, email: &'a str) -> StoreFuture<'a, Option<UserRecord>>;
    fn user_by_id<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<UserRecord>>;
    /// The user's stored password hash (PHC, bcrypt or scrypt), if they have a password.
    fn password_hash<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, Option<String>>;
    /// The user with this email and their password hash (a password sign-in's read). A store
    /// that can should answer in one query; this default asks twice.
    fn user_and_password_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> StoreFuture<'a, Option<(UserRecord, Option<String>)>> {
        Box::pin(async move {
            let Some(user) = self.user_by_email(email).await? else {
                return Ok(None);
            };
            let hash = self.password_hash(&user.id).await?;
            Ok(Some((user, hash)))
        })
    }
    /// Creates the user (and its password). `Ok(None)` when the email is already taken (a race
    /// with another sign-up): the caller answers as for an address in use.
    fn create_user<'a>(&'a self, user: NewUser<'a>) -> StoreFuture<'a, Option<UserRecord>>;
    fn set_password_hash<'a>(&'a self, user_id: &'a str, hash: &'a str) -> StoreFuture<'a, ()>;
    fn set_email_verified<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, ()>;
    /// Stores a token hash for `email` and `purpose` until `expires_at` (Unix seconds).
    fn put_token<'a>(
        &'a self,
        purpose: &'a str,
        hash: &'a str,
        email: &'a str,
        expires_at: u64,
    ) -> StoreFuture<'a, ()>;
    /// Deletes the token row and returns its email when it existed for this purpose and had not
    /// expired at `now`. Used or expired tokens give `None`.
    fn take_token<'a>(
        &'a self,
        purpose: &'a str,
        hash: &'a str,
        now: u64,
    ) -> StoreFuture<'a, Option<String>>;
    /// Ends every session of the user except `keep` (the caller's own session id, if any).
    fn revoke_sessions_except<'a>(
        &'a self,
        user_id: &'a str,
        keep: Option<&'a str>,
    ) -> StoreFuture<'a, ()>;
}
