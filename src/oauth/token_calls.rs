//! Calls to the provider's token endpoint after sign-in: refreshing stored tokens (RFC 6749 §6)
//! and revoking them at sign-out (RFC 7009). Through `oauth2` and the hardened outbound client.

use std::time::Duration;

use oauth2::basic::BasicErrorResponseType;
use oauth2::{RefreshToken, TokenResponse};

use crate::error::{AuthError, Result};
use crate::http::outbound::Outbound;
use crate::http::outbound::OutboundError;
use crate::oauth::endpoints::Endpoints;
use crate::oauth::providers::ClientAuth;
use crate::oauth::runtime::ProviderRuntime;
use crate::oauth::token_endpoint;
use crate::oauth::tokens::{self, TokenSet};

/// Exchanges the stored refresh token for new tokens. The refresh token is kept when the provider
/// does not rotate it, and so is the scope when the answer names none.
pub async fn refresh(
    outbound: &Outbound,
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    current: &TokenSet,
) -> Result<TokenSet> {
    let refresh_token = current.refresh_token.clone().ok_or_else(|| {
        AuthError::new(
            "REFRESH_TOKEN_INVALID",
            "The access token expired and the provider gave no refresh token.",
        )
    })?;
    let client = token_endpoint::client(p, endpoints)?;
    let http = token_endpoint::http(outbound, p, endpoints);
    let invalid = || {
        AuthError::new(
            "REFRESH_TOKEN_INVALID",
            "The provider refused the refresh token (invalid_grant): sign in again.",
        )
    };
    let presented = RefreshToken::new(refresh_token.clone());
    let mut request = client.exchange_refresh_token(&presented);
    if let Some(name) = p.spec.client_id_param {
        request = request.add_extra_param(name, p.spec.client_id.clone());
    }
    let answer = request.request_async(&http).await.map_err(|e| match e {
        oauth2::RequestTokenError::ServerResponse(r)
            if *r.error() == BasicErrorResponseType::InvalidGrant =>
        {
            invalid()
        }
        oauth2::RequestTokenError::Request(OutboundError::Timeout | OutboundError::Connect) => {
            AuthError::new(
                "PROVIDER_UNAVAILABLE",
                "The provider's token endpoint could not be reached.",
            )
        }
        _ => AuthError::new(
            "REFRESH_FAILED",
            "The provider's token endpoint did not refresh the tokens.",
        ),
    })?;
    // Errors inside a 200 answer (GitHub: `bad_refresh_token`).
    if let Some(error) = &answer.error {
        let code = error.as_str().unwrap_or_default();
        return Err(if matches!(code, "invalid_grant" | "bad_refresh_token") {
            invalid()
        } else {
            AuthError::new(
                "REFRESH_FAILED",
                "The provider's token endpoint did not refresh the tokens.",
            )
        });
    }
    if answer.access_token().secret().is_empty() {
        return Err(AuthError::new(
            "REFRESH_FAILED",
            "The provider's token endpoint answered without an access token.",
        ));
    }
    Ok(TokenSet {
        provider: current.provider.clone(),
        sub: current.sub.clone(),
        access_token: answer.access_token().secret().clone(),
        refresh_token: Some(
            answer
                .refresh_token()
                .map(|t| t.secret().clone())
                .unwrap_or(refresh_token),
        ),
        expires_at: tokens::expires_at(answer.expires_in()),
        scope: answer
            .scopes()
            .map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" "))
            .or_else(|| current.scope.clone()),
        id_token: answer.id_token.clone().or_else(|| current.id_token.clone()),
        token_type: answer.token_type().as_ref().to_string(),
    })
}

/// Revokes the stored refresh and access tokens where the provider has a revocation endpoint.
/// Best effort: failures are ignored, and the whole is bounded by `limit`. (Sent directly: the
/// `oauth2` crate refuses non-https revocation URLs, and loopback http is allowed here for tests.)
pub async fn revoke(
    outbound: &Outbound,
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    tokens: &TokenSet,
    limit: Duration,
) -> bool {
    let Some(url) = p.revocation_url() else {
        return false;
    };
    let mut list = Vec::new();
    if let Some(r) = &tokens.refresh_token {
        list.push((r.as_str(), "refresh_token"));
    }
    list.push((tokens.access_token.as_str(), "access_token"));
    let all = async {
        let mut ok = true;
        for (token, hint) in list {
            let request = revocation_request(p, endpoints, &url, token, hint);
            let done = match request {
                Some(req) => outbound
                    .send(req)
                    .await
                    .is_ok_and(|r| r.status().is_success()),
                None => false,
            };
            ok &= done;
        }
        ok
    };
    tokio::time::timeout(limit, all).await.unwrap_or(false)
}

/// An RFC 7009 revocation request with the provider's client authentication.
fn revocation_request(
    p: &ProviderRuntime,
    endpoints: &Endpoints,
    url: &url::Url,
    token: &str,
    hint: &str,
) -> Option<http::Request<Vec<u8>>> {
    {
        {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("token", token);
            form.append_pair("token_type_hint", hint);
            // TikTok names the client `client_key`.
            let client_id_param = p.spec.client_id_param.unwrap_or("client_id");
            let mut request = http::Request::builder()
                .method("POST")
                .uri(url.as_str())
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json");
            match endpoints.client_auth {
                ClientAuth::Basic => {
                    // RFC 6749 §2.3.1: both parts form-encoded, then Basic.
                    let enc = |s: &str| {
                        url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                    };
                    let pair = format!("{}:{}", enc(&p.spec.client_id), enc(&p.spec.client_secret));
                    request = request.header(
                        "authorization",
                        format!(
                            "Basic {}",
                            base64::Engine::encode(
                                &base64::engine::general_purpose::STANDARD,
                                pair
                            )
                        ),
                    );
                }
                ClientAuth::Post | ClientAuth::Query => {
                    form.append_pair(client_id_param, &p.spec.client_id);
                    form.append_pair("client_secret", &p.spec.secret().ok()?);
                }
                ClientAuth::None => {
                    form.append_pair(client_id_param, &p.spec.client_id);
                }
            }
            request.body(form.finish().into_bytes()).ok()
        }
    }
}
