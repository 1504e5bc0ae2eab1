//! Mapping a provider's profile JSON to the library's `User`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{AuthError, Result};

/// One or more dot paths, tried in order (`["name", "login"]` = `name ?? login`).
#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(from = "PathsInput")]
pub struct Paths(pub Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum PathsInput {
    One(String),
    Many(Vec<String>),
}

impl From<PathsInput> for Paths {
    fn from(p: PathsInput) -> Self {
        match p {
            PathsInput::One(s) => Paths(vec![s]),
            PathsInput::Many(v) => Paths(v),
        }
    }
}

impl Paths {
    pub fn of(paths: &[&str]) -> Self {
        Paths(paths.iter().map(|s| s.to_string()).collect())
    }
}

/// Which profile fields hold the user's id, name, email, image and email-verification signal.
///
/// A path is a dot path (`data.0.id`); `a+b` joins the values found with a space
/// (`first_name+last_name`); a path with `{...}` is a template whose placeholders are dot paths
/// (`https://cdn.example/{id}/{avatar}.png`), used only when every placeholder has a value.
/// The document is the provider's profile (for OpenID Connect: the verified id_token claims
/// merged with userinfo); `$token.<field>` reads the token response (never the tokens
/// themselves) and `$form.user` the JSON `user` field of a form_post callback (Apple).
#[derive(Debug, Clone)]
pub struct ProfileMap {
    pub sub: Paths,
    pub name: Paths,
    pub email: Paths,
    pub image: Paths,
    /// Flags that each say "verified" alone: `true`, `"true"` or `1`.
    pub email_verified: Paths,
    /// Flags that say "verified" only all together (Kakao's pair).
    pub verified_all: Paths,
    /// Arrays of verified addresses: the email is verified when it is listed (Entra).
    pub verified_lists: Paths,
    /// The email is verified when it was read from one of these paths (X's `confirmed_email`).
    pub verified_sources: Paths,
    /// An image URL built from several fields (Discord's avatar hash), tried after `image`.
    pub image_fn: Option<fn(&Value) -> Option<String>>,
}

/// A user's `profile` option: each field given replaces the provider's own paths.
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfileOverride {
    pub sub: Option<Paths>,
    pub name: Option<Paths>,
    pub email: Option<Paths>,
    pub image: Option<Paths>,
    pub email_verified: Option<Paths>,
}

impl ProfileMap {
    /// This map with the user's fields laid over it. A new `emailVerified` replaces every
    /// built-in verification signal (the user then says what counts).
    pub fn with(mut self, o: ProfileOverride) -> ProfileMap {
        if let Some(p) = o.sub {
            self.sub = p;
        }
        if let Some(p) = o.name {
            self.name = p;
        }
        if let Some(p) = o.email {
            self.email = p;
        }
        if let Some(p) = o.image {
            self.image = p;
            self.image_fn = None;
        }
        if let Some(p) = o.email_verified {
            self.email_verified = p;
            self.verified_all = Paths(vec![]);
            self.verified_lists = Paths(vec![]);
            self.verified_sources = Paths(vec![]);
        }
        self
    }
}

fn d_sub() -> Paths {
    Paths::of(&["sub"])
}
fn d_name() -> Paths {
    Paths::of(&["name", "preferred_username"])
}
fn d_email() -> Paths {
    Paths::of(&["email"])
}
fn d_image() -> Paths {
    Paths::of(&["picture"])
}
fn d_email_verified() -> Paths {
    Paths::of(&["email_verified"])
}

impl Default for ProfileMap {
    fn default() -> Self {
        ProfileMap {
            sub: d_sub(),
            name: d_name(),
            email: d_email(),
            image: d_image(),
            email_verified: d_email_verified(),
            verified_all: Paths(vec![]),
            verified_lists: Paths(vec![]),
            verified_sources: Paths(vec![]),
            image_fn: None,
        }
    }
}

/// Longest values kept in a session. A longer subject is refused (an identity is never cut);
/// a longer name is shortened; a longer email or image URL is dropped (a cut one would be wrong).
pub const MAX_SUB: usize = 255;
pub const MAX_NAME_CHARS: usize = 256;
pub const MAX_EMAIL: usize = 320;
pub const MAX_IMAGE: usize = 2048;

/// The signed-in user, as stored in the session and returned to JS.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub sub: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// `true` only when the provider says the email is verified; `null` without an email.
    #[serde(rename = "emailVerified", default)]
    pub email_verified: Option<bool>,
    pub image: Option<String>,
    pub provider: String,
}

pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    // A key that itself holds dots (Slack's `https://slack.com/user_image_512` claim).
    if let Some(v) = value.as_object().and_then(|m| m.get(path)) {
        return Some(v);
    }
    path.split('.').try_fold(value, |v, key| match v {
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => v.get(key),
    })
}

/// A string field (numbers become strings: GitHub's numeric `id`).
pub fn text(value: &Value, path: &str) -> Option<String> {
    match lookup(value, path)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One path entry: a dot path, a `a+b` join, or a `{path}` template.
pub fn entry_text(value: &Value, entry: &str) -> Option<String> {
    if entry.contains('{') {
        let mut out = String::new();
        let mut rest = entry;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let end = rest[start..].find('}')? + start;
            out.push_str(&text(value, &rest[start + 1..end])?);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        return Some(out);
    }
    if entry.contains('+') {
        let parts: Vec<String> = entry.split('+').filter_map(|p| text(value, p)).collect();
        return (!parts.is_empty()).then(|| parts.join(" "));
    }
    text(value, entry)
}

/// The first of `paths` that holds a string (or number).
pub fn first_text(value: &Value, paths: &Paths) -> Option<String> {
    paths.0.iter().find_map(|p| entry_text(value, p))
}

/// The path (of `paths`) the first value was read from, and the value.
fn first_text_at<'p>(value: &Value, paths: &'p Paths) -> Option<(&'p str, String)> {
    paths
        .0
        .iter()
        .find_map(|p| entry_text(value, p).map(|v| (p.as_str(), v)))
}

