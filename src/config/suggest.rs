//! Configuration mistakes in plain words: a misspelt option names the closest valid one, with
//! its dotted path (`session.maxAgee` → `session.maxAge`). Owns the wording of `INVALID_CONFIG`
//! and `INVALID_PROVIDER` parse errors. Never shows parser positions (line/column of the JSON
//! the JS layer built, which the user never wrote) nor internal option names (`hooks`).

use crate::error::AuthError;

/// Options the JS layer sets itself; never offered to the user.
const INTERNAL: &[&str] = &["hooks"];

/// Levenshtein distance over chars, case-insensitive (a typo's usual shape).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word`, when it is close enough to be a typo of it.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The words between backticks, in order (serde names the unknown field, then the valid ones).
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

/// A serde message about the option at `path` (dotted, may be empty), rewritten for a person.
pub fn explain(path: &str, message: &str) -> String {
    let at = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    if message.starts_with("unknown field") {
        let words = backticked(message);
        if let Some((unknown, rest)) = words.split_first() {
            let valid: Vec<&str> = rest
                .iter()
                .copied()
                .filter(|w| !INTERNAL.contains(w))
                .collect();
            let list = valid
                .iter()
                .map(|v| format!("`{}`", at(v)))
                .collect::<Vec<_>>()
                .join(", ");
            return match closest(unknown, &valid) {
                Some(best) => format!(
                    "Unknown option `{}`: did you mean `{}`? (Valid here: {list}.)",
                    at(unknown),
                    at(best)
                ),
                None => format!("Unknown option `{}`. Valid here: {list}.", at(unknown)),
            };
        }
    }
    if path.is_empty() {
        format!("{message}.")
    } else {
        format!("Option `{path}`: {message}.")
    }
}

/// `INVALID_CONFIG` for a failed parse of `createAuth`'s input.
pub fn config_error(e: serde_path_to_error::Error<serde_json::Error>) -> AuthError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let text = inner.to_string();
    let position = format!(" at line {} column {}", inner.line(), inner.column());
    let message = text.strip_suffix(&position).unwrap_or(&text);
    // The JS layer wraps the user's object as `{ config, env }`.
    let path = path
        .strip_prefix("config")
        .map(|p| p.trim_start_matches('.'))
        .unwrap_or(&path);
    let path = if path == "?" { "" } else { path };
    // For an unknown field the path ends with that field: the message names it again.
    let parent = if message.starts_with("unknown field") {
        path.rsplit_once('.').map(|(p, _)| p).unwrap_or("")
    } else {
        path
    };
    AuthError::new(
        "INVALID_CONFIG",
        format!(
            "The configuration is not valid. {} See the AuthConfig type for every option.",
            explain(parent, message)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_closest_option() {
        assert_eq!(
            closest("sesion", &["oauth", "session", "secret"]),
            Some("session")
        );
        assert_eq!(
            closest("baseUrl", &["basePath", "baseURL"]),
            Some("baseURL")
        );
        assert_eq!(closest("zzzzzzzz", &["oauth", "session"]), None);
    }

    #[test]
    fn unknown_top_level_option() {
        let e = crate::config::parse_input(r#"{"config":{"oauth":["github"],"sesion":{}}}"#)
            .err()
            .unwrap();
        assert_eq!(e.code, "INVALID_CONFIG");
        assert!(
            e.message.contains("did you mean `session`?"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("line 1"), "{}", e.message);
        assert!(!e.message.contains("hooks"), "{}", e.message);
    }

    #[test]
    fn unknown_nested_option_has_its_path() {
        let e = crate::config::parse_input(r#"{"config":{"session":{"maxAgee":5}}}"#)
            .err()
            .unwrap();
        assert!(
            e.message
                .contains("`session.maxAgee`: did you mean `session.maxAge`?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn wrong_type_names_the_option_without_position() {
        let e = crate::config::parse_input(r#"{"config":{"session":{"maxAge":"x"}}}"#)
            .err()
            .unwrap();
        assert!(e.message.contains("`session.maxAge`"), "{}", e.message);
        assert!(!e.message.contains("column"), "{}", e.message);
    }
}
