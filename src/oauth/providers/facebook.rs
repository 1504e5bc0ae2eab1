//! Facebook (Graph API, OAuth 2.0). Some accounts have no email; none is verified.

use super::builtin::{Builtin, Profile};
use super::ClientAuth;

pub const FACEBOOK: Builtin = Builtin {
    id: "facebook",
    name: "Facebook",
    authorize: "https://www.facebook.com/v24.0/dialog/oauth",
    token: "https://graph.facebook.com/v24.0/oauth/access_token",
    userinfo: "https://graph.facebook.com/me?fields=id,name,email,picture",
    scopes: &["email", "public_profile"],
    client_auth: ClientAuth::Post,
    profile: Profile {
        image: &["picture.data.url"],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
