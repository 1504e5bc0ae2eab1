//! Postgres, for apps with several instances: a pool over TCP (TLS with rustls when the URL
//! asks for it), an advisory lock so instances starting together migrate once, and
//! `LISTEN/NOTIFY` to carry revocations to every instance (see `revocations.rs`).

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::postgres::PgListener;
use sqlx::{AnyConnection, AnyPool};
use sqlx::{Executor, Row};

use super::config::{redacted, DatabaseConfig};
use super::revocations::{self, Revocations};
use super::{db_err, query};
use crate::error::Result;

pub async fn connect(config: &DatabaseConfig) -> Result<AnyPool> {
    AnyPoolOptions::new()
        .max_connections(10)
        .min_connections(0)
        // A database that is down fails a sign-in quickly (DATABASE_UNAVAILABLE), not after a
        // browser gave up.
        .acquire_timeout(Duration::from_secs(3))
        .idle_timeout(Some(Duration::from_secs(300)))
        .connect(&config.url)
        .await
        .map_err(|e| {
            let mut err = db_err(e);
            err.message = format!("{} (database `{}`)", err.message, redacted(&config.url));
            err
        })
}

pub async fn exec(conn: &mut AnyConnection, sql: &'static str) -> Result<()> {
    conn.execute(sql).await.map(|_| ()).map_err(db_err)
}

pub async fn table_exists(conn: &mut AnyConnection, table: &str) -> Result<bool> {
    let row = query(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1".into(),
    )
    .bind(table.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(row.try_get::<i64, _>("n").unwrap_or(0) > 0)
}

fn lock_key(prefix: &str) -> String {
    format!("{prefix}migrations")
}

pub async fn lock_migrations(conn: &mut AnyConnection, prefix: &str) -> Result<()> {
    query("SELECT pg_advisory_lock(hashtext($1))".into())
        .bind(lock_key(prefix))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(db_err)
}

pub async fn unlock_migrations(conn: &mut AnyConnection, prefix: &str) -> Result<()> {
    query("SELECT pg_advisory_unlock(hashtext($1))".into())
        .bind(lock_key(prefix))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(db_err)
}

/// The channel revocations are announced on.
pub fn channel(prefix: &str) -> String {
    format!("{prefix}revocations")
}

/// Follows `NOTIFY` on the revocation channel and wakes the view's sync loop on every
/// announcement and after every reconnect (announcements made while disconnected are lost, so
/// the loop reconciles with the database). Ends when the view is stopped.
pub async fn listen(url: String, channel: String, view: Arc<Revocations>) {
    loop {
        if revocations::stopped(&view) {
            return;
        }
        let connected = async {
            let mut l = PgListener::connect(&url).await?;
            l.listen(&channel).await?;
            Ok::<_, sqlx::Error>(l)
        }
        .await;
        if let Ok(mut listener) = connected {
            revocations::wake(&view);
            loop {
                tokio::select! {
                    _ = revocations::until_stopped(&view) => return,
                    next = listener.try_recv() => match next {
                        // An announcement, or `None`: the connection was lost and re-made.
                        Ok(_) => revocations::wake(&view),
                        Err(_) => break,
                    }
                }
            }
        }
        tokio::select! {
            _ = revocations::until_stopped(&view) => return,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}
