//! `GET callback/:provider`: checks the flow cookie (present, provider-bound, fresh), `state`
//! (constant time), `iss` (RFC 9207), exchanges the code with the PKCE verifier, verifies the
//! id_token (OIDC), fetches the profile, sets the session and returns to the saved target.
//! Every failure sends the browser to the error page with a code.

use cookie::SameSite;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet, ExtraTokenFields,
    PkceCodeVerifier, RedirectUrl, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use subtle::ConstantTimeEq;

use super::error_redirect;
use super::signin::callback_url;
use crate::account::Account;
use crate::auth::{Auth, ProviderRuntime};
use crate::clock;
use crate::context::Context;
use crate::cookies;
use crate::endpoints::Endpoints;
use crate::error::{AuthError, Result};
use crate::flow::Flow;
use crate::hooks::{Ticket, TicketKind};
use crate::log::{Level, LogEntry};
use crate::oidc::id_token;
use crate::outbound::OutboundError;
use crate::providers::profile::{text, User};
use crate::providers::{ClientAuth, ProfileStyle};
use crate::redirect::safe_redirect;
use crate::response::Response;
use crate::session::SessionData;
use crate::tokens::{self, TokenSet};

/// The token response's `id_token` (OIDC), beside the standard fields.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IdTokenField {
    #[serde(default)]
    pub id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

type TokenResp = StandardTokenResponse<IdTokenField, BasicTokenType>;
type Client = oauth2::Client<
    BasicErrorResponse,
    TokenResp,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    oauth2::EndpointSet,
>;

fn err(code: &'static str, message: &str) -> AuthError {
    AuthError::new(code, message)
}

pub async fn run(auth: &Auth, ctx: &Context<'_>, p: &ProviderRuntime) -> Response {
    // Until `state` matches a flow cookie, nothing here came from the provider we sent the user
    // to: refuse without touching the live flow (SPEC §4 rule 14).
    let provider = || Some(p.spec.id.clone());
    let flow = match matching_flow(auth, ctx, &p.spec.id) {
        Ok(flow) => flow,
        Err(e) => {
            return error_redirect(auth, ctx, e.code, false).with_provider_log(&e, provider())
        }
    };
    match complete(auth, ctx, p, &flow).await {
        Ok(resp) => resp,
        // The flow was this response's: it is spent, so its cookie is cleared.
        Err(e) => error_redirect(auth, ctx, e.code, true).with_provider_log(&e, provider()),
    }
}

/// The provider's `?error=` answer (RFC 6749 §4.1.2.1), if it sent one.
fn provider_error(ctx: &Context) -> Option<AuthError> {
    let error = ctx.query("error")?;
    Some(if error == "access_denied" {
        err("ACCESS_DENIED", "The user or provider refused the sign-in.")
    } else {
        err("PROVIDER_ERROR", "The provider reported an error.")
    })
}

