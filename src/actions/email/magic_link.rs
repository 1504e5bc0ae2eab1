//! `POST signIn/magic-link { email, redirectTo? }` and `GET magic-link?token=&redirectTo=`.
//!
//! The request always answers 200 and always mails a link (15 min, single use), whether or not
//! the address has an account: nothing to enumerate. Following the link proves the address: it
//! signs in its user, creating one (verified) on first use, and marks it verified.

use super::{endpoint, link, mail, signed_in, target_of, Ask, Env, Refusal};
use crate::credentials::email::Kind;
use crate::credentials::normalize_email;
use crate::credentials::store::NewUser;
use crate::credentials::tokens::{lookup_hash, Purpose};
use crate::error::{AuthError, Result};
use crate::http::response::Response;

pub async fn request(env: &Env<'_>, ask: &Ask) -> Result<Response, Refusal> {
    let target = ask.target(env);
    let resp = ask.ok(&target);
    let Some(email) = normalize_email(ask.get("email")) else {
        return Ok(resp);
    };
    let url = link(
        env,
        Purpose::MagicLink,
        &email,
        &endpoint(env, "magic-link"),
        Some(&target),
    )
    .await?;
    Ok(mail(env, resp, Kind::MagicLink, &email, &url))
}

pub async fn consume(env: &Env<'_>) -> Response {
    let target = target_of(env, env.ctx.query("redirectTo").as_deref());
    match sign_in(env, &target).await {
        Ok(resp) => resp,
        Err(e) => {
            super::error_redirect(env.auth, env.ctx, e.code, false).with_provider_log(&e, None)
        }
    }
}

async fn sign_in(env: &Env<'_>, target: &str) -> Result<Response> {
    let bad = || AuthError::new("INVALID_TOKEN", "This link is invalid, used or expired.");
    let token = env.ctx.query("token").unwrap_or_default();
    let hash = lookup_hash(Purpose::MagicLink, &token).ok_or_else(bad)?;
    let now = crate::clock::now();
    let email = env
        .store
        .take_token(Purpose::MagicLink.as_str(), &hash, now)
        .await?
        .ok_or_else(bad)?;
    let existing = env.store.user_by_email(&email).await?;
    let is_new = existing.is_none();
    let user = match existing {
        Some(u) => u,
        None => env
            .store
            .create_user(NewUser {
                email: &email,
                name: None,
                email_verified: true,
                password_hash: None,
            })
            .await?
            .ok_or_else(bad)?,
    };
    if !user.email_verified {
        env.store.set_email_verified(&user.id).await?;
    }
    let user = crate::credentials::store::UserRecord {
        email_verified: true,
        ..user
    };
    let resp = signed_in(env, &user, "magic-link", target, true, is_new).await?;
    Ok(if is_new {
        super::hooks::with_created_user(env, resp, &user.id).await
    } else {
        resp
    })
}
