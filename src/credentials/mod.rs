//! Email and password, email verification, password reset and magic links (SPEC §12): the
//! configuration (`credentials`, `magicLink`, `email`), password hashing (`password`), one-time
//! tokens (`tokens`), the mails handed to `email.send` (`email`) and what the flows need from a
//! database (`store`). The endpoints themselves live in `crate::actions` and decide everything
//! here in Rust; the JS layer only delivers mails. Nothing in this module may log a password,
//! a token or a hash.

pub mod email;
pub mod import;
pub mod password;
pub mod store;
pub mod tokens;

use std::sync::Arc;

use serde::Deserialize;

use crate::error::{AuthError, Result};
use password::Hasher;

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Argon2Input {
    #[serde(rename = "memoryKiB")]
    pub memory_kib: Option<u32>,
    pub iterations: Option<u32>,
    pub parallelism: Option<u32>,
}

/// `credentials: { enabled, minPasswordLength, requireEmailVerification, argon2, resetPasswordPage }`.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CredentialsInput {
    #[serde(default)]
    pub enabled: bool,
    pub min_password_length: Option<usize>,
    #[serde(default)]
    pub require_email_verification: bool,
    pub argon2: Option<Argon2Input>,
    /// The app's page that shows the "new password" form; the reset link points there with
    /// `?token=`. Default `/reset-password`.
    pub reset_password_page: Option<String>,
}

/// `magicLink: { enabled }`.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MagicLinkInput {
    #[serde(default)]
    pub enabled: bool,
}

/// `email`: the JS layer keeps `send` and tells the core whether there is one.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmailInput {
    #[serde(default)]
    pub send: bool,
}

pub const DEFAULT_MIN_PASSWORD_LENGTH: usize = 10;

/// The validated settings of this area.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Email and password sign-up/sign-in, reset and change.
    pub passwords: bool,
    pub magic_link: bool,
    pub min_password_length: usize,
    pub require_email_verification: bool,
    pub hasher: Arc<Hasher>,
    pub email_send: bool,
    pub reset_password_page: String,
}

impl Settings {
    /// `None` when neither passwords nor magic links are on. `has_database`: both need one.
    pub fn from_input(
        credentials: Option<CredentialsInput>,
        magic_link: Option<MagicLinkInput>,
        email: Option<EmailInput>,
        has_database: bool,
    ) -> Result<Option<Settings>> {
        let c = credentials.unwrap_or_default();
        let magic = magic_link.unwrap_or_default().enabled;
        if !c.enabled && !magic {
            return Ok(None);
        }
        if !has_database {
            return Err(AuthError::new(
                "MISSING_DATABASE",
                "credentials and magicLink keep users in a database: add `database: \"sqlite:.aura/auth.db\"` (or AURA_AUTH_DATABASE_URL).",
            ));
        }
        let email_send = email.unwrap_or_default().send;
        if !email_send && (magic || c.require_email_verification) {
            return Err(AuthError::new(
                "MISSING_EMAIL_SEND",
                "magicLink and requireEmailVerification send mail: add `email: { send: async ({ to, kind, url, subject, text, html }) => { … } }`.",
            ));
        }
        let min = c.min_password_length.unwrap_or(DEFAULT_MIN_PASSWORD_LENGTH);
        if !(8..=128).contains(&min) {
            return Err(AuthError::new(
                "INVALID_CONFIG",
                "credentials.minPasswordLength must be between 8 and 128 (default 10).",
            ));
        }
        let a = c.argon2.unwrap_or_default();
        let hasher = Hasher::new(
            a.memory_kib.unwrap_or(password::DEFAULT_MEMORY_KIB),
            a.iterations.unwrap_or(password::DEFAULT_ITERATIONS),
            a.parallelism.unwrap_or(password::DEFAULT_PARALLELISM),
        )?;
        let reset_password_page = match c.reset_password_page {
            Some(p) => crate::config::validate::config_path(
                &p,
                "INVALID_CONFIG",
                "credentials.resetPasswordPage",
                "/reset-password",
            )?,
            None => "/reset-password".to_string(),
        };
        Ok(Some(Settings {
            passwords: c.enabled,
            magic_link: magic,
            min_password_length: min,
            require_email_verification: c.require_email_verification,
            hasher: Arc::new(hasher),
            email_send,
            reset_password_page,
        }))
    }
}

/// An address as stored and compared: trimmed and lower-cased. `None` unless it looks like one
/// address (`local@domain`, no spaces or controls, at most 254 bytes).
pub fn normalize_email(raw: &str) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && e.len() <= 254
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:[]\\".contains(c));
    ok.then_some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email(" Ann@Example.COM "),
            Some("ann@example.com".into())
        );
        for bad in [
            "", "a", "a@", "@b.c", "a@b", "a b@c.d", "a@b@c.d", "a@.b", "<a>@b.c",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn settings_need_a_database_and_a_sender() {
        let on = || {
            Some(CredentialsInput {
                enabled: true,
                ..Default::default()
            })
        };
        assert_eq!(
            Settings::from_input(on(), None, None, false)
                .unwrap_err()
                .code,
            "MISSING_DATABASE"
        );
        let magic = Some(MagicLinkInput { enabled: true });
        assert_eq!(
            Settings::from_input(None, magic, None, true)
                .unwrap_err()
                .code,
            "MISSING_EMAIL_SEND"
        );
        let s = Settings::from_input(on(), None, None, true)
            .unwrap()
            .unwrap();
        assert_eq!(s.min_password_length, 10);
        assert!(s.passwords && !s.magic_link);
        assert!(Settings::from_input(None, None, None, false)
            .unwrap()
            .is_none());
        let short = Some(CredentialsInput {
            enabled: true,
            min_password_length: Some(4),
            ..Default::default()
        });
        assert_eq!(
            Settings::from_input(short, None, None, true)
                .unwrap_err()
                .code,
            "INVALID_CONFIG"
        );
    }
}
