//! The one place that decides which URLs the library talks to: https anywhere, plain http only
//! to this machine (localhost, 127.0.0.0/8, ::1), so tests and the demo can use a local provider.
//! Provider endpoints are checked with it at `createAuth`, discovered endpoints when they arrive,
//! and every outbound request again just before it is sent.

use url::Url;

use crate::error::{AuthError, Result};

/// True for URLs whose host is this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// https with a host anywhere; http only to loopback hosts; nothing else.
pub fn outbound_allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => is_loopback(url),
        _ => false,
    }
}

/// A configured provider endpoint (`createAuth` time): a coded error that says how to fix it.
pub fn provider_endpoint(text: &str, id: &str, field: &str) -> Result<Url> {
    let url = Url::parse(text).map_err(|e| {
        AuthError::new(
            "INVALID_PROVIDER_URL",
            format!("Provider `{id}`: {field} `{text}` is not a valid URL ({e})."),
        )
    })?;
    if !outbound_allowed(&url) {
        return Err(AuthError::new(
            "INVALID_PROVIDER_URL",
            format!("Provider `{id}`: {field} `{text}` must use https (plain http is allowed only for localhost / 127.0.0.1 / ::1)."),
        ));
    }
    Ok(url)
}

/// Who published a discovery document: its issuer, and whether the app runs in production.
#[derive(Clone, Copy)]
pub struct Publisher<'a> {
    pub issuer: &'a str,
    pub production: bool,
}

/// An endpoint named by a provider's discovery document. A loopback endpoint is taken only from
/// a loopback issuer or outside production (review finding 8): an app that accepts customer
/// issuers must not be steered into calling services on its own machine.
pub fn discovered_endpoint(text: &str, field: &str, from: Publisher) -> Result<Url> {
    let url = Url::parse(text)
        .ok()
        .filter(outbound_allowed)
        .ok_or_else(|| {
            AuthError::new(
                "DISCOVERY_FAILED",
                format!("The provider's {field} is not an https URL."),
            )
        })?;
    let issuer_local = Url::parse(from.issuer).is_ok_and(|i| is_loopback(&i));
    if from.production && is_loopback(&url) && !issuer_local {
        return Err(AuthError::new(
            "DISCOVERY_FAILED",
            format!("The provider's {field} points at this machine, but its issuer does not."),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_8_loopback_endpoints_only_from_a_loopback_issuer_in_production() {
        let remote = |production| Publisher {
            issuer: "https://idp.example.com",
            production,
        };
        let local = Publisher {
            issuer: "http://127.0.0.1:9/",
            production: true,
        };
        for text in [
            "http://127.0.0.1:6379/",
            "http://localhost/x",
            "https://[::1]/x",
        ] {
            assert_eq!(
                discovered_endpoint(text, "jwks_uri", remote(true))
                    .unwrap_err()
                    .code,
                "DISCOVERY_FAILED",
                "{text}"
            );
            assert!(discovered_endpoint(text, "jwks_uri", remote(false)).is_ok());
            assert!(discovered_endpoint(text, "jwks_uri", local).is_ok());
        }
        assert!(discovered_endpoint("https://idp.example.com/k", "jwks_uri", remote(true)).is_ok());
    }

    #[test]
    fn rule8_plain_http_only_on_loopback() {
        let dev = Publisher {
            issuer: "https://idp.example.com",
            production: false,
        };
        for ok in [
            "https://example.com/x",
            "http://localhost:1/x",
            "http://127.0.0.2/x",
            "http://[::1]:3/x",
        ] {
            assert!(outbound_allowed(&Url::parse(ok).unwrap()), "{ok}");
            assert!(provider_endpoint(ok, "p", "tokenURL").is_ok(), "{ok}");
            assert!(
                discovered_endpoint(ok, "token_endpoint", dev).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "http://example.com/x",
            "http://10.0.0.1/x",
            "ftp://127.0.0.1/x",
            "http://localhost.evil.com/",
            "file:///etc/passwd",
        ] {
            assert!(!outbound_allowed(&Url::parse(bad).unwrap()), "{bad}");
            assert_eq!(
                provider_endpoint(bad, "p", "tokenURL").unwrap_err().code,
                "INVALID_PROVIDER_URL"
            );
            assert_eq!(
                discovered_endpoint(bad, "token_endpoint", dev)
                    .unwrap_err()
                    .code,
                "DISCOVERY_FAILED"
            );
        }
    }
}
