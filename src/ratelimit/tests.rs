//! The limiter's rules as named tests (SPEC §13), on the in-memory store.

use super::config::{RateLimitConfig, RateLimitInput};
use super::*;

fn limiter(json: &str, trusted_proxy_headers: bool) -> RateLimiter {
    let input: RateLimitInput = serde_json::from_str(json).expect("json");
    let config = RateLimitConfig::from_input(
        Some(input),
        true,
        None,
        trusted_proxy_headers,
        &mut Vec::new(),
    )
    .unwrap()
    .unwrap();
    RateLimiter::new(config, "aura-auth", trusted_proxy_headers).unwrap()
}

fn ask(
    l: &RateLimiter,
    path: &str,
    ip: Option<&str>,
    xff: Option<&str>,
    email: Option<&str>,
) -> Verdict {
    match l.plan(path, ip, xff, || email.map(str::to_string)) {
        Some(plan) => l.check_now(&plan).expect("memory answers now"),
        None => Verdict::Allow,
    }
}

#[test]
fn rate_limit_default_budget_per_ip_then_429_with_retry_after() {
    let l = limiter(r#"{"window":30,"max":3}"#, false);
    for _ in 0..3 {
        assert_eq!(
            ask(&l, "/csrfToken", Some("198.51.100.1"), None, None),
            Verdict::Allow
        );
    }
    assert_eq!(
        ask(&l, "/providers", Some("198.51.100.1"), None, None),
        Verdict::Limited { retry_after: 30 }
    );
    // Another address has its own budget.
    assert_eq!(
        ask(&l, "/csrfToken", Some("198.51.100.2"), None, None),
        Verdict::Allow
    );
}

#[test]
fn rate_limit_distributed_guess_against_one_email_is_stopped() {
    let l = limiter(
        r#"{"rules":{"/signIn/email":{"window":900,"max":5}}}"#,
        false,
    );
    let mut limited = 0;
    for i in 0..50 {
        let ip = format!("203.0.113.{i}");
        // Each address guesses once; the case and spaces of the address change nothing.
        let email = if i % 2 == 0 {
            "victim@example.com"
        } else {
            " Victim@Example.COM "
        };
        if ask(&l, "/signIn/email", Some(&ip), None, Some(email)) != Verdict::Allow {
            limited += 1;
        }
    }
    assert_eq!(limited, 45);
    // Another account is unaffected.
    assert_eq!(
        ask(
            &l,
            "/signIn/email",
            Some("203.0.113.200"),
            None,
            Some("other@example.com")
        ),
        Verdict::Allow
    );
}

#[test]
fn rate_limit_email_keys_hold_no_address() {
    let l = limiter("{}", false);
    let plan = l
        .plan("/signIn/email", Some("192.0.2.1"), None, || {
            Some("a@example.com".into())
        })
        .unwrap();
    assert_eq!(plan.hits.len(), 2);
    assert!(plan.hits.iter().all(|h| !h.key.contains("example.com")));
    assert_eq!(plan.hits[0].key, "aura-auth:rl:/signIn/email:ip:192.0.2.1");
    assert_eq!(plan.hits[0].window_ms, 900_000);
}

#[test]
fn rate_limit_spoofed_forwarded_for_buys_no_budget_without_trusted_proxies() {
    let l = limiter(r#"{"max":2}"#, false);
    for i in 0..2 {
        let spoof = format!("10.9.9.{i}");
        assert_eq!(
            ask(&l, "/csrfToken", Some("192.0.2.9"), Some(&spoof), None),
            Verdict::Allow
        );
    }
    assert_ne!(
        ask(&l, "/csrfToken", Some("192.0.2.9"), Some("10.9.9.77"), None),
        Verdict::Allow
    );
}

#[test]
fn rate_limit_trusted_proxy_uses_right_most_untrusted_hop() {
    let l = limiter(r#"{"max":1,"proxies":1}"#, true);
    // The client prepends whatever it likes; the proxy appends the real address.
    assert_eq!(
        ask(
            &l,
            "/csrfToken",
            Some("10.0.0.1"),
            Some("1.1.1.1, 198.51.100.5"),
            None
        ),
        Verdict::Allow
    );
    assert_ne!(
        ask(
            &l,
            "/csrfToken",
            Some("10.0.0.1"),
            Some("2.2.2.2, 198.51.100.5"),
            None
        ),
        Verdict::Allow
    );
    assert_eq!(
        ask(
            &l,
            "/csrfToken",
            Some("10.0.0.1"),
            Some("198.51.100.6"),
            None
        ),
        Verdict::Allow
    );
}

#[test]
fn rate_limit_ipv6_per_64() {
    let l = limiter(r#"{"max":2}"#, false);
    assert_eq!(
        ask(&l, "/csrfToken", Some("2001:db8:5:6::1"), None, None),
        Verdict::Allow
    );
    assert_eq!(
        ask(&l, "/csrfToken", Some("2001:db8:5:6::2"), None, None),
        Verdict::Allow
    );
    assert_ne!(
        ask(&l, "/csrfToken", Some("2001:db8:5:6:ffff::3"), None, None),
        Verdict::Allow
    );
    assert_eq!(
        ask(&l, "/csrfToken", Some("2001:db8:5:7::1"), None, None),
        Verdict::Allow
    );
}

#[test]
fn rate_limit_without_an_address_skips_ip_keeps_email_and_warns_once() {
    let l = limiter(r#"{"rules":{"/signIn/email":{"max":1}}}"#, false);
    assert_eq!(ask(&l, "/csrfToken", None, None, None), Verdict::Allow);
    assert_eq!(
        ask(&l, "/signIn/email", None, None, Some("a@example.com")),
        Verdict::Allow
    );
    assert_ne!(
        ask(&l, "/signIn/email", None, None, Some("a@example.com")),
        Verdict::Allow
    );
    let log = l.take_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].code, "RATE_LIMIT_NO_CLIENT_IP");
    assert!(l.take_log().is_empty());
}

#[test]
fn rate_limit_paths_turned_off_are_not_counted() {
    let l = limiter(r#"{"max":1,"rules":{"/csrfToken":false}}"#, false);
    for _ in 0..5 {
        assert!(l
            .plan("/csrfToken", Some("192.0.2.1"), None, || None)
            .is_none());
    }
}
