//! `POST signIn/email { email, password, redirectTo? }`.
//!
//! No enumeration (SPEC §12): an unknown address and a wrong password both answer 401
//! `INVALID_CREDENTIALS`, and both cost one argon2id verification (a dummy hash for the unknown
//! address), run on a worker thread. A match on a weaker or imported hash stores a fresh argon2id
//! hash. With `requireEmailVerification`, the right password on an unverified address answers
//! 403 `EMAIL_NOT_VERIFIED` and mails a new link.

use super::{blocking, endpoint, link, mail, refuse, signed_in, Ask, Env, Refusal};
use crate::credentials::email::Kind;
use crate::credentials::normalize_email;
use crate::credentials::password::{Verified, MAX_PASSWORD_BYTES};
use crate::credentials::tokens::Purpose;
use crate::http::response::Response;

fn invalid() -> Refusal {
    refuse(
        401,
        "INVALID_CREDENTIALS",
        "The email or password is not correct.",
    )
}

pub async fn run(env: &Env<'_>, ask: &Ask) -> Result<Response, Refusal> {
    let pw = ask.get("password").to_string();
    let email = normalize_email(ask.get("email"));
    if pw.is_empty() || pw.len() > MAX_PASSWORD_BYTES {
        return Err(invalid());
    }
    // One read: the user and their hash together.
    let found = match &email {
        Some(e) => env
            .store
            .user_and_password_by_email(e)
            .await?
            .and_then(|(user, hash)| hash.map(|h| (user, h))),
        None => None,
    };
    let hasher = env.settings.hasher.clone();
    let Some((user, stored)) = found else {
        // Same work as a wrong password: one verification at today's parameters.
        blocking(move || hasher.verify_dummy(&pw)).await?;
        return Err(invalid());
    };
    let (verdict, fresh) = blocking(move || {
        let v = hasher.verify(&pw, &stored);
        let fresh = (v == Verified::Rehash)
            .then(|| hasher.hash(&pw).ok())
            .flatten();
        (v, fresh)
    })
    .await?;
    if !verdict.ok() {
        return Err(invalid());
    }
    if let Some(h) = fresh {
        env.store.set_password_hash(&user.id, &h).await?;
    }
    let target = ask.target(env);
    if env.settings.require_email_verification && !user.email_verified {
        let email = user.email.clone().unwrap_or_default();
        let url = link(
            env,
            Purpose::VerifyEmail,
            &email,
            &endpoint(env, "verify-email"),
            Some(&target),
        )
        .await?;
        let e = crate::error::AuthError::new(
            "EMAIL_NOT_VERIFIED",
            "Verify your email address first: a new link is on its way.",
        );
        let resp = if ask.form_post {
            super::error_redirect(env.auth, env.ctx, e.code, false)
        } else {
            Response::error(403, e.code, &e.message)
        };
        return Ok(mail(env, resp, Kind::VerifyEmail, &email, &url));
    }
    Ok(signed_in(env, &user, "credentials", &target, ask.form_post, false).await?)
}
