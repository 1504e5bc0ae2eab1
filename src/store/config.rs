//! The `database` option (SPEC §11): `"sqlite:<path>"`, `"sqlite::memory:"`, `"postgres://…"`,
//! or `{ url, tablePrefix, migrate }`, else `AURA_AUTH_DATABASE_URL`. Parsed and validated at
//! `createAuth`; nothing here connects. A bad value is a coded error saying how to fix it.

use serde::Deserialize;

use crate::error::{AuthError, Result};

/// The option as the user wrote it.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub enum DatabaseInput {
    Url(String),
    Full(DatabaseObject),
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DatabaseObject {
    pub url: Option<String>,
    pub table_prefix: Option<String>,
    pub migrate: Option<bool>,
}

/// `account: { linking: { trustedProviders } }`.
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccountInput {
    #[serde(default)]
    pub linking: LinkingInput,
}

#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LinkingInput {
    #[serde(default)]
    pub trusted_providers: Vec<String>,
}

/// Which engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    Sqlite,
    Postgres,
}

impl EngineKind {
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Sqlite => "sqlite",
            EngineKind::Postgres => "postgres",
        }
    }
}

/// Where SQLite keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteTarget {
    /// One private in-memory database per instance (tests).
    Memory,
    /// A file; it and its folder are created on first use.
    File(std::path::PathBuf),
}

/// The validated option.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub engine: EngineKind,
    /// The URL as given (Postgres: passed to the driver; never logged, it may hold a password).
    pub url: String,
    pub sqlite: Option<SqliteTarget>,
    /// Prepended to every table name (default `aura_`).
    pub table_prefix: String,
    /// Apply missing migrations on first use (default true); false refuses instead.
    pub migrate: bool,
}

pub const DEFAULT_PREFIX: &str = "aura_";
pub const ENV_NAME: &str = "AURA_AUTH_DATABASE_URL";

fn invalid(message: String) -> AuthError {
    AuthError::new("INVALID_DATABASE", message)
}

/// The URL with any password replaced, for messages.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

fn sqlite_target(rest: &str) -> Result<SqliteTarget> {
    if rest == ":memory:" || rest == "//:memory:" {
        return Ok(SqliteTarget::Memory);
    }
    // `sqlite:path`, `sqlite://path` (relative), `sqlite:///abs/path`.
    let path = rest.strip_prefix("//").unwrap_or(rest);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() || path.chars().any(char::is_control) {
        return Err(invalid(
            "database `sqlite:` needs a file path, e.g. `sqlite:.aura/auth.db`, or `sqlite::memory:` for tests.".into(),
        ));
    }
    Ok(SqliteTarget::File(std::path::PathBuf::from(path)))
}

fn valid_prefix(p: &str) -> bool {
    p.len() <= 32
        && p.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !p.starts_with(|c: char| c.is_ascii_digit())
}

