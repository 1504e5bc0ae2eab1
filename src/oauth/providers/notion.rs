//! Notion (OAuth 2.0, public integrations). `owner=user` on the authorize URL, a
//! `Notion-Version` header on every call; the user is `bot.owner.user`. No scopes.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const NOTION: Builtin = Builtin {
    id: "notion",
    name: "Notion",
    authorize: "https://api.notion.com/v1/oauth/authorize",
    token: "https://api.notion.com/v1/oauth/token",
    userinfo: "https://api.notion.com/v1/users/me",
    client_auth: ClientAuth::Basic,
    pkce: Pkce::Supported,
    params: &[("owner", "user")],
    headers: &[("Notion-Version", "2022-06-28")],
    profile: Profile {
        sub: &["bot.owner.user.id"],
        name: &["bot.owner.user.name"],
        email: &["bot.owner.user.person.email"],
        image: &["bot.owner.user.avatar_url"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
