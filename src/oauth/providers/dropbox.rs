//! Dropbox (OAuth 2.0). The profile is an RPC-style POST without a body; `email_verified`.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const DROPBOX: Builtin = Builtin {
    id: "dropbox",
    name: "Dropbox",
    authorize: "https://www.dropbox.com/oauth2/authorize",
    token: "https://api.dropboxapi.com/oauth2/token",
    userinfo: "https://api.dropboxapi.com/2/users/get_current_account",
    userinfo_post: true,
    scopes: &["account_info.read"],
    client_auth: ClientAuth::Basic,
    params: &[("token_access_type", "offline")],
    profile: Profile {
        sub: &["account_id"],
        name: &["name.display_name"],
        image: &["profile_photo_url"],
        email_verified: &["email_verified"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
