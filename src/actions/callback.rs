//! `GET callback/:provider` (and `POST` for form_post providers such as Apple): checks the flow
//! cookie (present, provider-bound, fresh), `state` (constant time), `iss` (RFC 9207), exchanges
//! the code with the PKCE verifier, verifies the id_token (OIDC), fetches the profile, sets the
//! session and returns to the saved target. Every failure sends the browser to the error page
//! with a code.
//!
//! The provider-specific parts (client authentication, extra headers, token-response shapes,
//! profile calls and paths, the emails call) are read from the provider's description: one flow
//! serves every provider.

use oauth2::TokenResponse;
use subtle::ConstantTimeEq;

mod hand_off;
mod identity;

pub use super::signed_in::{signed_in, signed_in_as, SignedIn};
pub use hand_off::{hand_off, HandOff};

use super::sign_in_user::{self, Identity};
use super::{body_fields, error_redirect};
use crate::auth::{Auth, ProviderRuntime};
use crate::error::{AuthError, Result};
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::oauth::account::Account;
use crate::oauth::endpoints::Endpoints;
use crate::oauth::oidc::id_token;
use crate::oauth::providers::profile::User;
use crate::oauth::token_endpoint::TokenResp;
use crate::oauth::tokens::{self};
use crate::session::flow::Flow;
use identity::{exchange, profile, verify_id_token};

/// The authorization response's parameters: the query of a GET callback, or the form body of a
/// form_post provider's POST callback (Apple).
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn of(ctx: &Context, req: &Request) -> Params {
        if req.method.eq_ignore_ascii_case("POST") {
            Params(body_fields(req.body.as_deref()))
        } else {
            Params(ctx.url.query_pairs().into_owned().collect())
        }
    }

    /// The first value of a parameter.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

fn err(code: &'static str, message: &str) -> AuthError {
    AuthError::new(code, message)
}

pub async fn run(auth: &Auth, ctx: &Context<'_>, req: &Request, p: &ProviderRuntime) -> Response {
    // Only a form_post provider answers with a POST; for the others the callback is GET only.
    if req.method.eq_ignore_ascii_case("POST") && !p.spec.form_post {
        return Response::error(
            405,
            "METHOD_NOT_ALLOWED",
            "This provider's callback is a GET request.",
        )
        .with_header("allow", "GET, HEAD");
    }
    let params = Params::of(ctx, req);
    // Until `state` matches a flow cookie, nothing here came from the provider we sent the user
    // to: refuse without touching the live flow (SPEC §4 rule 14).
    let provider = || Some(p.spec.id.clone());
    let flow = match matching_flow(auth, ctx, &params, &p.spec.id) {
        Ok(flow) => flow,
        Err(e) => {
            return error_redirect(auth, ctx, e.code, false).with_provider_log(&e, provider())
        }
    };
    match complete(auth, ctx, req, &params, p, &flow).await {
        Ok(resp) => resp,
        // The flow was this response's: it is spent, so its cookie is cleared.
        Err(e) => error_redirect(auth, ctx, e.code, true).with_provider_log(&e, provider()),
    }
}

/// The provider's `?error=` answer (RFC 6749 §4.1.2.1), if it sent one.
fn provider_error(params: &Params) -> Option<AuthError> {
    let error = params.get("error")?;
    Some(if error == "access_denied" {
        err("ACCESS_DENIED", "The user or provider refused the sign-in.")
    } else {
        err("PROVIDER_ERROR", "The provider reported an error.")
    })
}

/// The flow cookie whose `state` equals the response's (constant time). Of several cookies of
/// that name (one planted by a sibling site, say), only the one holding this state counts
/// (SPEC §4 rule 12). Then the flow must belong to this provider and be fresh.
pub fn matching_flow(auth: &Auth, ctx: &Context, params: &Params, id: &str) -> Result<Flow> {
    let flows: Vec<Flow> = ctx
        .cookies
        .get_all(&ctx.names.flow)
        .filter_map(|t| Flow::open(&auth.config, &ctx.names.flow, t))
        .collect();
    if flows.is_empty() {
        return Err(err(
            "FLOW_COOKIE_MISSING",
            "The sign-in flow cookie is missing or invalid.",
        ));
    }
    let state = params.get("state").unwrap_or_default();
    let flow = flows
        .into_iter()
        .find(|f| !state.is_empty() && bool::from(state.as_bytes().ct_eq(f.state.as_bytes())))
        .ok_or_else(|| err("STATE_MISMATCH", "The state parameter does not match."))?;
    if !bool::from(flow.provider.as_bytes().ct_eq(id.as_bytes())) {
        return Err(err(
            "PROVIDER_MISMATCH",
            "The flow was started for another provider.",
        ));
    }
    Ok(flow)
}

