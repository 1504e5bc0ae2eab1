//! `GET callback/:provider` (and `POST` for form_post providers such as Apple): checks the flow
//! cookie (present, provider-bound, fresh), `state` (constant time), `iss` (RFC 9207), exchanges
//! the code with the PKCE verifier, verifies the id_token (OIDC), fetches the profile, sets the
//! session and returns to the saved target. Every failure sends the browser to the error page
//! with a code.
//!
//! The provider-specific parts (client authentication, extra headers, token-response shapes,
//! profile calls and paths, the emails call) are read from the provider's description: one flow
//! serves every provider.

use cookie::SameSite;
use oauth2::{AuthorizationCode, PkceCodeVerifier, RedirectUrl, TokenResponse};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::Value;
use subtle::ConstantTimeEq;

use super::signin::callback_url;
use super::{body_fields, error_redirect};
use crate::account::Account;
use crate::auth::{Auth, ProviderRuntime};
use crate::context::Context;
use crate::cookies;
use crate::endpoints::Endpoints;
use crate::error::{AuthError, Result};
use crate::flow::Flow;
use crate::hooks::{Ticket, TicketKind};
use crate::log::{Level, LogEntry};
use crate::oidc::id_token;
use crate::outbound::OutboundError;
use crate::providers::profile::{first_text, flag, lookup, text, User};
use crate::providers::{ProviderSpec, TokenIn};
use crate::redirect::safe_redirect;
use crate::request::Request;
use crate::response::Response;
use crate::session::SessionData;
use crate::token_endpoint::{self, TokenResp};
use crate::tokens::{self, TokenSet};

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
    match complete(auth, ctx, &params, p, &flow).await {
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
    if auth.config.hooks.hand_off(&p.spec.id) {
        return Ok(hand_off(auth, &user, account, raw_profile, target, ctx));
    }
    let user_json = serde_json::to_string(&user).unwrap_or_default();
    signed_in(
        auth,
        ctx,
        &p.spec.id,
        user_json,
        String::new(),
        Some(&account),
        &target,
    )
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

/// Hands the verified sign-in to the app's hooks (see `crate::hooks`).
pub fn hand_off(
    auth: &Auth,
    user: &User,
    account: Account,
    raw_profile: Value,
    target: String,
    ctx: &Context,
) -> Response {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct HandOff<'a> {
        kind: &'static str,
        ticket: String,
        provider: &'a str,
        user: &'a User,
        account: &'a Account,
        profile: &'a Value,
        redirect_to: &'a str,
        #[serde(rename = "baseURL")]
        base_url: &'a str,
    }
    let user_value = serde_json::to_value(user).unwrap_or(Value::Null);
    let mut ticket = Ticket::new(
        TicketKind::SignIn,
        &account.provider,
        user_value,
        &auth.config.hooks,
    );
    ticket.target = target.clone();
    ticket.oidc = account.is_oidc();
    // The account travels in the ticket only when the core needs it again (token cookie, events).
    let keep_account = auth.config.hooks.events
        || auth
            .provider(&account.provider)
            .is_some_and(|p| p.tokens.store);
    if keep_account {
        ticket.account = Some(account.clone());
    }
    let payload = HandOff {
        kind: "signIn",
        ticket: ticket.seal(&auth.config),
        provider: &account.provider,
        user,
        account: &account,
        profile: &raw_profile,
        redirect_to: &target,
        base_url: ctx.origin.as_str().trim_end_matches('/'),
    };
    Response::hook(serde_json::to_string(&payload).unwrap_or_default())
}

