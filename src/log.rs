//! Structured log entries (`{ level, code, message, provider? }`) that responses carry back to the
//! JS layer, which hands them to the app's `logger`. Messages are the library's own sentences:
//! never a secret, token, authorization code or cookie value.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
    /// Nothing is logged.
    Off,
}

#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub level: Level,
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Shown whatever the logger's level (unless `off`): a one-time configuration warning.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub always: bool,
}

/// The level of a failure code: failures of the provider, the configuration or the app's hooks
/// are errors; refusals of a request (a stale flow, a bad CSRF token) are warnings.
pub fn level_of(code: &str) -> Level {
    match code {
        "PROVIDER_UNAVAILABLE"
        | "TOKEN_EXCHANGE_FAILED"
        | "ID_TOKEN_INVALID"
        | "USERINFO_FAILED"
        | "DISCOVERY_FAILED"
        | "CALLBACK_ERROR"
        | "SESSION_TOO_LARGE"
        | "PROVIDER_ERROR"
        | "SUBJECT_MISMATCH"
        | "NONCE_MISMATCH"
        | "ISSUER_MISMATCH"
        | "DATABASE_UNAVAILABLE"
        | "DATABASE_ERROR"
        | "DATABASE_NOT_MIGRATED"
        | "DATABASE_MIGRATION_FAILED" => Level::Error,
        "NOT_FOUND" | "METHOD_NOT_ALLOWED" => Level::Debug,
        _ => Level::Warn,
    }
}

impl LogEntry {
    pub fn new(level: Level, code: &str, message: &str, provider: Option<&str>) -> Self {
        LogEntry {
            level,
            code: code.to_string(),
            message: message.to_string(),
            provider: provider.map(str::to_string),
            always: false,
        }
    }
}