/// The flow cookie whose `state` equals the response's (constant time). Of several cookies of
/// that name (one planted by a sibling site, say), only the one holding this state counts
/// (SPEC §4 rule 12). Then the flow must belong to this provider and be fresh.
pub fn matching_flow(auth: &Auth, ctx: &Context, id: &str) -> Result<Flow> {
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
    let state = ctx.query("state").unwrap_or_default();
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
pub fn check_response(ctx: &Context, flow: &Flow, endpoints: &Endpoints) -> Result<String> {
    if flow.expired() {
        return Err(err("FLOW_EXPIRED", "The sign-in flow expired."));
    }
    if let Some(e) = provider_error(ctx) {
        return Err(e);
    }
    match (ctx.query("iss"), &endpoints.issuer) {
        (Some(iss), Some(expected)) if &iss != expected => {
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
    ctx.query("code")
        .filter(|c| !c.is_empty() && c.len() <= 4096)
        .ok_or_else(|| err("MISSING_CODE", "No authorization code."))
}

async fn complete(
    auth: &Auth,
    ctx: &Context<'_>,
    p: &ProviderRuntime,
    flow: &Flow,
) -> Result<Response> {
    if flow.expired() {
        return Err(err("FLOW_EXPIRED", "The sign-in flow expired."));
    }
    // Report the provider's refusal without needing discovery.
    if let Some(e) = provider_error(ctx) {
        return Err(e);
    }
    let endpoints = auth.endpoints(p).await?;
    let code = check_response(ctx, flow, &endpoints)?;
    let token = exchange(auth, ctx, p, &endpoints, flow, code).await?;
    let access_token = token.access_token().secret().clone();

    let claims = if endpoints.oidc {
        Some(verify_id_token(auth, p, &endpoints, &token, flow).await?)
    } else {
        None
    };
    let (user, raw_profile) = profile(auth, p, &endpoints, &access_token, claims.as_ref()).await?;
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
        &account,
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
        expires_at: token.expires_in().map(|d| clock::now() + d.as_secs()),
        scope: token
            .scopes()
            .map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" ")),
        id_token: token.extra_fields().id_token.clone(),
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
    let user_value = serde_json::to_value(user).unwrap_or(Value::Null);
    let payload = serde_json::json!({
        "kind": "signIn",
        "provider": account.provider,
        "user": user_value,
        "account": account,
        "profile": raw_profile,
        "redirectTo": target,
        "baseURL": ctx.origin.as_str().trim_end_matches('/'),
    });
    let mut ticket = Ticket::new(TicketKind::SignIn, &account.provider, user_value);
    ticket.target = target;
    ticket.account = Some(account);
    let mut payload = payload;
    payload["ticket"] = Value::String(ticket.seal(&auth.config));
    Response::hook(payload.to_string())
}

/// The end of every successful sign-in: the session cookie (last), the spent flow cookie and the
/// CSRF token (rotated) cleared, a redirect to `target`, and the `signIn` event.
pub fn signed_in(
    auth: &Auth,
    ctx: &Context,
    provider: &str,
    user_json: String,
    extra_json: String,
    account: &Account,
    target: &str,
) -> Result<Response> {
    let session = SessionData::with_fields(user_json, extra_json, &auth.config);
    let sealed = session.seal_checked(&auth.config, &ctx.names.session)?;
    // The spent flow cookie and the CSRF token (rotated at sign-in) are cleared first; the
    // session cookie comes last, so an adapter that keeps only the last Set-Cookie keeps it.
    let mut cookies_out = vec![cookies::clear(&ctx.names.flow, ctx.secure, SameSite::Lax)];
    if ctx.cookies.has(&ctx.names.csrf) {
        cookies_out.push(cookies::clear(
            &ctx.names.csrf,
            ctx.secure,
            SameSite::Strict,
        ));
    }
    // `storeTokens`: the provider's tokens in their own cookie, before the session's.
    let mut too_large = false;
    if auth.provider(provider).is_some_and(|p| p.tokens.store) {
        let name = tokens::cookie_name(&auth.config, ctx.secure, provider);
        match TokenSet::from_account(account).cookies(&auth.config, &ctx.cookies, &name, ctx.secure)
        {
            Some(lines) => cookies_out.extend(lines),
            None => too_large = true,
        }
    }
    cookies_out.extend(cookies::set_chunked(
        &ctx.cookies,
        &ctx.names.session,
        &sealed,
        auth.config.max_age,
        ctx.secure,
    ));
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
            "The provider's tokens do not fit in the token cookie; they were not stored.",
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
    let client: Client = oauth2::Client::new(ClientId::new(p.spec.client_id.clone()))
        .set_client_secret(ClientSecret::new(p.spec.client_secret.clone()))
        .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
        .set_redirect_uri(redirect)
        .set_auth_type(match endpoints.client_auth {
            ClientAuth::Basic => AuthType::BasicAuth,
            ClientAuth::Post => AuthType::RequestBody,
        });
    let outbound = auth.outbound.clone();
    let http = move |request: oauth2::HttpRequest| {
        let outbound = outbound.clone();
        async move { outbound.send(request).await }
    };
    client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|e| match e {
            oauth2::RequestTokenError::Request(OutboundError::Timeout | OutboundError::Connect) => {
                err(
                    "PROVIDER_UNAVAILABLE",
                    "The token endpoint could not be reached.",
                )
            }
            _ => err(
                "TOKEN_EXCHANGE_FAILED",
                "The token endpoint refused the code.",
            ),
        })
}

