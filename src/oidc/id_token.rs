//! id_token verification (OpenID Connect Core §3.1.3.7): signature (by the JOSE crate), `iss`,
//! `aud`, `azp`, `exp`, and `nonce`.

use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Header, Validation};
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::error::{AuthError, Result};

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

/// The token's header, if it is a JWS with an asymmetric algorithm we accept (`none` and HMAC
/// are refused here).
pub fn header(token: &str) -> Result<Header> {
    let header = decode_header(token).map_err(|_| invalid("The id_token is not a signed JWT."))?;
    if !ALLOWED.contains(&header.alg) {
        return Err(invalid("The id_token's algorithm is not accepted."));
    }
    Ok(header)
}

pub struct Expected<'a> {
    pub issuer: &'a str,
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
    validation.set_issuer(&[expected.issuer]);
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
