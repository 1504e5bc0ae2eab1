//! Patreon (OAuth 2.0, API v2). The identity call must list the attributes it wants;
//! `is_email_verified` is the verification flag.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const PATREON: Builtin = Builtin {
    id: "patreon",
    name: "Patreon",
    authorize: "https://www.patreon.com/oauth2/authorize",
    token: "https://www.patreon.com/api/oauth2/token",
    userinfo: "https://www.patreon.com/api/oauth2/v2/identity?fields%5Buser%5D=email,full_name,image_url,is_email_verified",
    scopes: &["identity", "identity[email]"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    profile: Profile {
        sub: &["data.id"],
        name: &["data.attributes.full_name"],
        email: &["data.attributes.email"],
        image: &["data.attributes.image_url"],
        email_verified: &["data.attributes.is_email_verified"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
