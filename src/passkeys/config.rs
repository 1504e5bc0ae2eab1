//! `passkeys: { rpName, rpID?, origins?, userVerification? }` (SPEC §14): parsed and validated at
//! `createAuth`, so a request never meets a relying-party setting that cannot work. The RP ID and
//! the origins come from `baseURL` unless given. This module never talks to a browser or a store.

use serde::Deserialize;
use url::Url;
use webauthn_rp::request::{AsciiDomain, RpId};

use crate::error::{AuthError, Result};

const CODE: &str = "INVALID_PASSKEYS_CONFIG";

/// `passkeys` as the user wrote it.
#[derive(Deserialize, Debug, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasskeysInput {
    pub rp_name: Option<String>,
    #[serde(rename = "rpID")]
    pub rp_id: Option<String>,
    pub origins: Option<Vec<String>>,
    pub user_verification: Option<String>,
}

/// The validated relying-party settings.
#[derive(Debug)]
pub struct PasskeyConfig {
    /// Shown by the browser and the authenticator when a passkey is made.
    pub rp_name: String,
    pub rp_id: RpId,
    /// Exact origins (`scheme://host[:port]`) a ceremony may come from.
    pub origins: Vec<String>,
    /// `true` (the default): the UV flag must be set at registration and at every sign-in.
    pub require_uv: bool,
}

impl PasskeyConfig {
    pub fn rp_id_str(&self) -> &str {
        match &self.rp_id {
            RpId::Domain(d) => d.as_ref(),
            RpId::Url(u) => u.as_ref(),
        }
    }
}

fn err(message: String) -> AuthError {
    AuthError::new(CODE, message)
}

/// `host` is the RP ID or a subdomain of it (the WebAuthn "registrable domain suffix" rule,
/// without a public-suffix list: the RP ID is the app's own configuration).
fn host_matches(host: &str, rp_id: &str) -> bool {
    host == rp_id || host.strip_suffix(rp_id).is_some_and(|p| p.ends_with('.'))
}

/// Validates `input` against `base_origin` (the configured `baseURL`).
pub fn validate(input: PasskeysInput, base_origin: Option<&Url>) -> Result<PasskeyConfig> {
    let rp_name = input
        .rp_name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty() && n.len() <= 64 && !n.chars().any(char::is_control))
        .ok_or_else(|| {
            err("passkeys.rpName is required: the app's name as people should see it when they make a passkey (1-64 characters), e.g. `passkeys: { rpName: \"Example\" }`.".into())
        })?;
    let rp_id = match (input.rp_id, base_origin) {
        (Some(id), _) => id.trim().to_ascii_lowercase(),
        (None, Some(base)) => base.host_str().unwrap_or_default().to_string(),
        (None, None) => {
            return Err(err("passkeys need the app's domain: set `baseURL` (AURA_AUTH_URL) or `passkeys.rpID`, e.g. `rpID: \"example.com\"`.".into()))
        }
    };
    let is_ip = rp_id.parse::<std::net::IpAddr>().is_ok()
        || (rp_id.starts_with('[') && rp_id.ends_with(']'));
    if rp_id.is_empty() || is_ip || rp_id.contains(['/', ':']) {
        return Err(err(format!("passkeys.rpID `{rp_id}` must be a domain name such as `example.com` or `localhost` (not an IP address, no scheme or port). Browsers refuse passkeys on IP addresses: open the app as http://localhost instead of http://127.0.0.1.")));
    }
    let domain = AsciiDomain::try_from(rp_id.clone()).map_err(|_| {
        err(format!(
            "passkeys.rpID `{rp_id}` is not a valid domain name (ASCII, e.g. `example.com`)."
        ))
    })?;
    let origins: Vec<Url> = match input.origins {
        Some(list) if !list.is_empty() => list
            .iter()
            .map(|o| {
                Url::parse(o.trim().trim_end_matches('/'))
                    .ok()
                    .filter(|u| u.path() == "/" && u.query().is_none() && u.host_str().is_some())
                    .ok_or_else(|| {
                        err(format!("passkeys.origins entry `{o}` must be an origin such as `https://example.com`."))
                    })
            })
            .collect::<Result<_>>()?,
        _ => match base_origin {
            Some(b) => vec![b.clone()],
            None => {
                return Err(err("passkeys need the origins ceremonies come from: set `baseURL` (AURA_AUTH_URL) or `passkeys.origins`.".into()))
            }
        },
    };
    let mut out = Vec::with_capacity(origins.len());
    for o in origins {
        let host = o.host_str().unwrap_or_default();
        let secure = o.scheme() == "https" || (o.scheme() == "http" && host == "localhost");
        if !secure {
            return Err(err(format!("passkeys origin `{}` must use https (plain http only on localhost): browsers offer passkeys only to secure origins.", o.origin().ascii_serialization())));
        }
        if !host_matches(host, &rp_id) {
            return Err(err(format!("passkeys origin `{}` is not on the RP ID `{rp_id}` (its host must be `{rp_id}` or a subdomain). Set passkeys.rpID to the common parent domain.", o.origin().ascii_serialization())));
        }
        out.push(o.origin().ascii_serialization());
    }
    let require_uv = match input.user_verification.as_deref() {
        None | Some("required") => true,
        Some("preferred") => false,
        Some(other) => {
            return Err(err(format!(
                "passkeys.userVerification `{other}` is not supported: use \"required\" (the default) or \"preferred\"."
            )))
        }
    };
    Ok(PasskeyConfig {
        rp_name,
        rp_id: RpId::Domain(domain),
        origins: out,
        require_uv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(rp_id: Option<&str>, origins: Option<Vec<&str>>) -> PasskeysInput {
        PasskeysInput {
            rp_name: Some("Example".into()),
            rp_id: rp_id.map(Into::into),
            origins: origins.map(|v| v.into_iter().map(Into::into).collect()),
            user_verification: None,
        }
    }

    #[test]
    fn rp_id_and_origin_come_from_base_url() {
        let base = Url::parse("http://localhost:3000").unwrap();
        let c = validate(input(None, None), Some(&base)).unwrap();
        assert_eq!(c.rp_id_str(), "localhost");
        assert_eq!(c.origins, vec!["http://localhost:3000".to_string()]);
        assert!(c.require_uv);
    }

    #[test]
    fn several_origins_on_one_rp_id() {
        let c = validate(
            input(
                Some("example.com"),
                Some(vec!["https://example.com", "https://app.example.com/"]),
            ),
            None,
        )
        .unwrap();
        assert_eq!(
            c.origins,
            vec!["https://example.com", "https://app.example.com"]
        );
    }

    #[test]
    fn refuses_what_cannot_work() {
        let ip = Url::parse("http://127.0.0.1:3000").unwrap();
        let bad = [
            validate(input(None, None), None),
            validate(input(None, None), Some(&ip)),
            validate(
                input(Some("example.com"), Some(vec!["https://evil.com"])),
                None,
            ),
            validate(
                input(Some("example.com"), Some(vec!["https://notexample.com"])),
                None,
            ),
            validate(
                input(Some("example.com"), Some(vec!["http://example.com"])),
                None,
            ),
            validate(
                PasskeysInput {
                    rp_name: Some("  ".into()),
                    ..input(Some("example.com"), Some(vec!["https://example.com"]))
                },
                None,
            ),
            validate(
                PasskeysInput {
                    user_verification: Some("discouraged".into()),
                    ..input(Some("example.com"), Some(vec!["https://example.com"]))
                },
                None,
            ),
        ];
        for r in bad {
            assert_eq!(r.unwrap_err().code, CODE);
        }
    }
}
