//! Yandex ID (OAuth 2.0). The info endpoint takes `Authorization: OAuth <token>`; the image is
//! built from `default_avatar_id`. No verification flag.

use super::builtin::{Builtin, Profile, TokenIn};
use super::ClientAuth;

use serde_json::Value;

use super::profile::{flag, text};
pub const YANDEX: Builtin = Builtin {
    id: "yandex",
    name: "Yandex",
    authorize: "https://oauth.yandex.com/authorize",
    token: "https://oauth.yandex.com/token",
    userinfo: "https://login.yandex.ru/info?format=json",
    token_in: TokenIn::Scheme("OAuth"),
    scopes: &["login:info", "login:email", "login:avatar"],
    client_auth: ClientAuth::Basic,
    profile: Profile {
        name: &["display_name", "real_name", "first_name", "login"],
        email: &["default_email", "emails.0"],
        image: &[],
        image_fn: Some(avatar),
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};

fn avatar(p: &Value) -> Option<String> {
    if flag(p, "is_avatar_empty") {
        return None;
    }
    let id = text(p, "default_avatar_id")?;
    Some(format!(
        "https://avatars.yandex.net/get-yapic/{id}/islands-200"
    ))
}