/// The checks after `state` matched that need no network, in order; returns the code.
pub fn check_response(params: &Params, flow: &Flow, endpoints: &Endpoints) -> Result<String> {
    if flow.expired() {
        return Err(err("FLOW_EXPIRED", "The sign-in flow expired."));
    }
    if let Some(e) = provider_error(params) {
        return Err(e);
    }
    match (params.get("iss"), &endpoints.issuer) {
        (Some(iss), Some(expected)) if !id_token::issuer_matches(expected, &iss) => {
            return Err(err(
                "ISSUER_MISMATCH",
                "The iss parameter names another issuer.",
            ))
        }
        (None, Some(_)) if endpoints.iss_required => {
            return Err(err(
                "ISSUER_MISSING",
                "The provider promised an iss parameter but sent none.",
            ))
        }
        _ => {}
    }
    params
        .get("code")
        .filter(|c| !c.is_empty() && c.len() <= 4096)
        .ok_or_else(|| err("MISSING_CODE", "No authorization code."))
}

async fn complete(
    auth: &Auth,
    ctx: &Context<'_>,
    req: &Request,
    params: &Params,
    p: &ProviderRuntime,
    flow: &Flow,
) -> Result<Response> {
    if flow.expired() {
        return Err(err("FLOW_EXPIRED", "The sign-in flow expired."));
    }
    // Report the provider's refusal without needing discovery.
    if let Some(e) = provider_error(params) {
        return Err(e);
    }
    let endpoints = auth.endpoints(p).await?;
    let code = check_response(params, flow, &endpoints)?;
    let token = exchange(auth, ctx, p, &endpoints, flow, code).await?;

    let claims = if endpoints.oidc {
        Some(verify_id_token(auth, p, &endpoints, &token, flow).await?)
    } else {
        None
    };
    let (user, raw_profile) = profile(auth, p, &endpoints, &token, claims.as_ref(), params).await?;
    let account = account_of(p, &endpoints, &token, &user);
    let target = safe_redirect(&flow.redirect_to, &ctx.origin, &auth.config.trusted_origins);
    let link_user = flow.link_user.as_deref();
    let who = Identity {
        provider: &p.spec.id,
        kind: &account.kind,
        user: &user,
        tokens: Some(&account),
    };
    if auth.config.hooks.hand_off(&p.spec.id) {
        // With a database the hooks learn the user's id and whether it is new.
        let plan = match &auth.store {
            Some(store) => Some(sign_in_user::plan(auth, store, &who, link_user).await?),
            None => None,
        };
        let handed = HandOff {
            user: &user,
            account,
            raw_profile,
            target,
            plan: plan.as_ref(),
            link_user,
        };
        return Ok(hand_off(auth, handed, ctx));
    }
    let user_json = serde_json::to_string(&user).unwrap_or_default();
    match &auth.store {
        Some(store) => {
            let done = sign_in_user::commit(auth, store, ctx, req, &who, link_user, None).await?;
            let user_json = sign_in_user::with_user_id(&user_json, &done.plan.user_id);
            signed_in_as(
                auth,
                ctx,
                SignedIn {
                    provider: &p.spec.id,
                    user_json,
                    extra_json: String::new(),
                    account: Some(&account),
                    target: &target,
                    handle: Some(done.handle),
                    events: done.events,
                },
            )
        }
        None => signed_in(
            auth,
            ctx,
            &p.spec.id,
            user_json,
            String::new(),
            Some(&account),
            &target,
        ),
    }
}

/// The `account` the app's hooks receive (SPEC §8).
fn account_of(
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    token: &TokenResp,
    user: &User,
) -> Account {
    Account {
        provider: p.spec.id.clone(),
        kind: if endpoints.oidc { "oidc" } else { "oauth" }.to_string(),
        provider_account_id: user.sub.clone(),
        issuer: endpoints.issuer.clone(),
        access_token: token.access_token().secret().clone(),
        refresh_token: token.refresh_token().map(|t| t.secret().clone()),
        expires_at: tokens::expires_at(token.expires_in()),
        scope: token
            .scopes()
            .map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" ")),
        id_token: token.id_token.clone(),
        token_type: token.token_type().as_ref().to_string(),
    }
}
