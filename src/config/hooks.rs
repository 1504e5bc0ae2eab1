//! Which hooks the app configured (SPEC §8): the JS layer reports their presence, the core
//! decides with it (what to hand off, which events to report, the log level).

use serde::Deserialize;

use crate::error::{AuthError, Result};
use crate::log::Level;

/// Which hooks the app configured (the functions stay in JS; the core only needs to know).
#[derive(Deserialize, Debug, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Hooks {
    #[serde(default)]
    pub sign_in: bool,
    #[serde(default)]
    pub session: bool,
    #[serde(default)]
    pub redirect: bool,
    /// Any `events.*` handler: the core then reports events with its responses.
    #[serde(default)]
    pub events: bool,
    /// The logger's level (default `error`).
    #[serde(default)]
    pub log_level: Option<Level>,
    /// Providers whose `profile` is a JS function.
    #[serde(default)]
    pub profile_functions: Vec<String>,
    /// `callbacks.timeoutMs`: how long each hook may run (default 10 s, at most [`MAX_TIMEOUT_MS`]).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// The longest `callbacks.timeoutMs` (review finding 7): a sign-in waits at most four hooks in a
/// row, and its ticket must outlive them.
pub const MAX_TIMEOUT_MS: u64 = 60_000;
const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// Hooks one hand-off may run in a row: the profile function, signIn, session, redirect.
const HOOKS_IN_A_ROW: u64 = 4;

impl Hooks {
    /// Whether a sign-in with `provider` is handed to the JS layer before it is completed.
    pub fn hand_off(&self, provider: &str) -> bool {
        self.sign_in || self.session || self.redirect || self.has_profile_function(provider)
    }

    pub fn has_profile_function(&self, provider: &str) -> bool {
        self.profile_functions.iter().any(|p| p == provider)
    }

    pub fn level(&self) -> Level {
        self.log_level.unwrap_or(Level::Error)
    }

    /// Checks `callbacks.timeoutMs` at `createAuth` (a coded error above the cap).
    pub fn validate(&self) -> Result<()> {
        match self.timeout_ms {
            Some(0) => Err(AuthError::new(
                "INVALID_CONFIG",
                "callbacks.timeoutMs must be a whole number of milliseconds of at least 1.",
            )),
            Some(t) if t > MAX_TIMEOUT_MS => Err(AuthError::new(
                "HOOK_TIMEOUT_TOO_LONG",
                format!("callbacks.timeoutMs is at most {MAX_TIMEOUT_MS} ms (a sign-in waiting for hooks holds a ticket that lives four timeouts); do slow work in events, which are not awaited."),
            )),
            _ => Ok(()),
        }
    }

    /// How long a hand-off ticket lives (review finding 7): derived from the hook timeout, so
    /// hooks that finish in time never find their ticket expired.
    pub fn ticket_ttl(&self) -> u64 {
        let timeout = self
            .timeout_ms
            .unwrap_or(DEFAULT_TIMEOUT_MS)
            .min(MAX_TIMEOUT_MS);
        (HOOKS_IN_A_ROW * timeout).div_ceil(1000) + 10
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_7_ticket_outlives_four_hook_timeouts_and_the_timeout_is_capped() {
        let hooks = |t| Hooks {
            timeout_ms: t,
            ..Hooks::default()
        };
        assert_eq!(hooks(None).ticket_ttl(), 50);
        assert_eq!(hooks(Some(60_000)).ticket_ttl(), 250);
        assert!(hooks(Some(60_000)).ticket_ttl() * 1000 > 4 * 60_000);
        assert_eq!(
            hooks(Some(60_001)).validate().unwrap_err().code,
            "HOOK_TIMEOUT_TOO_LONG"
        );
        assert_eq!(
            hooks(Some(0)).validate().unwrap_err().code,
            "INVALID_CONFIG"
        );
        assert!(hooks(Some(1)).validate().is_ok());
    }
}
