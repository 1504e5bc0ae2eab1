//! Users and their accounts (the ways they sign in: one row per `(provider, providerAccountId)`).
//! SPEC §11: a user is found by account, created, or linked by email (the flow decides when
//! linking is safe; this file only stores). Emails are stored lower-cased and are unique.
//! Must never: delete a user's last account (`LAST_ACCOUNT`), or delete sessions without
//! recording their revocation (other instances would keep them alive).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{db_err, flag, int, is_unique_violation, new_id, now, query, text, Store};
use crate::error::{AuthError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub image: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// A chosen id (a sign-in that told the app's hooks the id first); else a random one.
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub image: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: String,
    pub user_id: String,
    pub provider: String,
    pub provider_account_id: String,
    /// `oidc`, `oauth`, or what another capability stores (`credentials`, `passkey`).
    pub kind: String,
    pub email: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub user_id: String,
    pub provider: String,
    pub provider_account_id: String,
    pub kind: String,
    pub email: Option<String>,
}

/// Emails compare case-insensitively: stored and looked up lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

const USER_COLS: &str = "id, name, email, email_verified, image, created_at, updated_at";
const ACCOUNT_COLS: &str = "id, user_id, provider, provider_account_id, type, email, created_at";

fn user_row(r: &AnyRow) -> UserRow {
    UserRow {
        id: text(r, "id").unwrap_or_default(),
        name: text(r, "name"),
        email: text(r, "email"),
        email_verified: flag(r, "email_verified"),
        image: text(r, "image"),
        created_at: int(r, "created_at"),
        updated_at: int(r, "updated_at"),
    }
}

fn account_row(r: &AnyRow) -> AccountRow {
    AccountRow {
        id: text(r, "id").unwrap_or_default(),
        user_id: text(r, "user_id").unwrap_or_default(),
        provider: text(r, "provider").unwrap_or_default(),
        provider_account_id: text(r, "provider_account_id").unwrap_or_default(),
        kind: text(r, "type").unwrap_or_default(),
        email: text(r, "email"),
        created_at: int(r, "created_at"),
    }
}

