//! The app's hooks (SPEC §8) run in JS, beside the app's code. The core hands the verified
//! identity over and applies what the hooks return, under its own rules: a sign-in or session
//! update waiting for hooks is a sealed *ticket* (its own purpose key, 60 s, never sent to a
//! browser) holding what the core verified; the JS layer passes it back with the hooks' results,
//! and the core opens it again. So the subject, provider, email and its verification come from the
//! provider whatever a hook returns, redirects still pass the redirect rule, and sizes stay
//! bounded. Reads (`getSession`, `GET /session`) never involve hooks.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::account::Account;
use crate::clock;
use crate::config::Config;
use crate::crypto::{associated_data, Purpose};
use crate::error::{AuthError, Result};
use crate::log::Level;
use crate::providers::profile::User;

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

/// The user fields that come from the provider only: a hook's copy of them is ignored.
const IDENTITY: &[&str] = &["sub", "provider", "email", "emailVerified"];

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum TicketKind {
    SignIn,
    Update,
}

/// A sign-in or update waiting for the app's hooks.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Ticket {
    pub kind: TicketKind,
    pub provider: String,
    /// Sign-in: the verified user. Update: the session's user.
    pub user: Value,
    /// Update: the session's app fields (object members without braces).
    #[serde(default)]
    pub extra_json: String,
    /// Update: when the user signed in.
    #[serde(default)]
    pub auth_time: u64,
    /// Sign-in: the provider's answer, when the core needs it again (token cookie, events).
    pub account: Option<Account>,
    /// Sign-in: an OpenID Connect provider (a profile function cannot change the subject).
    #[serde(default)]
    pub oidc: bool,
    /// Sign-in: the (already checked) redirect target.
    #[serde(default)]
    pub target: String,
    pub exp: u64,
}

fn ticket_aad(kind: &TicketKind) -> Vec<u8> {
    associated_data(
        Purpose::Ticket,
        match kind {
            TicketKind::SignIn => "sign-in",
            TicketKind::Update => "update",
        },
    )
}

impl Ticket {
    pub fn new(kind: TicketKind, provider: &str, user: Value, hooks: &Hooks) -> Self {
        Ticket {
            kind,
            provider: provider.to_string(),
            user,
            extra_json: String::new(),
            auth_time: 0,
            account: None,
            oidc: false,
            target: String::new(),
            exp: clock::now() + hooks.ticket_ttl(),
        }
    }

    pub fn seal(&self, config: &Config) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        config
            .keys
            .seal(Purpose::Ticket, &ticket_aad(&self.kind), &json)
    }

    /// Opens a ticket of `kind`: unknown, tampered or expired ones are `CALLBACK_ERROR`.
    pub fn open(config: &Config, kind: TicketKind, token: &str) -> Result<Ticket> {
        let bad = || {
            AuthError::new(
                "CALLBACK_ERROR",
                "The sign-in waiting for the app's hooks is unknown or expired.",
            )
        };
        let plain = config
            .keys
            .open(Purpose::Ticket, &ticket_aad(&kind), token)
            .ok_or_else(bad)?;
        let ticket: Ticket = serde_json::from_slice(&plain).map_err(|_| bad())?;
        if ticket.kind != kind || ticket.exp <= clock::now() {
            return Err(bad());
        }
        Ok(ticket)
    }
}

/// What one hook returned, as the JS layer reports it: `undefined` stays distinct from `null`, and
/// a value JSON cannot carry (a function, a symbol, a bigint) is `Other`. The core decides what an
/// answer means; the JS layer only reports it.
#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum Returned {
    Undefined,
    Value(Value),
    Other,
}

/// What the hooks returned. A hook's answer is present exactly when the app configured the hook
/// and it ran (`signIn` refusing skips the others).
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HookResult {
    /// A hook threw, rejected or timed out.
    #[serde(default)]
    pub error: bool,
    /// `callbacks.signIn`: only `true` continues (see [`sign_in_verdict`]).
    pub sign_in: Option<Returned>,
    /// `callbacks.session`: the session to seal.
    pub session: Option<Returned>,
    /// `callbacks.redirect`: where to go after sign-in (still checked).
    pub redirect: Option<Returned>,
}

