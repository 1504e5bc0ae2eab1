//! The rate-limit gate in front of every endpoint (SPEC §13): asks the limiter about a request
//! that reached an endpoint and shapes a refusal: 429 JSON `RATE_LIMITED` with `Retry-After`, or,
//! for a browser being redirected (sign-in start, callback) or opening the built-in sign-in page,
//! the error page with that code. A store that cannot count with `onStoreError: "deny"` is 503
//! `RATE_LIMIT_UNAVAILABLE`. Session reads (`GET /session`) and the error page are never limited;
//! `api.*` never comes here.

use super::{body_fields, error_redirect, field};
use crate::auth::Auth;
use crate::http::context::Context;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::http::router::Route;
use crate::ratelimit::{Plan, Verdict};

/// What the gate says before an endpoint runs.
pub enum Gate {
    Pass,
    Stop(Response),
    /// The store is shared: ask again on the async path.
    Later,
}

fn is_read(req: &Request, r: &Route) -> bool {
    match r {
        Route::Session => !req.method.eq_ignore_ascii_case("POST"),
        Route::Error => true,
        _ => false,
    }
}

fn plan(auth: &Auth, ctx: &Context, req: &Request, r: &Route) -> Option<Plan> {
    let limiter = auth.limiter.as_ref()?;
    if is_read(req, r) {
        return None;
    }
    let path = ctx.url.path().strip_prefix(&auth.config.base_path)?;
    let path = path.strip_suffix('/').unwrap_or(path);
    limiter.plan(
        path,
        req.ip.as_deref(),
        req.forwarded_for.as_deref(),
        || field(&body_fields(req.body.as_deref()), "email").map(str::to_string),
    )
}

/// The gate on the synchronous path: decided here for an in-memory store.
pub fn gate_now(auth: &Auth, ctx: &Context, req: &Request, r: &Route) -> Gate {
    let Some(limiter) = auth.limiter.as_ref() else {
        return Gate::Pass;
    };
    if limiter.waits() && !is_read(req, r) {
        return Gate::Later;
    }
    match plan(auth, ctx, req, r).and_then(|p| limiter.check_now(&p)) {
        None | Some(Verdict::Allow) => Gate::Pass,
        Some(v) => Gate::Stop(refusal(auth, ctx, req, r, v)),
    }
}

/// The gate on the async path: only a shared store counts here (an in-memory one already
/// counted in [`gate_now`], which always runs first).
pub async fn gate(auth: &Auth, ctx: &Context<'_>, req: &Request, r: &Route) -> Option<Response> {
    let limiter = auth.limiter.as_ref().filter(|l| l.waits())?;
    let plan = plan(auth, ctx, req, r)?;
    match limiter.check(&plan).await {
        Verdict::Allow => None,
        v => Some(refusal(auth, ctx, req, r, v)),
    }
}

fn refusal(auth: &Auth, ctx: &Context, req: &Request, r: &Route, v: Verdict) -> Response {
    let (status, code, retry_after, message) = match v {
        Verdict::Limited { retry_after } => (
            429,
            "RATE_LIMITED",
            retry_after,
            format!("Too many requests. Try again in {retry_after} seconds."),
        ),
        _ => (
            503,
            "RATE_LIMIT_UNAVAILABLE",
            1,
            "The rate limiter cannot count requests right now. Try again shortly.".to_string(),
        ),
    };
    let browser = match r {
        Route::Callback(_) | Route::SignInPage => true,
        Route::SignIn(_) => {
            req.method.eq_ignore_ascii_case("GET")
                && ctx.query("redirect").as_deref() != Some("false")
        }
        _ => false,
    };
    let resp = if browser {
        let mut resp = error_redirect(auth, ctx, code, false);
        resp.log.push(crate::log::LogEntry::new(
            crate::log::Level::Warn,
            code,
            &message,
            None,
        ));
        resp
    } else {
        Response::error(status, code, &message)
    };
    resp.with_header("retry-after", &retry_after.to_string())
}
