//! Passkeys in the store (SPEC §14): the `<prefix>passkeys` rows and the ceremonies'
//! single-use challenges (in `<prefix>verifications`, purpose `passkey`, the challenge key
//! hashed like any verification token). Each passkey is also an account (provider `passkey`,
//! the credential id as `provider_account_id`), written in the same transaction, so listing,
//! unlinking and `LAST_ACCOUNT` treat it like any other way to sign in; unlinking the account
//! removes the passkey (foreign key, ON DELETE CASCADE).
//! Must never: verify anything (that is `crate::passkeys::ceremony`), or keep a challenge past
//! its expiry or beyond one use.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::sessions::token_hash;
use super::{db_err, flag, int, is_unique_violation, new_id, now, query, text, Store};
use crate::error::{AuthError, Result};
use crate::passkeys::ceremony::StoredCredential;
use crate::passkeys::store::{PasskeyRow, PasskeyStore, PasskeyUser, StoreFuture};
use crate::passkeys::PASSKEY_PROVIDER;

const PURPOSE: &str = "passkey";
const COLS: &str = "id, user_id, user_handle, public_key, dynamic_state, counter, backup_eligible, backed_up, transports, name, created_at, last_used_at";

fn passkey_row(r: &AnyRow) -> PasskeyRow {
    let b = |col: &str| {
        text(r, col)
            .and_then(|t| crate::seal::b64::decode(&t))
            .unwrap_or_default()
    };
    PasskeyRow {
        credential: StoredCredential {
            id: text(r, "id").unwrap_or_default(),
            user_handle: text(r, "user_handle").unwrap_or_default(),
            public_key: b("public_key"),
            dynamic_state: b("dynamic_state"),
            counter: u32::try_from(int(r, "counter")).unwrap_or(0),
            backup_eligible: flag(r, "backup_eligible"),
            backed_up: flag(r, "backed_up"),
            transports: text(r, "transports").unwrap_or_else(|| "[]".into()),
        },
        user_id: text(r, "user_id").unwrap_or_default(),
        name: text(r, "name").unwrap_or_default(),
        created_at: int(r, "created_at"),
        last_used_at: r.try_get::<Option<i64>, _>("last_used_at").ok().flatten(),
    }
}

impl Store {
    async fn put_passkey_challenge(&self, key: &str, value: &[u8], expires_at: u64) -> Result<()> {
        let pool = self.pool().await?;
        let sql = format!(
            "INSERT INTO {} (id, identifier, purpose, token_hash, data, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            self.table("verifications")
        );
        query(sql)
            .bind(new_id())
            .bind(PURPOSE.to_string())
            .bind(PURPOSE.to_string())
            .bind(token_hash(key.as_bytes()))
            .bind(String::from_utf8_lossy(value).into_owned())
            .bind(i64::try_from(expires_at).unwrap_or(i64::MAX))
            .bind(now())
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn insert_passkey_row(&self, row: &PasskeyRow) -> Result<()> {
        let pool = self.pool().await?;
        let mut tx = pool.begin().await.map_err(db_err)?;
        let account_id = new_id();
        let exists = |e: sqlx::Error| {
            if is_unique_violation(&e) {
                AuthError::new("PASSKEY_EXISTS", "This passkey is already registered.")
            } else {
                db_err(e)
            }
        };
        query(format!(
            "INSERT INTO {} (id, user_id, provider, provider_account_id, type, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            self.table("accounts")
        ))
        .bind(account_id.clone())
        .bind(row.user_id.clone())
        .bind(PASSKEY_PROVIDER.to_string())
        .bind(row.credential.id.clone())
        .bind("webauthn".to_string())
        .bind(row.created_at)
        .bind(row.created_at)
        .execute(&mut *tx)
        .await
        .map_err(exists)?;
        let c = &row.credential;
        query(format!(
            "INSERT INTO {} (account_id, {COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            self.table("passkeys")
        ))
        .bind(account_id)
        .bind(c.id.clone())
        .bind(row.user_id.clone())
        .bind(c.user_handle.clone())
        .bind(crate::seal::b64::encode(&c.public_key))
        .bind(crate::seal::b64::encode(&c.dynamic_state))
        .bind(i64::from(c.counter))
        .bind(c.backup_eligible)
        .bind(c.backed_up)
        .bind(c.transports.clone())
        .bind(row.name.clone())
        .bind(row.created_at)
        .bind(row.last_used_at)
        .execute(&mut *tx)
        .await
        .map_err(exists)?;
        tx.commit().await.map_err(db_err)
    }

    async fn find_passkey_row(&self, id: &str) -> Result<Option<PasskeyRow>> {
        let pool = self.pool().await?;
        let row = query(format!(
            "SELECT {COLS} FROM {} WHERE id = $1",
            self.table("passkeys")
        ))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?;
        Ok(row.as_ref().map(passkey_row))
    }

    async fn passkey_rows(&self, user_id: &str) -> Result<Vec<PasskeyRow>> {
        let pool = self.pool().await?;
        let rows = query(format!(
            "SELECT {COLS} FROM {} WHERE user_id = $1 ORDER BY created_at, id",
            self.table("passkeys")
        ))
        .bind(user_id.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        Ok(rows.iter().map(passkey_row).collect())
    }

    async fn record_passkey_use(&self, c: &StoredCredential, used_at: i64) -> Result<()> {
        let pool = self.pool().await?;
        query(format!(
            "UPDATE {} SET dynamic_state = $1, counter = $2, backup_eligible = $3, backed_up = $4, last_used_at = $5 WHERE id = $6",
            self.table("passkeys")
        ))
        .bind(crate::seal::b64::encode(&c.dynamic_state))
        .bind(i64::from(c.counter))
        .bind(c.backup_eligible)
        .bind(c.backed_up)
        .bind(used_at)
        .bind(c.id.clone())
        .execute(pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn remove_passkey(&self, user_id: &str, id: &str) -> Result<bool> {
        match self.unlink_account(user_id, PASSKEY_PROVIDER, id).await {
            Ok(()) => Ok(true),
            Err(e) if e.code == "ACCOUNT_NOT_FOUND" => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl PasskeyStore for Store {
    fn put_challenge<'a>(
        &'a self,
        key: &'a str,
        value: &'a [u8],
        expires_at: u64,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.put_passkey_challenge(key, value, expires_at))
    }

    fn take_challenge<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let v = self.take_verification(PURPOSE, key).await?;
            Ok(v.and_then(|v| v.data).map(String::into_bytes))
        })
    }

    fn insert_passkey<'a>(&'a self, row: &'a PasskeyRow) -> StoreFuture<'a, ()> {
        Box::pin(self.insert_passkey_row(row))
    }

    fn find_passkey<'a>(&'a self, credential_id: &'a str) -> StoreFuture<'a, Option<PasskeyRow>> {
        Box::pin(self.find_passkey_row(credential_id))
    }

    fn list_passkeys<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, Vec<PasskeyRow>> {
        Box::pin(self.passkey_rows(user_id))
    }

    fn update_passkey_use<'a>(
        &'a self,
        credential: &'a StoredCredential,
        used_at: i64,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.record_passkey_use(credential, used_at))
    }

