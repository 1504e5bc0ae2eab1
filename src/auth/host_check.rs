//! One warning per instance when a sign-in starts on a host other than `baseURL`'s: the flow
//! cookie is set for the address the browser used, the provider returns to `baseURL`, and the
//! sign-in then fails with `FLOW_COOKIE_MISSING` (issue "first hour": it failed silently).
//! Shown at the default log level (the entry is marked `always`). Never decides anything: the
//! request goes on as before.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::config::Config;
use crate::http::context::request_url;
use crate::http::request::Request;
use crate::log::{Level, LogEntry};

/// `host[:port]` the browser used for this request, as far as the request says.
fn request_host(config: &Config, req: &Request) -> Option<String> {
    if config.trusted_proxy_headers {
        if let Some(h) = req.forwarded_host.as_deref() {
            return Some(h.split(',').next().unwrap_or(h).trim().to_string());
        }
    }
    match request_url(&req.url) {
        Ok(u) if u.host_str() != Some("request.invalid") => {
            Some(u[url::Position::BeforeHost..url::Position::AfterPort].to_string())
        }
        _ => req.host.clone(),
    }
}

/// The warning for this sign-in request, the first time only.
pub fn check(config: &Config, warned: &AtomicBool, req: &Request) -> Option<LogEntry> {
    let base = config.base_origin.as_ref()?;
    if warned.load(Ordering::Relaxed) {
        return None;
    }
    let expected = &base[url::Position::BeforeHost..url::Position::AfterPort];
    let seen = request_host(config, req)?;
    if seen.eq_ignore_ascii_case(expected) || warned.swap(true, Ordering::Relaxed) {
        return None;
    }
    let origin = base.as_str().trim_end_matches('/');
    let mut entry = LogEntry::new(
        Level::Warn,
        "BASE_URL_HOST_MISMATCH",
        &format!("A sign-in started at host `{seen}`, but baseURL is `{origin}`: the provider returns the browser to {expected}, where the sign-in cookie set at {seen} is missing (the sign-in then fails with FLOW_COOKIE_MISSING). Open the app at {origin}, or set baseURL (AURA_AUTH_URL) to the address the app is served at."),
        None,
    );
    entry.always = true;
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse_input, Config};

    fn config() -> Config {
        let input = parse_input(r#"{"config":{"oauth":[{"id":"x","type":"oauth","clientId":"a","clientSecret":"b","authorizationURL":"http://localhost:9/a","tokenURL":"http://localhost:9/t","userinfoURL":"http://localhost:9/u"}],"baseURL":"http://localhost:3000","secret":"8f3a1c9e27b4d05f6a81c3e9b2d74f0a5c6e8b1d3f2a4c6e9b8d7f1a3c5e7b9d","salt":"9e3a1c9e27b4d05f6a81c3e9b2d74f0a5c6e8b1d3f2a4c6e9b8d7f1a3c5e7b9d"}}"#).unwrap();
        Config::from_input(input).unwrap()
    }

    #[test]
    fn warns_once_naming_both_hosts() {
        let c = config();
        let warned = AtomicBool::new(false);
        let mut req = Request::get("/api/auth/signIn/x");
        req.host = Some("localhost:3000".into());
        assert!(check(&c, &warned, &req).is_none());
        req.host = Some("127.0.0.1:3000".into());
        let entry = check(&c, &warned, &req).expect("a warning");
        assert!(entry.always);
        assert!(
            entry.message.contains("127.0.0.1:3000")
                && entry.message.contains("http://localhost:3000")
        );
        assert!(check(&c, &warned, &req).is_none(), "once per instance");
    }
}
