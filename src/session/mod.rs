//! What a signed-in browser holds (SPEC rules 2, 7, 15): the session, a sealed `{ user, iat, exp }`
//! in the session cookie (chunked when large), read on every `getSession` without I/O; and the
//! sign-in flow cookie (`flow`). The CSRF double-submit rule is `actions::csrf`.

pub mod flow;

use crate::clock;
use crate::config::Config;
use crate::error::{AuthError, Result};
use crate::oauth::providers::profile::User;
use crate::seal::cookies::{CookieName, RequestCookies, MAX_SEALED};
use crate::seal::crypto::Purpose;

/// A session as sealed in the cookie. The plaintext is a small binary header (version, then
/// iat, exp and the sign-in time as big-endian u64) followed by the user's JSON, so reading a
/// session needs no JSON parse: the (authenticated) user JSON is spliced into the response as it
/// was written at sign-in.
#[derive(Debug, Clone)]
pub struct SessionData {
    pub user_json: String,
    /// Top-level session fields the app's `session` callback added, as JSON object members
    /// without the braces (`"role":"admin","plan":1`), or empty.
    pub extra_json: String,
    /// When this cookie was (re)issued, seconds.
    pub iat: u64,
    /// When the session ends, seconds (already capped by `maxAge` and `maxDuration`).
    pub exp: u64,
    /// When the user signed in, seconds: `session.maxDuration` counts from here.
    pub auth_time: u64,
    /// With a database (SPEC §11): which session row this is, so a read can check the
    /// revocation view and sign-out can delete the row. `None` in stateless mode.
    pub handle: Option<SessionHandle>,
}

/// A database session's reference, sealed in the cookie: the row's public id and the secret
/// whose hash the row stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionHandle {
    pub id: crate::store::revocations::SessionKey,
    pub secret: [u8; 32],
}

impl SessionHandle {
    /// The public id as the store writes it.
    pub fn public_id(&self) -> String {
        crate::seal::b64::encode(&self.id)
    }
}

const FORMAT_V2: u8 = 2;
/// V2 plus a session handle (16-byte id, 32-byte secret) between the header and the user JSON.
const FORMAT_V3: u8 = 3;
const HANDLE_LEN: usize = 48;
/// Version, iat, exp, sign-in time, then the user JSON's length (u32): the rest is `extra_json`.
const HEADER_LEN: usize = 29;

pub const SIGNED_OUT_JSON: &str = r#"{"authenticated":false,"session":null}"#;

impl SessionData {
    pub fn new(user: &User, config: &Config) -> Self {
        let now = clock::now();
        SessionData {
            user_json: serde_json::to_string(user).unwrap_or_else(|_| "null".into()),
            extra_json: String::new(),
            iat: now,
            exp: expiry(config, now, now),
            auth_time: now,
            handle: None,
        }
    }

    /// A new session (sign-in now) holding these fields.
    pub fn with_fields(user_json: String, extra_json: String, config: &Config) -> Self {
        let now = clock::now();
        SessionData {
            user_json,
            extra_json,
            iat: now,
            exp: expiry(config, now, now),
            auth_time: now,
            handle: None,
        }
    }

    /// The same sign-in, re-issued now with new fields (a session update).
    pub fn reissued(&self, user_json: String, extra_json: String, config: &Config) -> Self {
        let now = clock::now();
        SessionData {
            user_json,
            extra_json,
            iat: now,
            exp: expiry(config, now, self.auth_time),
            auth_time: self.auth_time,
            handle: self.handle.clone(),
        }
    }

    pub fn seal(&self, config: &Config, name: &CookieName) -> String {
        let mut plain = Vec::with_capacity(
            HEADER_LEN + HANDLE_LEN + self.user_json.len() + self.extra_json.len(),
        );
        plain.push(if self.handle.is_some() {
            FORMAT_V3
        } else {
            FORMAT_V2
        });
        plain.extend_from_slice(&self.iat.to_be_bytes());
        plain.extend_from_slice(&self.exp.to_be_bytes());
        plain.extend_from_slice(&self.auth_time.to_be_bytes());
        plain.extend_from_slice(&(self.user_json.len() as u32).to_be_bytes());
        if let Some(h) = &self.handle {
            plain.extend_from_slice(&h.id);
            plain.extend_from_slice(&h.secret);
        }
        plain.extend_from_slice(self.user_json.as_bytes());
        plain.extend_from_slice(self.extra_json.as_bytes());
        config.keys.seal(Purpose::Session, name.aad(), &plain)
    }

