//! TikTok Login Kit (OAuth 2.0). `client_key` names the client in the authorize URL and the
//! token request; scopes are comma-separated; the user-info call must list its `fields`. No email.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const TIKTOK: Builtin = Builtin {
    id: "tiktok",
    name: "TikTok",
    authorize: "https://www.tiktok.com/v2/auth/authorize/",
    token: "https://open.tiktokapis.com/v2/oauth/token/",
    userinfo: "https://open.tiktokapis.com/v2/user/info/?fields=open_id,avatar_url,display_name",
    scopes: &["user.info.basic"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    client_id_param: "client_key",
    profile: Profile {
        sub: &["data.user.open_id"],
        name: &["data.user.display_name"],
        email: &[],
        image: &["data.user.avatar_url"],
        ..Profile::REST
    },
    revocation: "https://open.tiktokapis.com/v2/oauth/revoke/",
    ..Builtin::OAUTH2
};
