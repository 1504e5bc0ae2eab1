//! The email endpoints of SPEC §12, one file per step: `sign_up` (and `GET verify-email`),
//! `sign_in`, `password` (forgot, reset, change), `magic_link`. This file holds what they share:
//! the CSRF/Origin check (as sign-out), JSON-or-form answers, minting the session, handing mails
//! to `email.send`, and running hashes on a worker thread. Every decision is made here, in Rust;
//! answers never say whether an address has an account.

pub mod hooks;
pub mod magic_link;
pub mod password;
pub mod sign_in;
pub mod sign_up;

use std::sync::Arc;

use serde::Serialize;

use super::{body_fields, error_redirect, field};
use crate::auth::Auth;
use crate::credentials::email::{Kind, Message};
use crate::credentials::store::{CredentialStore, UserRecord};
use crate::credentials::tokens::{self, Purpose};
use crate::credentials::Settings;
use crate::error::{AuthError, Result};
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::http::router::EmailRoute;
use crate::log::{Level, LogEntry};

/// Runs one email endpoint (all of them wait on the store or a hash).
pub async fn run(auth: &Auth, ctx: &Context<'_>, req: &Request, which: EmailRoute) -> Response {
    let (Some(settings), Some(store)) = (auth.config.credentials.as_ref(), auth.credential_store())
    else {
        return Response::error(404, "NOT_FOUND", "No auth endpoint at this path.");
    };
    // The first request waits for the store (connect, migrate, the revocation view).
    if let Some(db) = &auth.store {
        if let Err(e) = db.ready().await {
            return Response::error(503, e.code, &e.message);
        }
    }
    let (Some(db), Some(store)) = (auth.store.clone(), Some(store)) else {
        return Response::error(404, "NOT_FOUND", "No auth endpoint at this path.");
    };
    let env = Env {
        auth,
        ctx,
        req,
        settings,
        store,
        db,
    };
    match which {
        EmailRoute::Verify => return sign_up::verify(&env).await,
        EmailRoute::MagicLink => return magic_link::consume(&env).await,
        _ => {}
    }
    let ask = match Ask::new(auth, ctx, req) {
        Ok(a) => a,
        Err(refusal) => return *refusal,
    };
    let outcome = match which {
        EmailRoute::SignUp => sign_up::run(&env, &ask).await,
        EmailRoute::SignIn => sign_in::run(&env, &ask).await,
        EmailRoute::Forgot => password::forgot(&env, &ask).await,
        EmailRoute::Reset => password::reset(&env, &ask).await,
        EmailRoute::Change => password::change(&env, &ask).await,
        EmailRoute::MagicLinkRequest => magic_link::request(&env, &ask).await,
        EmailRoute::Verify | EmailRoute::MagicLink => unreachable_route(),
    };
    match outcome {
        Ok(resp) => resp,
        Err(Refusal(status, e)) => ask.fail(&env, status, &e),
    }
}

fn unreachable_route() -> Result<Response, Refusal> {
    Err(Refusal(
        404,
        AuthError::new("NOT_FOUND", "No auth endpoint at this path."),
    ))
}

/// What every step needs.
pub struct Env<'a> {
    pub auth: &'a Auth,
    pub ctx: &'a Context<'a>,
    pub req: &'a Request,
    pub settings: &'a Settings,
    pub store: Arc<dyn CredentialStore>,
    /// The database itself, for what every way to sign in shares (the session row).
    pub db: Arc<crate::store::Store>,
}

/// A refused request: status and coded error.
pub struct Refusal(pub u16, pub AuthError);

impl From<AuthError> for Refusal {
    fn from(e: AuthError) -> Self {
        let status = match e.code {
            "DATABASE_UNAVAILABLE" | "HASH_FAILED" => 503,
            _ => 400,
        };
        Refusal(status, e)
    }
}

pub fn refuse(status: u16, code: &'static str, message: &str) -> Refusal {
    Refusal(status, AuthError::new(code, message))
}

/// A POST to an email endpoint that passed the CSRF/Origin check.
pub struct Ask {
    pub fields: Vec<(String, String)>,
    /// A plain HTML form post (no X-CSRF-Token header): answered with redirects.
    pub form_post: bool,
}

impl Ask {
    fn new(auth: &Auth, ctx: &Context, req: &Request) -> Result<Ask, Box<Response>> {
        let fields = body_fields(req.body.as_deref());
        if let Some(refusal) = super::csrf::verify(auth, ctx, req, field(&fields, "csrfToken")) {
            return Err(Box::new(refusal));
        }
        let form_post = req
            .content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
            && req.csrf_token.is_none();
        Ok(Ask { fields, form_post })
    }

    pub fn get(&self, name: &str) -> &str {
        field(&self.fields, name).unwrap_or_default()
    }

    /// The checked `redirectTo` of the body (rule 4), or `/`.
    pub fn target(&self, env: &Env) -> String {
        target_of(env, field(&self.fields, "redirectTo"))
    }

    /// `{ ok: true, url }`, or a 302 to `url` for a form post.
    pub fn ok(&self, url: &str) -> Response {
        if self.form_post {
            Response::redirect(url)
        } else {
            Response::json(200, &Done { ok: true, url })
        }
    }

