//! id_token verification (OpenID Connect Core §3.1.3.7): signature (by the JOSE crate), `iss`,
//! `aud`, `azp`, `exp`, and `nonce`. The issuer is fixed, or (Entra's multi-tenant authorities)
//! a template whose `{tenantid}` is the token's own `tid`, under a tenant restriction.

use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Header, Validation};
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::error::{AuthError, Result};
use crate::oauth::providers::{TenantRule, CONSUMER_TENANT};

/// The placeholder in a multi-tenant issuer.
pub const TENANT_PLACEHOLDER: &str = "{tenantid}";

const ALLOWED: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

fn invalid(message: &str) -> AuthError {
    AuthError::new("ID_TOKEN_INVALID", message)
}

/// The token's header, if it is a JWS with an asymmetric algorithm we accept (`none` is always
/// refused; HS256 only when `allow_hmac`: a provider that signs with the client secret, LINE).
pub fn header(token: &str, allow_hmac: bool) -> Result<Header> {
    let header = decode_header(token).map_err(|_| invalid("The id_token is not a signed JWT."))?;
    let hmac_ok = allow_hmac && header.alg == Algorithm::HS256;
    if !(ALLOWED.contains(&header.alg) || hmac_ok) {
        return Err(invalid("The id_token's algorithm is not accepted."));
    }
    Ok(header)
}

/// A tenant id: a GUID.
fn is_tenant_id(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether `got` is the issuer `expected` names: equal, or for a `{tenantid}` template, equal
/// with a tenant id in its place (the id_token check then pins it to the token's `tid`).
pub fn issuer_matches(expected: &str, got: &str) -> bool {
    match expected.split_once(TENANT_PLACEHOLDER) {
        None => expected == got,
        Some((pre, post)) => got
            .strip_prefix(pre)
            .and_then(|rest| rest.strip_suffix(post))
            .is_some_and(is_tenant_id),
    }
}

pub struct Expected<'a> {
    pub issuer: &'a str,
    /// Another accepted spelling of the issuer (Google's scheme-less `accounts.google.com`).
    pub issuer_alias: Option<&'a str>,
    /// For a `{tenantid}` issuer: which tenants are accepted.
    pub tenant: Option<TenantRule>,
    pub client_id: &'a str,
    pub nonce: &'a str,
}

/// Verifies the token with `key` and returns its claims.
pub fn verify(
    token: &str,
    header: &Header,
    key: &DecodingKey,
    expected: &Expected,
) -> Result<Value> {
    let mut validation = Validation::new(header.alg);
    let templated = expected.issuer.contains(TENANT_PLACEHOLDER);
    if !templated {
        let mut issuers = vec![expected.issuer];
        issuers.extend(expected.issuer_alias);
        validation.set_issuer(&issuers);
    }
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 60;
    validation.validate_nbf = true;
    let data = decode::<Value>(token, key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind::*;
        match e.kind() {
            InvalidIssuer => invalid("The id_token was issued by someone else."),
            InvalidAudience => invalid("The id_token was issued for another client."),
            ExpiredSignature => invalid("The id_token has expired."),
            ImmatureSignature => invalid("The id_token is not valid yet (nbf)."),
            InvalidSignature => invalid("The id_token's signature is invalid."),
            _ => invalid("The id_token could not be verified."),
        }
    })?;
    let claims = data.claims;
    if templated {
        check_tenant(&claims, expected)?;
    }
    let aud_count = match claims.get("aud") {
        Some(Value::Array(a)) => a.len(),
        _ => 1,
    };
    match claims.get("azp") {
        Some(Value::String(azp)) if azp != expected.client_id => {
            return Err(invalid(
                "The id_token's authorized party is another client.",
            ))
        }
        None if aud_count > 1 => {
            return Err(invalid(
                "The id_token has several audiences but no authorized party (azp).",
            ))
        }
        Some(v) if !v.is_string() => return Err(invalid("The id_token's azp is malformed.")),
        _ => {}
    }
    let nonce = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
    if nonce.is_empty() || !bool::from(nonce.as_bytes().ct_eq(expected.nonce.as_bytes())) {
        return Err(AuthError::new(
            "NONCE_MISMATCH",
            "The id_token's nonce does not match this sign-in.",
        ));
    }
    if claims
        .get("sub")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(invalid("The id_token has no subject."));
    }
    Ok(claims)
}

/// A multi-tenant issuer: `iss` must be the template with the token's own `tid`, and the tenant
/// must be one the configuration accepts (`organizations`: not the consumer tenant;
/// `consumers`: only it).
fn check_tenant(claims: &Value, expected: &Expected) -> Result<()> {
    let tid = claims
        .get("tid")
        .and_then(Value::as_str)
        .filter(|t| is_tenant_id(t))
        .ok_or_else(|| invalid("The id_token has no tenant id (tid)."))?;
    let want = expected.issuer.replace(TENANT_PLACEHOLDER, tid);
    if claims.get("iss").and_then(Value::as_str) != Some(want.as_str()) {
        return Err(invalid("The id_token was issued by someone else."));
    }
    let consumer = tid.eq_ignore_ascii_case(CONSUMER_TENANT);
    let allowed = match expected.tenant.unwrap_or(TenantRule::Any) {
        TenantRule::Any => true,
        TenantRule::Organizations => !consumer,
        TenantRule::Consumers => consumer,
    };
    if !allowed {
        return Err(AuthError::new(
            "TENANT_NOT_ALLOWED",
            "The account belongs to a tenant this app does not accept.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_template_matches_only_a_tenant_id() {
        let t = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert!(issuer_matches(
            t,
            "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
        ));
        assert!(!issuer_matches(
            t,
            "https://login.microsoftonline.com/evil/v2.0"
        ));
        assert!(!issuer_matches(
            t,
            "https://evil.example/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
        ));
        assert!(issuer_matches("https://a", "https://a"));
        assert!(!issuer_matches("https://a", "https://b"));
    }
}