    /// Seals, refusing a session that would not fit in the cookies the reader accepts
    /// (SPEC §4 rule 15: reader and writer share one limit).
    pub fn seal_checked(&self, config: &Config, name: &CookieName) -> Result<String> {
        let sealed = self.seal(config, name);
        if sealed.len() > MAX_SEALED {
            return Err(AuthError::new(
                "SESSION_TOO_LARGE",
                format!("The session would take {} bytes sealed; at most {MAX_SEALED} fit in the session cookies. Keep what the session holds small (ids, not documents).", sealed.len()),
            ));
        }
        Ok(sealed)
    }

    /// Opens a session token; expired, tampered or malformed tokens are `None`. The current
    /// `maxAge` and `maxDuration` apply, so lowering them ends sessions already issued.
    pub fn open(config: &Config, name: &CookieName, token: &str) -> Option<SessionData> {
        let mut plain = config.keys.open(Purpose::Session, name.aad(), token)?;
        if plain.len() <= HEADER_LEN || !matches!(plain[0], FORMAT_V2 | FORMAT_V3) {
            return None;
        }
        let with_handle = plain[0] == FORMAT_V3;
        let iat = u64::from_be_bytes(plain[1..9].try_into().ok()?);
        let exp = u64::from_be_bytes(plain[9..17].try_into().ok()?);
        let auth_time = u64::from_be_bytes(plain[17..25].try_into().ok()?);
        let user_len = u32::from_be_bytes(plain[25..29].try_into().ok()?) as usize;
        let now = clock::now();
        let exp = exp.min(expiry(config, iat, auth_time));
        if exp <= now || iat > now + 60 || auth_time > iat {
            return None;
        }
        let handle = if with_handle {
            let h = plain.get(HEADER_LEN..HEADER_LEN + HANDLE_LEN)?;
            Some(SessionHandle {
                id: h[..16].try_into().ok()?,
                secret: h[16..].try_into().ok()?,
            })
        } else {
            None
        };
        let start = HEADER_LEN + if with_handle { HANDLE_LEN } else { 0 };
        if plain.len() < start || user_len > plain.len() - start {
            return None;
        }
        plain.drain(..start);
        let extra = plain.split_off(user_len);
        let user_json = String::from_utf8(plain).ok()?;
        let extra_json = String::from_utf8(extra).ok()?;
        Some(SessionData {
            user_json,
            extra_json,
            iat,
            exp,
            auth_time,
            handle,
        })
    }

    /// The user, parsed (only needed by tests and tools; the hot path splices the JSON).
    pub fn user(&self) -> Option<User> {
        serde_json::from_str(&self.user_json).ok()
    }

    /// Lazy rolling: a session older than `updateAge` gets a fresh cookie and a new expiry,
    /// never past `maxDuration` from sign-in.
    pub fn renewed(&self, config: &Config) -> Option<SessionData> {
        let now = clock::now();
        (now.saturating_sub(self.iat) >= config.update_age).then(|| SessionData {
            user_json: self.user_json.clone(),
            extra_json: self.extra_json.clone(),
            iat: now,
            exp: expiry(config, now, self.auth_time),
            auth_time: self.auth_time,
            handle: self.handle.clone(),
        })
    }

