//! The messages handed to the app's `email.send({ to, kind, url, subject, text, html })` (SPEC
//! §12). The core decides who gets which mail and builds it; the JS layer only delivers it to the
//! app's function (fire and forget: a failure is logged as `EMAIL_SEND_FAILED`, and the answer
//! to the request is the same either way). The link is the only secret a message carries.

use serde::Serialize;

use crate::http::page::escape;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    #[serde(rename = "verify-email")]
    VerifyEmail,
    #[serde(rename = "reset-password")]
    ResetPassword,
    #[serde(rename = "magic-link")]
    MagicLink,
    /// Someone tried to sign up with an address that already has an account.
    #[serde(rename = "email-in-use")]
    EmailInUse,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub to: String,
    pub kind: Kind,
    pub url: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Message {
    /// `url`: the link to follow (verification, reset, magic link, or for `EmailInUse` the
    /// sign-in/reset page the owner may want).
    pub fn new(kind: Kind, to: &str, url: &str) -> Message {
        let (subject, lead, action, tail) = match kind {
            Kind::VerifyEmail => (
                "Verify your email address",
                "Confirm that this address is yours to finish setting up your account.",
                "Verify email",
                "The link works once and expires in 24 hours.",
            ),
            Kind::ResetPassword => (
                "Reset your password",
                "Someone asked to reset the password of the account with this address.",
                "Choose a new password",
                "The link works once and expires in 1 hour. If it was not you, ignore this email.",
            ),
            Kind::MagicLink => (
                "Your sign-in link",
                "Use this link to sign in.",
                "Sign in",
                "The link works once and expires in 15 minutes. If it was not you, ignore this email.",
            ),
            Kind::EmailInUse => (
                "Someone tried to sign up with your address",
                "Someone tried to create an account with this address, which already has one. If it was you, sign in instead, or reset your password.",
                "Sign in",
                "If it was not you, you can ignore this email: your account is unchanged.",
            ),
        };
        let text = format!("{lead}\n\n{action}: {url}\n\n{tail}\n");
        let html = format!(
            "<p>{}</p><p><a href=\"{}\">{}</a></p><p>{}</p>",
            escape(lead),
            escape(url),
            escape(action),
            escape(tail)
        );
        Message {
            to: to.to_string(),
            kind,
            url: url.to_string(),
            subject: subject.to_string(),
            text,
            html,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_fields_email_send_takes() {
        let m = Message::new(
            Kind::ResetPassword,
            "a@example.com",
            "http://x/reset?token=abc&x=1",
        );
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["kind"], "reset-password");
        assert_eq!(v["to"], "a@example.com");
        assert_eq!(v["url"], "http://x/reset?token=abc&x=1");
        assert!(m.text.contains("http://x/reset?token=abc&x=1"));
        assert!(m.html.contains("href=\"http://x/reset?token=abc&amp;x=1\""));
        for (k, s) in [
            (Kind::VerifyEmail, "verify-email"),
            (Kind::MagicLink, "magic-link"),
            (Kind::EmailInUse, "email-in-use"),
        ] {
            assert_eq!(serde_json::to_value(k).unwrap(), s);
        }
    }

    #[test]
    fn html_is_escaped() {
        let m = Message::new(Kind::MagicLink, "a@example.com", "http://x/?q=\"><script>");
        assert!(!m.html.contains("<script>"));
    }
}
