//! Versioned migrations (SPEC §11): numbered SQL files per engine under `migrations/<engine>/`
//! (`0001_core.sql`, `0002_credentials.sql`, …), listed by `build.rs`, so a capability adds
//! its tables as one new file per engine. Applied on first use in one locked pass (several
//! instances starting together apply each file once), or checked only (`migrate: false`),
//! which refuses with `DATABASE_NOT_MIGRATED` naming what is missing. Never edits a file that
//! was already applied: a change is a new number.

use sqlx::AnyConnection;
use sqlx::{AssertSqlSafe, Row};

use super::config::{DatabaseConfig, EngineKind};
use super::{db_err, engine, query};
use crate::error::{AuthError, Result};

/// One migration file.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

mod list {
    use super::Migration;
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// Every migration of an engine, in order.
pub fn all(engine: EngineKind) -> &'static [Migration] {
    match engine {
        EngineKind::Sqlite => list::SQLITE,
        EngineKind::Postgres => list::POSTGRES,
    }
}

impl Migration {
    /// `0001_core`
    pub fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }

    /// The SQL with the table prefix in place.
    pub fn render(&self, prefix: &str) -> String {
        self.sql.replace("{prefix}", prefix)
    }
}

fn bookkeeping_sql(prefix: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {prefix}migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
    )
}

/// The whole schema as one script (`npx aura-auth migrate --print`): what `migrate` would run
/// on an empty database, bookkeeping included.
pub fn script(engine: EngineKind, prefix: &str) -> String {
    let mut out = format!(
        "-- @aura-stack/auth schema for {} (table prefix `{prefix}`)\n{};\n",
        engine.name(),
        bookkeeping_sql(prefix)
    );
    for m in all(engine) {
        out.push_str(&format!(
            "\n-- {}\n{}\nINSERT INTO {prefix}migrations (version, name, applied_at) VALUES ({}, '{}', 0);\n",
            m.label(),
            m.render(prefix).trim_end(),
            m.version,
            m.name
        ));
    }
    out
}

/// The versions already applied (none when the bookkeeping table does not exist).
async fn applied(conn: &mut AnyConnection, config: &DatabaseConfig) -> Result<Vec<u32>> {
    let table = config.table("migrations");
    if !engine::table_exists(conn, config.engine, &table).await? {
        return Ok(Vec::new());
    }
    let rows = query(format!("SELECT version FROM {table}"))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<i64, _>(0).ok())
        .map(|v| v as u32)
        .collect())
}

/// The migrations not yet applied.
pub async fn pending(
    conn: &mut AnyConnection,
    config: &DatabaseConfig,
) -> Result<Vec<&'static Migration>> {
    let done = applied(conn, config).await?;
    Ok(all(config.engine)
        .iter()
        .filter(|m| !done.contains(&m.version))
        .collect())
}

/// `migrate: false`: fine when nothing is missing, else a coded error naming it.
pub async fn check(conn: &mut AnyConnection, config: &DatabaseConfig) -> Result<()> {
    let missing = pending(conn, config).await?;
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing.iter().map(|m| m.label()).collect();
    Err(AuthError::new(
        "DATABASE_NOT_MIGRATED",
        format!(
            "The database lacks migration{} {} (tables with prefix `{}`), and database.migrate is false. Run `npx aura-auth migrate` (add `--print` to see the SQL), or remove `migrate: false` to apply them on first use.",
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
            config.table_prefix
        ),
    ))
}

/// Applies every pending migration under the engine's migration lock; returns what it applied.
pub async fn run(conn: &mut AnyConnection, config: &DatabaseConfig) -> Result<Vec<String>> {
    engine::lock_migrations(conn, config).await?;
    let result = run_locked(conn, config).await;
    let unlocked = engine::unlock_migrations(conn, config, result.is_ok()).await;
    let done = result?;
    unlocked?;
    Ok(done)
}

async fn run_locked(conn: &mut AnyConnection, config: &DatabaseConfig) -> Result<Vec<String>> {
    let prefix = &config.table_prefix;
    sqlx::raw_sql(AssertSqlSafe(bookkeeping_sql(prefix)))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    let mut done = Vec::new();
    for m in pending(conn, config).await? {
        engine::begin_migration(conn, config).await?;
        let applied = async {
            sqlx::raw_sql(AssertSqlSafe(m.render(prefix)))
                .execute(&mut *conn)
                .await
                .map_err(|e| migration_failed(m, e))?;
            query(format!(
                "INSERT INTO {prefix}migrations (version, name, applied_at) VALUES ($1, $2, $3)"
            ))
            .bind(m.version as i64)
            .bind(m.name)
            .bind(crate::clock::now() as i64)
            .execute(&mut *conn)
            .await
            .map_err(db_err)
        }
        .await;
        engine::end_migration(conn, config, applied.is_ok()).await?;
        applied?;
        done.push(m.label());
    }
    Ok(done)
}

/// `npx aura-auth migrate`: connects, applies what is pending, closes; returns what it applied.
pub async fn migrate_now(config: &DatabaseConfig) -> Result<Vec<String>> {
    let pool = engine::connect(config).await?;
    let mut conn = pool.acquire().await.map_err(db_err)?;
    let result = run(&mut conn, config).await;
    drop(conn);
    pool.close().await;
    result
}

fn migration_failed(m: &Migration, e: sqlx::Error) -> AuthError {
    AuthError::new(
        "DATABASE_MIGRATION_FAILED",
        format!(
            "Migration {} failed: {e}. Nothing of it was applied; check the database user's rights (CREATE TABLE) or apply `npx aura-auth migrate --print` by hand.",
            m.label()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_has_the_same_numbered_files_starting_with_core() {
        let s: Vec<String> = all(EngineKind::Sqlite).iter().map(|m| m.label()).collect();
        let p: Vec<String> = all(EngineKind::Postgres)
            .iter()
            .map(|m| m.label())
            .collect();
        assert_eq!(s, p);
        assert_eq!(s[0], "0001_core");
        assert!(all(EngineKind::Sqlite)
            .windows(2)
            .all(|w| w[0].version < w[1].version));
    }

    #[test]
    fn script_applies_the_prefix_everywhere() {
        let sql = script(EngineKind::Postgres, "app_");
        assert!(sql.contains("CREATE TABLE app_users"));
        assert!(sql.contains("app_migrations"));
        assert!(!sql.contains("{prefix}"));
        assert!(!sql.contains("TABLE aura_"));
    }
}
