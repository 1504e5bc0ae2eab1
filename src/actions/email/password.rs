//! `POST password/forgot { email, redirectTo? }`, `POST password/reset { token, password }`,
//! `POST password/change { currentPassword, newPassword }` (signed in).
//!
//! Forgot always answers 200 (SPEC §12); only an existing account gets a `reset-password` link
//! (1 h, single use) to `credentials.resetPasswordPage` (or the checked `redirectTo`). A reset
//! proves the address, so it also marks it verified. Reset and change end every other session
//! of the user (a reset has no session of its own to keep).

use super::{blocking, current_user, link, mail, refuse, Ask, Env, Refusal};
use crate::credentials::email::Kind;
use crate::credentials::normalize_email;
use crate::credentials::password::{self, Verified};
use crate::credentials::tokens::{lookup_hash, Purpose};
use crate::http::response::Response;

pub async fn forgot(env: &Env<'_>, ask: &Ask) -> Result<Response, Refusal> {
    let resp = ask.ok("/");
    let Some(email) = normalize_email(ask.get("email")) else {
        return Ok(resp);
    };
    if env.store.user_by_email(&email).await?.is_none() {
        return Ok(resp);
    }
    let page = match ask.get("redirectTo") {
        "" => env.settings.reset_password_page.clone(),
        _ => ask.target(env),
    };
    let url = link(env, Purpose::ResetPassword, &email, &page, None).await?;
    Ok(mail(env, resp, Kind::ResetPassword, &email, &url))
}

pub async fn reset(env: &Env<'_>, ask: &Ask) -> Result<Response, Refusal> {
    let pw = ask.get("password").to_string();
    // The length rule first: a too-short password does not spend the token.
    password::check_length(&pw, env.settings.min_password_length)?;
    let bad = || {
        refuse(
            400,
            "INVALID_TOKEN",
            "This link is invalid, used or expired. Ask for a new one.",
        )
    };
    let hash = lookup_hash(Purpose::ResetPassword, ask.get("token")).ok_or_else(bad)?;
    let now = crate::clock::now();
    let email = env
        .store
        .take_token(Purpose::ResetPassword.as_str(), &hash, now)
        .await?
        .ok_or_else(bad)?;
    let user = env.store.user_by_email(&email).await?.ok_or_else(bad)?;
    let hasher = env.settings.hasher.clone();
    let fresh = blocking(move || hasher.hash(&pw)).await??;
    // A first password (an OAuth or magic-link user) is a new way to sign in: `linkAccount`.
    let first = env.store.password_hash(&user.id).await?.is_none();
    env.store.set_password_hash(&user.id, &fresh).await?;
    if !user.email_verified {
        env.store.set_email_verified(&user.id).await?;
    }
    env.store.revoke_sessions_except(&user.id, None).await?;
    let resp = ask.ok("/");
    Ok(if first {
        super::hooks::with_linked_password(env, resp, &user.id)
    } else {
        resp
    })
}

pub async fn change(env: &Env<'_>, ask: &Ask) -> Result<Response, Refusal> {
    let (user_id, session_id) = current_user(env)
        .ok_or_else(|| refuse(401, "UNAUTHENTICATED", "Sign in to change your password."))?;
    let current = ask.get("currentPassword").to_string();
    let next = ask.get("newPassword").to_string();
    password::check_length(&next, env.settings.min_password_length)?;
    let invalid = || {
        refuse(
            401,
            "INVALID_CREDENTIALS",
            "The current password is not correct.",
        )
    };
    if current.len() > password::MAX_PASSWORD_BYTES {
        return Err(invalid());
    }
    let stored = env.store.password_hash(&user_id).await?;
    let hasher = env.settings.hasher.clone();
    let fresh = blocking(move || match stored {
        Some(s) if hasher.verify(&current, &s) != Verified::No => hasher.hash(&next).map(Some),
        Some(_) => Ok(None),
        None => {
            hasher.verify_dummy(&current);
            Ok(None)
        }
    })
    .await??
    .ok_or_else(invalid)?;
    env.store.set_password_hash(&user_id, &fresh).await?;
    env.store
        .revoke_sessions_except(&user_id, session_id.as_deref())
        .await?;
    Ok(ask.ok("/"))
}
