//! The user store (SPEC §11): users, their accounts, sessions as rows, one-time verifications,
//! and the revocation log, in SQLite (embedded default) or Postgres.
//!
//! Shape: one [`Store`] the flows call, with no engine in its signatures. Queries are written
//! once in engine-neutral SQL (`$1` placeholders, which both engines accept; times as Unix
//! seconds in BIGINT) and run through sqlx's `Any` driver; each capability keeps its queries in
//! its own file as an `impl Store` block (`users.rs`, `sessions.rs`, `verifications.rs`; later
//! `credentials`, `passkeys`, `ratelimit` add theirs beside), so no giant trait grows. What
//! differs per engine (connecting, the migration lock, how revocations travel between
//! instances) lives in `sqlite.rs` / `postgres.rs`, picked in `engine.rs`: a third engine is a
//! new module there, not a change of the flows. Schema changes are numbered files in
//! `migrations/<engine>/` (see `migrate.rs`).
//!
//! Must never: put a value into SQL text (only validated table names are formatted in; values
//! are bound), log the database URL (it may hold a password), or run on the `getSession` path
//! (that reads the in-memory [`revocations::Revocations`] view only).

pub mod account_tokens;
pub mod config;
pub mod credentials;
mod engine;
pub mod migrate;
pub mod passkeys;
mod postgres;
pub mod rate_limits;
pub mod revocations;
pub mod sessions;
mod sqlite;
pub mod users;
pub mod verifications;

use std::sync::Arc;

use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::AnyPool;
use sqlx::{AssertSqlSafe, Row};
use tokio::sync::OnceCell;

pub use config::{DatabaseConfig, DatabaseInput, EngineKind};

use crate::error::{AuthError, Result};

/// A statement for the store: SQL assembled from fixed text and validated table names only.
pub(crate) fn query(sql: String) -> sqlx::query::Query<'static, Any, AnyArguments> {
    sqlx::query(AssertSqlSafe(sql))
}

/// A database failure as a coded error. Connection trouble (refused, timed out, pool closed)
/// is `DATABASE_UNAVAILABLE`; anything else `DATABASE_ERROR`. The URL is never included.
pub(crate) fn db_err(e: sqlx::Error) -> AuthError {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => AuthError::new(
            "DATABASE_UNAVAILABLE",
            format!("The database could not be reached ({}).", short(&e)),
        ),
        sqlx::Error::Database(d) if is_connection_state(d.code().as_deref()) => AuthError::new(
            "DATABASE_UNAVAILABLE",
            format!("The database is not accepting work ({}).", d.message()),
        ),
        other => AuthError::new(
            "DATABASE_ERROR",
            format!("A database statement failed: {}.", short(&other)),
        ),
    }
}

/// Postgres classes 08 (connection), 53 (resources), 57 (operator intervention: shutdown).
fn is_connection_state(code: Option<&str>) -> bool {
    code.is_some_and(|c| c.starts_with("08") || c.starts_with("53") || c.starts_with("57"))
}

fn short(e: &sqlx::Error) -> String {
    let s = e.to_string();
    s.chars().take(200).collect()
}

/// Whether an error is a unique-constraint violation (a row that already exists).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// A boolean column: `BOOLEAN` on Postgres, `INTEGER` 0/1 on SQLite.
pub(crate) fn flag(row: &AnyRow, col: &str) -> bool {
    row.try_get::<bool, _>(col)
        .or_else(|_| row.try_get::<i64, _>(col).map(|v| v != 0))
        .unwrap_or(false)
}

/// Text column, `None` when NULL.
pub(crate) fn text(row: &AnyRow, col: &str) -> Option<String> {
    row.try_get::<Option<String>, _>(col).ok().flatten()
}

/// Integer column, 0 when NULL.
pub(crate) fn int(row: &AnyRow, col: &str) -> i64 {
    row.try_get::<Option<i64>, _>(col)
        .ok()
        .flatten()
        .unwrap_or(0)
}

/// A random opaque id (16 bytes, base64url): user, account and session handles.
pub fn new_id() -> String {
    crate::seal::b64::encode(&crate::random::bytes(16))
}

/// Now, as the store writes times (Unix seconds).
pub(crate) fn now() -> i64 {
    crate::clock::now() as i64
}

/// The configured store. Cheap to create (nothing connects): the pool and the schema come on
/// first use, and a failed first use is retried by the next one.
pub struct Store {
    pub config: DatabaseConfig,
    pool: OnceCell<AnyPool>,
    /// The revocations `getSession` checks, kept current by the engine's watcher.
    pub revocations: Arc<revocations::Revocations>,
    /// The longest a session can live from sign-in (`session.maxDuration`, seconds): how long
    /// a revocation is remembered.
    pub max_life: i64,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.revocations.stop();
    }
}

impl Store {
    pub fn new(config: DatabaseConfig) -> Self {
        Store {
            config,
            pool: OnceCell::new(),
            revocations: Arc::new(revocations::Revocations::default()),
            max_life: 365 * 24 * 3600,
        }
    }

