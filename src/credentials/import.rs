//! `api.importUser({ email, passwordHash?, name?, emailVerified? })` (SPEC §12): moves a user from
//! another system without a password reset. The hash is kept as exported (argon2 PHC, bcrypt
//! `$2a$/$2b$/$2y$`, Better Auth scrypt `salt:key`); it is only recognised here, never
//! verified, and is replaced by argon2id at the user's first sign-in. Server only.

use serde::Deserialize;

use super::normalize_email;
use super::password::Kind;
use super::store::{CredentialStore, NewUser};
use crate::error::{AuthError, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ImportInput {
    email: String,
    password_hash: Option<String>,
    name: Option<String>,
    #[serde(default)]
    email_verified: bool,
}

/// Creates the user; answers JSON `{ id }`.
pub async fn import_user(store: &dyn CredentialStore, input: &str) -> Result<String> {
    let input: ImportInput = serde_json::from_str(input).map_err(|e| {
        AuthError::new(
            "INVALID_IMPORT",
            format!("importUser expects {{ email, passwordHash?, name?, emailVerified? }}: {e}."),
        )
    })?;
    let email = normalize_email(&input.email).ok_or_else(|| {
        AuthError::new(
            "INVALID_EMAIL",
            "importUser: `email` is not a valid address.",
        )
    })?;
    if let Some(h) = &input.password_hash {
        if Kind::of(h).is_none() {
            return Err(AuthError::new(
                "INVALID_PASSWORD_HASH",
                "importUser: `passwordHash` must be argon2 (PHC), bcrypt ($2a$/$2b$/$2y$) or Better Auth scrypt (salt:key in hex).",
            ));
        }
    }
    let created = store
        .create_user(NewUser {
            email: &email,
            name: input.name.as_deref(),
            email_verified: input.email_verified,
            password_hash: input.password_hash.as_deref(),
        })
        .await?
        .ok_or_else(|| {
            AuthError::new(
                "USER_EXISTS",
                "importUser: a user with this email already exists.",
            )
        })?;
    Ok(serde_json::json!({ "id": created.id }).to_string())
}
