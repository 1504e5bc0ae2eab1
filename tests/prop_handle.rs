//! Property tests: whole-request handling (`aura_auth::Auth::handle` / `handle_async`) with
//! arbitrary method, URL, cookies, headers and body. Never panics; the status is always
//! 200-499 (2xx, a 3xx redirect, or a 4xx) — never 5xx; JSON answers are JSON with `no-store`;
//! no header value can split a response. Providers point at a closed loopback port.

mod common;

use std::sync::OnceLock;

use aura_auth::{Auth, Request};
use common::{behind_proxy, cookie_pairs, run, with_base_url};
use proptest::prelude::*;

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("GET".to_string()),
        2 => Just("POST".to_string()),
        1 => Just("HEAD".to_string()),
        1 => prop::sample::select(vec!["PUT", "DELETE", "OPTIONS", "PATCH", "get", "TRACE", "", " "]).prop_map(str::to_string),
        1 => ".{0,8}",
    ]
}

fn provider() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("github".to_string()),
        Just("oidc".to_string()),
        Just("generic".to_string()),
        Just("..".to_string()),
        Just("%2e%2e".to_string()),
        Just("github%00".to_string()),
        "[^/?#]{0,12}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("state"),
        Just("code"),
        Just("iss"),
        Just("error"),
        Just("redirectTo"),
        Just("callbackUrl"),
        Just("redirect"),
        Just("x"),
        Just("%"),
    ];
    let value = prop_oneof![
        Just("false".to_string()),
        Just("access_denied".to_string()),
        Just("//evil.com".to_string()),
        Just("%FF%00".to_string()),
        Just("%".to_string()),
        "[A-Za-z0-9_%./:-]{0,40}",
        ".{0,10}",
    ];
    prop::collection::vec((key, value), 0..6).prop_map(|kv| {
        kv.into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn url(base: &'static str) -> impl Strategy<Value = String> {
    let path = prop_oneof![
        (Just("/signIn/"), provider()).prop_map(|(a, b)| format!("{a}{b}")),
        (Just("/callback/"), provider()).prop_map(|(a, b)| format!("{a}{b}")),
        prop::sample::select(vec![
            "/session",
            "/csrfToken",
            "/signOut",
            "/providers",
            "/error",
            "/",
            "/nope",
            "/session/",
            "//session"
        ])
        .prop_map(str::to_string),
        ".{0,30}",
    ];
    let origin = prop_oneof![
        Just(String::new()),
        Just("https://app.example.com".to_string()),
        Just("http://localhost:3000".to_string()),
        "[a-z]{1,5}://[^/]{0,12}",
    ];
    (origin, path, query(), any::<bool>()).prop_map(move |(o, p, q, with_base)| {
        let b = if with_base { base } else { "" };
        if q.is_empty() {
            format!("{o}{b}{p}")
        } else {
            format!("{o}{b}{p}?{q}")
        }
    })
}

/// Real sealed cookies to splice in, so the fuzzer reaches past "cookie missing".
struct Seeds {
    flow_pairs: Vec<String>,
    session_pairs: Vec<String>,
    state: String,
}

fn seeds(auth: &'static Auth, base: &str) -> Seeds {
    let r = run(
        auth,
        &Request {
            host: Some("app.example.com".into()),
            ..Request::get(&format!("{base}/signIn/github"))
        },
    );
    let loc = r.header("location").unwrap_or_default().to_string();
    let state = url::Url::parse(&loc)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    let user = serde_json::from_str(r#"{"sub":"1","name":"N","provider":"github"}"#).unwrap();
    Seeds {
        flow_pairs: cookie_pairs(&r),
        session_pairs: auth
            .seal_session_for_testing(user, true)
            .expect("a small session")
            .split("; ")
            .map(str::to_string)
            .collect(),
        state,
    }
}

fn seeds_base() -> &'static Seeds {
    static S: OnceLock<Seeds> = OnceLock::new();
    S.get_or_init(|| seeds(with_base_url(), "/api/auth"))
}

fn cookie() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        2 => ".{0,200}".prop_map(Some),
        2 => (0usize..4, ".{0,20}").prop_map(|(i, junk)| {
            let s = seeds_base();
            let mut parts = vec![];
            if i & 1 == 1 { parts.extend(s.flow_pairs.iter().cloned()); }
            if i & 2 == 2 { parts.extend(s.session_pairs.iter().cloned()); }
            parts.push(junk);
            Some(parts.join("; "))
        }),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        ".{0,30}".prop_map(Some),
        Just(Some("https".to_string())),
        Just(Some("evil.com".to_string()))
    ]
}

prop_compose! {
    fn request(base: &'static str)(
        method in method(), url in url(base), cookie in cookie(), host in opt_text(), secure in any::<Option<bool>>(),
        origin in opt_text(), forwarded_host in opt_text(), forwarded_proto in opt_text(), forwarded in opt_text(),
        content_type in prop_oneof![Just(None), Just(Some("application/json".to_string())), Just(Some("application/x-www-form-urlencoded".to_string())), ".{0,20}".prop_map(Some)],
        csrf_token in opt_text(),
        body in prop_oneof![Just(None), ".{0,200}".prop_map(Some), "\\{\"csrfToken\":\"[a-zA-Z0-9_-]{0,20}\",\"redirectTo\":\".{0,20}\"\\}".prop_map(Some)],
        use_state in any::<bool>(),
    ) -> Request {
        let mut url = url;
        if use_state && url.contains("/callback/github") {
            // A correct state for the seeded flow cookie: the check passes and the exchange is tried.
            let sep = if url.contains('?') { '&' } else { '?' };
            url = format!("{url}{sep}code=c&state={}", seeds_base().state);
        }
        Request { method, url, host, secure, cookie, origin, forwarded_host, forwarded_proto, forwarded, content_type, csrf_token, body, body_too_large: false, ..Default::default() }
    }
}

