//! Bitbucket Cloud (OAuth 2.0). `/2.0/user` has no email: it comes from `/2.0/user/emails`,
//! confirmed addresses only.

use super::builtin::{Builtin, Emails, Profile};
use super::ClientAuth;

pub const BITBUCKET: Builtin = Builtin {
    id: "bitbucket",
    name: "Bitbucket",
    authorize: "https://bitbucket.org/site/oauth2/authorize",
    token: "https://bitbucket.org/site/oauth2/access_token",
    userinfo: "https://api.bitbucket.org/2.0/user",
    scopes: &["account", "email"],
    client_auth: ClientAuth::Basic,
    emails: Some(Emails {
        url: "https://api.bitbucket.org/2.0/user/emails",
        list: "values",
        email: "email",
        primary: "is_primary",
        verified: "is_confirmed",
        only_verified: true,
    }),
    profile: Profile {
        sub: &["uuid", "account_id"],
        name: &["display_name", "nickname"],
        email: &[],
        image: &["links.avatar.href"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