    /// `{"authenticated":true,"session":{"user":{...},"expires":"<ISO 8601>"[,...extra]}}`
    pub fn to_json(&self) -> String {
        let expires = clock::iso8601(self.exp);
        let mut out = String::with_capacity(self.user_json.len() + self.extra_json.len() + 80);
        out.push_str(r#"{"authenticated":true,"session":{"user":"#);
        out.push_str(&self.user_json);
        out.push_str(r#","expires":""#);
        out.push_str(&expires);
        out.push('"');
        if !self.extra_json.is_empty() {
            out.push(',');
            out.push_str(&self.extra_json);
        }
        out.push_str("}}");
        out
    }
}

impl SessionData {
    /// The session object (`{ user, expires, ...extra }`) as a JSON value, for hooks and events.
    pub fn session_value(&self) -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(&self.to_json())
            .map(|mut v| v["session"].take())
            .unwrap_or(serde_json::Value::Null)
    }
}

/// A session issued at `iat` for a sign-in at `auth_time` ends after `maxAge`, and never later
/// than `maxDuration` after the sign-in.
fn expiry(config: &Config, iat: u64, auth_time: u64) -> u64 {
    iat.saturating_add(config.max_age)
        .min(auth_time.saturating_add(config.max_duration))
}

/// Reads the session from the request's cookies under `name` (whole or chunked). With a
/// database, a session must name its row and that row must not be revoked (the in-memory
/// view: no I/O); a cookie from before the database was configured reads as signed out.
pub fn read(config: &Config, cookies: &RequestCookies, name: &CookieName) -> Option<SessionData> {
    let token = cookies.chunked(name)?;
    let session = SessionData::open(config, name, &token)?;
    match (&config.revocations, &session.handle) {
        (None, _) => Some(session),
        (Some(view), Some(h)) if !view.is_revoked(&h.id) => Some(session),
        (Some(_), _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse_input, Config};

    fn config() -> Config {
        let input = r#"{"config":{"oauth":[{"id":"github","clientId":"a","clientSecret":"b"}],
            "secret":"8f3a1c9e27b4d05f6a81c3e9b2d74f0a5c6e8b1d3f2a4c6e9b8d7f1a3c5e7b9d",
            "salt":"1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff001"}}"#;
        Config::from_input(parse_input(input).unwrap()).unwrap()
    }

    #[test]
    fn seals_opens_and_renders_plain_json() {
        let c = config();
        let user = User {
            sub: "1".into(),
            name: Some("Ada \"L\"".into()),
            email: None,
            email_verified: None,
            image: None,
            provider: "github".into(),
        };
        let n = &c.names_http.session;
        let s = SessionData::new(&user, &c);
        let opened = SessionData::open(&c, n, &s.seal(&c, n)).unwrap();
        assert_eq!(opened.user().unwrap(), user);
        let v: serde_json::Value = serde_json::from_str(&opened.to_json()).unwrap();
        assert_eq!(v["authenticated"], true);
        assert_eq!(v["session"]["user"]["name"], "Ada \"L\"");
        assert!(v["session"]["user"]["email"].is_null());
        assert!(v["session"]["expires"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn extra_fields_round_trip_and_render_after_expires() {
        let c = config();
        let n = &c.names_http.session;
        let mut s = SessionData::new(
            &serde_json::from_str::<User>(
                r#"{"sub":"1","name":null,"email":null,"image":null,"provider":"github"}"#,
            )
            .unwrap(),
            &c,
        );
        s.extra_json = r#""role":"admin","n":[1,2]"#.into();
        let opened = SessionData::open(&c, n, &s.seal(&c, n)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&opened.to_json()).unwrap();
        assert_eq!(v["session"]["role"], "admin");
        assert_eq!(v["session"]["n"][1], 2);
        assert_eq!(v["session"]["user"]["sub"], "1");
    }

    #[test]
    fn rule15_max_duration_caps_the_session_from_sign_in() {
        let c = config();
        let n = &c.names_http.session;
        let user: User = serde_json::from_str(r#"{"sub":"1","provider":"github"}"#).unwrap();
        let mut s = SessionData::new(&user, &c);
        s.auth_time = clock::now() - 366 * 24 * 3600; // signed in over a year ago
        s.exp = clock::now() + 3600;
        assert!(SessionData::open(&c, n, &s.seal(&c, n)).is_none());
        s.auth_time = clock::now() - 10;
        let opened = SessionData::open(&c, n, &s.seal(&c, n)).unwrap();
        let renewed = SessionData { iat: 0, ..opened }.renewed(&c).unwrap();
        assert!(renewed.exp <= renewed.auth_time + c.max_duration);
    }

    #[test]
    fn rule2_expired_sessions_do_not_open() {
        let c = config();
        let user = User {
            sub: "1".into(),
            name: None,
            email: None,
            email_verified: None,
            image: None,
            provider: "github".into(),
        };
        let n = &c.names_http.session;
        let mut s = SessionData::new(&user, &c);
        s.exp = clock::now() - 1;
        assert!(SessionData::open(&c, n, &s.seal(&c, n)).is_none());
        s.exp = clock::now() + 100;
        s.iat = clock::now() + 3600; // issued in the future: refused
        assert!(SessionData::open(&c, n, &s.seal(&c, n)).is_none());
    }
}