/// One flag in one of the forms providers use: `true`, `"true"` or `1`.
pub fn flag(value: &Value, path: &str) -> bool {
    match lookup(value, path) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        Some(Value::Number(n)) => n.as_u64() == Some(1),
        _ => false,
    }
}

/// A verification signal: any of `paths` is a true flag.
pub fn signal(value: &Value, paths: &Paths) -> bool {
    paths.0.iter().any(|p| flag(value, p))
}

impl User {
    /// Applies the size limits above.
    pub fn bounded(mut self) -> Result<User> {
        if self.sub.is_empty() || self.sub.len() > MAX_SUB {
            return Err(AuthError::new(
                "USERINFO_FAILED",
                "The provider's user id is missing or too long.",
            ));
        }
        if let Some(name) = &self.name {
            if name.chars().count() > MAX_NAME_CHARS {
                self.name = Some(name.chars().take(MAX_NAME_CHARS).collect());
            }
        }
        if self.email.as_ref().is_some_and(|e| e.len() > MAX_EMAIL) {
            self.email = None;
        }
        if self.email.is_none() {
            self.email_verified = None;
        }
        if self.image.as_ref().is_some_and(|i| i.len() > MAX_IMAGE) {
            self.image = None;
        }
        Ok(self)
    }
}

impl ProfileMap {
    /// The user described by `profile`, with `sub` given (OIDC: the verified id_token's) or
    /// read through the map (plain OAuth 2.0).
    pub fn to_user(&self, profile: &Value, sub: Option<String>, provider: &str) -> Result<User> {
        let sub = sub
            .or_else(|| first_text(profile, &self.sub))
            .ok_or_else(|| AuthError::new("USERINFO_FAILED", "The profile has no user id."))?;
        let found = first_text_at(profile, &self.email);
        let verified = found
            .as_ref()
            .map(|(source, email)| self.verified(profile, source, email));
        User {
            sub,
            name: first_text(profile, &self.name),
            email_verified: verified,
            email: found.map(|(_, e)| e),
            image: first_text(profile, &self.image)
                .or_else(|| self.image_fn.and_then(|f| f(profile))),
            provider: provider.to_string(),
        }
        .bounded()
    }

    /// Whether the provider says `email` (read from `source`) is verified (SPEC §4 rule 13).
    fn verified(&self, profile: &Value, source: &str, email: &str) -> bool {
        signal(profile, &self.email_verified)
            || (!self.verified_all.0.is_empty()
                && self.verified_all.0.iter().all(|p| flag(profile, p)))
            || self.verified_lists.0.iter().any(|p| {
                matches!(lookup(profile, p), Some(Value::Array(list))
                    if list.iter().any(|v| v.as_str() == Some(email)))
            })
            || self.verified_sources.0.iter().any(|p| p == source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_numbers_nested_paths_and_fallbacks() {
        let map = ProfileMap {
            sub: Paths::of(&["id"]),
            name: Paths::of(&["data.name", "login"]),
            ..Default::default()
        };
        let u = map
            .to_user(&json!({"id": 42, "data": {"name": "Ada"}}), None, "x")
            .unwrap();
        assert_eq!(u.sub, "42");
        assert_eq!(u.name.as_deref(), Some("Ada"));
        assert_eq!(u.email, None);
        assert_eq!(u.email_verified, None);
        let u = map
            .to_user(&json!({"id": 1, "login": "al"}), None, "x")
            .unwrap();
        assert_eq!(u.name.as_deref(), Some("al"));
        assert_eq!(
            map.to_user(&json!({"name": "no id"}), None, "x")
                .unwrap_err()
                .code,
            "USERINFO_FAILED"
        );
        let list = json!({"data": [{"id": "7"}]});
        assert_eq!(text(&list, "data.0.id").as_deref(), Some("7"));
    }

    #[test]
    fn rule13_email_verified_only_from_an_explicit_signal() {
        let map = ProfileMap::default();
        let user = |v: serde_json::Value| map.to_user(&v, None, "x").unwrap().email_verified;
        assert_eq!(
            user(json!({"sub": "1", "email": "a@x", "email_verified": true})),
            Some(true)
        );
        assert_eq!(
            user(json!({"sub": "1", "email": "a@x", "email_verified": "true"})),
            Some(true)
        );
        assert_eq!(
            user(json!({"sub": "1", "email": "a@x", "email_verified": 1})),
            Some(true)
        );
        assert_eq!(
            user(json!({"sub": "1", "email": "a@x", "email_verified": "false"})),
            Some(false)
        );
        assert_eq!(
            user(json!({"sub": "1", "email": "a@x", "email_verified": "yes"})),
            Some(false)
        );
        assert_eq!(user(json!({"sub": "1", "email": "a@x"})), Some(false));
        assert_eq!(user(json!({"sub": "1", "email_verified": true})), None);
    }

    #[test]
    fn oversized_profile_fields_are_cut_deliberately() {
        let map = ProfileMap::default();
        let long = "x".repeat(5000);
        let u = map
            .to_user(
                &json!({"sub": "1", "name": long, "email": format!("{long}@x"), "picture": format!("https://x/{long}")}),
                None,
                "x",
            )
            .unwrap();
        assert_eq!(u.name.unwrap().chars().count(), MAX_NAME_CHARS);
        assert_eq!(u.email, None);
        assert_eq!(u.email_verified, None);
        assert_eq!(u.image, None);
        assert!(map.to_user(&json!({"sub": long}), None, "x").is_err());
    }
}
