//! The app's hooks (SPEC §8) run in JS, beside the app's code. The core hands the verified
//! identity over and applies what the hooks return, under its own rules: a sign-in or session
//! update waiting for hooks is a sealed *ticket* (its own purpose key, 60 s, never sent to a
//! browser) holding what the core verified; the JS layer passes it back with the hooks' results,
//! and the core opens it again. So the subject, provider, email and its verification come from the
//! provider whatever a hook returns, redirects still pass the redirect rule, and sizes stay
//! bounded. Reads (`getSession`, `GET /session`) never involve hooks.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::clock;
use crate::config::Config;
use crate::error::{AuthError, Result};
use crate::oauth::account::Account;
use crate::oauth::providers::profile::User;
use crate::seal::crypto::{associated_data, Purpose};

/// The user fields that come from the provider only: a hook's copy of them is ignored.
const IDENTITY: &[&str] = &["id", "sub", "provider", "email", "emailVerified"];

const TICKET_TTL: u64 = 60;

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
    /// Sign-in with a database: the signed-in user a `link: true` sign-in joins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_user: Option<String>,
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
    pub fn new(kind: TicketKind, provider: &str, user: Value) -> Self {
        Ticket {
            kind,
            provider: provider.to_string(),
            user,
            extra_json: String::new(),
            auth_time: 0,
            account: None,
            oidc: false,
            target: String::new(),
            link_user: None,
            exp: clock::now() + TICKET_TTL,
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

/// What the hooks returned, as the JS layer reports it.
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct HookResult {
    /// A hook threw, rejected or timed out.
    #[serde(default)]
    pub error: bool,
    /// `callbacks.signIn`: `true`, `false`, or a path/URL to go to instead.
    pub sign_in: Option<Value>,
    /// `callbacks.session`: the session to seal.
    pub session: Option<Value>,
    /// `callbacks.redirect`: where to go after sign-in (still checked).
    pub redirect: Option<Value>,
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
