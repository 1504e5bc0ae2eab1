//! `rateLimit` as the user writes it (SPEC §13), its defaults and its validation. A mistake is an
//! `INVALID_RATE_LIMIT` error at `createAuth` that says how to fix it; nothing here touches a store.

use std::collections::HashMap;

use serde::Deserialize;
use url::Url;

use crate::error::{AuthError, Result};

const CODE: &str = "INVALID_RATE_LIMIT";
/// The default budget: per client IP, every endpoint without a rule of its own.
pub const DEFAULT_WINDOW: u64 = 60;
pub const DEFAULT_MAX: u64 = 100;
/// The longest a window may be (one day) and the most a budget may allow.
const MAX_WINDOW: u64 = 24 * 60 * 60;
const MAX_MAX: u64 = 1_000_000;
const DEFAULT_TIMEOUT_MS: u64 = 500;

/// What a count is keyed by.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// The client IP (IPv6 per /64).
    Ip,
    /// The `email` field of the JSON or form body, trimmed and lowercased.
    Email,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    pub window: Option<u64>,
    pub max: Option<u64>,
    pub by: Option<Vec<By>>,
}

/// A rule, or `false` to leave a path unlimited.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub enum RuleOrOff {
    Off(bool),
    Rule(RuleInput),
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum OnStoreError {
    /// Let the request through and log the outage once.
    #[default]
    Allow,
    /// Refuse with 503 `RATE_LIMIT_UNAVAILABLE`.
    Deny,
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RateLimitInput {
    pub enabled: Option<bool>,
    pub window: Option<u64>,
    pub max: Option<u64>,
    #[serde(default)]
    pub rules: HashMap<String, RuleOrOff>,
    pub storage: Option<String>,
    pub on_store_error: Option<OnStoreError>,
    /// How many proxies in front of the app append to `X-Forwarded-For` (with
    /// `trustedProxyHeaders`; default 1).
    pub proxies: Option<u8>,
    /// Bound on each call to a shared store, in ms (default 500).
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub window: u64,
    pub max: u64,
    pub by: Vec<By>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    Memory,
    Redis(String),
}

/// The validated `rateLimit`.
#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    pub default: Rule,
    /// Per path under `basePath` (`/signIn/email`, or `/callback/*` for every provider):
    /// `None` leaves the path unlimited.
    pub rules: Vec<(String, Option<Rule>)>,
    pub storage: Storage,
    pub on_store_error: OnStoreError,
    pub proxies: u8,
    pub timeout_ms: u64,
}

/// The stricter defaults for the costly and guessable endpoints (SPEC §12/§13). Paths that are
/// not served (yet) cost nothing: a rule applies only to a request that reached an endpoint.
pub const DEFAULT_RULES: &[(&str, u64, u64, &[By])] = &[
    ("/callback/*", 60, 20, &[By::Ip]),
    ("/signIn/email", 900, 10, &[By::Ip, By::Email]),
    ("/signUp/email", 3600, 10, &[By::Ip, By::Email]),
    ("/password/forgot", 900, 5, &[By::Ip, By::Email]),
    ("/password/reset", 900, 10, &[By::Ip]),
    ("/password/change", 900, 10, &[By::Ip]),
    ("/signIn/magic-link", 900, 5, &[By::Ip, By::Email]),
    ("/verify-email", 900, 20, &[By::Ip]),
    ("/magic-link", 900, 20, &[By::Ip]),
];

fn bad(message: String) -> AuthError {
    AuthError::new(CODE, message)
}

fn check_budget(window: u64, max: u64, what: &str) -> Result<()> {
    if window == 0 || window > MAX_WINDOW {
        return Err(bad(format!(
            "{what}window must be between 1 and {MAX_WINDOW} seconds."
        )));
    }
    if max == 0 || max > MAX_MAX {
        return Err(bad(format!(
            "{what}max must be between 1 and {MAX_MAX} requests per window (use `false` as the rule to leave a path unlimited)."
        )));
    }
    Ok(())
}

