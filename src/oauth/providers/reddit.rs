//! Reddit (OAuth 2.0). No email; HTTP Basic required; `duration=permanent` for a refresh
//! token; the icon URL's query string is cut off; PKCE is sent.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

use serde_json::Value;

use super::profile::text;
pub const REDDIT: Builtin = Builtin {
    id: "reddit",
    name: "Reddit",
    authorize: "https://www.reddit.com/api/v1/authorize",
    token: "https://www.reddit.com/api/v1/access_token",
    userinfo: "https://oauth.reddit.com/api/v1/me",
    scopes: &["identity"],
    client_auth: ClientAuth::Basic,
    pkce: Pkce::Supported,
    params: &[("duration", "permanent")],
    profile: Profile {
        email: &[],
        image: &[],
        image_fn: Some(icon),
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};

/// `icon_img` without its (HTML-escaped) query string.
fn icon(p: &Value) -> Option<String> {
    let url = text(p, "icon_img")?;
    Some(url.split('?').next().unwrap_or_default().to_string())
}