/// What `callbacks.signIn`'s answer means.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInVerdict {
    Continue,
    /// A path or URL to go to instead, without a session (still checked by the redirect rule).
    Elsewhere(String),
}

/// `callbacks.signIn` (review finding 1): with the hook configured only `true` continues;
/// `false`, `undefined`, `null` and `""` refuse (`ACCESS_DENIED`, as next-auth treats a falsy
/// answer); a non-empty string goes there instead; anything else is `CALLBACK_ERROR`. A missing
/// answer from a configured hook (or one from a hook that is not configured) is `CALLBACK_ERROR`.
pub fn sign_in_verdict(configured: bool, answer: Option<&Returned>) -> Result<SignInVerdict> {
    let denied = || AuthError::new("ACCESS_DENIED", "callbacks.signIn refused the sign-in.");
    match (configured, answer) {
        (false, None) => Ok(SignInVerdict::Continue),
        (false, Some(_)) | (true, None) => Err(callback_error(
            "callbacks.signIn's answer does not match the configuration.",
        )),
        (true, Some(answer)) => match answer {
            Returned::Value(Value::Bool(true)) => Ok(SignInVerdict::Continue),
            Returned::Undefined | Returned::Value(Value::Null | Value::Bool(false)) => {
                Err(denied())
            }
            Returned::Value(Value::String(s)) if s.is_empty() => Err(denied()),
            Returned::Value(Value::String(s)) => Ok(SignInVerdict::Elsewhere(s.clone())),
            _ => Err(callback_error(
                "callbacks.signIn must return true, false or a path.",
            )),
        },
    }
}

/// `callbacks.session`'s answer: with the hook configured it must be the session object
/// (`undefined`, `null` or anything else is `CALLBACK_ERROR`); `None` when not configured.
pub fn session_answer(configured: bool, answer: Option<&Returned>) -> Result<Option<&Value>> {
    match (configured, answer) {
        (false, None) => Ok(None),
        (true, Some(Returned::Value(v @ Value::Object(_)))) => Ok(Some(v)),
        _ => Err(callback_error(
            "callbacks.session must return the session object.",
        )),
    }
}

/// `callbacks.redirect`'s answer: with the hook configured it must be a string (then checked by
/// the redirect rule); anything else is `CALLBACK_ERROR`, never a silent default.
pub fn redirect_answer(configured: bool, answer: Option<&Returned>) -> Result<Option<&str>> {
    match (configured, answer) {
        (false, None) => Ok(None),
        (true, Some(Returned::Value(Value::String(s)))) => Ok(Some(s)),
        _ => Err(callback_error(
            "callbacks.redirect must return a URL or path string.",
        )),
    }
}

/// A provider's JS `profile` function answer: it must be an object (a partial user).
pub fn profile_answer(json: &str) -> Result<Value> {
    match serde_json::from_str::<Returned>(json) {
        Ok(Returned::Value(v @ Value::Object(_))) => Ok(v),
        _ => Err(callback_error(
            "A provider's profile function must return an object.",
        )),
    }
}

pub fn parse_result(json: &str) -> Result<HookResult> {
    serde_json::from_str(json)
        .map_err(|_| AuthError::new("CALLBACK_ERROR", "The hooks' result is not valid."))
}

fn callback_error(message: &str) -> AuthError {
    AuthError::new("CALLBACK_ERROR", message)
}

