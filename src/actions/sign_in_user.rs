//! Who signs in, with a database (SPEC §11): the account `(provider, providerAccountId)` finds
//! its user; otherwise the account joins the signed-in user (`signIn(provider, { link: true })`),
//! or the user with the same email when that is safe (the provider says the email is verified,
//! and the provider is trusted or the user's email is verified), or a new user. Anything else is
//! `ACCOUNT_NOT_LINKED`. Then a session row, whose reference the cookie carries.
//!
//! Shared by every way to sign in (OAuth here; email/password and passkeys call
//! [`start_session`]). Must never: link by an unverified email, or leave the browser's previous
//! session row alive after a new sign-in replaced its cookie.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::Auth;
use crate::error::{AuthError, Result};
use crate::http::context::Context;
use crate::http::request::Request;
use crate::oauth::providers::profile::User;
use crate::session::{self, SessionHandle};
use crate::store::sessions::{NewSession, Revoke};
use crate::store::users::{NewAccount, NewUser};
use crate::store::Store;

/// What a sign-in will do, decided before the app's hooks run (they get `isNewUser` and the
/// user's id) and decided again when it is carried out (the answer may have changed meanwhile).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub user_id: String,
    pub is_new_user: bool,
    /// The account is not linked yet: a new accounts row.
    pub new_account: bool,
    /// The id of the account row when it exists already (not part of the hooks' ticket: the
    /// plan is decided again when it is carried out).
    #[serde(skip)]
    pub account_id: Option<String>,
}

/// The verified identity a sign-in presents.
pub struct Identity<'a> {
    pub provider: &'a str,
    /// `oidc`, `oauth` (or `credentials`, `passkey` from other capabilities).
    pub kind: &'a str,
    pub user: &'a User,
    /// The provider's tokens, stored (sealed) in the account row when the provider keeps them.
    pub tokens: Option<&'a crate::oauth::account::Account>,
}

fn not_linked() -> AuthError {
    AuthError::new(
        "ACCOUNT_NOT_LINKED",
        "Another user already has this email, and linking it automatically would not be safe. Sign in the way you did before, then link this account from there.",
    )
}

/// Decides who signs in (reads only).
pub async fn plan(
    auth: &Auth,
    store: &Store,
    who: &Identity<'_>,
    link_user: Option<&str>,
) -> Result<Plan> {
    plan_with(auth, store, who, link_user, None).await
}

/// [`plan`], giving a new user `new_user_id` (the id the app's hooks were told).
async fn plan_with(
    auth: &Auth,
    store: &Store,
    who: &Identity<'_>,
    link_user: Option<&str>,
    new_user_id: Option<&str>,
) -> Result<Plan> {
    let existing = store.account(who.provider, &who.user.sub).await?;
    if let Some(account) = existing {
        if link_user.is_some_and(|u| u != account.user_id) {
            return Err(AuthError::new(
                "ACCOUNT_ALREADY_LINKED",
                "This account already belongs to another user.",
            ));
        }
        return Ok(Plan {
            user_id: account.user_id,
            is_new_user: false,
            new_account: false,
            account_id: Some(account.id),
        });
    }
    if let Some(user_id) = link_user {
        if store.user(user_id).await?.is_none() {
            return Err(AuthError::new(
                "UNAUTHENTICATED",
                "The signed-in user no longer exists.",
            ));
        }
        return Ok(Plan {
            user_id: user_id.to_string(),
            is_new_user: false,
            new_account: true,
            account_id: None,
        });
    }
    if let Some(email) = who.user.email.as_deref().filter(|e| !e.trim().is_empty()) {
        if let Some(owner) = store.user_by_email(email).await? {
            let provider_verified = who.user.email_verified == Some(true);
            let trusted = auth
                .config
                .trusted_providers
                .iter()
                .any(|p| p == who.provider);
            if provider_verified && (trusted || owner.email_verified) {
                return Ok(Plan {
                    user_id: owner.id,
                    is_new_user: false,
                    new_account: true,
                    account_id: None,
                });
            }
            return Err(not_linked());
        }
    }
    Ok(Plan {
        user_id: new_user_id
            .filter(|id| crate::store::revocations::key_of(id).is_some())
            .map_or_else(crate::store::new_id, str::to_string),
        is_new_user: true,
        new_account: true,
        account_id: None,
    })
}

