//! The session: a sealed `{ user, iat, exp }` in the session cookie (chunked when large).

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::config::Config;
use crate::cookies::{logical_name, RequestCookies};
use crate::crypto::Purpose;
use crate::providers::profile::User;

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct SessionData {
    pub user: User,
    /// When this cookie was (re)issued, seconds.
    pub iat: u64,
    /// When the session ends, seconds.
    pub exp: u64,
}

/// The JSON shape returned by `/session` and `api.getSession`.
#[derive(Serialize)]
pub struct SessionResult<'a> {
    pub authenticated: bool,
    pub session: Option<PublicSession<'a>>,
}

#[derive(Serialize)]
pub struct PublicSession<'a> {
    pub user: &'a User,
    pub expires: String,
}

pub const SIGNED_OUT_JSON: &str = r#"{"authenticated":false,"session":null}"#;

impl SessionData {
    pub fn new(user: User, config: &Config) -> Self {
        let now = clock::now();
        SessionData {
            user,
            iat: now,
            exp: now + config.max_age,
        }
    }

    pub fn seal(&self, config: &Config) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        config.keys.seal(
            Purpose::Session,
            &logical_name(&config.cookie_prefix, Purpose::Session),
            &json,
        )
    }

    /// Opens a session token; expired, tampered or malformed tokens are `None`.
    pub fn open(config: &Config, token: &str) -> Option<SessionData> {
        let plain = config.keys.open(
            Purpose::Session,
            &logical_name(&config.cookie_prefix, Purpose::Session),
            token,
        )?;
        let data: SessionData = serde_json::from_slice(&plain).ok()?;
        let now = clock::now();
        (data.exp > now && data.iat <= now + 60).then_some(data)
    }

    /// Lazy rolling: a session older than `updateAge` gets a fresh cookie and a new expiry.
    pub fn renewed(&self, config: &Config) -> Option<SessionData> {
        let now = clock::now();
        (now.saturating_sub(self.iat) >= config.update_age).then(|| SessionData {
            user: self.user.clone(),
            iat: now,
            exp: now + config.max_age,
        })
    }

    pub fn to_json(&self) -> String {
        let result = SessionResult {
            authenticated: true,
            session: Some(PublicSession {
                user: &self.user,
                expires: clock::iso8601(self.exp),
            }),
        };
        serde_json::to_string(&result).unwrap_or_else(|_| SIGNED_OUT_JSON.to_string())
    }
}

/// Reads the session from the request's cookies under `name` (whole or chunked).
pub fn read(config: &Config, cookies: &RequestCookies, name: &str) -> Option<SessionData> {
    let token = cookies.chunked(name)?;
    SessionData::open(config, &token)
}
