//! `GET error?code=`: a small HTML page. Only known codes are shown; nothing is echoed.

use crate::error::page_message;
use crate::http::context::Context;
use crate::http::response::Response;

pub fn run(ctx: &Context) -> Response {
    let raw = ctx.query("code").unwrap_or_default();
    let (code, message) = match page_message(&raw) {
        Some(m) => (raw.as_str(), m),
        None => ("UNKNOWN_ERROR", "Something went wrong while signing in."),
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>Sign-in error</title><style>body{{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}}code{{color:#a00}}</style></head>\
<body><h1>Sign-in failed</h1><p>{message}</p><p>Error code: <code>{code}</code></p><p><a href=\"/\">Back to the home page</a></p></body></html>"
    );
    Response::html(400, html)
}
