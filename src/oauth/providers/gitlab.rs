//! GitLab (OAuth 2.0; gitlab.com by default, every URL can point at a self-managed instance).
//! No verification signal in `/user`.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const GITLAB: Builtin = Builtin {
    id: "gitlab",
    name: "GitLab",
    authorize: "https://gitlab.com/oauth/authorize",
    token: "https://gitlab.com/oauth/token",
    userinfo: "https://gitlab.com/api/v4/user",
    scopes: &["read_user"],
    client_auth: ClientAuth::Basic,
    profile: Profile {
        name: &["name", "username"],
        ..Profile::REST
    },
    revocation: "https://gitlab.com/oauth/revoke",
    ..Builtin::OAUTH2
};
