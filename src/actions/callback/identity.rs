//! The callback's network steps, in order: the code exchange at the token endpoint, the id_token
//! verification for OIDC (SPEC rule 13), and the profile (userinfo, id_token claims, the emails
//! call) mapped to a `User`.

use oauth2::{AuthorizationCode, PkceCodeVerifier, RedirectUrl, TokenResponse};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::Value;

use super::super::signin::callback_url;
use super::{err, Params};
use crate::auth::{Auth, ProviderRuntime};
use crate::error::Result;
use crate::http::context::Context;
use crate::http::outbound::OutboundError;
use crate::oauth::endpoints::Endpoints;
use crate::oauth::oidc::id_token;
use crate::oauth::providers::profile::{first_text, flag, lookup, text, User};
use crate::oauth::providers::{ProviderSpec, TokenIn};
use crate::oauth::token_endpoint::{self, TokenResp};
use crate::session::flow::Flow;

/// The provider's extra headers, `{client_id}` filled in.
pub(super) async fn exchange(
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
    let http = token_endpoint::http(&auth.outbound, p, endpoints);
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

pub(super) async fn verify_id_token(
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
pub(super) async fn profile(
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