/// A rule path: `/segment[/segment]` under basePath, letters/digits/`-`/`_`/`.`, and `*` only as
/// the whole last segment.
fn check_path(path: &str) -> Result<()> {
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or("").split('/').collect();
    let ok = path.starts_with('/')
        && segments.iter().enumerate().all(|(i, s)| {
            (*s == "*" && i == segments.len() - 1 && i > 0)
                || (!s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)))
        });
    if ok {
        Ok(())
    } else {
        Err(bad(format!(
            "rateLimit.rules key `{path}` must be a path under basePath such as `/signIn/email` or `/callback/*` (`*` only as the last segment)."
        )))
    }
}

fn storage(text: &str) -> Result<Storage> {
    match text.trim() {
        "memory" => Ok(Storage::Memory),
        "database" => Err(AuthError::new(
            "RATE_LIMIT_STORAGE_UNAVAILABLE",
            "rateLimit.storage \"database\" is not available yet in this version. Use \"memory\" (one instance) or a Redis URL such as \"redis://localhost:6379\" (several instances).",
        )),
        t => match Url::parse(t) {
            Ok(u) if matches!(u.scheme(), "redis" | "rediss") && u.host().is_some() => {
                Ok(Storage::Redis(t.to_string()))
            }
            _ => Err(bad(
                "rateLimit.storage must be \"memory\" or a Redis URL such as \"redis://localhost:6379\" or \"rediss://user:password@host:6380\".".to_string(),
            )),
        },
    }
}