impl DatabaseConfig {
    /// From the option, else the environment; `None` when neither is set (stateless mode).
    pub fn from_input(input: Option<DatabaseInput>, env_url: Option<&str>) -> Result<Option<Self>> {
        let (url, prefix, migrate) = match input {
            Some(DatabaseInput::Url(u)) => (Some(u), None, None),
            Some(DatabaseInput::Full(o)) => (o.url, o.table_prefix, o.migrate),
            None => (None, None, None),
        };
        let url = match url.or_else(|| env_url.map(str::to_string)) {
            Some(u) if !u.trim().is_empty() => u.trim().to_string(),
            Some(_) | None if prefix.is_some() || migrate.is_some() => {
                return Err(invalid(format!(
                    "database needs a `url` (or {ENV_NAME}), e.g. `sqlite:.aura/auth.db` or `postgres://user:pass@host/db`."
                )))
            }
            _ => return Ok(None),
        };
        let table_prefix = prefix.unwrap_or_else(|| DEFAULT_PREFIX.to_string());
        if !valid_prefix(&table_prefix) {
            return Err(invalid(format!(
                "database.tablePrefix `{table_prefix}` must be at most 32 lowercase letters, digits or `_`, not starting with a digit (default `{DEFAULT_PREFIX}`)."
            )));
        }
        let (engine, sqlite) = if let Some(rest) = url.strip_prefix("sqlite:") {
            (EngineKind::Sqlite, Some(sqlite_target(rest)?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            url::Url::parse(&url).map_err(|e| {
                invalid(format!(
                    "database URL `{}` is not a valid postgres URL ({e}); use `postgres://user:password@host:5432/dbname`.",
                    redacted(&url)
                ))
            })?;
            (EngineKind::Postgres, None)
        } else {
            return Err(invalid(format!(
                "database `{}` names no supported engine: use `sqlite:<path>` (embedded; e.g. `sqlite:.aura/auth.db`), `sqlite::memory:`, or `postgres://…`.",
                redacted(&url)
            )));
        };
        Ok(Some(DatabaseConfig {
            engine,
            url,
            sqlite,
            table_prefix,
            migrate: migrate.unwrap_or(true),
        }))
    }

    /// A table's full name.
    pub fn table(&self, name: &str) -> String {
        format!("{}{name}", self.table_prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str, env: Option<&str>) -> Result<Option<DatabaseConfig>> {
        let input: Option<DatabaseInput> = serde_json::from_str(json).unwrap();
        DatabaseConfig::from_input(input, env)
    }

    #[test]
    fn absent_means_stateless() {
        assert!(parse("null", None).unwrap().is_none());
        assert!(parse("null", Some("  ")).unwrap().is_none());
    }

    #[test]
    fn sqlite_forms() {
        let c = parse(r#""sqlite:.aura/auth.db""#, None).unwrap().unwrap();
        assert_eq!(c.engine, EngineKind::Sqlite);
        assert_eq!(c.sqlite, Some(SqliteTarget::File(".aura/auth.db".into())));
        assert_eq!(c.table_prefix, "aura_");
        assert!(c.migrate);
        let c = parse(r#""sqlite:///tmp/x.db""#, None).unwrap().unwrap();
        assert_eq!(c.sqlite, Some(SqliteTarget::File("/tmp/x.db".into())));
        let c = parse(r#""sqlite::memory:""#, None).unwrap().unwrap();
        assert_eq!(c.sqlite, Some(SqliteTarget::Memory));
        assert_eq!(
            parse(r#""sqlite:""#, None).unwrap_err().code,
            "INVALID_DATABASE"
        );
    }

    #[test]
    fn postgres_object_and_env() {
        let c = parse(
            r#"{"url":"postgres://u:p@127.0.0.1:5432/db","tablePrefix":"app_","migrate":false}"#,
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.engine, EngineKind::Postgres);
        assert_eq!(c.table("users"), "app_users");
        assert!(!c.migrate);
        let c = parse("null", Some("postgresql://localhost/db"))
            .unwrap()
            .unwrap();
        assert_eq!(c.engine, EngineKind::Postgres);
        // explicit config wins over env
        let c = parse(r#""sqlite::memory:""#, Some("postgres://localhost/db"))
            .unwrap()
            .unwrap();
        assert_eq!(c.engine, EngineKind::Sqlite);
        let c = parse(r#"{"tablePrefix":"x_"}"#, Some("sqlite::memory:"))
            .unwrap()
            .unwrap();
        assert_eq!(c.table_prefix, "x_");
    }

    #[test]
    fn refuses_bad_values_with_a_code() {
        for bad in [
            r#""mysql://localhost/db""#,
            r#""./auth.db""#,
            r#"{"url":"sqlite::memory:","tablePrefix":"Bad-Prefix"}"#,
            r#"{"url":"sqlite::memory:","tablePrefix":"x; DROP TABLE y"}"#,
            r#"{"migrate":false}"#,
        ] {
            let e = parse(bad, None).unwrap_err();
            assert_eq!(e.code, "INVALID_DATABASE", "{bad}");
        }
        let e = parse(r#""mysql://u:secretpw@h/db""#, None).unwrap_err();
        assert!(!e.message.contains("secretpw"));
    }
}