/// DEFECT (reported; src/actions/signin.rs `failure`): `signIn/:id?redirect=false` answers 502
/// when the provider cannot be reached (discovery failed), a 5xx where SPEC §3 asks for "a fitting
/// 4xx". Found by `handle_never_fails_*` at 100,000 cases. While `true`, exactly that answer is
/// tolerated (and asserted to be that case); set to `false` once fixed, and drop the `#[ignore]`
/// on `signin_json_failure_is_4xx`.
const SIGNIN_JSON_502: bool = false;

fn known_signin_502(req: &Request, resp: &aura_auth::Response) -> bool {
    let code_ok = serde_json::from_str::<serde_json::Value>(&resp.body)
        .is_ok_and(|v| v["error"]["code"] == "DISCOVERY_FAILED");
    let head = req.method.eq_ignore_ascii_case("HEAD") && resp.body.is_empty();
    SIGNIN_JSON_502 && resp.status == 502 && req.url.contains("/signIn/") && (code_ok || head)
}

fn check(auth: &Auth, req: &Request) -> Result<(), TestCaseError> {
    let resp = run(auth, req);
    prop_assert!(
        (200..500).contains(&resp.status) || known_signin_502(req, &resp),
        "status {} for {:?}",
        resp.status,
        req
    );
    for (n, v) in &resp.headers {
        prop_assert!(
            !v.contains(['\r', '\n', '\0']),
            "header {} splits: {:?}",
            n,
            v
        );
        prop_assert!(!n.is_empty() && n.bytes().all(|b| b.is_ascii_graphic()));
    }
    if resp
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json"))
        && !req.method.eq_ignore_ascii_case("HEAD")
    {
        prop_assert!(
            serde_json::from_str::<serde_json::Value>(&resp.body).is_ok(),
            "not JSON: {}",
            resp.body
        );
        prop_assert_eq!(resp.header("cache-control"), Some("no-store"));
    }
    if resp.status == 302 || resp.status == 301 {
        let loc = resp.header("location");
        prop_assert!(loc.is_some());
        // Location must survive Node's setHeader and Web Headers: visible ASCII only.
        prop_assert!(
            loc.unwrap_or_default()
                .bytes()
                .all(|b| b.is_ascii_graphic()),
            "Location {:?}",
            loc
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn handle_never_fails_with_base_url(req in request("/api/auth")) {
        check(with_base_url(), &req)?;
    }

    #[test]
    fn handle_never_fails_behind_proxy(req in request("/auth")) {
        check(behind_proxy(), &req)?;
    }

    #[test]
    fn session_json_never_fails(c in cookie(), proto in opt_text()) {
        for auth in [with_base_url(), behind_proxy()] {
            let json = auth.session_json(c.as_deref(), proto.as_deref());
            let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
            prop_assert!(v.get("authenticated").and_then(|a| a.as_bool()).is_some());
        }
    }
}

/// The seeded flow cookie and state really reach the code exchange (so the properties above
/// exercise the callback past its cookie and state checks).
#[test]
fn seeded_callback_reaches_the_token_exchange() {
    let s = seeds_base();
    assert!(!s.state.is_empty());
    let req = Request {
        cookie: Some(s.flow_pairs.join("; ")),
        ..Request::get(&format!(
            "https://app.example.com/api/auth/callback/github?code=c&state={}",
            s.state
        ))
    };
    let r = run(with_base_url(), &req);
    assert_eq!(
        r.header("location"),
        Some("/api/auth/error?code=PROVIDER_UNAVAILABLE")
    );
}

/// See `SIGNIN_JSON_502`.
#[test]
fn signin_json_failure_is_4xx() {
    for auth in [with_base_url(), behind_proxy()] {
        let base = if std::ptr::eq(auth, with_base_url()) {
            "/api/auth"
        } else {
            "/auth"
        };
        let r = run(
            auth,
            &Request {
                host: Some("app.example.com".into()),
                ..Request::get(&format!("{base}/signIn/oidc?redirect=false"))
            },
        );
        assert!((400..500).contains(&r.status), "{} {}", r.status, r.body);
    }
}

/// Regression (was a defect in src/redirect.rs, now fixed): a relative redirect target with
/// non-ASCII characters must reach `Location` percent-encoded, since Node's `setHeader` and Web
/// `Headers` refuse characters above 0xFF (a 500 in the adapters).
#[test]
fn location_headers_are_ascii() {
    let auth = with_base_url();
    // A form-post sign-out redirects to its (validated) target.
    let csrf = run(
        auth,
        &Request::get("https://app.example.com/api/auth/csrfToken"),
    );
    let token: serde_json::Value = serde_json::from_str(&csrf.body).unwrap();
    let cookie = cookie_pairs(&csrf).join("; ");
    let req = Request {
        method: "POST".into(),
        url: "https://app.example.com/api/auth/signOut".into(),
        cookie: Some(cookie),
        content_type: Some("application/x-www-form-urlencoded".into()),
        body: Some(format!(
            "csrfToken={}&redirectTo=%2Fcaf%C3%A9",
            token["csrfToken"].as_str().unwrap()
        )),
        ..Default::default()
    };
    let r = run(auth, &req);
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    assert!(
        loc.bytes().all(|b| b.is_ascii_graphic()),
        "Location {loc:?} is not ASCII"
    );
}
