//! The provider's token endpoint, for the code exchange at sign-in and for refreshing stored
//! tokens later: one client (the provider's client authentication, a minted secret renewed before
//! it expires), one HTTP path (the provider's extra headers, credentials in the query where a
//! provider wants them, the hardened outbound client), one lenient token-response type.

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AccessToken, AuthType, ClientId, ClientSecret, EndpointNotSet, RefreshToken, Scope,
    StandardRevocableToken, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::error::Result;
use crate::http::outbound::{Outbound, OutboundError};
use crate::oauth::endpoints::Endpoints;
use crate::oauth::providers::ClientAuth;
use crate::oauth::runtime::ProviderRuntime;

/// A token response, read leniently: `token_type` may be missing or oddly cased, `expires_in` a
/// string, `scope` a list (Twitch) or a delimited string; an `error` inside a 200 answer
/// (GitHub) is kept so it can be refused. Fields beyond the standard ones stay in `extra` (VK's
/// `email`): the profile can read them as `$token.<field>`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TokenResp {
    #[serde(default = "no_token")]
    access_token: AccessToken,
    #[serde(default = "bearer", deserialize_with = "token_type")]
    token_type: BasicTokenType,
    #[serde(default, deserialize_with = "lenient_u64")]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
    #[serde(default, deserialize_with = "scopes")]
    scope: Option<Vec<Scope>>,
    #[serde(default)]
    pub id_token: Option<String>,
    #[serde(default)]
    pub error: Option<Value>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

fn no_token() -> AccessToken {
    AccessToken::new(String::new())
}
fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}
fn token_type<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<BasicTokenType, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) if s.eq_ignore_ascii_case("mac") => BasicTokenType::Mac,
        Some(Value::String(s)) if !s.eq_ignore_ascii_case("bearer") && !s.is_empty() => {
            BasicTokenType::Extension(s)
        }
        _ => BasicTokenType::Bearer,
    })
}
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    })
}
fn scopes<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<Scope>>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(
            s.split([' ', ','])
                .filter(|p| !p.is_empty())
                .map(|p| Scope::new(p.to_string()))
                .collect(),
        ),
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|p| Scope::new(p.to_string()))
                .collect(),
        ),
        _ => None,
    })
}

impl TokenResponse for TokenResp {
    type TokenType = BasicTokenType;
    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        self.expires_in.map(std::time::Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scope.as_ref()
    }
}

pub type Client = oauth2::Client<
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

/// An `oauth2` client for the provider's token endpoint with its client authentication.
pub fn client(p: &ProviderRuntime, endpoints: &Endpoints) -> Result<Client> {
    let mut client: Client = oauth2::Client::new(ClientId::new(p.spec.client_id.clone()))
        .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
        .set_auth_type(match endpoints.client_auth {
            ClientAuth::Basic => AuthType::BasicAuth,
            ClientAuth::Post | ClientAuth::None | ClientAuth::Query => AuthType::RequestBody,
        });
    // A public client sends no secret; a minted one (Apple) is renewed before it expires.
    if endpoints.client_auth != ClientAuth::None {
        client = client.set_client_secret(ClientSecret::new(p.spec.secret()?));
    }
    Ok(client)
}

/// The HTTP function `oauth2` sends token requests through: the provider's extra headers, the
/// form's parameters also in the query for `ClientAuth::Query` (ClickUp), and the hardened client.
pub fn http(
    outbound: &Outbound,
    p: &ProviderRuntime,
    endpoints: &Endpoints,
) -> impl Fn(
    oauth2::HttpRequest,
) -> std::pin::Pin<
    Box<
        dyn std::future::Future<Output = std::result::Result<oauth2::HttpResponse, OutboundError>>
            + Send,
    >,
> {
    let outbound = outbound.clone();
    let headers = p.spec.extra_headers();
    let in_query = endpoints.client_auth == ClientAuth::Query;
    move |mut request: oauth2::HttpRequest| {
        let outbound = outbound.clone();
        let headers = headers.clone();
        Box::pin(async move {
            for (name, value) in &headers {
                let (Ok(n), Ok(v)) = (
                    http::HeaderName::from_bytes(name.as_bytes()),
                    http::HeaderValue::from_str(value),
                ) else {
                    return Err(OutboundError::InsecureUrl);
                };
                request.headers_mut().insert(n, v);
            }
            if in_query {
                let form = String::from_utf8_lossy(request.body()).into_owned();
                let uri = request.uri().to_string();
                let sep = if uri.contains('?') { '&' } else { '?' };
                *request.uri_mut() = format!("{uri}{sep}{form}")
                    .parse()
                    .map_err(|_| OutboundError::InsecureUrl)?;
            }
            outbound.send(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> TokenResp {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn token_responses_are_read_leniently_and_errors_kept() {
        // Twitch: `scope` as an array.
        let t = parse(
            r#"{"access_token":"a","token_type":"bearer","expires_in":3600,"scope":["openid","user:read:email"],"id_token":"x.y.z"}"#,
        );
        assert_eq!(t.scopes().unwrap().len(), 2);
        assert_eq!(t.id_token.as_deref(), Some("x.y.z"));
        // No token_type, expires_in as a string, a comma-separated scope, extra fields kept.
        let t = parse(
            r#"{"access_token":"a","expires_in":"60","scope":"a,b","email":"vk@x","user_id":7}"#,
        );
        assert_eq!(t.token_type(), &BasicTokenType::Bearer);
        assert_eq!(t.expires_in(), Some(std::time::Duration::from_secs(60)));
        assert_eq!(t.scopes().unwrap().len(), 2);
        assert_eq!(t.extra.get("email"), Some(&Value::String("vk@x".into())));
        assert!(
            !t.extra.contains_key("access_token"),
            "tokens never reach `$token`"
        );
        // GitHub: HTTP 200 with `error` and no token.
        let t = parse(r#"{"error":"bad_verification_code","error_description":"x"}"#);
        assert!(t.error.is_some() && t.access_token().secret().is_empty());
    }
}