/// What carrying out a sign-in produced.
pub struct Done {
    pub plan: Plan,
    pub handle: SessionHandle,
    /// `createUser`, `linkAccount`, for the app's `events`.
    pub events: Vec<(&'static str, Value)>,
}

/// Carries out the plan (decided again now) and starts the session. A race with another
/// sign-in of the same person (the account or email appeared meanwhile) is decided once more.
pub async fn commit(
    auth: &Auth,
    store: &Store,
    ctx: &Context<'_>,
    req: &Request,
    who: &Identity<'_>,
    link_user: Option<&str>,
    new_user_id: Option<&str>,
) -> Result<Done> {
    let mut attempt = 0;
    let (plan, events, account_id) = loop {
        let plan = plan_with(auth, store, who, link_user, new_user_id).await?;
        match apply(store, who, &plan).await {
            Ok((events, linked)) => {
                let account_id = linked.or_else(|| plan.account_id.clone());
                break (plan, events, account_id);
            }
            Err(e)
                if attempt == 0 && matches!(e.code, "EMAIL_IN_USE" | "ACCOUNT_ALREADY_LINKED") =>
            {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let keeps = auth.provider(who.provider).is_some_and(|p| p.tokens.store);
    if let (Some(account), Some(id)) = (who.tokens.filter(|_| keeps), account_id) {
        let set = crate::oauth::tokens::TokenSet::from_account(account);
        crate::oauth::account_tokens::save(store, &auth.config, &id, &set).await?;
    }
    let handle = start_session(auth, store, ctx, req, &plan.user_id, who.provider).await?;
    Ok(Done {
        plan,
        handle,
        events,
    })
}

/// Creates the user and links the account as planned: the events, and the new account row's id.
async fn apply(
    store: &Store,
    who: &Identity<'_>,
    plan: &Plan,
) -> Result<(Vec<(&'static str, Value)>, Option<String>)> {
    let mut events = Vec::new();
    let mut linked = None;
    let u = who.user;
    if plan.is_new_user {
        let created = store
            .create_user(&NewUser {
                id: Some(plan.user_id.clone()),
                name: u.name.clone(),
                email: u.email.clone(),
                email_verified: u.email_verified == Some(true),
                image: u.image.clone(),
            })
            .await?;
        events.push((
            "createUser",
            serde_json::json!({ "user": user_value(&created) }),
        ));
    }
    if plan.new_account {
        let account = store
            .link_account(&NewAccount {
                user_id: plan.user_id.clone(),
                provider: who.provider.to_string(),
                provider_account_id: u.sub.clone(),
                kind: who.kind.to_string(),
                email: u.email.clone(),
            })
            .await?;
        if !plan.is_new_user {
            events.push((
                "linkAccount",
                serde_json::json!({
                    "userId": plan.user_id,
                    "account": { "provider": account.provider, "providerAccountId": account.provider_account_id, "type": account.kind },
                }),
            ));
        }
        linked = Some(account.id);
    }
    Ok((events, linked))
}

/// A user row as events and the API show it.
pub fn user_value(u: &crate::store::users::UserRow) -> Value {
    serde_json::json!({
        "id": u.id,
        "name": u.name,
        "email": u.email,
        "emailVerified": u.email_verified,
        "image": u.image,
        "createdAt": crate::clock::iso8601(u.created_at.max(0) as u64),
    })
}

/// A new session row for `user_id`, replacing the browser's previous one (its row is revoked),
/// and the handle the cookie will carry. Every way to sign in ends here.
pub async fn start_session(
    auth: &Auth,
    store: &Store,
    ctx: &Context<'_>,
    req: &Request,
    user_id: &str,
    provider: &str,
) -> Result<SessionHandle> {
    if let Some(previous) =
        session::read(&auth.config, &ctx.cookies, &ctx.names.session).and_then(|s| s.handle)
    {
        store
            .revoke_sessions(Revoke::BySecret(&previous.secret))
            .await?;
    }
    let c = &auth.config;
    let life = c.max_age.min(c.max_duration) as i64;
    let (row, secret) = store
        .create_session(&NewSession {
            user_id: user_id.to_string(),
            provider: Some(provider.to_string()),
            expires_at: crate::store::now() + life,
            user_agent: req.user_agent.clone(),
            ip: req.ip.clone(),
        })
        .await?;
    let id = crate::store::revocations::key_of(&row.id)
        .ok_or_else(|| AuthError::new("DATABASE_ERROR", "A session id could not be read back."))?;
    let secret: [u8; 32] = secret
        .try_into()
        .map_err(|_| AuthError::new("DATABASE_ERROR", "A session secret has the wrong size."))?;
    Ok(SessionHandle { id, secret })
}

/// The user JSON with the database user's id (`session.user.id`), whatever hooks returned.
pub fn with_user_id(user_json: &str, user_id: &str) -> String {
    match serde_json::from_str::<Value>(user_json) {
        Ok(Value::Object(mut m)) => {
            m.insert("id".into(), Value::String(user_id.to_string()));
            serde_json::to_string(&Value::Object(m)).unwrap_or_default()
        }
        _ => user_json.to_string(),
    }
}

/// The signed-in user's id, from the session cookie (with a database).
pub fn session_user_id(auth: &Auth, ctx: &Context) -> Option<String> {
    let s = session::read(&auth.config, &ctx.cookies, &ctx.names.session)?;
    s.handle.as_ref()?;
    let user: Value = serde_json::from_str(&s.user_json).ok()?;
    user.get("id")?.as_str().map(str::to_string)
}
