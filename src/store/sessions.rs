//! Sessions as rows (SPEC §11) and the revocation log. A row has a public handle (`id`, shown
//! in listings) and the hash of the secret the sealed cookie carries (`token_hash`); the secret
//! itself is never stored. Ending sessions deletes their rows and, in the same transaction,
//! bumps the revision counter and records each id in `revocations` (announced to other
//! instances by the engine), so every instance's in-memory view catches up.
//! Must never: delete a session row without recording its revocation.

use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{db_err, int, new_id, now, query, text, EngineKind, Store};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The public handle (never the cookie's secret).
    pub id: String,
    pub user_id: String,
    pub provider: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NewSession {
    pub user_id: String,
    pub provider: Option<String>,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// Which sessions to end.
#[derive(Debug, Clone, Copy)]
pub enum Revoke<'a> {
    /// One session of a user, by public id (a user can only end their own).
    One {
        user_id: &'a str,
        session_id: &'a str,
    },
    /// The session whose cookie holds this secret (sign-out).
    BySecret(&'a [u8]),
    /// Every session of the user but one (`revokeOtherSessions`).
    OthersOfUser { user_id: &'a str, keep: &'a str },
    /// Every session of the user (`revokeUserSessions`, `deleteUser`).
    AllOfUser(&'a str),
}

/// The stored form of a cookie's session secret.
pub fn token_hash(secret: &[u8]) -> String {
    hex::encode(Sha256::digest(secret))
}

const COLS: &str = "id, user_id, provider, created_at, last_seen_at, expires_at, user_agent, ip";

fn session_row(r: &AnyRow) -> SessionRow {
    SessionRow {
        id: text(r, "id").unwrap_or_default(),
        user_id: text(r, "user_id").unwrap_or_default(),
        provider: text(r, "provider"),
        created_at: int(r, "created_at"),
        last_seen_at: int(r, "last_seen_at"),
        expires_at: int(r, "expires_at"),
        user_agent: text(r, "user_agent"),
        ip: text(r, "ip"),
    }
}

/// User agents and IPs are shown, not trusted: kept short.
fn bounded(v: &Option<String>, max: usize) -> Option<String> {
    v.as_ref().map(|s| s.chars().take(max).collect())
}

impl Store {
    /// A new session row; returns it with the secret for the cookie (32 random bytes).
    pub async fn create_session(&self, new: &NewSession) -> Result<(SessionRow, Vec<u8>)> {
        let pool = self.pool().await?;
        let secret = crate::random::bytes(32);
        let t = now();
        let row = SessionRow {
            id: new_id(),
            user_id: new.user_id.clone(),
            provider: new.provider.clone(),
            created_at: t,
            last_seen_at: t,
            expires_at: new.expires_at,
            user_agent: bounded(&new.user_agent, 512),
            ip: bounded(&new.ip, 64),
        };
        let sql = format!(
            "INSERT INTO {} ({COLS}, token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            self.table("sessions")
        );
        query(sql)
            .bind(row.id.clone())
            .bind(row.user_id.clone())
            .bind(row.provider.clone())
            .bind(t)
            .bind(t)
            .bind(row.expires_at)
            .bind(row.user_agent.clone())
            .bind(row.ip.clone())
            .bind(token_hash(&secret))
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok((row, secret))
    }

    /// The user's sessions that have not expired, newest first.
    pub async fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRow>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {COLS} FROM {} WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id",
            self.table("sessions")
        );
        let rows = query(sql)
            .bind(user_id.to_string())
            .bind(now())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(session_row).collect())
    }

    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>> {
        let pool = self.pool().await?;
        let sql = format!(
            "SELECT {COLS} FROM {} WHERE id = $1",
            self.table("sessions")
        );
        let row = query(sql)
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(session_row))
    }

    /// Records activity: the cookie rolled (new expiry) or the session was used.
    pub async fn touch_session(&self, id: &str, expires_at: i64) -> Result<()> {
        let pool = self.pool().await?;
        let sql = format!(
            "UPDATE {} SET last_seen_at = $1, expires_at = $2 WHERE id = $3",
            self.table("sessions")
        );
        query(sql)
            .bind(now())
            .bind(expires_at)
            .bind(id.to_string())
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// Ends sessions: deletes the rows and records their revocation under a new revision, in
    /// one transaction; the local view learns them at once, other instances through the
    /// engine's announcement. Returns the public ids ended.
    pub async fn revoke_sessions(&self, which: Revoke<'_>) -> Result<Vec<String>> {
        let pool = self.pool().await?;
        let sessions = self.table("sessions");
        let (filter, binds): (&str, Vec<String>) = match which {
            Revoke::One {
                user_id,
                session_id,
            } => (
                "user_id = $1 AND id = $2",
                vec![user_id.into(), session_id.into()],
            ),
            Revoke::BySecret(secret) => ("token_hash = $1", vec![token_hash(secret)]),
            Revoke::OthersOfUser { user_id, keep } => (
                "user_id = $1 AND id <> $2",
                vec![user_id.into(), keep.into()],
            ),
            Revoke::AllOfUser(user_id) => ("user_id = $1", vec![user_id.into()]),
        };
        let mut tx = pool.begin().await.map_err(db_err)?;
        // Take the write lock first (SQLite: no read-then-upgrade; Postgres: revisions commit
        // in order, so a follower reading `revision > n` never skips one).
        let revision = query(format!(
            "UPDATE {} SET value = value + 1 WHERE id = 1 RETURNING value",
            self.table("revision")
        ))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?
        .try_get::<i64, _>("value")
        .map_err(db_err)?;
        let mut q = query(format!(
            "DELETE FROM {sessions} WHERE {filter} RETURNING id, created_at, expires_at"
        ));
        for b in binds {
            q = q.bind(b);
        }
        let ended: Vec<(String, i64)> = q
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| {
                // A cookie may roll past the row's expiry; it can never outlive sign-in plus
                // the longest session life, so the revocation is kept until then.
                let until = int(r, "expires_at").max(int(r, "created_at") + self.max_life);
                (text(r, "id").unwrap_or_default(), until)
            })
            .collect();
        if ended.is_empty() {
            // Nothing ended: leave the revision where it was.
            tx.rollback().await.map_err(db_err)?;
            return Ok(Vec::new());
        }
        let insert = format!(
            "INSERT INTO {} (session_id, revision, expires_at) VALUES ($1, $2, $3) ON CONFLICT (session_id) DO NOTHING",
            self.table("revocations")
        );
        for (id, until) in &ended {
            query(insert.clone())
                .bind(id.clone())
                .bind(revision)
                .bind(*until)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        if self.engine() == EngineKind::Postgres {
            // Delivered at commit to every instance listening.
            query("SELECT pg_notify($1, $2)".into())
                .bind(super::postgres::channel(&self.config.table_prefix))
                .bind(revision.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        self.revocations
            .add(ended.iter().map(|(id, until)| (id.as_str(), *until)));
        Ok(ended.into_iter().map(|(id, _)| id).collect())
    }

    /// The current revision and the revocations recorded after `revision` that still matter.
    pub async fn revocations_since(&self, revision: i64) -> Result<(i64, Vec<(String, i64)>)> {
        let pool = self.pool().await?;
        // The counter first: a revocation committed in between is read now and again later
        // (harmless), never missed.
        let current = query(format!(
            "SELECT value FROM {} WHERE id = 1",
            self.table("revision")
        ))
        .fetch_one(pool)
        .await
        .map_err(db_err)?
        .try_get::<i64, _>("value")
        .map_err(db_err)?;
        if current == revision {
            return Ok((current, Vec::new()));
        }
        let rows = query(format!(
            "SELECT session_id, expires_at FROM {} WHERE revision > $1 AND expires_at > $2",
            self.table("revocations")
        ))
        .bind(revision)
        .bind(now())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        Ok((
            current,
            rows.iter()
                .map(|r| {
                    (
                        text(r, "session_id").unwrap_or_default(),
                        int(r, "expires_at"),
                    )
                })
                .collect(),
        ))
    }

    /// Only the revision counter (the SQLite poll: one indexed read).
    pub async fn revision(&self) -> Result<i64> {
        let pool = self.pool().await?;
        query(format!(
            "SELECT value FROM {} WHERE id = 1",
            self.table("revision")
        ))
        .fetch_one(pool)
        .await
        .map_err(db_err)?
        .try_get::<i64, _>("value")
        .map_err(db_err)
    }

    /// Deletes what has expired: sessions, revocations of sessions that can no longer be
    /// presented, and verifications.
    pub async fn prune(&self) -> Result<()> {
        let pool = self.pool().await?;
        for table in ["sessions", "revocations", "verifications"] {
            query(format!(
                "DELETE FROM {} WHERE expires_at <= $1",
                self.table(table)
            ))
            .bind(now())
            .execute(pool)
            .await
            .map_err(db_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::sqlite_store;
    use super::super::users::NewUser;
    use super::*;

    #[tokio::test]
    async fn sessions_are_rows_with_the_secret_only_hashed() {
        let (store, dir) = sqlite_store("sessions");
        let u = store.create_user(&NewUser::default()).await.unwrap();
        let new = NewSession {
            user_id: u.id.clone(),
            expires_at: now() + 3600,
            user_agent: Some("UA".into()),
            ip: Some("127.0.0.1".into()),
            provider: Some("github".into()),
        };
        let (a, secret) = store.create_session(&new).await.unwrap();
        let (b, _) = store.create_session(&new).await.unwrap();
        assert_eq!(secret.len(), 32);
        assert_ne!(a.id, b.id);
        let listed = store.sessions_of(&u.id).await.unwrap();
        assert_eq!(listed.len(), 2);
        // The secret appears nowhere in the row; its hash is the lookup key.
        let pool = store.pool().await.unwrap();
        let row = query(format!("SELECT * FROM {}", store.table("sessions")))
            .fetch_all(pool)
            .await
            .unwrap();
        let hex_secret = hex::encode(&secret);
        for r in &row {
            for col in ["id", "token_hash", "user_id"] {
                assert_ne!(text(r, col).unwrap(), hex_secret);
            }
        }
        let ended = store
            .revoke_sessions(Revoke::BySecret(&secret))
            .await
            .unwrap();
        assert_eq!(ended, vec![a.id.clone()]);
        assert!(store.revocations.is_revoked_id(&a.id));
        assert!(!store.revocations.is_revoked_id(&b.id));
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn revocations_advance_the_revision_and_scope_to_the_user() {
        let (store, dir) = sqlite_store("revoke");
        let u = store.create_user(&NewUser::default()).await.unwrap();
        let v = store.create_user(&NewUser::default()).await.unwrap();
        let mk = |user_id: &str| NewSession {
            user_id: user_id.into(),
            expires_at: now() + 3600,
            ..Default::default()
        };
        let (a, _) = store.create_session(&mk(&u.id)).await.unwrap();
        let (b, _) = store.create_session(&mk(&u.id)).await.unwrap();
        let (c, _) = store.create_session(&mk(&u.id)).await.unwrap();
        let (other, _) = store.create_session(&mk(&v.id)).await.unwrap();
        let r0 = store.revision().await.unwrap();
        // Another user's session id does nothing.
        let none = store
            .revoke_sessions(Revoke::One {
                user_id: &u.id,
                session_id: &other.id,
            })
            .await
            .unwrap();
        assert!(none.is_empty());
        assert_eq!(store.revision().await.unwrap(), r0);
        let ended = store
            .revoke_sessions(Revoke::OthersOfUser {
                user_id: &u.id,
                keep: &a.id,
            })
            .await
            .unwrap();
        assert_eq!(ended.len(), 2);
        let (r1, list) = store.revocations_since(r0).await.unwrap();
        assert_eq!(r1, r0 + 1);
        let mut ids: Vec<String> = list.into_iter().map(|(id, _)| id).collect();
        ids.sort();
        let mut want = vec![b.id.clone(), c.id.clone()];
        want.sort();
        assert_eq!(ids, want);
        store
            .revoke_sessions(Revoke::AllOfUser(&u.id))
            .await
            .unwrap();
        let (_, list) = store.revocations_since(r1).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].0, a.id);
        assert_eq!(store.sessions_of(&v.id).await.unwrap().len(), 1);
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
