//! X / Twitter (OAuth 2.0 user context). PKCE required; the profile is wrapped in `data`;
//! `confirmed_email` (scope `users.email`) is the verified address. `x` is an alias.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const TWITTER: Builtin = Builtin {
    id: "twitter",
    name: "Twitter",
    authorize: "https://x.com/i/oauth2/authorize",
    token: "https://api.x.com/2/oauth2/token",
    userinfo: "https://api.x.com/2/users/me?user.fields=profile_image_url,confirmed_email",
    scopes: &["users.read", "tweet.read", "offline.access", "users.email"],
    client_auth: ClientAuth::Basic,
    pkce: Pkce::Required,
    profile: Profile {
        sub: &["data.id"],
        name: &["data.name", "data.username"],
        email: &["data.confirmed_email"],
        image: &["data.profile_image_url"],
        verified_sources: &["data.confirmed_email"],
        ..Profile::REST
    },
    revocation: "https://api.twitter.com/2/oauth2/revoke",
    ..Builtin::OAUTH2
};

pub const X: Builtin = Builtin {
    id: "x",
    name: "X",
    ..TWITTER
};
