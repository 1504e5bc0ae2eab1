//! Threads (OAuth 2.0, Meta). No email; https redirect URIs only; PKCE is sent.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const THREADS: Builtin = Builtin {
    id: "threads",
    name: "Threads",
    authorize: "https://threads.net/oauth/authorize",
    token: "https://graph.threads.net/oauth/access_token",
    userinfo: "https://graph.threads.net/v1.0/me?fields=id,username,threads_profile_picture_url",
    scopes: &["threads_basic"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    profile: Profile {
        name: &["username"],
        email: &[],
        image: &["threads_profile_picture_url"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
