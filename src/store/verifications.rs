//! One-time verifications (email verification, password reset, magic links, link intents):
//! a token the user receives, stored only as its hash, bound to a purpose, expiring, and used
//! once (taking it deletes it in the same statement, so two uses race to one winner).
//! Must never: store the token itself, or return an expired or other-purpose row.

use super::sessions::token_hash;
use super::{db_err, int, new_id, now, query, text, Store};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub id: String,
    /// Whom it is for (an email, a user id).
    pub identifier: String,
    pub purpose: String,
    /// What the capability needs back (JSON text), if anything.
    pub data: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
}

impl Store {
    /// Stores a verification and returns the token to send (32 random bytes, base64url).
    pub async fn create_verification(
        &self,
        identifier: &str,
        purpose: &str,
        data: Option<&str>,
        lifetime_secs: i64,
    ) -> Result<String> {
        let pool = self.pool().await?;
        let token = crate::seal::b64::random_token(32);
        let t = now();
        let sql = format!(
            "INSERT INTO {} (id, identifier, purpose, token_hash, data, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            self.table("verifications")
        );
        query(sql)
            .bind(new_id())
            .bind(identifier.to_string())
            .bind(purpose.to_string())
            .bind(token_hash(token.as_bytes()))
            .bind(data.map(str::to_string))
            .bind(t + lifetime_secs)
            .bind(t)
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(token)
    }

    /// Uses a token: returns its verification when it exists for this purpose and has not
    /// expired, deleting it either way it matched (single use).
    pub async fn take_verification(
        &self,
        purpose: &str,
        token: &str,
    ) -> Result<Option<Verification>> {
        let pool = self.pool().await?;
        let sql = format!(
            "DELETE FROM {} WHERE token_hash = $1 AND purpose = $2 RETURNING id, identifier, purpose, data, expires_at, created_at",
            self.table("verifications")
        );
        let row = query(sql)
            .bind(token_hash(token.as_bytes()))
            .bind(purpose.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row
            .map(|r| Verification {
                id: text(&r, "id").unwrap_or_default(),
                identifier: text(&r, "identifier").unwrap_or_default(),
                purpose: text(&r, "purpose").unwrap_or_default(),
                data: text(&r, "data"),
                expires_at: int(&r, "expires_at"),
                created_at: int(&r, "created_at"),
            })
            .filter(|v| v.expires_at > now()))
    }

    /// Deletes every verification of an identifier for a purpose (e.g. older reset links).
    pub async fn delete_verifications(&self, identifier: &str, purpose: &str) -> Result<u64> {
        let pool = self.pool().await?;
        let sql = format!(
            "DELETE FROM {} WHERE identifier = $1 AND purpose = $2",
            self.table("verifications")
        );
        let done = query(sql)
            .bind(identifier.to_string())
            .bind(purpose.to_string())
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::sqlite_store;

    #[tokio::test]
    async fn tokens_are_single_use_purpose_bound_and_expiring() {
        let (store, dir) = sqlite_store("verif");
        let t = store
            .create_verification("a@example.com", "verify-email", Some("{\"x\":1}"), 3600)
            .await
            .unwrap();
        assert!(store
            .take_verification("reset-password", &t)
            .await
            .unwrap()
            .is_none());
        let v = store
            .take_verification("verify-email", &t)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.identifier, "a@example.com");
        assert_eq!(v.data.as_deref(), Some("{\"x\":1}"));
        assert!(store
            .take_verification("verify-email", &t)
            .await
            .unwrap()
            .is_none());
        let old = store
            .create_verification("a@example.com", "magic-link", None, -1)
            .await
            .unwrap();
        assert!(store
            .take_verification("magic-link", &old)
            .await
            .unwrap()
            .is_none());
        store.create_verification("b", "p", None, 60).await.unwrap();
        store.create_verification("b", "p", None, 60).await.unwrap();
        assert_eq!(store.delete_verifications("b", "p").await.unwrap(), 2);
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
