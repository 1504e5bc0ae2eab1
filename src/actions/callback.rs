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
use crate::auth::{Auth, ProviderRuntime};
use crate::context::Context;
use crate::cookies;
use crate::endpoints::Endpoints;
use crate::error::{AuthError, Result};
use crate::flow::Flow;
use crate::oidc::id_token;
use crate::outbound::OutboundError;
use crate::providers::profile::{text, User};
use crate::providers::{ClientAuth, ProfileStyle};
use crate::redirect::safe_redirect;
use crate::response::Response;
use crate::session::SessionData;

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

pub async fn run(auth: &Auth, ctx: &Context<'_>, id: &str) -> Response {
    match complete(auth, ctx, id).await {
        Ok(resp) => resp,
        Err(e) => error_redirect(auth, ctx, e.code),
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

/// The checks that need no network, in order; returns the open flow.
pub fn check_response(
    auth: &Auth,
    ctx: &Context,
    id: &str,
    endpoints: &Endpoints,
) -> Result<(Flow, String)> {
    if let Some(e) = provider_error(ctx) {
        return Err(e);
    }
    let flow = ctx
        .cookies
        .get(&ctx.names.flow)
        .and_then(|t| Flow::open(&auth.config, t))
        .ok_or_else(|| {
            err(
                "FLOW_COOKIE_MISSING",
                "The sign-in flow cookie is missing or invalid.",
            )
        })?;
    if !bool::from(flow.provider.as_bytes().ct_eq(id.as_bytes())) {
        return Err(err(
            "PROVIDER_MISMATCH",
            "The flow was started for another provider.",
        ));
    }
    if flow.expired() {
        return Err(err("FLOW_EXPIRED", "The sign-in flow expired."));
    }
    let state = ctx.query("state").unwrap_or_default();
    if state.is_empty() || !bool::from(state.as_bytes().ct_eq(flow.state.as_bytes())) {
        return Err(err("STATE_MISMATCH", "The state parameter does not match."));
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
    let code = ctx
        .query("code")
        .filter(|c| !c.is_empty() && c.len() <= 4096);
    let code = code.ok_or_else(|| err("MISSING_CODE", "No authorization code."))?;
    Ok((flow, code))
}

async fn complete(auth: &Auth, ctx: &Context<'_>, id: &str) -> Result<Response> {
    let p = auth
        .provider(id)
        .ok_or_else(|| err("UNKNOWN_PROVIDER", "Unknown provider."))?;
    // Report the provider's refusal without needing discovery.
    if let Some(e) = provider_error(ctx) {
        return Err(e);
    }
    let endpoints = auth.endpoints(p).await?;
    let (flow, code) = check_response(auth, ctx, id, &endpoints)?;
    let token = exchange(auth, ctx, p, &endpoints, &flow, code).await?;
    let access_token = token.access_token().secret().clone();

    let claims = if endpoints.oidc {
        Some(verify_id_token(auth, p, &endpoints, &token, &flow).await?)
    } else {
        None
    };
    let user = profile(auth, p, &endpoints, &access_token, claims.as_ref()).await?;

    let session = SessionData::new(&user, &auth.config);
    let target = safe_redirect(&flow.redirect_to, &ctx.origin, &auth.config.trusted_origins);
    let mut cookies_out = vec![cookies::clear(&ctx.names.flow, ctx.secure, SameSite::Lax)];
    cookies_out.extend(cookies::set_chunked(
        &ctx.cookies,
        &ctx.names.session,
        &session.seal(&auth.config),
        auth.config.max_age,
        ctx.secure,
    ));
    Ok(Response::redirect(&target).with_cookies(cookies_out))
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
) -> Result<User> {
    let id = p.spec.id.as_str();
    match &p.spec.profile {
        ProfileStyle::Oidc => {
            let claims = claims.ok_or_else(|| err("ID_TOKEN_INVALID", "No id_token claims."))?;
            let sub = text(claims, "sub").unwrap_or_default();
            let mut merged = claims.clone();
            if let Some(url) = &endpoints.userinfo {
                let info = get_json(auth, url, access_token).await?;
                if text(&info, "sub").as_deref() != Some(sub.as_str()) {
                    return Err(err("SUBJECT_MISMATCH", "userinfo describes another user."));
                }
                if let (Value::Object(m), Value::Object(i)) = (&mut merged, info) {
                    m.extend(i);
                }
            }
            Ok(User {
                sub,
                name: text(&merged, "name").or_else(|| text(&merged, "preferred_username")),
                email: text(&merged, "email"),
                image: text(&merged, "picture"),
                provider: id.to_string(),
            })
        }
        ProfileStyle::GitHub => {
            let url = endpoints
                .userinfo
                .as_ref()
                .ok_or_else(|| err("USERINFO_FAILED", "No profile URL."))?;
            let info = get_json(auth, url, access_token).await?;
            let sub = text(&info, "id")
                .ok_or_else(|| err("USERINFO_FAILED", "The profile has no id."))?;
            let mut email = text(&info, "email");
            if email.is_none() {
                if let Some(emails_url) = &endpoints.emails {
                    // The address is private: take the primary, verified one. Failure here is not fatal.
                    if let Ok(Value::Array(list)) = get_json(auth, emails_url, access_token).await {
                        email = list
                            .iter()
                            .find(|e| {
                                e.get("primary") == Some(&Value::Bool(true))
                                    && e.get("verified") == Some(&Value::Bool(true))
                            })
                            .and_then(|e| text(e, "email"));
                    }
                }
            }
            Ok(User {
                sub,
                name: text(&info, "name").or_else(|| text(&info, "login")),
                email,
                image: text(&info, "avatar_url"),
                provider: id.to_string(),
            })
        }
        ProfileStyle::Mapped(map) => {
            let info = match &endpoints.userinfo {
                Some(url) => get_json(auth, url, access_token).await?,
                None => claims.cloned().unwrap_or(Value::Null),
            };
            map.to_user(&info, id)
                .ok_or_else(|| err("USERINFO_FAILED", "The profile has no user id."))
        }
    }
}
