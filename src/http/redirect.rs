//! Redirect targets (SPEC §4.4): a relative path starting with exactly one `/`, or an absolute URL
//! whose parsed origin is the app's or a trusted one. Anything else becomes `/`. Never fails.

use percent_encoding::percent_decode_str;
use url::{Origin, Url};

pub const MAX_REDIRECT_LEN: usize = 2048;

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// A path that a browser could read as protocol-relative (`//host`, `/\host`).
fn escapes_origin(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() != Some('/') || matches!(chars.next(), Some('/') | Some('\\'))
}

/// Whether `path` and each of its percent-decoded layers start with exactly one `/` (not `//` or
/// `/\`) and hold no control character. Still changing after four layers: refused.
fn layers_safe(path: &str) -> bool {
    let mut layer = path.to_string();
    for _ in 0..4 {
        if escapes_origin(&layer) || has_control(&layer) {
            return false;
        }
        let decoded = percent_decode_str(&layer).decode_utf8_lossy().into_owned();
        if decoded == layer {
            return true;
        }
        layer = decoded;
    }
    false
}

/// The safe, percent-encoded (ASCII-only, header-safe) form of a relative target, if it is safe.
fn safe_relative(target: &str, app: &Url) -> Option<String> {
    // Check the raw form and every percent-decoded layer (a proxy or framework may decode again).
    if !layers_safe(target) {
        return None;
    }
    // Defence in depth: resolved against the app, it must stay on the app's origin. The joined
    // URL's path/query/fragment are percent-encoded, so the result is always a valid header value.
    // Normalisation (dot segments) can uncover an encoded `//`: the result is checked again.
    let joined = app
        .join(target)
        .ok()
        .filter(|u| u.origin() == app.origin())?;
    let relative = &joined[url::Position::BeforePath..];
    layers_safe(relative).then(|| relative.to_string())
}

/// Returns `target` when it is a safe redirect for this app, else `/`.
pub fn safe_redirect(target: &str, app: &Url, trusted: &[Origin]) -> String {
    if target.is_empty() || target.len() > MAX_REDIRECT_LEN || has_control(target) {
        return "/".into();
    }
    if target.starts_with('/') {
        return safe_relative(target, app).unwrap_or_else(|| "/".into());
    }
    match Url::parse(target) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {
            let origin = url.origin();
            if origin == app.origin() || trusted.contains(&origin) {
                url.to_string()
            } else {
                "/".into()
            }
        }
        _ => "/".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> Url {
        Url::parse("https://app.example.com").unwrap()
    }

    fn check(target: &str) -> String {
        let trusted = [Url::parse("https://docs.example.com").unwrap().origin()];
        safe_redirect(target, &app(), &trusted)
    }

    #[test]
    fn rule4_accepts_paths_and_same_or_trusted_origins() {
        assert_eq!(check("/dashboard?tab=1#x"), "/dashboard?tab=1#x");
        assert_eq!(
            check("https://app.example.com/x"),
            "https://app.example.com/x"
        );
        assert_eq!(
            check("https://docs.example.com/guide"),
            "https://docs.example.com/guide"
        );
    }

    #[test]
    fn rule4_refuses_open_redirects() {
        for bad in [
            "//evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "https://app.example.com.evil.com",
            "https://app.example.com@evil.com",
            "http://app.example.com/",
            "javascript:alert(1)",
            "%2F%2Fevil.com",
            "/%2F%2Fevil.com",
            "/%5Cevil.com",
            "/%252F%252Fevil.com",
            "/%2E/%2F%2Fevil.com",
            "/a/%2E%2E/%2F%2Fevil.com",
            "/\tevil",
            "/x\r\nSet-Cookie: a=b",
            "evil.com",
            "data:text/html,hi",
            "",
        ] {
            assert_eq!(check(bad), "/", "{bad:?} must be refused");
        }
        assert_eq!(check(&format!("/{}", "a".repeat(10 * 1024))), "/");
    }
}
