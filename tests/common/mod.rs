//! Shared setup for the property tests: configured `Auth` instances whose providers point at a
//! closed loopback port (connection refused at once), so no test ever waits on the network.
#![allow(dead_code)]

use std::sync::OnceLock;

use aura_auth::{Auth, Request, Response};

/// A high-entropy 32-byte secret and salt (hex), fixed so failures reproduce.
pub const SECRET: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
pub const SALT: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

/// Nothing listens on the discard port on 127.0.0.1 in the test environment.
pub const DEAD: &str = "http://127.0.0.1:9";

fn providers() -> String {
    format!(
        r#"[
          {{"id":"github","clientId":"id","clientSecret":"secret",
            "authorizationURL":"{DEAD}/authorize","tokenURL":"{DEAD}/token",
            "userinfoURL":"{DEAD}/user","emailsURL":"{DEAD}/emails"}},
          {{"id":"oidc","type":"oidc","issuer":"{DEAD}","clientId":"id","clientSecret":"secret"}},
          {{"id":"generic","type":"oauth","clientId":"id","clientSecret":"secret",
            "authorizationURL":"{DEAD}/a","tokenURL":"{DEAD}/t","userinfoURL":"{DEAD}/u",
            "profile":{{"sub":"data.id","name":"data.attributes.name"}}}}
        ]"#
    )
}

/// `baseURL` set (https), no proxy trust.
pub fn with_base_url() -> &'static Auth {
    static A: OnceLock<Auth> = OnceLock::new();
    A.get_or_init(|| {
        let json = format!(
            r#"{{"config":{{"oauth":{},"baseURL":"https://app.example.com","secret":"{SECRET}","salt":"{SALT}",
                "trustedOrigins":["https://docs.example.com"],"http":{{"timeoutMs":200}}}},"env":{{}}}}"#,
            providers()
        );
        Auth::new(&json).expect("config")
    })
}

/// No `baseURL`: the origin comes from Host / the URL, and (trusted) forwarded headers.
pub fn behind_proxy() -> &'static Auth {
    static A: OnceLock<Auth> = OnceLock::new();
    A.get_or_init(|| {
        let json = format!(
            r#"{{"config":{{"oauth":{},"secret":"{SECRET}","salt":"{SALT}","trustedProxyHeaders":true,
                "basePath":"/auth","session":{{"maxAge":3600,"updateAge":0}},"http":{{"timeoutMs":200}}}},"env":{{}}}}"#,
            providers()
        );
        Auth::new(&json).expect("config")
    })
}

pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    })
}

/// The whole request as the binding runs it: the sync path, else the async one.
pub fn run(auth: &Auth, req: &Request) -> Response {
    match auth.handle(req) {
        Some(r) => r,
        None => runtime().block_on(auth.handle_async(req)),
    }
}

/// The `name=value` part of each Set-Cookie that is not a deletion.
pub fn cookie_pairs(resp: &Response) -> Vec<String> {
    resp.set_cookies()
        .into_iter()
        .filter(|l| !l.contains("Max-Age=0"))
        .filter_map(|l| l.split(';').next().map(str::to_string))
        .collect()
}
