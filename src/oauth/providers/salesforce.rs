//! Salesforce (OpenID Connect) on login.salesforce.com; a sandbox or My Domain sets the
//! URLs and issuer on the provider object. PKCE required.

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const SALESFORCE: Builtin = Builtin {
    id: "salesforce",
    name: "Salesforce",
    issuer: "https://login.salesforce.com",
    authorize: "https://login.salesforce.com/services/oauth2/authorize",
    token: "https://login.salesforce.com/services/oauth2/token",
    jwks: "https://login.salesforce.com/id/keys",
    client_auth: ClientAuth::Basic,
    pkce: Pkce::Required,
    profile: Profile {
        image: &["picture", "photos.picture", "photos.thumbnail"],
        ..Profile::OIDC
    },
    revocation: "https://login.salesforce.com/services/oauth2/revoke",
    ..Builtin::OIDC
};
