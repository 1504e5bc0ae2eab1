//! Which hooks the app configured (SPEC §8): the JS layer reports their presence, the core
//! decides with it (what to hand off, which events to report, the log level).

use serde::Deserialize;

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
}

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
}
