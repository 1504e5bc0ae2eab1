//! Mapping a provider's profile JSON to the library's `User`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which profile fields hold the user's id, name, email and image (dotted paths allowed).
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct ProfileMap {
    #[serde(default = "d_sub")]
    pub sub: String,
    #[serde(default = "d_name")]
    pub name: String,
    #[serde(default = "d_email")]
    pub email: String,
    #[serde(default = "d_image")]
    pub image: String,
}

fn d_sub() -> String {
    "sub".into()
}
fn d_name() -> String {
    "name".into()
}
fn d_email() -> String {
    "email".into()
}
fn d_image() -> String {
    "picture".into()
}

impl Default for ProfileMap {
    fn default() -> Self {
        ProfileMap {
            sub: d_sub(),
            name: d_name(),
            email: d_email(),
            image: d_image(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum ProfileStyle {
    /// `/user` (+ `/user/emails` when the address is private).
    GitHub,
    /// Standard claims from the id_token, completed by userinfo.
    Oidc,
    Mapped(ProfileMap),
}

/// The signed-in user, as stored in the session and returned to JS.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub sub: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub image: Option<String>,
    pub provider: String,
}

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// A string field (numbers become strings: GitHub's numeric `id`).
pub fn text(value: &Value, path: &str) -> Option<String> {
    match lookup(value, path)? {
        Value::String(s) if !s.is_empty() => Some(s.chars().take(2048).collect()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl ProfileMap {
    pub fn to_user(&self, profile: &Value, provider: &str) -> Option<User> {
        Some(User {
            sub: text(profile, &self.sub)?,
            name: text(profile, &self.name),
            email: text(profile, &self.email),
            image: text(profile, &self.image),
            provider: provider.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_numbers_and_nested_paths() {
        let map = ProfileMap {
            sub: "id".into(),
            name: "data.name".into(),
            ..Default::default()
        };
        let u = map
            .to_user(&serde_json::json!({"id": 42, "data": {"name": "Ada"}}), "x")
            .unwrap();
        assert_eq!(u.sub, "42");
        assert_eq!(u.name.as_deref(), Some("Ada"));
        assert_eq!(u.email, None);
        assert!(map
            .to_user(&serde_json::json!({"name": "no id"}), "x")
            .is_none());
    }
}
