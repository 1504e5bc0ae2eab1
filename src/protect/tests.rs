use super::*;
use crate::oauth::providers::profile::User;

const SECRET: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const SALT: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

fn auth(extra: &str) -> Auth {
    let json = format!(
        r#"{{"config":{{"oauth":[{{"id":"github","name":"Git<Hub>","clientId":"a","clientSecret":"b"}}],
            "baseURL":"http://app.test","secret":"{SECRET}","salt":"{SALT}"{extra}}},"env":{{}}}}"#
    );
    Auth::new(&json).unwrap()
}

fn get(url: &str, cookie: Option<&str>) -> Request {
    Request {
        cookie: cookie.map(str::to_string),
        ..Request::get(url)
    }
}

fn signed_in(a: &Auth) -> String {
    let user: User =
        serde_json::from_str(r#"{"sub":"u1","name":"Ada","provider":"github"}"#).unwrap();
    a.seal_session_for_testing(user, false).unwrap()
}

fn respond(g: Guard) -> Response {
    match g {
        Guard::Respond(r) => r,
        other => panic!("expected a response, got {other:?}"),
    }
}

fn location(r: &Response) -> &str {
    r.headers
        .iter()
        .find(|(n, _)| n == "location")
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[test]
fn signed_out_page_redirects_307_to_the_sign_in_page_keeping_path_and_query() {
    let a = auth("");
    let r = respond(a.guard(
        &get("http://app.test/dashboard/a/b?tab=1&x=%20y", None),
        None,
    ));
    assert_eq!(r.status, 307);
    assert_eq!(
        location(&r),
        "http://app.test/api/auth/signIn?redirectTo=%2Fdashboard%2Fa%2Fb%3Ftab%3D1%26x%3D%2520y"
    );
    // pages.signIn wins, and keeps its own query.
    let a = auth(r#","pages":{"signIn":"/login?via=proxy"}"#);
    let r = respond(a.guard(&get("http://app.test/dashboard", None), Some("text/html")));
    assert_eq!(
        location(&r),
        "http://app.test/login?via=proxy&redirectTo=%2Fdashboard"
    );
}

#[test]
fn rule4_the_redirect_to_of_a_protected_page_is_validated() {
    let a = auth("");
    // A path a browser could read as another origin never becomes the redirectTo.
    for url in [
        "http://app.test//evil.com/x",
        "http://app.test/%2F%2Fevil.com",
    ] {
        let r = respond(a.guard(&get(url, None), None));
        assert_eq!(
            location(&r),
            "http://app.test/api/auth/signIn?redirectTo=%2F",
            "{url}"
        );
    }
}

#[test]
fn signed_out_json_fetch_and_non_page_methods_get_401_unauthenticated() {
    let a = auth("");
    for accept in [
        "application/json",
        "application/json, text/plain, */*",
        "application/problem+json",
    ] {
        let r = respond(a.guard(&get("http://app.test/dashboard", None), Some(accept)));
        assert_eq!(r.status, 401, "{accept}");
        assert!(r.body.contains(r#""code":"UNAUTHENTICATED""#), "{}", r.body);
    }
    let post = Request {
        method: "POST".into(),
        ..get("http://app.test/dashboard", None)
    };
    assert_eq!(respond(a.guard(&post, Some("*/*"))).status, 401);
}

#[test]
fn navigations_and_plain_fetches_get_the_redirect() {
    for accept in [
        None,
        Some("*/*"),
        Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        Some("text/html, application/json;q=0.5"),
        Some("application/json;q=0"),
        Some(";;,;q=,,application/json;q=0.0"),
    ] {
        assert!(!wants_json(accept), "{accept:?}");
    }
    assert!(wants_json(Some("text/html;q=0.5, application/json")));
}

#[test]
fn signed_in_gets_the_same_session_json_as_get_session() {
    let a = auth("");
    let cookie = signed_in(&a);
    match a.guard(&get("http://app.test/dashboard", Some(&cookie)), None) {
        Guard::SignedIn(json) => assert_eq!(json, a.session_json(Some(&cookie), None)),
        other => panic!("{other:?}"),
    }
    // A tampered cookie is signed out.
    let bad = format!("{cookie}x");
    assert_eq!(
        respond(a.guard(&get("http://app.test/dashboard", Some(&bad)), None)).status,
        307
    );
}

#[test]
fn auth_routes_and_the_sign_in_page_are_never_guarded() {
    let a = auth(r#","pages":{"signIn":"/login"}"#);
    for url in [
        "http://app.test/api/auth/signIn",
        "http://app.test/api/auth/callback/github?code=x",
        "http://app.test/login?redirectTo=%2Fdashboard",
    ] {
        assert!(
            matches!(a.guard(&get(url, None), None), Guard::Pass),
            "{url}"
        );
    }
}

#[test]
fn rule10_unreadable_requests_are_a_400_not_a_panic() {
    let a = auth("");
    let r = respond(a.guard(&get("not a url", None), None));
    assert_eq!(r.status, 400);
}

#[test]
fn with_session_redirect_keeps_safe_relative_targets_only() {
    let a = auth("");
    assert_eq!(
        a.sign_in_redirect(Some("/login"), "/admin?tab=2").unwrap(),
        "/login?redirectTo=%2Fadmin%3Ftab%3D2"
    );
    assert_eq!(
        a.sign_in_redirect(None, "/x").unwrap(),
        "/api/auth/signIn?redirectTo=%2Fx"
    );
    for bad in ["//evil.com", "https://evil.com/", "/\\evil.com"] {
        assert_eq!(
            a.sign_in_redirect(Some("/login"), bad).unwrap(),
            "/login?redirectTo=%2F"
        );
    }
    let e = a
        .sign_in_redirect(Some("https://evil.com"), "/x")
        .unwrap_err();
    assert_eq!(e.code, "INVALID_PAGES");
}

#[test]
fn forbidden_is_json_for_json_and_a_page_otherwise() {
    let r = forbidden(Some("application/json"));
    assert_eq!(r.status, 403);
    assert!(r.body.contains(r#""code":"FORBIDDEN""#));
    let r = forbidden(Some("text/html"));
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Access denied"));
}

#[test]
fn built_in_sign_in_page_lists_providers_escaped_with_a_validated_redirect_to() {
    let a = auth("");
    let r = crate::actions::signin_page::run(
        &a,
        &Context::new(
            &a.config,
            &get(
                "http://app.test/api/auth/signIn?redirectTo=%2Fdashboard%3Fa%3D1&error=ACCESS_DENIED",
                None,
            ),
        )
        .unwrap(),
    );
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("href=\"/api/auth/signIn/github?redirectTo=%2Fdashboard%3Fa%3D1\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("Sign in with Git&lt;Hub&gt;"), "{}", r.body);
    assert!(
        r.body.contains("refused"),
        "known error codes are explained"
    );
    let evil = crate::actions::signin_page::run(
        &a,
        &Context::new(
            &a.config,
            &get(
                "http://app.test/api/auth/signIn?redirectTo=https%3A%2F%2Fevil.com&error=%3Cscript%3E",
                None,
            ),
        )
        .unwrap(),
    );
    assert!(!evil.body.contains("evil.com"), "{}", evil.body);
    assert!(!evil.body.contains("<script>"));
}
