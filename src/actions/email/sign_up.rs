//! `POST signUp/email { email, password, name?, redirectTo? }` and `GET verify-email?token=`.
//!
//! No enumeration (SPEC §12): an address already in use gets the same answer as a new one (the
//! password is hashed either way, so the time matches too) and its owner gets an `email-in-use`
//! mail instead. A new account is unverified; it gets a `verify-email` link (24 h, single use).
//! With `requireEmailVerification` the answer carries no session until the address is verified;
//! without it a new account is signed in at once (so only there the presence of a session tells
//! a new address from a used one; see docs/email-password.md).

use serde::Serialize;

use super::{blocking, endpoint, link, mail, refuse, signed_in, target_of, Ask, Env, Refusal};
use crate::credentials::email::Kind;
use crate::credentials::store::NewUser;
use crate::credentials::tokens::{lookup_hash, Purpose};
use crate::credentials::{normalize_email, password};
use crate::http::response::Response;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Pending<'a> {
    ok: bool,
    url: &'a str,
    verification_required: bool,
}

pub async fn run(env: &Env<'_>, ask: &Ask) -> Result<Response, Refusal> {
    let email = normalize_email(ask.get("email"))
        .ok_or_else(|| refuse(400, "INVALID_EMAIL", "Enter a valid email address."))?;
    let pw = ask.get("password").to_string();
    password::check_length(&pw, env.settings.min_password_length)?;
    let name = Some(ask.get("name").trim())
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(200).collect::<String>());
    let target = ask.target(env);
    let hasher = env.settings.hasher.clone();
    // Hashed before the lookup, whatever it finds: a used address costs the same time.
    let hash = blocking(move || hasher.hash(&pw)).await??;
    let existing = env.store.user_by_email(&email).await?;
    let created = match existing {
        Some(_) => None,
        None => {
            env.store
                .create_user(NewUser {
                    email: &email,
                    name: name.as_deref(),
                    email_verified: false,
                    password_hash: Some(&hash),
                })
                .await?
        }
    };
    let verify_url = endpoint(env, "verify-email");
    let Some(user) = created else {
        // In use (or taken by a racing sign-up): tell the owner, answer as for a new address.
        let sign_in = env
            .auth
            .config
            .sign_in_page
            .clone()
            .unwrap_or_else(|| "/".into());
        let resp = pending(env, ask, &target);
        return Ok(mail(
            env,
            resp,
            Kind::EmailInUse,
            &email,
            &env.ctx.absolute(&sign_in),
        ));
    };
    let url = link(
        env,
        Purpose::VerifyEmail,
        &email,
        &verify_url,
        Some(&target),
    )
    .await?;
    let resp = if env.settings.require_email_verification {
        pending(env, ask, &target)
    } else {
        signed_in(env, &user, "credentials", &target, ask.form_post, true).await?
    };
    // `createUser`, as for a user an OAuth sign-in creates (SPEC §11); not for an address in use.
    let resp = super::hooks::with_created_user(env, resp, &user.id).await;
    Ok(mail(env, resp, Kind::VerifyEmail, &email, &url))
}

/// The answer of a sign-up that does not sign in (verification pending, or an address in use).
fn pending(env: &Env, ask: &Ask, target: &str) -> Response {
    if ask.form_post {
        return Response::redirect(target);
    }
    Response::json(
        200,
        &Pending {
            ok: true,
            url: target,
            verification_required: env.settings.require_email_verification,
        },
    )
}

/// `GET verify-email?token=&redirectTo=`: marks the address verified (the token is spent) and
/// sends the browser on to `redirectTo` (checked, rule 4). A used, expired or unknown token
/// lands on the error page with `INVALID_TOKEN`.
pub async fn verify(env: &Env<'_>) -> Response {
    let target = target_of(env, env.ctx.query("redirectTo").as_deref());
    match verified(env).await {
        Ok(true) => Response::redirect(&target),
        Ok(false) => super::error_redirect(env.auth, env.ctx, "INVALID_TOKEN", false),
        Err(e) => {
            super::error_redirect(env.auth, env.ctx, e.code, false).with_provider_log(&e, None)
        }
    }
}

async fn verified(env: &Env<'_>) -> crate::error::Result<bool> {
    let token = env.ctx.query("token").unwrap_or_default();
    let Some(hash) = lookup_hash(Purpose::VerifyEmail, &token) else {
        return Ok(false);
    };
    let now = crate::clock::now();
    let Some(email) = env
        .store
        .take_token(Purpose::VerifyEmail.as_str(), &hash, now)
        .await?
    else {
        return Ok(false);
    };
    match env.store.user_by_email(&email).await? {
        Some(user) => {
            env.store.set_email_verified(&user.id).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}