impl RateLimitConfig {
    /// `None` when rate limiting is off. `production` turns it on by default;
    /// `env_url` is `AURA_AUTH_RATE_LIMIT_URL` (an explicit `storage` wins).
    pub fn from_input(
        input: Option<RateLimitInput>,
        production: bool,
        env_url: Option<&str>,
        trusted_proxy_headers: bool,
        warnings: &mut Vec<String>,
    ) -> Result<Option<RateLimitConfig>> {
        let input = input.unwrap_or_default();
        let window = input.window.unwrap_or(DEFAULT_WINDOW);
        let max = input.max.unwrap_or(DEFAULT_MAX);
        check_budget(window, max, "rateLimit.")?;
        let mut rules: Vec<(String, Option<Rule>)> = DEFAULT_RULES
            .iter()
            .map(|(p, window, max, by)| {
                let rule = Rule {
                    window: *window,
                    max: *max,
                    by: by.to_vec(),
                };
                (p.to_string(), Some(rule))
            })
            .collect();
        let mut user: Vec<_> = input.rules.into_iter().collect();
        user.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, r) in user {
            check_path(&path)?;
            let what = format!("rateLimit.rules[\"{path}\"].");
            let rule = match r {
                RuleOrOff::Off(false) => None,
                RuleOrOff::Off(true) => {
                    return Err(bad(format!(
                        "{what}: use `false` to leave the path unlimited, or an object {{ window, max, by }}."
                    )))
                }
                RuleOrOff::Rule(r) => {
                    let base = rules.iter().find(|(p, _)| *p == path).and_then(|x| x.1.clone());
                    let window = r.window.or(base.as_ref().map(|b| b.window)).unwrap_or(window);
                    let max = r.max.or(base.as_ref().map(|b| b.max)).unwrap_or(max);
                    check_budget(window, max, &what)?;
                    let mut by = r.by.or(base.map(|b| b.by)).unwrap_or(vec![By::Ip]);
                    by.dedup();
                    if by.is_empty() {
                        return Err(bad(format!("{what}by must name \"ip\", \"email\" or both.")));
                    }
                    Some(Rule { window, max, by })
                }
            };
            rules.retain(|(p, _)| *p != path);
            rules.push((path, rule));
        }
        let storage = match input.storage.as_deref().or(env_url) {
            Some(s) => storage(s)?,
            None => Storage::Memory,
        };
        let proxies = input.proxies.unwrap_or(1);
        if proxies == 0 || proxies > 16 {
            return Err(bad("rateLimit.proxies must be between 1 and 16: the number of proxies in front of the app that append to X-Forwarded-For.".to_string()));
        }
        if input.proxies.is_some() && !trusted_proxy_headers {
            warnings.push("[aura-auth] rateLimit.proxies has no effect without trustedProxyHeaders: true; the client IP is the socket address.".to_string());
        }
        let timeout_ms = input.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        if timeout_ms == 0 || timeout_ms > 10_000 {
            return Err(bad(
                "rateLimit.timeoutMs must be between 1 and 10000.".to_string()
            ));
        }
        if !input.enabled.unwrap_or(production) {
            return Ok(None);
        }
        Ok(Some(RateLimitConfig {
            default: Rule {
                window,
                max,
                by: vec![By::Ip],
            },
            rules,
            storage,
            on_store_error: input.on_store_error.unwrap_or_default(),
            proxies,
            timeout_ms,
        }))
    }

    /// The rule for a path under basePath and its name (the count's key): an exact rule, else
    /// `/parent/*`, else the default budget (shared by every such endpoint). `None`: unlimited.
    pub fn rule_for(&self, path: &str) -> Option<(&str, &Rule)> {
        let find = |p: &str| self.rules.iter().find(|(k, _)| k == p);
        let wildcard = path
            .rsplit_once('/')
            .map(|(parent, _)| format!("{parent}/*"));
        let found = find(path).or_else(|| wildcard.as_deref().and_then(find));
        match found {
            Some((name, rule)) => rule.as_ref().map(|r| (name.as_str(), r)),
            None => Some(("*", &self.default)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str, production: bool) -> Result<Option<RateLimitConfig>> {
        let input: RateLimitInput = serde_json::from_str(json).expect("json");
        RateLimitConfig::from_input(Some(input), production, None, false, &mut Vec::new())
    }

    #[test]
    fn on_in_production_off_in_development_unless_enabled() {
        assert!(parse("{}", true).unwrap().is_some());
        assert!(parse("{}", false).unwrap().is_none());
        assert!(parse(r#"{"enabled":true}"#, false).unwrap().is_some());
        assert!(parse(r#"{"enabled":false}"#, true).unwrap().is_none());
    }

    #[test]
    fn rules_override_defaults_and_wildcards_apply() {
        let c = parse(
            r#"{"enabled":true,"window":10,"max":5,"rules":{"/signIn/email":{"max":3},"/callback/*":false,"/csrfToken":{"window":1,"max":2}}}"#,
            false,
        )
        .unwrap()
        .unwrap();
        let (name, r) = c.rule_for("/signIn/email").unwrap();
        assert_eq!((name, r.window, r.max), ("/signIn/email", 900, 3));
        assert_eq!(r.by, vec![By::Ip, By::Email]);
        assert!(c.rule_for("/callback/github").is_none());
        assert_eq!(c.rule_for("/csrfToken").unwrap().1.max, 2);
        let (name, r) = c.rule_for("/signIn/github").unwrap();
        assert_eq!((name, r.window, r.max), ("*", 10, 5));
    }

    #[test]
    fn bad_config_is_a_coded_error() {
        for bad in [
            r#"{"window":0}"#,
            r#"{"max":0}"#,
            r#"{"rules":{"signIn/email":{"max":1}}}"#,
            r#"{"rules":{"/*":{"max":1}}}"#,
            r#"{"rules":{"/a/*/b":{"max":1}}}"#,
            r#"{"rules":{"/a":true}}"#,
            r#"{"rules":{"/a":{"by":[]}}}"#,
            r#"{"storage":"mysql://x"}"#,
            r#"{"storage":"redis://"}"#,
            r#"{"proxies":0}"#,
            r#"{"timeoutMs":0}"#,
        ] {
            assert_eq!(parse(bad, true).unwrap_err().code, CODE, "{bad}");
        }
        assert_eq!(
            parse(r#"{"storage":"database"}"#, true).unwrap_err().code,
            "RATE_LIMIT_STORAGE_UNAVAILABLE"
        );
        assert!(
            serde_json::from_str::<RateLimitInput>(r#"{"rules":{"/a":{"by":["cookie"]}}}"#)
                .is_err()
        );
    }

    #[test]
    fn storage_from_env_unless_configured() {
        let c = RateLimitConfig::from_input(
            None,
            true,
            Some("redis://127.0.0.1:6379"),
            false,
            &mut Vec::new(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.storage, Storage::Redis("redis://127.0.0.1:6379".into()));
        let input: RateLimitInput = serde_json::from_str(r#"{"storage":"memory"}"#).unwrap();
        let c = RateLimitConfig::from_input(
            Some(input),
            true,
            Some("redis://h"),
            false,
            &mut Vec::new(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.storage, Storage::Memory);
    }
}