async fn verify_id_token(
    auth: &Auth,
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    token: &TokenResp,
    flow: &Flow,
) -> Result<Value> {
    let raw = token
        .extra_fields()
        .id_token
        .as_deref()
        .ok_or_else(|| err("ID_TOKEN_INVALID", "The provider returned no id_token."))?;
    let header = id_token::header(raw)?;
    let jwks_url = endpoints
        .jwks
        .as_ref()
        .ok_or_else(|| err("ID_TOKEN_INVALID", "No JWKS URL."))?;
    let key = p.jwks.key_for(&auth.outbound, jwks_url, &header).await?;
    let expected = id_token::Expected {
        issuer: endpoints.issuer.as_deref().unwrap_or_default(),
        client_id: &p.spec.client_id,
        nonce: flow.nonce.as_deref().unwrap_or_default(),
    };
    id_token::verify(raw, &header, &key, &expected)
}

async fn get_json(auth: &Auth, url: &url::Url, access_token: &str) -> Result<Value> {
    auth.outbound
        .get_json(url, Some(access_token))
        .await
        .map_err(|e| match e {
            OutboundError::Timeout | OutboundError::Connect => err(
                "PROVIDER_UNAVAILABLE",
                "The profile endpoint could not be reached.",
            ),
            _ => err("USERINFO_FAILED", "The profile could not be fetched."),
        })
}

async fn profile(
    auth: &Auth,
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    access_token: &str,
    claims: Option<&Value>,
) -> Result<(User, Value)> {
    let id = p.spec.id.as_str();
    match &p.spec.profile {
        ProfileStyle::GitHub => github_profile(auth, endpoints, access_token, id).await,
        ProfileStyle::Mapped(map) => {
            let info = match &endpoints.userinfo {
                Some(url) => Some(get_json(auth, url, access_token).await?),
                None => None,
            };
            match claims {
                // OpenID Connect: the identity is the verified id_token's subject, whatever the
                // mapping says; a userinfo answer about anyone else is refused (SPEC §4 rule 13).
                Some(claims) => {
                    let sub = text(claims, "sub")
                        .ok_or_else(|| err("ID_TOKEN_INVALID", "The id_token has no subject."))?;
                    let mut merged = claims.clone();
                    if let Some(info) = info {
                        if text(&info, "sub").as_deref() != Some(sub.as_str()) {
                            return Err(err(
                                "SUBJECT_MISMATCH",
                                "userinfo describes another user.",
                            ));
                        }
                        if let (Value::Object(m), Value::Object(i)) = (&mut merged, info) {
                            m.extend(i);
                        }
                    }
                    Ok((map.to_user(&merged, Some(sub), id)?, merged))
                }
                None => {
                    let info = info.unwrap_or(Value::Null);
                    Ok((map.to_user(&info, None, id)?, info))
                }
            }
        }
    }
}

/// GitHub: `/user`, then `/user/emails` for the address's `verified` flag (and the primary
/// address when the public one is not set). A failing emails call is not fatal: the email then
/// counts as unverified.
async fn github_profile(
    auth: &Auth,
    endpoints: &Endpoints,
    access_token: &str,
    id: &str,
) -> Result<(User, Value)> {
    let url = endpoints
        .userinfo
        .as_ref()
        .ok_or_else(|| err("USERINFO_FAILED", "No profile URL."))?;
    let info = get_json(auth, url, access_token).await?;
    let sub = text(&info, "id").ok_or_else(|| err("USERINFO_FAILED", "The profile has no id."))?;
    let mut email = text(&info, "email");
    let mut verified = false;
    if let Some(emails_url) = &endpoints.emails {
        if let Ok(Value::Array(list)) = get_json(auth, emails_url, access_token).await {
            let is_true = |e: &Value, k: &str| e.get(k) == Some(&Value::Bool(true));
            let entry = match &email {
                Some(public) => list
                    .iter()
                    .find(|e| text(e, "email").as_deref() == Some(public.as_str())),
                None => list
                    .iter()
                    .find(|e| is_true(e, "primary") && is_true(e, "verified"))
                    .or_else(|| list.iter().find(|e| is_true(e, "primary"))),
            };
            if let Some(entry) = entry {
                email = text(entry, "email");
                verified = is_true(entry, "verified");
            }
        }
    }
    let user = User {
        sub,
        name: text(&info, "name").or_else(|| text(&info, "login")),
        email_verified: email.as_ref().map(|_| verified),
        email,
        image: text(&info, "avatar_url"),
        provider: id.to_string(),
    }
    .bounded()?;
    Ok((user, info))
}