/// The end of every successful sign-in: the session cookie (last), the spent flow cookie and the
/// CSRF token (rotated) cleared, a redirect to `target`, and the `signIn` event.
pub fn signed_in(
    auth: &Auth,
    ctx: &Context,
    provider: &str,
    user_json: String,
    extra_json: String,
    account: Option<&Account>,
    target: &str,
) -> Result<Response> {
    let session = SessionData::with_fields(user_json, extra_json, &auth.config);
    let sealed = session.seal_checked(&auth.config, &ctx.names.session)?;
    // The spent flow cookie and the CSRF token (rotated at sign-in) are cleared first; the
    // session cookie comes last, so an adapter that keeps only the last Set-Cookie keeps it.
    // The CSRF clear is always sent (review finding 4): the cookie is SameSite=Strict, so the
    // cross-site callback never carries it and could not tell it is there.
    let mut cookies_out = vec![
        cookies::clear(&ctx.names.flow, ctx.secure, SameSite::Lax),
        cookies::clear(&ctx.names.csrf, ctx.secure, SameSite::Strict),
    ];
    let form_post = auth.provider(provider).is_some_and(|p| p.spec.form_post);
    // `storeTokens`: every provider's token cookie is cleared (tokens of an earlier sign-in never
    // outlive it), then this provider's tokens are set within what the session leaves of the
    // combined budget (review finding 9), before the session's cookie.
    let mut too_large = false;
    let stores = |p: &&crate::auth::ProviderRuntime| p.tokens.store;
    for p in auth.providers.iter().filter(stores) {
        let name = tokens::cookie_name(&auth.config, ctx.secure, &p.spec.id);
        let sealed_tokens = account.filter(|_| p.spec.id == provider).map(|a| {
            TokenSet::from_account(a).sealed_within(
                &auth.config,
                &name,
                tokens::budget_beside(sealed.len()),
            )
        });
        match sealed_tokens {
            Some(Some(value)) => cookies_out.extend(cookies::set_chunked_blind(
                &name,
                &value,
                auth.config.max_age,
                ctx.secure,
            )),
            Some(None) => {
                too_large = true;
                cookies_out.extend(cookies::clear_every(&name, ctx.secure));
            }
            None => cookies_out.extend(cookies::clear_every(&name, ctx.secure)),
        }
    }
    // A form_post callback (Apple) is a cross-site POST that carries no Lax cookie: the old
    // session's name and every chunk are cleared unconditionally (review finding 5).
    cookies_out.extend(if form_post {
        cookies::set_chunked_blind(&ctx.names.session, &sealed, auth.config.max_age, ctx.secure)
    } else {
        cookies::set_chunked(
            &ctx.cookies,
            &ctx.names.session,
            &sealed,
            auth.config.max_age,
            ctx.secure,
        )
    });
    let mut resp = Response::redirect(target)
        .with_cookies(cookies_out)
        .with_log(LogEntry::new(
            Level::Info,
            "SIGNED_IN",
            "A user signed in.",
            Some(provider),
        ));
    if too_large {
        resp = resp.with_log(LogEntry::new(
            Level::Warn,
            "TOKENS_TOO_LARGE",
            "The provider's tokens do not fit beside the session in the cookie budget; they were not stored.",
            Some(provider),
        ));
    }
    if auth.config.hooks.events {
        let user: Value = serde_json::from_str(&session.user_json).unwrap_or(Value::Null);
        resp = resp.with_event(
            "signIn",
            serde_json::json!({ "user": user, "account": account }),
        );
    }
    Ok(resp)
}

/// The provider's extra headers, `{client_id}` filled in.
async fn exchange(
    auth: &Auth,
    ctx: &Context<'_>,
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    flow: &Flow,
    code: String,
) -> Result<TokenResp> {
    let redirect = RedirectUrl::new(callback_url(auth, ctx, &p.spec.id))
        .map_err(|_| err("BAD_REQUEST", "Bad callback URL."))?;
    let client = token_endpoint::client(p, endpoints)?.set_redirect_uri(redirect);
    let mut request = client.exchange_code(AuthorizationCode::new(code));
    if p.spec.sends_pkce() {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()));
    }
    if let Some(name) = p.spec.client_id_param {
        request = request.add_extra_param(name, p.spec.client_id.clone());
    }
    let http = token_endpoint::http(auth, p, endpoints);
    let token = request.request_async(&http).await.map_err(|e| match e {
        oauth2::RequestTokenError::Request(OutboundError::Timeout | OutboundError::Connect) => err(
            "PROVIDER_UNAVAILABLE",
            "The token endpoint could not be reached.",
        ),
        _ => err(
            "TOKEN_EXCHANGE_FAILED",
            "The token endpoint refused the code.",
        ),
    })?;
    // GitHub answers refusals with HTTP 200 and an `error` field.
    if token.error.is_some() || token.access_token().secret().is_empty() {
        return Err(err(
            "TOKEN_EXCHANGE_FAILED",
            "The token endpoint refused the code.",
        ));
    }
    Ok(token)
}

async fn verify_id_token(
    auth: &Auth,
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    token: &TokenResp,
    flow: &Flow,
) -> Result<Value> {
    let raw = token
        .id_token
        .as_deref()
        .ok_or_else(|| err("ID_TOKEN_INVALID", "The provider returned no id_token."))?;
    let header = id_token::header(raw, p.spec.id_token_hmac)?;
    let key = if header.alg == jsonwebtoken::Algorithm::HS256 {
        // Only reachable for providers that sign with the client secret (LINE).
        jsonwebtoken::DecodingKey::from_secret(p.spec.client_secret.as_bytes())
    } else {
        let jwks_url = endpoints
            .jwks
            .as_ref()
            .ok_or_else(|| err("ID_TOKEN_INVALID", "No JWKS URL."))?;
        p.jwks.key_for(&auth.outbound, jwks_url, &header).await?
    };
    let expected = id_token::Expected {
        issuer: endpoints.issuer.as_deref().unwrap_or_default(),
        issuer_alias: p.spec.issuer_alias.as_deref(),
        tenant: p.spec.tenant,
        client_id: &p.spec.client_id,
        nonce: flow.nonce.as_deref().unwrap_or_default(),
    };
    id_token::verify(raw, &header, &key, &expected)
}