    fn fail(&self, env: &Env, status: u16, e: &AuthError) -> Response {
        if self.form_post {
            error_redirect(env.auth, env.ctx, e.code, false).with_log(LogEntry::new(
                crate::log::level_of(e.code),
                e.code,
                &e.message,
                None,
            ))
        } else {
            Response::error(status, e.code, &e.message)
        }
    }
}

#[derive(Serialize)]
struct Done<'a> {
    ok: bool,
    url: &'a str,
}

pub fn target_of(env: &Env, raw: Option<&str>) -> String {
    raw.filter(|t| !t.is_empty())
        .map(|t| safe_redirect(t, &env.ctx.origin, &env.auth.config.trusted_origins))
        .unwrap_or_else(|| "/".into())
}

/// How many password hashes run at once: one core less than the machine has (at least one), so
/// a burst of sign-ins queues here instead of starving the JavaScript thread of CPU.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
    })
}

/// Runs CPU-bound work (argon2id, bcrypt, scrypt) on tokio's blocking pool, never on the thread
/// that called in (the JS thread in Node), at most [`hashing_slots`] at a time.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let failed = || AuthError::new("HASH_FAILED", "The password could not be processed.");
    let _slot = hashing_slots().acquire().await.map_err(|_| failed())?;
    tokio::task::spawn_blocking(f).await.map_err(|_| failed())
}

/// Issues a token for `email`, stores its hash, and returns the link
/// `<origin><path>?token=…[&redirectTo=…]`.
pub async fn link(
    env: &Env<'_>,
    purpose: Purpose,
    email: &str,
    path: &str,
    redirect_to: Option<&str>,
) -> Result<String> {
    let issued = tokens::issue(purpose, crate::clock::now());
    env.store
        .put_token(purpose.as_str(), &issued.hash, email, issued.expires_at)
        .await?;
    let mut url = url::Url::parse(&env.ctx.absolute(path))
        .map_err(|_| AuthError::new("BAD_REQUEST", "Cannot build the link."))?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("token", &issued.token);
        if let Some(t) = redirect_to.filter(|t| *t != "/") {
            q.append_pair("redirectTo", t);
        }
    }
    Ok(url.into())
}

/// The path of an endpoint under `basePath`.
pub fn endpoint(env: &Env, rest: &str) -> String {
    format!("{}/{rest}", env.auth.config.base_path)
}

/// Hands `message` to `email.send` after the response (SPEC §12: a failing send is logged as
/// `EMAIL_SEND_FAILED` by the JS layer and changes nothing in the answer).
pub fn mail(env: &Env, resp: Response, kind: Kind, to: &str, url: &str) -> Response {
    if env.settings.email_send {
        resp.with_email(Message::new(kind, to, url))
    } else {
        resp.with_log(LogEntry::new(
            Level::Warn,
            "EMAIL_NOT_CONFIGURED",
            "A mail was due but `email.send` is not configured.",
            None,
        ))
    }
}

/// Signs `user` in: a session row (as every sign-in with a database), the session cookie, and
/// `{ ok: true, url }` (JSON) or a 302 to `target`. With sign-in hooks configured, hands off to
/// them first (see [`hooks`]); `is_new_user` is what they are told.
pub async fn signed_in(
    env: &Env<'_>,
    user: &UserRecord,
    provider: &str,
    target: &str,
    form: bool,
    is_new_user: bool,
) -> Result<Response> {
    let user_value = hooks::user_value(user, provider);
    if hooks::wanted(env.auth) {
        return Ok(hooks::hand_off(
            env,
            &user_value,
            provider,
            target,
            is_new_user,
        ));
    }
    let handle =
        super::sign_in_user::start_session(env.auth, &env.db, env.ctx, env.req, &user.id, provider)
            .await?;
    let resp = super::callback::signed_in_as(
        env.auth,
        env.ctx,
        super::callback::SignedIn {
            provider,
            user_json: user_value.to_string(),
            extra_json: String::new(),
            account: None,
            target,
            handle: Some(handle),
            events: Vec::new(),
        },
    )?;
    Ok(if form { resp } else { as_json(resp, target) })
}

/// `{ ok: true, url }`.
pub fn json_done(url: &str) -> Response {
    Response::json(200, &Done { ok: true, url })
}

/// A sign-in's redirect as the JSON answer: the same cookies, log and events.
pub fn as_json(resp: Response, target: &str) -> Response {
    let mut json = json_done(target);
    json.headers
        .extend(resp.headers.into_iter().filter(|(n, _)| n == "set-cookie"));
    json.log = resp.log;
    json.events = resp.events;
    json
}

/// The signed-in user's id (`id`, else `sub`) and the session's id when it has one.
pub fn current_user(env: &Env) -> Option<(String, Option<String>)> {
    let s = crate::session::read(&env.auth.config, &env.ctx.cookies, &env.ctx.names.session)?;
    let user: serde_json::Value = serde_json::from_str(&s.user_json).ok()?;
    let id = user["id"].as_str()?.to_string();
    Some((id, s.handle.as_ref().map(|h| h.public_id())))
}
