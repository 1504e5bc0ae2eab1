//! What the app's hooks returned (review finding 1): the JS layer reports each answer as data
//! (`undefined` distinct from `null`, non-JSON values as `other`) and this module decides what it
//! means. It never trusts JS to have judged an answer: only `true` lets `signIn` continue.

use serde::Deserialize;
use serde_json::Value;

use super::callback_error;
use crate::error::{AuthError, Result};

/// What one hook returned, as the JS layer reports it: `undefined` stays distinct from `null`, and
/// a value JSON cannot carry (a function, a symbol, a bigint) is `Other`. The core decides what an
/// answer means; the JS layer only reports it.
#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum Returned {
    Undefined,
    Value(Value),
    Other,
}

/// What the hooks returned. A hook's answer is present exactly when the app configured the hook
/// and it ran (`signIn` refusing skips the others).
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HookResult {
    /// A hook threw, rejected or timed out.
    #[serde(default)]
    pub error: bool,
    /// `callbacks.signIn`: only `true` continues (see [`sign_in_verdict`]).
    pub sign_in: Option<Returned>,
    /// `callbacks.session`: the session to seal.
    pub session: Option<Returned>,
    /// `callbacks.redirect`: where to go after sign-in (still checked).
    pub redirect: Option<Returned>,
}

/// What `callbacks.signIn`'s answer means.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInVerdict {
    Continue,
    /// A path or URL to go to instead, without a session (still checked by the redirect rule).
    Elsewhere(String),
}

/// `callbacks.signIn` (review finding 1): with the hook configured only `true` continues;
/// `false`, `undefined`, `null` and `""` refuse (`ACCESS_DENIED`, as next-auth treats a falsy
/// answer); a non-empty string goes there instead; anything else is `CALLBACK_ERROR`. A missing
/// answer from a configured hook (or one from a hook that is not configured) is `CALLBACK_ERROR`.
pub fn sign_in_verdict(configured: bool, answer: Option<&Returned>) -> Result<SignInVerdict> {
    let denied = || AuthError::new("ACCESS_DENIED", "callbacks.signIn refused the sign-in.");
    match (configured, answer) {
        (false, None) => Ok(SignInVerdict::Continue),
        (false, Some(_)) | (true, None) => Err(callback_error(
            "callbacks.signIn's answer does not match the configuration.",
        )),
        (true, Some(answer)) => match answer {
            Returned::Value(Value::Bool(true)) => Ok(SignInVerdict::Continue),
            Returned::Undefined | Returned::Value(Value::Null | Value::Bool(false)) => {
                Err(denied())
            }
            Returned::Value(Value::String(s)) if s.is_empty() => Err(denied()),
            Returned::Value(Value::String(s)) => Ok(SignInVerdict::Elsewhere(s.clone())),
            _ => Err(callback_error(
                "callbacks.signIn must return true, false or a path.",
            )),
        },
    }
}

/// `callbacks.session`'s answer: with the hook configured it must be the session object
/// (`undefined`, `null` or anything else is `CALLBACK_ERROR`); `None` when not configured.
pub fn session_answer(configured: bool, answer: Option<&Returned>) -> Result<Option<&Value>> {
    match (configured, answer) {
        (false, None) => Ok(None),
        (true, Some(Returned::Value(v @ Value::Object(_)))) => Ok(Some(v)),
        _ => Err(callback_error(
            "callbacks.session must return the session object.",
        )),
    }
}

/// `callbacks.redirect`'s answer: with the hook configured it must be a string (then checked by
/// the redirect rule); anything else is `CALLBACK_ERROR`, never a silent default.
pub fn redirect_answer(configured: bool, answer: Option<&Returned>) -> Result<Option<&str>> {
    match (configured, answer) {
        (false, None) => Ok(None),
        (true, Some(Returned::Value(Value::String(s)))) => Ok(Some(s)),
        _ => Err(callback_error(
            "callbacks.redirect must return a URL or path string.",
        )),
    }
}

/// A provider's JS `profile` function answer: it must be an object (a partial user).
pub fn profile_answer(json: &str) -> Result<Value> {
    match serde_json::from_str::<Returned>(json) {
        Ok(Returned::Value(v @ Value::Object(_))) => Ok(v),
        _ => Err(callback_error(
            "A provider's profile function must return an object.",
        )),
    }
}

pub fn parse_result(json: &str) -> Result<HookResult> {
    serde_json::from_str(json)
        .map_err(|_| AuthError::new("CALLBACK_ERROR", "The hooks' result is not valid."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> Returned {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn finding_1_sign_in_continues_only_on_true() {
        let code =
            |configured, a: Option<&Returned>| sign_in_verdict(configured, a).map_err(|e| e.code);
        assert_eq!(code(false, None), Ok(SignInVerdict::Continue));
        let yes = answer(r#"{"type":"value","value":true}"#);
        assert_eq!(code(true, Some(&yes)), Ok(SignInVerdict::Continue));
        for refused in [
            r#"{"type":"undefined"}"#,
            r#"{"type":"value","value":null}"#,
            r#"{"type":"value","value":false}"#,
            r#"{"type":"value","value":""}"#,
        ] {
            assert_eq!(
                code(true, Some(&answer(refused))),
                Err("ACCESS_DENIED"),
                "{refused}"
            );
        }
        for bad in [
            r#"{"type":"value","value":1}"#,
            r#"{"type":"value","value":{}}"#,
            r#"{"type":"value","value":[true]}"#,
            r#"{"type":"other"}"#,
        ] {
            assert_eq!(
                code(true, Some(&answer(bad))),
                Err("CALLBACK_ERROR"),
                "{bad}"
            );
        }
        assert_eq!(code(true, None), Err("CALLBACK_ERROR"));
        assert_eq!(code(false, Some(&yes)), Err("CALLBACK_ERROR"));
        let to = answer(r#"{"type":"value","value":"/welcome"}"#);
        assert_eq!(
            code(true, Some(&to)),
            Ok(SignInVerdict::Elsewhere("/welcome".into()))
        );
    }

    #[test]
    fn finding_1_session_redirect_and_profile_answers_must_have_their_type() {
        let undefined = answer(r#"{"type":"undefined"}"#);
        let null = answer(r#"{"type":"value","value":null}"#);
        let object = answer(r#"{"type":"value","value":{"a":1}}"#);
        let text = answer(r#"{"type":"value","value":"/x"}"#);
        assert!(session_answer(true, Some(&undefined)).is_err());
        assert!(session_answer(true, Some(&null)).is_err());
        assert!(session_answer(true, None).is_err());
        assert!(session_answer(true, Some(&object)).unwrap().is_some());
        assert!(session_answer(false, None).unwrap().is_none());
        assert!(redirect_answer(true, Some(&undefined)).is_err());
        assert!(redirect_answer(true, Some(&null)).is_err());
        assert_eq!(redirect_answer(true, Some(&text)).unwrap(), Some("/x"));
        assert!(profile_answer(r#"{"type":"undefined"}"#).is_err());
        assert!(profile_answer(r#"{"type":"value","value":null}"#).is_err());
        assert!(profile_answer("{}").is_err());
        assert!(profile_answer(r#"{"type":"value","value":{"name":"A"}}"#).is_ok());
        // A bare value (the old shape) is not an answer.
        assert!(serde_json::from_str::<HookResult>(r#"{"signIn":true}"#).is_err());
    }
}
