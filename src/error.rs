//! Errors are data: a stable machine-readable `code` and a message for people.

use std::fmt;

/// An error with a stable string code (`INVALID_SECRET`, `STATE_MISMATCH`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    pub code: &'static str,
    pub message: String,
}

impl AuthError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code, self.message)
    }
}

impl std::error::Error for AuthError {}

pub type Result<T, E = AuthError> = std::result::Result<T, E>;

/// The codes a browser can be sent to the error page with, and what the page says for each.
/// Anything else shows as `UNKNOWN_ERROR`, so the page never echoes arbitrary input.
pub const PAGE_MESSAGES: &[(&str, &str)] = &[
    ("ACCESS_DENIED", "The sign-in was cancelled or refused, at the provider or by this app's rules."),
    ("CALLBACK_ERROR", "This app could not complete the sign-in. Try again, or contact the app's administrator."),
    ("SESSION_TOO_LARGE", "The session for this account is too large to be stored."),
    ("PROVIDER_ERROR", "The provider reported an error during sign-in."),
    ("UNKNOWN_PROVIDER", "That sign-in provider is not configured."),
    ("FLOW_COOKIE_MISSING", "The sign-in could not be verified: its cookie is missing or was altered. Start again from the sign-in page."),
    ("FLOW_EXPIRED", "The sign-in took too long. Start again from the sign-in page."),
    ("PROVIDER_MISMATCH", "The sign-in was started with a different provider. Start again from the sign-in page."),
    ("STATE_MISMATCH", "The sign-in response did not match the request that started it."),
    ("MISSING_CODE", "The provider did not return an authorization code."),
    ("ISSUER_MISMATCH", "The sign-in response came from an unexpected issuer."),
    ("ISSUER_MISSING", "The sign-in response did not say which issuer sent it."),
    ("TOKEN_EXCHANGE_FAILED", "The provider refused to exchange the authorization code."),
    ("ID_TOKEN_INVALID", "The identity token from the provider could not be verified."),
    ("NONCE_MISMATCH", "The identity token was not issued for this sign-in."),
    ("USERINFO_FAILED", "The user's profile could not be fetched from the provider."),
    ("SUBJECT_MISMATCH", "The provider's profile does not belong to the signed-in user."),
    ("PROVIDER_UNAVAILABLE", "The provider could not be reached. Try again in a moment."),
    ("DISCOVERY_FAILED", "The provider's OpenID configuration could not be loaded."),
    ("BAD_REQUEST", "The request was malformed."),
    ("RATE_LIMITED", "Too many attempts from your network or for this account. Wait a little and try again."),
    ("RATE_LIMIT_UNAVAILABLE", "Sign-in is briefly unavailable. Try again in a moment."),
    ("INVALID_TOKEN", "This link is invalid, was already used, or has expired. Ask for a new one."),
    ("INVALID_CREDENTIALS", "The email or password is not correct."),
    ("EMAIL_NOT_VERIFIED", "Verify your email address first: a new link is on its way to your inbox."),
    ("INVALID_EMAIL", "Enter a valid email address."),
    ("PASSWORD_TOO_SHORT", "The password is too short."),
    ("PASSWORD_TOO_LONG", "The password is too long (at most 256 bytes)."),
    ("ACCOUNT_NOT_LINKED", "An account with this email already exists. To keep it safe, it was not linked automatically: sign in the way you did before, then link this sign-in method from your account page."),
    ("ACCOUNT_ALREADY_LINKED", "This sign-in method is already linked to another account. Sign in with it directly, or unlink it there first."),
    ("LINK_NEEDS_SESSION", "Sign in first, then link another sign-in method from your account page."),
    ("DATABASE_UNAVAILABLE", "Signing in is not possible right now because this app cannot reach its database. Try again in a moment."),
    ("DATABASE_ERROR", "This app could not record the sign-in. Try again, or contact the app's administrator."),
    ("DATABASE_NOT_MIGRATED", "This app's database is not set up yet. Contact the app's administrator."),
    ("UNAUTHENTICATED", "You need to be signed in to do that."),
    ("TENANT_NOT_ALLOWED", "Accounts from your organization or account type cannot sign in to this app."),
];

/// The people-facing message for an error-page code.
pub fn page_message(code: &str) -> Option<&'static str> {
    PAGE_MESSAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}