/// A call to the provider's API with the access token presented the way it takes it.
async fn api_call(
    auth: &Auth,
    spec: &ProviderSpec,
    url: &url::Url,
    access_token: &str,
    post: bool,
) -> Result<Value> {
    let mut url = url.clone();
    let mut headers = spec.extra_headers();
    let authorization = |v: String| ("authorization".to_string(), v);
    match spec.token_in {
        TokenIn::Bearer => headers.push(authorization(format!("Bearer {access_token}"))),
        TokenIn::Scheme("") => headers.push(authorization(access_token.to_string())),
        TokenIn::Scheme(scheme) => headers.push(authorization(format!("{scheme} {access_token}"))),
        TokenIn::Query(name) => {
            url.query_pairs_mut().append_pair(name, access_token);
        }
        TokenIn::Path => {
            let token = utf8_percent_encode(access_token, NON_ALPHANUMERIC).to_string();
            let filled = url.as_str().replace("%7Baccess_token%7D", &token);
            url = url::Url::parse(&filled)
                .map_err(|_| err("USERINFO_FAILED", "The profile URL is not valid."))?;
        }
    }
    let method = if post {
        http::Method::POST
    } else {
        http::Method::GET
    };
    auth.outbound
        .request_json(method, &url, &headers)
        .await
        .map_err(|e| match e {
            OutboundError::Timeout | OutboundError::Connect => err(
                "PROVIDER_UNAVAILABLE",
                "The profile endpoint could not be reached.",
            ),
            _ => err("USERINFO_FAILED", "The profile could not be fetched."),
        })
}

/// The user, from the description's profile paths over the profile document: the userinfo
/// answer (plain OAuth 2.0), or the verified id_token claims merged with userinfo (OIDC: the
/// subject is always the id_token's; a userinfo answer about anyone else is refused, SPEC §4
/// rule 13). The token response's other fields are `$token`, a form_post `user` field `$form`.
async fn profile(
    auth: &Auth,
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    token: &TokenResp,
    claims: Option<&Value>,
    params: &Params,
) -> Result<(User, Value)> {
    let spec = &p.spec;
    let id = spec.id.as_str();
    let access_token = token.access_token().secret();
    let info = match &endpoints.userinfo {
        Some(url) => Some(api_call(auth, spec, url, access_token, spec.userinfo_post).await?),
        None => None,
    };
    if let (Some(info), Some((path, want))) = (&info, spec.require) {
        if text(info, path).as_deref() != Some(want) {
            return Err(err(
                "USERINFO_FAILED",
                "The provider reported a profile error.",
            ));
        }
    }
    let (mut doc, sub) = match claims {
        Some(claims) => {
            let sub = text(claims, "sub")
                .ok_or_else(|| err("ID_TOKEN_INVALID", "The id_token has no subject."))?;
            let mut merged = claims.clone();
            if let Some(info) = info {
                if text(&info, "sub").as_deref() != Some(sub.as_str()) {
                    return Err(err("SUBJECT_MISMATCH", "userinfo describes another user."));
                }
                if let (Value::Object(m), Value::Object(i)) = (&mut merged, info) {
                    m.extend(i);
                }
            }
            (merged, Some(sub))
        }
        None => (info.unwrap_or(Value::Null), None),
    };
    if doc.is_null() {
        doc = Value::Object(Default::default());
    }
    // The profile as the provider gave it (for the app's hooks), before the library's additions.
    let raw = doc.clone();
    if let Value::Object(m) = &mut doc {
        m.insert("$token".into(), Value::Object(token.extra.clone()));
        if spec.form_post {
            let user = params
                .get("user")
                .and_then(|u| serde_json::from_str::<Value>(&u).ok())
                .filter(Value::is_object);
            if let Some(user) = user {
                m.insert("$form".into(), serde_json::json!({ "user": user }));
            }
        }
    }
    let mut user = spec.profile.to_user(&doc, sub, id)?;
    if let (Some(emails), Some(url)) = (&spec.emails, &endpoints.emails) {
        // The addresses and their verification. A failing call is not fatal: the email then
        // stays as the profile gave it, unverified.
        if let Ok(answer) = api_call(auth, spec, url, access_token, false).await {
            let list = if emails.list.is_empty() {
                Some(&answer)
            } else {
                lookup(&answer, emails.list)
            };
            if let Some(Value::Array(list)) = list {
                let candidates: Vec<&Value> = list
                    .iter()
                    .filter(|e| !emails.only_verified || flag(e, emails.verified))
                    .collect();
                // Decided by the profile's own address (even one too long to keep, which then
                // stays dropped), not by what survived the size limits.
                let entry = match first_text(&doc, &spec.profile.email) {
                    Some(current) => candidates
                        .iter()
                        .find(|e| text(e, emails.email).as_deref() == Some(current.as_str())),
                    None => candidates
                        .iter()
                        .find(|e| flag(e, emails.primary) && flag(e, emails.verified))
                        .or_else(|| candidates.iter().find(|e| flag(e, emails.primary))),
                };
                if let Some(entry) = entry {
                    user.email = text(entry, emails.email);
                    user.email_verified = Some(flag(entry, emails.verified));
                }
            }
        }
        user = user.bounded()?;
    }
    Ok((user, raw))
}