impl Store {
    pub async fn user(&self, id: &str) -> Result<Option<UserRow>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {USER_COLS} FROM {} WHERE id = $1",
            self.table("users")
        );
        let row = query(sql)
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(user_row))
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {USER_COLS} FROM {} WHERE email = $1",
            self.table("users")
        );
        let row = query(sql)
            .bind(normalize_email(email))
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(user_row))
    }

    /// The user with this email and their password hash, in one query (a password sign-in's
    /// only read: one round trip to the database instead of two).
    pub async fn user_by_email_with_password(
        &self,
        email: &str,
    ) -> Result<Option<(UserRow, Option<String>)>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {USER_COLS}, (SELECT p.hash FROM {} p WHERE p.user_id = u.id) AS password_hash \
             FROM {} u WHERE email = $1",
            self.table("passwords"),
            self.table("users")
        );
        let row = query(sql)
            .bind(normalize_email(email))
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| (user_row(&r), text(&r, "password_hash"))))
    }

    /// A new user. An email already taken is `EMAIL_IN_USE` (the flow decides what that means).
    pub async fn create_user(&self, new: &NewUser) -> Result<UserRow> {
        let pool = self.pool().await?;
        let t = now();
        let row = UserRow {
            id: new.id.clone().unwrap_or_else(new_id),
            name: new.name.clone(),
            email: new.email.as_deref().map(normalize_email),
            email_verified: new.email_verified && new.email.is_some(),
            image: new.image.clone(),
            created_at: t,
            updated_at: t,
        };
        let sql = format!(
            "INSERT INTO {} ({USER_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            self.table("users")
        );
        query(sql)
            .bind(row.id.clone())
            .bind(row.name.clone())
            .bind(row.email.clone())
            .bind(row.email_verified)
            .bind(row.image.clone())
            .bind(t)
            .bind(t)
            .execute(pool)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AuthError::new("EMAIL_IN_USE", "Another user already has this email.")
                } else {
                    db_err(e)
                }
            })?;
        Ok(row)
    }

    /// Marks the user's email as verified (a provider or a link proved it).
    pub async fn set_email_verified(&self, user_id: &str) -> Result<()> {
        let pool = self.pool().await?;
        let sql = format!(
            "UPDATE {} SET email_verified = $1, updated_at = $2 WHERE id = $3",
            self.table("users")
        );
        query(sql)
            .bind(true)
            .bind(now())
            .bind(user_id.to_string())
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// The account for a provider's user id, if linked.
    pub async fn account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AccountRow>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {ACCOUNT_COLS} FROM {} WHERE provider = $1 AND provider_account_id = $2",
            self.table("accounts")
        );
        let row = query(sql)
            .bind(provider.to_string())
            .bind(provider_account_id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(account_row))
    }

    pub async fn accounts_of(&self, user_id: &str) -> Result<Vec<AccountRow>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {ACCOUNT_COLS} FROM {} WHERE user_id = $1 ORDER BY created_at, id",
            self.table("accounts")
        );
        let rows = query(sql)
            .bind(user_id.to_string())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(account_row).collect())
    }

    /// Links an account to a user. One already linked (to anyone) is `ACCOUNT_ALREADY_LINKED`.
    pub async fn link_account(&self, new: &NewAccount) -> Result<AccountRow> {
        let pool = self.pool().await?;
        let t = now();
        let row = AccountRow {
            id: new_id(),
            user_id: new.user_id.clone(),
            provider: new.provider.clone(),
            provider_account_id: new.provider_account_id.clone(),
            kind: new.kind.clone(),
            email: new.email.as_deref().map(normalize_email),
            created_at: t,
        };
        let sql = format!(
            "INSERT INTO {} ({ACCOUNT_COLS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            self.table("accounts")
        );
        query(sql)
            .bind(row.id.clone())
            .bind(row.user_id.clone())
            .bind(row.provider.clone())
            .bind(row.provider_account_id.clone())
            .bind(row.kind.clone())
            .bind(row.email.clone())
            .bind(t)
            .bind(t)
            .execute(pool)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AuthError::new(
                        "ACCOUNT_ALREADY_LINKED",
                        "This account is already linked to a user.",
                    )
                } else {
                    db_err(e)
                }
            })?;
        Ok(row)
    }

    /// Removes one of the user's accounts, refusing the last one (`LAST_ACCOUNT`); an account
    /// the user does not have is `ACCOUNT_NOT_FOUND`. The user's row is updated first, which
    /// serialises concurrent unlinks of one user (a row lock on Postgres, the write lock on
    /// SQLite), so two of them can never remove the last two accounts together.
    pub async fn unlink_account(
        &self,
        user_id: &str,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<()> {
        let pool = self.pool().await?;
        let mut tx = pool.begin().await.map_err(db_err)?;
        let lock = format!(
            "UPDATE {} SET updated_at = $1 WHERE id = $2",
            self.table("users")
        );
        query(lock)
            .bind(now())
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let accounts = self.table("accounts");
        let rows = query(format!(
            "SELECT provider, provider_account_id FROM {accounts} WHERE user_id = $1"
        ))
        .bind(user_id.to_string())
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let has = rows.iter().any(|r| {
            text(r, "provider").as_deref() == Some(provider)
                && text(r, "provider_account_id").as_deref() == Some(provider_account_id)
        });
        if !has {
            return Err(AuthError::new(
                "ACCOUNT_NOT_FOUND",
                "This user has no such linked account.",
            ));
        }
        if rows.len() <= 1 {
            return Err(AuthError::new(
                "LAST_ACCOUNT",
                "This is the user's only way to sign in; link another account before removing it.",
            ));
        }
        query(format!(
            "DELETE FROM {accounts} WHERE user_id = $1 AND provider = $2 AND provider_account_id = $3"
        ))
        .bind(user_id.to_string())
        .bind(provider.to_string())
        .bind(provider_account_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    /// Removes the user with its accounts and sessions (the sessions are revoked everywhere).
    /// Returns whether the user existed.
    pub async fn delete_user(&self, user_id: &str) -> Result<bool> {
        self.revoke_sessions(super::sessions::Revoke::AllOfUser(user_id))
            .await?;
        let pool = self.pool().await?;
        let sql = format!("DELETE FROM {} WHERE id = $1", self.table("users"));
        let done = query(sql)
            .bind(user_id.to_string())
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    /// How many users there are (tests, tools).
    pub async fn count_users(&self) -> Result<i64> {
        let pool = self.pool().await?;
        let row = query(format!("SELECT COUNT(*) AS n FROM {}", self.table("users")))
            .fetch_one(pool)
            .await
            .map_err(db_err)?;
        Ok(row.try_get::<i64, _>("n").unwrap_or(0))
    }
}

#[cfg(test)]
#[path = "users_tests.rs"]
mod tests;
