//! Maps a request path under `basePath` to an action, and says which methods each action takes.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    SignIn(String),
    Callback(String),
    Session,
    CsrfToken,
    SignOut,
    Providers,
    Error,
    /// With a database: the signed-in user's sessions, and ending them.
    Sessions,
    SessionsRevoke,
}

impl Route {
    pub fn methods(&self) -> &'static [&'static str] {
        match self {
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
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut parts = rest.splitn(2, '/');
    let head = parts.next()?;
    let tail = parts.next();
    match (head, tail) {
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
        assert_eq!(route("/api/auth", "/api/auth/signIn/"), None);
        assert_eq!(route("/api/auth", "/api/auth/signIn/a/b"), None);
        assert_eq!(route("/api/auth", "/api/auth/nope"), None);
        assert_eq!(route("", "/session"), Some(Route::Session));
    }

    #[test]
    fn signout_is_post_only() {
        assert_eq!(Route::SignOut.methods(), &["POST"]);
        assert_eq!(Route::Session.methods(), &["GET", "HEAD", "POST"]);
        assert_eq!(Route::CsrfToken.methods(), &["GET", "HEAD"]);
    }
}
