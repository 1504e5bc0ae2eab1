//! SQLite, the embedded default: a file (created with its folder) or `sqlite::memory:`. WAL so
//! readers never wait for the writer; a busy timeout so several processes can share the file;
//! foreign keys on (deleting a user deletes its accounts and sessions). Revocations reach other
//! processes by polling the revision counter (see `revocations.rs`).

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool};
use sqlx::{ConnectOptions, Executor, Row};

use super::config::{redacted, DatabaseConfig, SqliteTarget};
use super::{db_err, query};
use crate::error::{AuthError, Result};

pub async fn connect(config: &DatabaseConfig) -> Result<AnyPool> {
    let (options, memory) = match &config.sqlite {
        Some(SqliteTarget::File(path)) => {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    AuthError::new(
                        "DATABASE_UNAVAILABLE",
                        format!(
                            "The folder {} for the SQLite database could not be created ({e}).",
                            dir.display()
                        ),
                    )
                })?;
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true);
            (options.to_url_lossy(), false)
        }
        _ => (
            url::Url::parse("sqlite::memory:")
                .map_err(|e| AuthError::new("INVALID_DATABASE", e.to_string()))?,
            true,
        ),
    };
    let any = AnyConnectOptions::from_url(&options).map_err(db_err)?;
    let pool = AnyPoolOptions::new()
        // One private in-memory database lives as long as its single connection.
        .max_connections(if memory { 1 } else { 8 })
        .min_connections(if memory { 1 } else { 0 })
        .idle_timeout(if memory {
            None
        } else {
            Some(Duration::from_secs(600))
        })
        .max_lifetime(if memory {
            None
        } else {
            Some(Duration::from_secs(1800))
        })
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if !memory {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                }
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                Ok(())
            })
        })
        .connect_with(any)
        .await
        .map_err(|e| {
            let mut err = db_err(e);
            err.message = format!("{} (database `{}`)", err.message, redacted(&config.url));
            err
        })?;
    Ok(pool)
}

pub async fn exec(conn: &mut AnyConnection, sql: &'static str) -> Result<()> {
    conn.execute(sql).await.map(|_| ()).map_err(db_err)
}

pub async fn table_exists(conn: &mut AnyConnection, table: &str) -> Result<bool> {
    let row =
        query("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1".into())
            .bind(table.to_string())
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
    Ok(row.try_get::<i64, _>("n").unwrap_or(0) > 0)
}

/// `BEGIN IMMEDIATE` takes the write lock at once: a second process waits (busy timeout) and
/// then finds the migrations applied.
pub async fn lock_migrations(conn: &mut AnyConnection) -> Result<()> {
    exec(conn, "BEGIN IMMEDIATE").await
}

pub async fn unlock_migrations(conn: &mut AnyConnection, ok: bool) -> Result<()> {
    exec(conn, if ok { "COMMIT" } else { "ROLLBACK" }).await
}