    /// Shares the revocation view sessions are read against (the config's).
    pub fn with_revocations(mut self, view: Option<Arc<revocations::Revocations>>) -> Self {
        if let Some(v) = view {
            self.revocations = v;
        }
        self
    }

    /// Sets how long a session can live from sign-in (`session.maxDuration`).
    pub fn with_max_life(mut self, seconds: u64) -> Self {
        self.max_life = seconds.min(i64::MAX as u64) as i64;
        self
    }

    pub fn engine(&self) -> EngineKind {
        self.config.engine
    }

    /// A table's full name (with the prefix).
    pub fn table(&self, name: &str) -> String {
        self.config.table(name)
    }

    /// The pool, connecting and migrating (or checking, with `migrate: false`) on first use.
    pub async fn pool(&self) -> Result<&AnyPool> {
        self.pool
            .get_or_try_init(|| async {
                let pool = engine::connect(&self.config).await?;
                let mut conn = pool.acquire().await.map_err(db_err)?;
                let prepared = if self.config.migrate {
                    migrate::run(&mut conn, &self.config).await.map(|_| ())
                } else {
                    migrate::check(&mut conn, &self.config).await
                };
                if let Err(e) = prepared {
                    // The migration pass may have left the connection mid-transaction.
                    drop(conn.detach());
                    pool.close().await;
                    return Err(e);
                }
                drop(conn);
                Ok(pool)
            })
            .await
    }

    /// Whether the store was reached and its schema is in place.
    pub fn is_ready(&self) -> bool {
        self.pool.initialized()
    }

    /// Waits for the store (connect, migrate, first revocation view). The first request of an
    /// instance calls this; later calls return at once.
    pub async fn ready(self: &Arc<Self>) -> Result<()> {
        self.pool().await?;
        revocations::start(self).await
    }

    /// Closes the pool (tests, shutdown).
    pub async fn close(&self) {
        self.revocations.stop();
        if let Some(p) = self.pool.get() {
            p.close().await;
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A store on a fresh SQLite file in a temp folder (real engine, real file).
    pub fn sqlite_store(tag: &str) -> (Arc<Store>, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "aura-store-{tag}-{}-{}",
            std::process::id(),
            new_id()
        ));
        let path = dir.join("nested").join("auth.db");
        let cfg = DatabaseConfig::from_input(
            Some(DatabaseInput::Url(format!("sqlite:{}", path.display()))),
            None,
        )
        .unwrap()
        .unwrap();
        (Arc::new(Store::new(cfg)), dir)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::sqlite_store;
    use super::*;

    #[tokio::test]
    async fn first_use_creates_the_file_its_folder_and_the_schema() {
        let (store, dir) = sqlite_store("create");
        store.ready().await.unwrap();
        assert!(dir.join("nested/auth.db").exists());
        let pool = store.pool().await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        assert!(migrate::pending(&mut conn, &store.config)
            .await
            .unwrap()
            .is_empty());
        drop(conn);
        store.close().await;
        // A second instance on the same file finds everything applied.
        let again = Arc::new(Store::new(store.config.clone()));
        again.ready().await.unwrap();
        again.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn migrate_false_refuses_an_empty_database_naming_what_is_missing() {
        let (store, dir) = sqlite_store("nomigrate");
        let store = Arc::new(Store::new(DatabaseConfig {
            migrate: false,
            ..store.config.clone()
        }));
        let e = store.ready().await.unwrap_err();
        assert_eq!(e.code, "DATABASE_NOT_MIGRATED");
        assert!(e.message.contains("0001_core"), "{}", e.message);
        assert!(e.message.contains("npx aura-auth migrate"));
        // After migrating, the same config is accepted.
        let migrating = Arc::new(Store::new(DatabaseConfig {
            migrate: true,
            ..store.config.clone()
        }));
        migrating.ready().await.unwrap();
        migrating.close().await;
        let checked = Arc::new(Store::new(store.config.clone()));
        checked.ready().await.unwrap();
        checked.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn in_memory_store_works() {
        let cfg =
            DatabaseConfig::from_input(Some(DatabaseInput::Url("sqlite::memory:".into())), None)
                .unwrap()
                .unwrap();
        let store = Arc::new(Store::new(cfg));
        store.ready().await.unwrap();
        let u = store
            .create_user(&users::NewUser {
                email: Some("a@example.com".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(store.user(&u.id).await.unwrap().unwrap().id, u.id);
        store.close().await;
    }

    #[test]
    fn a_value_never_reaches_sql_text_the_prefix_is_validated() {
        let e = DatabaseConfig::from_input(
            Some(DatabaseInput::Full(config::DatabaseObject {
                url: Some("sqlite::memory:".into()),
                table_prefix: Some("x\"; drop".into()),
                migrate: None,
            })),
            None,
        )
        .unwrap_err();
        assert_eq!(e.code, "INVALID_DATABASE");
    }
}
