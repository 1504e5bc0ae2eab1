//! Maps a request path under `basePath` to an action, and says which methods each action takes.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    SignIn(String),
    /// `signIn` without a provider: the built-in sign-in page (SPEC §15).
    SignInPage,
    Callback(String),
    Session,
    CsrfToken,
    SignOut,
    Providers,
    Error,
    /// With a database: the signed-in user's sessions, and ending them.
    Sessions,
    SessionsRevoke,
    /// SPEC §12 (only with `credentials` / `magicLink`; see [`Route::email`]).
    Email(EmailRoute),
}

/// The email endpoints (SPEC §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailRoute {
    SignUp,
    SignIn,
    Verify,
    Forgot,
    Reset,
    Change,
    MagicLinkRequest,
    MagicLink,
}

impl Route {
    pub fn methods(&self) -> &'static [&'static str] {
        match self {
            // A link spends its token: GET only, so a HEAD (link checkers) never does.
            Route::Email(EmailRoute::Verify | EmailRoute::MagicLink) => &["GET"],
            Route::Email(_) => &["POST"],
            Route::SignOut | Route::SessionsRevoke => &["POST"],
            Route::Session => &["GET", "HEAD", "POST"],
            _ => &["GET", "HEAD"],
        }
    }
}

/// The route for `path` (already without query), or `None` (404).
pub fn route(base_path: &str, path: &str) -> Option<Route> {
    let rest = path.strip_prefix(base_path)?;
    let rest = rest.strip_prefix('/')?;
    // The sign-in page only at exactly `signIn`: `signIn/` (also what `signIn/.` normalises to)
    // stays a 404, as a missing provider id always was.
    if rest == "signIn" {
        return Some(Route::SignInPage);
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut parts = rest.splitn(2, '/');
    let head = parts.next()?;
    let tail = parts.next();
    match (head, tail) {
        ("signUp", Some("email")) => Some(Route::Email(EmailRoute::SignUp)),
        ("signIn", Some("email")) => Some(Route::Email(EmailRoute::SignIn)),
        ("signIn", Some("magic-link")) => Some(Route::Email(EmailRoute::MagicLinkRequest)),
        ("verify-email", None) => Some(Route::Email(EmailRoute::Verify)),
        ("password", Some("forgot")) => Some(Route::Email(EmailRoute::Forgot)),
        ("password", Some("reset")) => Some(Route::Email(EmailRoute::Reset)),
        ("password", Some("change")) => Some(Route::Email(EmailRoute::Change)),
        ("magic-link", None) => Some(Route::Email(EmailRoute::MagicLink)),
        ("signIn", Some(id)) if !id.is_empty() && !id.contains('/') => {
            Some(Route::SignIn(id.to_string()))
        }
        ("callback", Some(id)) if !id.is_empty() && !id.contains('/') => {
            Some(Route::Callback(id.to_string()))
        }
        ("session", None) => Some(Route::Session),
        ("csrfToken", None) => Some(Route::CsrfToken),
        ("signOut", None) => Some(Route::SignOut),
        ("providers", None) => Some(Route::Providers),
        ("error", None) => Some(Route::Error),
        ("sessions", None) => Some(Route::Sessions),
        ("sessions", Some("revoke")) => Some(Route::SessionsRevoke),
        _ => None,
    }
}

impl Route {
    /// Without `credentials`/`magicLink` the email routes do not exist: `signIn/email` and
    /// `signIn/magic-link` are then provider ids like any other, the rest are 404.
    pub fn email(self, passwords: bool, magic_link: bool) -> Option<Route> {
        let Route::Email(e) = self else {
            return Some(self);
        };
        let on = match e {
            EmailRoute::MagicLinkRequest | EmailRoute::MagicLink => magic_link,
            _ => passwords,
        };
        match e {
            _ if on => Some(self),
            EmailRoute::SignIn => Some(Route::SignIn("email".into())),
            EmailRoute::MagicLinkRequest => Some(Route::SignIn("magic-link".into())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_under_base_path_only() {
        assert_eq!(
            route("/api/auth", "/api/auth/session"),
            Some(Route::Session)
        );
        assert_eq!(
            route("/api/auth", "/api/auth/session/"),
            Some(Route::Session)
        );
        assert_eq!(
            route("/api/auth", "/api/auth/signIn/github"),
            Some(Route::SignIn("github".into()))
        );
        assert_eq!(
            route("/api/auth", "/api/auth/callback/oidc"),
            Some(Route::Callback("oidc".into()))
        );
        assert_eq!(route("/api/auth", "/api/authsession"), None);
        assert_eq!(route("/api/auth", "/other/session"), None);
        assert_eq!(
            route("/api/auth", "/api/auth/signIn"),
            Some(Route::SignInPage)
        );
        assert_eq!(route("/api/auth", "/api/auth/signIn/"), None);
        assert_eq!(route("/api/auth", "/api/auth/signIn/a/b"), None);
        assert_eq!(route("/api/auth", "/api/auth/nope"), None);
        assert_eq!(route("", "/session"), Some(Route::Session));
    }

    #[test]
    fn email_routes_exist_only_when_configured() {
        let r = |p: &str| route("/api/auth", p).unwrap();
        assert_eq!(
            r("/api/auth/signIn/email"),
            Route::Email(EmailRoute::SignIn)
        );
        assert_eq!(
            r("/api/auth/password/reset"),
            Route::Email(EmailRoute::Reset)
        );
        assert_eq!(
            r("/api/auth/signIn/email").email(false, false),
            Some(Route::SignIn("email".into()))
        );
        assert_eq!(r("/api/auth/password/reset").email(false, true), None);
        assert_eq!(r("/api/auth/magic-link").email(true, false), None);
        assert_eq!(
            r("/api/auth/magic-link").email(false, true),
            Some(Route::Email(EmailRoute::MagicLink))
        );
        assert_eq!(Route::Email(EmailRoute::SignUp).methods(), &["POST"]);
        assert_eq!(Route::Email(EmailRoute::Verify).methods(), &["GET"]);
    }

    #[test]
    fn signout_is_post_only() {
        assert_eq!(Route::SignOut.methods(), &["POST"]);
        assert_eq!(Route::Session.methods(), &["GET", "HEAD", "POST"]);
        assert_eq!(Route::CsrfToken.methods(), &["GET", "HEAD"]);
    }
}