/// The user and app fields to seal, from a `session` callback's result: the user's identity
/// fields stay the verified ones, `name`/`image` may change (string or null), other user fields
/// and top-level fields (except `user` and `expires`) are the app's. Returns (user JSON, extra
/// members JSON).
pub fn apply_session(verified_user: &Value, session: &Value) -> Result<(String, String)> {
    let session = session
        .as_object()
        .ok_or_else(|| callback_error("callbacks.session must return the session object."))?;
    let mut user = verified_user
        .as_object()
        .cloned()
        .ok_or_else(|| callback_error("The verified user is not an object."))?;
    match session.get("user") {
        Some(Value::Object(returned)) => {
            for (k, v) in returned {
                if IDENTITY.contains(&k.as_str()) {
                    continue;
                }
                if matches!(k.as_str(), "name" | "image") && !(v.is_string() || v.is_null()) {
                    return Err(callback_error(
                        "session.user.name and .image must be strings or null.",
                    ));
                }
                user.insert(k.clone(), v.clone());
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(callback_error("session.user must be an object.")),
    }
    let extra: Map<String, Value> = session
        .iter()
        .filter(|(k, _)| k.as_str() != "user" && k.as_str() != "expires")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let user_json = serde_json::to_string(&Value::Object(user)).unwrap_or_default();
    let extra_json = if extra.is_empty() {
        String::new()
    } else {
        let whole = serde_json::to_string(&Value::Object(extra)).unwrap_or_default();
        whole[1..whole.len() - 1].to_string()
    };
    Ok((user_json, extra_json))
}

/// A provider's JS `profile` function result applied to the verified user: it may shape name,
/// email, image and emailVerified; it may set the subject only for plain OAuth 2.0 (for OpenID
/// Connect the subject is the verified id_token's, SPEC §7). A changed email counts as
/// unverified unless the function says otherwise.
pub fn apply_profile(user: &User, partial: &Value, oidc: bool) -> Result<User> {
    let partial = partial
        .as_object()
        .ok_or_else(|| callback_error("A provider's profile function must return an object."))?;
    let text = |k: &str| -> Result<Option<Option<String>>> {
        match partial.get(k) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
            Some(Value::Number(n)) if k == "sub" => Ok(Some(Some(n.to_string()))),
            Some(_) => Err(callback_error("profile fields must be strings or null.")),
        }
    };
    let mut out = user.clone();
    if let (Some(Some(sub)), false) = (text("sub")?, oidc) {
        out.sub = sub;
    }
    if let Some(name) = text("name")? {
        out.name = name;
    }
    if let Some(image) = text("image")? {
        out.image = image;
    }
    if let Some(email) = text("email")? {
        if email != out.email {
            out.email_verified = Some(false);
        }
        out.email = email;
    }
    match partial.get("emailVerified") {
        None => {}
        Some(Value::Bool(b)) => out.email_verified = Some(*b),
        Some(Value::Null) => out.email_verified = Some(false),
        Some(_) => return Err(callback_error("profile.emailVerified must be a boolean.")),
    }
    out.email_verified = out.email.as_ref().map(|_| out.email_verified == Some(true));
    out.bounded()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(json: &str) -> Returned {
        serde_json::from_str(json).unwrap()
    }

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

    #[test]
    fn finding_1_sign_in_continues_only_on_true() {
        let code =
            |configured, a: Option<&Returned>| sign_in_verdict(configured, a).map_err(|e| e.code);
        assert_eq!(code(false, None), Ok(SignInVerdict::Continue));
        let yes = answer(r#"{"type":"value","value":true}"#);
        assert_eq!(code(true, Some(&yes)), Ok(SignInVerdict::Continue));
        for refused in [
            r#"{"type":"undefined"}"#,
            r#"{"type":"value","value":null}"#,
            r#"{"type":"value","value":false}"#,
            r#"{"type":"value","value":""}"#,
        ] {
            assert_eq!(
                code(true, Some(&answer(refused))),
                Err("ACCESS_DENIED"),
                "{refused}"
            );
        }
        for bad in [
            r#"{"type":"value","value":1}"#,
            r#"{"type":"value","value":{}}"#,
            r#"{"type":"value","value":[true]}"#,
            r#"{"type":"other"}"#,
        ] {
            assert_eq!(
                code(true, Some(&answer(bad))),
                Err("CALLBACK_ERROR"),
                "{bad}"
            );
        }
        assert_eq!(code(true, None), Err("CALLBACK_ERROR"));
        assert_eq!(code(false, Some(&yes)), Err("CALLBACK_ERROR"));
        let to = answer(r#"{"type":"value","value":"/welcome"}"#);
        assert_eq!(
            code(true, Some(&to)),
            Ok(SignInVerdict::Elsewhere("/welcome".into()))
        );
    }

    #[test]
    fn finding_1_session_redirect_and_profile_answers_must_have_their_type() {
        let undefined = answer(r#"{"type":"undefined"}"#);
        let null = answer(r#"{"type":"value","value":null}"#);
        let object = answer(r#"{"type":"value","value":{"a":1}}"#);
        let text = answer(r#"{"type":"value","value":"/x"}"#);
        assert!(session_answer(true, Some(&undefined)).is_err());
        assert!(session_answer(true, Some(&null)).is_err());
        assert!(session_answer(true, None).is_err());
        assert!(session_answer(true, Some(&object)).unwrap().is_some());
        assert!(session_answer(false, None).unwrap().is_none());
        assert!(redirect_answer(true, Some(&undefined)).is_err());
        assert!(redirect_answer(true, Some(&null)).is_err());
        assert_eq!(redirect_answer(true, Some(&text)).unwrap(), Some("/x"));
        assert!(profile_answer(r#"{"type":"undefined"}"#).is_err());
        assert!(profile_answer(r#"{"type":"value","value":null}"#).is_err());
        assert!(profile_answer("{}").is_err());
        assert!(profile_answer(r#"{"type":"value","value":{"name":"A"}}"#).is_ok());
        // A bare value (the old shape) is not an answer.
        assert!(serde_json::from_str::<HookResult>(r#"{"signIn":true}"#).is_err());
    }

    #[test]
    fn session_hook_cannot_change_identity_but_adds_fields() {
        let verified = json!({"sub": "1", "provider": "github", "email": "a@x", "emailVerified": false, "name": "A", "image": null});
        let returned = json!({"user": {"sub": "evil", "provider": "x", "email": "ceo@x", "emailVerified": true, "name": "Ann", "role": "admin"}, "expires": "2000-01-01", "plan": "pro"});
        let (user, extra) = apply_session(&verified, &returned).unwrap();
        let user: Value = serde_json::from_str(&user).unwrap();
        assert_eq!(user["sub"], "1");
        assert_eq!(user["provider"], "github");
        assert_eq!(user["email"], "a@x");
        assert_eq!(user["emailVerified"], false);
        assert_eq!(user["name"], "Ann");
        assert_eq!(user["role"], "admin");
        assert_eq!(extra, r#""plan":"pro""#);
        assert!(apply_session(&verified, &json!("nope")).is_err());
        assert!(apply_session(&verified, &json!({"user": {"name": 5}})).is_err());
    }

    #[test]
    fn profile_function_cannot_change_an_oidc_subject() {
        let user: User = serde_json::from_value(json!({"sub": "alice", "name": null, "email": "a@x", "emailVerified": true, "image": null, "provider": "oidc"})).unwrap();
        let out = apply_profile(&user, &json!({"sub": "mallory", "name": "Al"}), true).unwrap();
        assert_eq!(out.sub, "alice");
        assert_eq!(out.name.as_deref(), Some("Al"));
        assert_eq!(out.email_verified, Some(true));
        let out = apply_profile(&user, &json!({"sub": 42, "email": "b@x"}), false).unwrap();
        assert_eq!(out.sub, "42");
        assert_eq!(
            out.email_verified,
            Some(false),
            "a changed email is unverified"
        );
        let out = apply_profile(&user, &json!({"email": null}), false).unwrap();
        assert_eq!(out.email_verified, None);
    }
}
