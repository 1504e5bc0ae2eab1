//! The response as plain data: status, headers (each Set-Cookie its own entry) and a body.

use serde::Serialize;
use serde_json::Value;

use crate::log::{level_of, LogEntry};

#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Not a final answer: the app's hooks must run first (JSON for the JS layer; see `hooks`).
    pub hook: Option<String>,
    /// Events for the app (`events.signIn`, …): name and payload, fired after the response.
    pub events: Vec<(&'static str, Value)>,
    /// Log entries for the app's logger (filtered by its level before they leave the core).
    pub log: Vec<LogEntry>,
    /// Mails for the app's `email.send` (SPEC §12), delivered after the response is decided.
    pub emails: Vec<crate::credentials::email::Message>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorInner<'a>,
}

#[derive(Serialize)]
struct ErrorInner<'a> {
    code: &'a str,
    message: &'a str,
}

impl Response {
    pub fn json_text(status: u16, body: String) -> Self {
        Response {
            status,
            headers: vec![
                (
                    "content-type".into(),
                    "application/json; charset=utf-8".into(),
                ),
                ("cache-control".into(), "no-store".into()),
            ],
            body,
            ..Default::default()
        }
    }

    pub fn json<T: Serialize>(status: u16, value: &T) -> Self {
        // Serialising our own plain structs cannot fail; fall back to `null` rather than panic.
        Self::json_text(
            status,
            serde_json::to_string(value).unwrap_or_else(|_| "null".into()),
        )
    }

    pub fn error(status: u16, code: &str, message: &str) -> Self {
        let mut resp = Self::json(
            status,
            &ErrorBody {
                error: ErrorInner { code, message },
            },
        );
        resp.log
            .push(LogEntry::new(level_of(code), code, message, None));
        resp
    }

    /// A hand-off to the app's hooks (see [`crate::hooks`]): not sent to the browser as is.
    pub fn hook(json: String) -> Self {
        Response {
            hook: Some(json),
            ..Default::default()
        }
    }

    pub fn with_event(mut self, name: &'static str, payload: Value) -> Self {
        self.events.push((name, payload));
        self
    }

    /// Logs a failure that sent the browser to the error page.
    pub fn with_provider_log(self, e: &crate::AuthError, provider: Option<String>) -> Self {
        let entry = LogEntry::new(level_of(e.code), e.code, &e.message, provider.as_deref());
        self.with_log(entry)
    }

    pub fn with_email(mut self, message: crate::credentials::email::Message) -> Self {
        self.emails.push(message);
        self
    }

    pub fn with_log(mut self, entry: LogEntry) -> Self {
        self.log.push(entry);
        self
    }

    pub fn redirect(location: &str) -> Self {
        Response {
            status: 302,
            headers: vec![
                ("location".into(), location.into()),
                ("cache-control".into(), "no-store".into()),
            ],
            body: String::new(),
            ..Default::default()
        }
    }

    pub fn html(status: u16, body: String) -> Self {
        Response {
            status,
            headers: vec![
                ("content-type".into(), "text/html; charset=utf-8".into()),
                ("cache-control".into(), "no-store".into()),
                (
                    "content-security-policy".into(),
                    "default-src 'none'; style-src 'unsafe-inline'".into(),
                ),
                ("x-content-type-options".into(), "nosniff".into()),
            ],
            body,
            ..Default::default()
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Appends Set-Cookie lines in order (the last one is the one that matters most).
    pub fn with_cookies(mut self, cookies: impl IntoIterator<Item = String>) -> Self {
        self.headers
            .extend(cookies.into_iter().map(|c| ("set-cookie".to_string(), c)));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect()
    }
}
