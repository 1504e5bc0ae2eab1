//! The sign-in flow cookie: state, PKCE verifier, nonce, redirect target and provider, sealed,
//! single-use and valid for at most ten minutes.

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::config::Config;
use crate::seal::cookies::CookieName;
use crate::seal::crypto::Purpose;

pub const FLOW_MAX_AGE: u64 = 10 * 60;

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Flow {
    /// Provider id the flow was started with.
    pub provider: String,
    pub state: String,
    pub verifier: String,
    pub nonce: Option<String>,
    pub redirect_to: String,
    pub exp: u64,
    /// `signIn(provider, { link: true })`: the signed-in user the new account joins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_user: Option<String>,
}

impl Flow {
    pub fn seal(&self, config: &Config, name: &CookieName) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        config.keys.seal(Purpose::Flow, name.aad(), &json)
    }

    /// Opens the flow cookie; it does not check expiry (the callback reports that separately).
    pub fn open(config: &Config, name: &CookieName, token: &str) -> Option<Flow> {
        let plain = config.keys.open(Purpose::Flow, name.aad(), token)?;
        serde_json::from_slice(&plain).ok()
    }

    pub fn expired(&self) -> bool {
        self.exp <= clock::now()
    }
}
