//! The credentials part of the store (SPEC §12, migration `0002_credentials`): one password hash
//! per user in `<prefix>passwords`, an account row `credentials` beside it (so a password counts
//! as a way to sign in for §11's listing and `LAST_ACCOUNT`), and the email flows' one-time
//! tokens in §11's `verifications` table (hashed by `crate::credentials::tokens`, purpose-bound).
//! Implements [`CredentialStore`], the trait the email endpoints call.
//! Must never: store or log a plain password or token.

use super::sessions::Revoke;
use super::users::{NewAccount, NewUser as StoreNewUser, UserRow};
use super::{db_err, new_id, now, query, text, Store};
use crate::credentials::store::{CredentialStore, NewUser, StoreFuture, UserRecord};
use crate::error::Result;

fn record(u: UserRow) -> UserRecord {
    UserRecord {
        id: u.id,
        email: u.email,
        name: u.name,
        image: u.image,
        email_verified: u.email_verified,
    }
}

impl Store {
    /// The user's password hash, if they have a password.
    pub async fn password_hash(&self, user_id: &str) -> Result<Option<String>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT hash FROM {} WHERE user_id = $1",
            self.table("passwords")
        );
        let row = query(sql)
            .bind(user_id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().and_then(|r| text(r, "hash")))
    }

    /// Sets (or replaces) the user's password hash; the first one also adds the `credentials`
    /// account row.
    pub async fn set_password_hash(&self, user_id: &str, hash: &str) -> Result<()> {
        let pool = self.pool().await?;
        let t = now();
        let sql = format!(
            "INSERT INTO {} (user_id, hash, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at",
            self.table("passwords")
        );
        query(sql)
            .bind(user_id.to_string())
            .bind(hash.to_string())
            .bind(t)
            .execute(pool)
            .await
            .map_err(db_err)?;
        if self.account("credentials", user_id).await?.is_none() {
            let user = self.user(user_id).await?;
            let linked = self
                .link_account(&NewAccount {
                    user_id: user_id.to_string(),
                    provider: "credentials".into(),
                    provider_account_id: user_id.to_string(),
                    kind: "credentials".into(),
                    email: user.and_then(|u| u.email),
                })
                .await;
            // A racing first password already added it.
            if let Err(e) = linked {
                if self.account("credentials", user_id).await?.is_none() {
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Stores a one-time token's hash for `identifier` (an email).
    pub async fn put_token_hash(
        &self,
        purpose: &str,
        hash: &str,
        identifier: &str,
        expires_at: i64,
    ) -> Result<()> {
        let pool = self.pool().await?;
        let sql = format!(
            "INSERT INTO {} (id, identifier, purpose, token_hash, data, expires_at, created_at) VALUES ($1, $2, $3, $4, NULL, $5, $6)",
            self.table("verifications")
        );
        query(sql)
            .bind(new_id())
            .bind(identifier.to_string())
            .bind(purpose.to_string())
            .bind(hash.to_string())
            .bind(expires_at)
            .bind(now())
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// Deletes the token row (single use, one statement) and returns its identifier when it
    /// was for `purpose` and not expired at `at`.
    pub async fn take_token_hash(
        &self,
        purpose: &str,
        hash: &str,
        at: i64,
    ) -> Result<Option<String>> {
        let pool = self.pool().await?;
        let sql = format!(
            "DELETE FROM {} WHERE token_hash = $1 AND purpose = $2 RETURNING identifier, expires_at",
            self.table("verifications")
        );
        let row = query(sql)
            .bind(hash.to_string())
            .bind(purpose.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row
            .filter(|r| super::int(r, "expires_at") > at)
            .and_then(|r| text(&r, "identifier")))
    }
}

impl CredentialStore for Store {
    fn user_by_email<'a>(&'a self, email: &'a str) -> StoreFuture<'a, Option<UserRecord>> {
        Box::pin(async move { Ok(Store::user_by_email(self, email).await?.map(record)) })
    }

    fn user_by_id<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<UserRecord>> {
        Box::pin(async move { Ok(self.user(id).await?.map(record)) })
    }

    fn password_hash<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(Store::password_hash(self, user_id))
    }

    fn user_and_password_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> StoreFuture<'a, Option<(UserRecord, Option<String>)>> {
        Box::pin(async move {
            Ok(self
                .user_by_email_with_password(email)
                .await?
                .map(|(u, hash)| (record(u), hash)))
        })
    }

    fn create_user<'a>(&'a self, user: NewUser<'a>) -> StoreFuture<'a, Option<UserRecord>> {
        Box::pin(async move {
            let created = Store::create_user(
                self,
                &StoreNewUser {
                    id: None,
                    name: user.name.map(str::to_string),
                    email: Some(user.email.to_string()),
                    email_verified: user.email_verified,
                    image: None,
                },
            )
            .await;
            let row = match created {
                Ok(row) => row,
                Err(e) if e.code == "EMAIL_IN_USE" => return Ok(None),
                Err(e) => return Err(e),
            };
            if let Some(hash) = user.password_hash {
                Store::set_password_hash(self, &row.id, hash).await?;
            }
            Ok(Some(record(row)))
        })
    }

    fn set_password_hash<'a>(&'a self, user_id: &'a str, hash: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(Store::set_password_hash(self, user_id, hash))
    }

    fn set_email_verified<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(Store::set_email_verified(self, user_id))
    }

    fn put_token<'a>(
        &'a self,
        purpose: &'a str,
        hash: &'a str,
        email: &'a str,
        expires_at: u64,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.put_token_hash(purpose, hash, email, expires_at.min(i64::MAX as u64) as i64))
    }

    fn take_token<'a>(
        &'a self,
        purpose: &'a str,
        hash: &'a str,
        now: u64,
    ) -> StoreFuture<'a, Option<String>> {
        Box::pin(self.take_token_hash(purpose, hash, now.min(i64::MAX as u64) as i64))
    }

    fn revoke_sessions_except<'a>(
        &'a self,
        user_id: &'a str,
        keep: Option<&'a str>,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let which = match keep {
                Some(keep) => Revoke::OthersOfUser { user_id, keep },
                None => Revoke::AllOfUser(user_id),
            };
            self.revoke_sessions(which).await.map(|_| ())
        })
    }
}
