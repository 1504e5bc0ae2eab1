//! Discord (OAuth 2.0). The image is built from the avatar hash; `verified` = email verified.
//! PKCE only for public clients.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

use serde_json::Value;

use super::profile::text;
pub const DISCORD: Builtin = Builtin {
    id: "discord",
    name: "Discord",
    authorize: "https://discord.com/oauth2/authorize",
    token: "https://discord.com/api/oauth2/token",
    userinfo: "https://discord.com/api/users/@me",
    scopes: &["identify", "email"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::PublicClientsOnly,
    profile: Profile {
        name: &["global_name", "username"],
        image: &[],
        email_verified: &["verified"],
        image_fn: Some(avatar),
        ..Profile::REST
    },
    revocation: "https://discord.com/api/oauth2/token/revoke",
    ..Builtin::OAUTH2
};

/// `cdn.discordapp.com/avatars/{id}/{hash}.{gif|png}`, or the default avatar for the user.
fn avatar(p: &Value) -> Option<String> {
    let id = text(p, "id")?;
    if let Some(hash) = text(p, "avatar") {
        let ext = if hash.starts_with("a_") { "gif" } else { "png" };
        return Some(format!(
            "https://cdn.discordapp.com/avatars/{id}/{hash}.{ext}"
        ));
    }
    let n = match text(p, "discriminator").as_deref() {
        None | Some("0") => id.parse::<u64>().ok()? >> 22,
        Some(d) => d.parse::<u64>().ok()?,
    } % if text(p, "discriminator").is_none_or(|d| d == "0") {
        6
    } else {
        5
    };
    Some(format!("https://cdn.discordapp.com/embed/avatars/{n}.png"))
}
