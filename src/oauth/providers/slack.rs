//! Sign in with Slack (OpenID Connect). `openid` is mandatory. No PKCE: Slack takes it only from apps switched to public clients (one-way; docs.slack.dev "Using PKCE").

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const SLACK: Builtin = Builtin {
    id: "slack",
    name: "Slack",
    issuer: "https://slack.com",
    authorize: "https://slack.com/openid/connect/authorize",
    token: "https://slack.com/api/openid.connect.token",
    userinfo: "https://slack.com/api/openid.connect.userInfo",
    jwks: "https://slack.com/openid/connect/keys",
    client_auth: ClientAuth::Post,
    pkce: Pkce::NotSent,
    profile: Profile {
        image: &["picture", "https://slack.com/user_image_512"],
        ..Profile::OIDC
    },
    ..Builtin::OIDC
};
