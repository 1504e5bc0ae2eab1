//! Provider tokens in the accounts row (SPEC §11, `storeTokens` with a database): the columns
//! `tokens` (an opaque sealed text), `tokens_expires_at` and `refresh_lock_until` (the refresh
//! lease, Unix seconds). This file only stores: sealing is `oauth::account_tokens`, the refresh
//! protocol `actions::access_token_db`.
//!
//! The lease is one conditional UPDATE that both engines run alike: it succeeds for exactly one
//! caller while the lease is free or lapsed (a row lock on Postgres, the write lock on SQLite),
//! so instances sharing the database refresh one account's tokens one at a time.
//! Must never: store a token in plain text (callers hand in sealed text only), or touch any
//! column of the account other than these three and `updated_at`.

use super::{db_err, int, now, query, text, Store};
use crate::error::Result;

/// An account row's stored tokens, as sealed text (see `oauth::account_tokens`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub account_id: String,
    pub provider_account_id: String,
    pub sealed: Option<String>,
    pub expires_at: Option<i64>,
    /// Until when another caller's refresh lease holds (Unix seconds), if one was taken.
    pub lock_until: Option<i64>,
    pub updated_at: i64,
}

const COLS: &str =
    "id, provider_account_id, tokens, tokens_expires_at, refresh_lock_until, updated_at";

fn token_row(r: &sqlx::any::AnyRow) -> TokenRow {
    use sqlx::Row;
    let opt = |c: &str| r.try_get::<Option<i64>, _>(c).ok().flatten();
    TokenRow {
        account_id: text(r, "id").unwrap_or_default(),
        provider_account_id: text(r, "provider_account_id").unwrap_or_default(),
        sealed: text(r, "tokens"),
        expires_at: opt("tokens_expires_at"),
        lock_until: opt("refresh_lock_until"),
        updated_at: int(r, "updated_at"),
    }
}

impl Store {
    /// The accounts of `provider` the user has, with their stored tokens (newest first).
    pub async fn token_rows(&self, user_id: &str, provider: &str) -> Result<Vec<TokenRow>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {COLS} FROM {} WHERE user_id = $1 AND provider = $2 ORDER BY updated_at DESC, id",
            self.table("accounts")
        );
        let rows = query(sql)
            .bind(user_id.to_string())
            .bind(provider.to_string())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(token_row).collect())
    }

    /// One account row's stored tokens, read again (a refresh waiting for another one).
    pub async fn token_row(&self, account_id: &str) -> Result<Option<TokenRow>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {COLS} FROM {} WHERE id = $1",
            self.table("accounts")
        );
        let row = query(sql)
            .bind(account_id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(token_row))
    }

    /// Writes sealed tokens into the account row and frees its refresh lease. Returns whether
    /// the row exists (an account unlinked meanwhile is not re-created).
    pub async fn save_tokens(
        &self,
        account_id: &str,
        sealed: Option<&str>,
        expires_at: Option<i64>,
    ) -> Result<bool> {
        let pool = self.pool().await?;
        let sql = format!(
            "UPDATE {} SET tokens = $1, tokens_expires_at = $2, refresh_lock_until = NULL, updated_at = $3 WHERE id = $4",
            self.table("accounts")
        );
        let done = query(sql)
            .bind(sealed.map(str::to_string))
            .bind(expires_at)
            .bind(now())
            .bind(account_id.to_string())
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    /// Takes the refresh lease of the account row until `now + seconds`, when it is free or
    /// lapsed. Exactly one of any number of concurrent callers (on any instance) gets `true`.
    pub async fn take_refresh_lease(&self, account_id: &str, seconds: i64) -> Result<bool> {
        let pool = self.pool().await?;
        let t = now();
        let sql = format!(
            "UPDATE {} SET refresh_lock_until = $1 WHERE id = $2 AND (refresh_lock_until IS NULL OR refresh_lock_until < $3)",
            self.table("accounts")
        );
        let done = query(sql)
            .bind(t + seconds.max(1))
            .bind(account_id.to_string())
            .bind(t)
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    /// Frees the refresh lease without changing the tokens (a refresh that failed for now).
    pub async fn release_refresh_lease(&self, account_id: &str) -> Result<()> {
        let pool = self.pool().await?;
        let sql = format!(
            "UPDATE {} SET refresh_lock_until = NULL WHERE id = $1",
            self.table("accounts")
        );
        query(sql)
            .bind(account_id.to_string())
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::sqlite_store;
    use super::super::users::{NewAccount, NewUser};
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_lease_is_taken_once_until_it_is_freed_or_lapses() {
        let (store, dir) = sqlite_store("lease");
        let u = store.create_user(&NewUser::default()).await.unwrap();
        let a = store
            .link_account(&NewAccount {
                user_id: u.id.clone(),
                provider: "oidc".into(),
                provider_account_id: "ada".into(),
                kind: "oidc".into(),
                email: None,
            })
            .await
            .unwrap();
        // Many callers at once: exactly one wins.
        let tries: Vec<_> = (0..20)
            .map(|_| {
                let (store, id) = (store.clone(), a.id.clone());
                tokio::spawn(async move { store.take_refresh_lease(&id, 30).await.unwrap() })
            })
            .collect();
        let mut won = 0;
        for t in tries {
            won += usize::from(t.await.unwrap());
        }
        assert_eq!(won, 1, "one lease among 20 concurrent callers");
        assert!(!store.take_refresh_lease(&a.id, 30).await.unwrap());
        // Saving tokens frees it.
        assert!(store
            .save_tokens(&a.id, Some("sealed"), Some(42))
            .await
            .unwrap());
        let row = store.token_row(&a.id).await.unwrap().unwrap();
        assert_eq!(row.sealed.as_deref(), Some("sealed"));
        assert_eq!((row.expires_at, row.lock_until), (Some(42), None));
        assert!(store.take_refresh_lease(&a.id, 30).await.unwrap());
        store.release_refresh_lease(&a.id).await.unwrap();
        // A lapsed lease (its holder crashed) can be taken again.
        assert!(store.take_refresh_lease(&a.id, 1).await.unwrap());
        let sql = format!(
            "UPDATE {} SET refresh_lock_until = $1 WHERE id = $2",
            store.table("accounts")
        );
        query(sql)
            .bind(now() - 5)
            .bind(a.id.clone())
            .execute(store.pool().await.unwrap())
            .await
            .unwrap();
        assert!(store.take_refresh_lease(&a.id, 30).await.unwrap());
        // An unknown row is never leased, and saving into it creates nothing.
        assert!(!store.take_refresh_lease("nope", 30).await.unwrap());
        assert!(!store.save_tokens("nope", Some("x"), None).await.unwrap());
        assert_eq!(store.token_rows(&u.id, "oidc").await.unwrap().len(), 1);
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
