//! Picks the engine module for the few things that differ per engine: connecting, the
//! migration lock, checking a table exists, and announcing revocations. Everything else is
//! engine-neutral SQL in the capability files. A new engine adds a module and an arm here.

use sqlx::{AnyConnection, AnyPool};

use super::config::{DatabaseConfig, EngineKind};
use super::{postgres, sqlite};
use crate::error::Result;

pub async fn connect(config: &DatabaseConfig) -> Result<AnyPool> {
    sqlx::any::install_default_drivers();
    match config.engine {
        EngineKind::Sqlite => sqlite::connect(config).await,
        EngineKind::Postgres => postgres::connect(config).await,
    }
}

pub async fn table_exists(
    conn: &mut AnyConnection,
    engine: EngineKind,
    table: &str,
) -> Result<bool> {
    match engine {
        EngineKind::Sqlite => sqlite::table_exists(conn, table).await,
        EngineKind::Postgres => postgres::table_exists(conn, table).await,
    }
}

/// Taken before looking at which migrations are pending; held until `unlock_migrations`.
pub async fn lock_migrations(conn: &mut AnyConnection, config: &DatabaseConfig) -> Result<()> {
    match config.engine {
        EngineKind::Sqlite => sqlite::lock_migrations(conn).await,
        EngineKind::Postgres => postgres::lock_migrations(conn, &config.table_prefix).await,
    }
}

pub async fn unlock_migrations(
    conn: &mut AnyConnection,
    config: &DatabaseConfig,
    ok: bool,
) -> Result<()> {
    match config.engine {
        EngineKind::Sqlite => sqlite::unlock_migrations(conn, ok).await,
        EngineKind::Postgres => postgres::unlock_migrations(conn, &config.table_prefix).await,
    }
}

/// One migration is atomic: it applies whole or not at all.
pub async fn begin_migration(conn: &mut AnyConnection, config: &DatabaseConfig) -> Result<()> {
    match config.engine {
        EngineKind::Sqlite => sqlite::exec(conn, "SAVEPOINT aura_migration").await,
        EngineKind::Postgres => postgres::exec(conn, "BEGIN").await,
    }
}

pub async fn end_migration(
    conn: &mut AnyConnection,
    config: &DatabaseConfig,
    ok: bool,
) -> Result<()> {
    match (config.engine, ok) {
        (EngineKind::Sqlite, true) => sqlite::exec(conn, "RELEASE aura_migration").await,
        (EngineKind::Sqlite, false) => {
            sqlite::exec(conn, "ROLLBACK TO aura_migration").await?;
            sqlite::exec(conn, "RELEASE aura_migration").await
        }
        (EngineKind::Postgres, true) => postgres::exec(conn, "COMMIT").await,
        (EngineKind::Postgres, false) => postgres::exec(conn, "ROLLBACK").await,
    }
}