    fn delete_passkey<'a>(
        &'a self,
        user_id: &'a str,
        credential_id: &'a str,
    ) -> StoreFuture<'a, bool> {
        Box::pin(self.remove_passkey(user_id, credential_id))
    }

    fn passkey_user<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, Option<PasskeyUser>> {
        Box::pin(async move {
            Ok(self.user(user_id).await?.map(|u| PasskeyUser {
                id: u.id,
                name: u.name,
                email: u.email,
                email_verified: u.email_verified,
                image: u.image,
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::sqlite_store;
    use super::super::users::{NewAccount, NewUser};
    use super::*;

    fn credential(id: &str) -> StoredCredential {
        StoredCredential {
            id: id.into(),
            user_handle: "aGFuZGxl".into(),
            public_key: vec![1, 2, 3],
            dynamic_state: vec![0; 7],
            counter: 0,
            backup_eligible: true,
            backed_up: false,
            transports: "[\"internal\"]".into(),
        }
    }

    #[tokio::test]
    async fn passkeys_are_accounts_stored_listed_updated_and_unlinked() {
        let (store, dir) = sqlite_store("passkeys");
        let user = store
            .create_user(&NewUser {
                email: Some("pk@example.com".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let row = PasskeyRow {
            credential: credential("cred-1"),
            user_id: user.id.clone(),
            name: "Laptop".into(),
            created_at: 100,
            last_used_at: None,
        };
        store.insert_passkey(&row).await.unwrap();
        assert_eq!(
            store.insert_passkey(&row).await.unwrap_err().code,
            "PASSKEY_EXISTS"
        );
        assert_eq!(
            store.find_passkey("cred-1").await.unwrap(),
            Some(row.clone())
        );
        let accounts = store.accounts_of(&user.id).await.unwrap();
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].provider, "passkey");
        assert_eq!(accounts[0].provider_account_id, "cred-1");

        let mut used = row.credential.clone();
        used.counter = 7;
        used.backed_up = true;
        store.update_passkey_use(&used, 200).await.unwrap();
        let listed = store.list_passkeys(&user.id).await.unwrap();
        assert_eq!(listed[0].credential.counter, 7);
        assert!(listed[0].credential.backed_up);
        assert_eq!(listed[0].last_used_at, Some(200));

        // The only way to sign in: LAST_ACCOUNT.
        assert_eq!(
            store
                .delete_passkey(&user.id, "cred-1")
                .await
                .unwrap_err()
                .code,
            "LAST_ACCOUNT"
        );
        store
            .link_account(&NewAccount {
                user_id: user.id.clone(),
                provider: "oidc".into(),
                provider_account_id: "sub-1".into(),
                kind: "oidc".into(),
                email: None,
            })
            .await
            .unwrap();
        assert!(!store
            .delete_passkey("someone-else", "cred-1")
            .await
            .unwrap());
        assert!(store.delete_passkey(&user.id, "cred-1").await.unwrap());
        assert_eq!(store.find_passkey("cred-1").await.unwrap(), None);

        // Unlinking the passkey's account (api.unlinkAccount) removes the passkey too.
        store
            .insert_passkey(&PasskeyRow {
                credential: credential("cred-2"),
                ..row.clone()
            })
            .await
            .unwrap();
        store
            .unlink_account(&user.id, "passkey", "cred-2")
            .await
            .unwrap();
        assert_eq!(store.find_passkey("cred-2").await.unwrap(), None);
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn passkey_challenges_are_single_use_and_expire() {
        let (store, dir) = sqlite_store("passkey-challenges");
        let later = crate::clock::now() + 300;
        store
            .put_challenge("k1", b"{\"state\":\"x\"}", later)
            .await
            .unwrap();
        assert_eq!(
            store.take_challenge("k1").await.unwrap().as_deref(),
            Some(&b"{\"state\":\"x\"}"[..])
        );
        assert_eq!(store.take_challenge("k1").await.unwrap(), None);
        store
            .put_challenge("k2", b"{}", crate::clock::now() - 1)
            .await
            .unwrap();
        assert_eq!(store.take_challenge("k2").await.unwrap(), None);
        assert_eq!(store.take_challenge("never").await.unwrap(), None);
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
