//! Coinbase (OAuth 2.0). The user is wrapped in `data`. No verification flag.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const COINBASE: Builtin = Builtin {
    id: "coinbase",
    name: "Coinbase",
    authorize: "https://login.coinbase.com/oauth2/auth",
    token: "https://login.coinbase.com/oauth2/token",
    userinfo: "https://api.coinbase.com/v2/user",
    scopes: &["wallet:user:read", "wallet:user:email"],
    client_auth: ClientAuth::Post,
    profile: Profile {
        sub: &["data.id"],
        name: &["data.name"],
        email: &["data.email"],
        image: &["data.avatar_url"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
