//! Checks on values from the config that reach URLs and headers (SPEC rule 16): origins,
//! `basePath` and `pages` paths (validated and percent-encoded), and the secret and salt lists.

use std::collections::HashMap;

use url::Url;

use super::env_value;

use crate::error::{AuthError, Result};
use crate::oauth::providers::OneOrMany;
use crate::seal::secret::{decode_key, KeyKind};

/// Parses an origin-only URL (`https://example.com[:port]`), as `baseURL` and trusted origins are.
pub(super) fn parse_origin(text: &str, code: &'static str, what: &str) -> Result<Url> {
    let url = Url::parse(text).map_err(|e| {
        AuthError::new(
            code,
            format!("{what} `{text}` is not a valid URL ({e}). Use an origin such as `https://example.com`."),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(AuthError::new(
            code,
            format!("{what} `{text}` must be an http(s) origin such as `https://example.com`."),
        ));
    }
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(AuthError::new(
            code,
            format!("{what} `{text}` must be an origin only (no path, query, fragment or credentials); put the mount path in `basePath`."),
        ));
    }
    Ok(url)
}

/// A configured path (basePath, pages): starts with a single `/`, no `\`, whitespace or control
/// characters. Other non-ASCII characters are allowed and percent-encoded here, once, so the
/// value can be compared with request paths and written into `Location` headers as it is.
pub(crate) fn config_path(
    path: &str,
    code: &'static str,
    what: &str,
    example: &str,
) -> Result<String> {
    let bad = !path.starts_with('/')
        || path.starts_with("//")
        || path.contains('\\')
        || path.chars().any(|c| c.is_control() || c.is_whitespace());
    let encoded = Url::parse("http://config.invalid")
        .ok()
        .and_then(|base| base.join(path).ok())
        .filter(|u| u.host_str() == Some("config.invalid"))
        .map(|u| u[url::Position::BeforePath..].to_string());
    match encoded {
        Some(e) if !bad => Ok(e),
        _ => Err(AuthError::new(
            code,
            format!("{what} `{path}` must be a path on this app starting with a single `/`, such as `{example}`, without spaces or backslashes."),
        )),
    }
}

pub(super) fn validate_base_path(path: &str) -> Result<String> {
    let encoded = config_path(path, "INVALID_BASE_PATH", "basePath", "/api/auth")?;
    if encoded.contains(['?', '#']) {
        return Err(AuthError::new(
            "INVALID_BASE_PATH",
            format!("basePath `{path}` must be a path without `?` or `#`, matching the route that mounts the handler."),
        ));
    }
    let trimmed = encoded.trim_end_matches('/');
    Ok(trimmed.to_string())
}

pub(super) fn validate_page(page: Option<String>, which: &str) -> Result<Option<String>> {
    page.map(|p| config_path(&p, "INVALID_PAGES", &format!("pages.{which}"), "/login"))
        .transpose()
}

pub(super) fn decode_secrets(
    input: Option<OneOrMany>,
    env: &HashMap<String, String>,
) -> Result<Option<Vec<Vec<u8>>>> {
    let list: Vec<String> = match input {
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
        None => match env_value(env, "AURA_AUTH_SECRET") {
            Some(s) => s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            None => return Ok(None),
        },
    };
    if list.is_empty() {
        return Ok(None);
    }
    list.iter()
        .map(|s| decode_key(s, KeyKind::Secret))
        .collect::<Result<Vec<_>>>()
        .map(Some)
}
