//! Microsoft Entra ID (OpenID Connect), templated by `tenant` (default `common`). For
//! `common`, `organizations` and `consumers` the issuer holds `{tenantid}`, checked against the
//! id_token's `tid` (and the tenant restriction). The plain `email` claim is not a verification
//! signal; `email_verified`, `xms_edov` or a listed verified address is.

use super::builtin::{Builtin, Profile, Template};
use super::{ClientAuth, Pkce};

pub const MICROSOFT_ENTRA_ID: Builtin = Builtin {
    id: "microsoft-entra-id",
    name: "Microsoft Entra ID",
    template: Template::Tenant,
    issuer: "https://login.microsoftonline.com/{issuer_tenant}/v2.0",
    authorize: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
    token: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
    jwks: "https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys",
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    profile: Profile {
        name: &["name", "given_name+family_name"],
        image: &[],
        email_verified: &["email_verified", "xms_edov"],
        verified_lists: &["verified_primary_email", "verified_secondary_email"],
        ..Profile::OIDC
    },
    end_session: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/logout",
    ..Builtin::OIDC
};
