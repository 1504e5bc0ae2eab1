//! The server API with a database (SPEC §11), one entry for the binding: `op` names the call,
//! `cookie`/`forwarded_proto` identify the caller as `getSession` does, `args` is JSON. Answers
//! are JSON text; failures coded errors. Also the CLI's `migrate` (no full config needed).

use serde_json::Value;

use super::Auth;
use crate::actions::{accounts, sessions};
use crate::error::{AuthError, Result};
use crate::store::{migrate, DatabaseConfig, DatabaseInput};

fn arg<'a>(args: &'a Value, name: &str) -> Option<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.len() <= 256)
}

fn required<'a>(args: &'a Value, name: &str, call: &str) -> Result<&'a str> {
    arg(args, name).ok_or_else(|| {
        AuthError::new(
            "INVALID_ARGUMENT",
            format!("{call} needs `{name}` (a non-empty string)."),
        )
    })
}

impl Auth {
    /// Waits until the store is connected, migrated and its revocation view loaded (the first
    /// request of an instance waits for this; later calls return at once). Without a database,
    /// returns at once.
    pub async fn ready(&self) -> Result<()> {
        match &self.store {
            Some(store) => store.ready().await,
            None => Ok(()),
        }
    }

    pub async fn api_call(
        &self,
        op: &str,
        cookie: Option<&str>,
        forwarded_proto: Option<&str>,
        args: &str,
    ) -> Result<String> {
        let args: Value = serde_json::from_str(args).unwrap_or(Value::Null);
        self.ready().await?;
        let session = || self.session_from_header(cookie, forwarded_proto);
        let out = match op {
            "listSessions" => sessions::list(self, session()).await?,
            "revokeSession" => {
                let id = required(&args, "sessionId", "api.revokeSession")?;
                let (n, _) =
                    sessions::revoke(self, session(), sessions::Target::One(id.into())).await?;
                serde_json::json!({ "ok": true, "revoked": n })
            }
            "revokeOtherSessions" => {
                let (n, _) = sessions::revoke(self, session(), sessions::Target::Others).await?;
                serde_json::json!({ "ok": true, "revoked": n })
            }
            "revokeUserSessions" => {
                let user_id = required(&args, "userId", "api.revokeUserSessions")?;
                accounts::revoke_user_sessions(self, user_id).await?
            }
            "listAccounts" => accounts::list(self, session()).await?,
            "unlinkAccount" => {
                let provider = required(&args, "provider", "api.unlinkAccount")?;
                accounts::unlink(self, session(), provider, arg(&args, "providerAccountId")).await?
            }
            "deleteUser" => {
                let user_id = required(&args, "userId", "api.deleteUser")?;
                accounts::delete_user(self, user_id).await?
            }
            _ => {
                return Err(AuthError::new(
                    "INVALID_ARGUMENT",
                    format!("No API call named `{op}`."),
                ))
            }
        };
        Ok(out.to_string())
    }
}

/// The database option of a CLI call (`{ database, env }` JSON): required.
pub fn cli_database(input: &str) -> Result<DatabaseConfig> {
    #[derive(serde::Deserialize)]
    struct Cli {
        database: Option<DatabaseInput>,
        #[serde(default)]
        env: std::collections::HashMap<String, String>,
    }
    let cli: Cli = serde_json::from_str(input)
        .map_err(|e| AuthError::new("INVALID_DATABASE", format!("Not a database option: {e}")))?;
    let env = cli
        .env
        .get(crate::store::config::ENV_NAME)
        .map(String::as_str);
    DatabaseConfig::from_input(cli.database, env)?.ok_or_else(|| {
        AuthError::new(
            "INVALID_DATABASE",
            format!(
                "No database given: pass --database <url> or set {}.",
                crate::store::config::ENV_NAME
            ),
        )
    })
}

/// `npx aura-auth migrate`.
pub async fn cli_migrate(input: &str) -> Result<Vec<String>> {
    migrate::migrate_now(&cli_database(input)?).await
}

/// `npx aura-auth migrate --print`.
pub fn cli_migration_sql(input: &str) -> Result<String> {
    let c = cli_database(input)?;
    Ok(migrate::script(c.engine, &c.table_prefix))
}
