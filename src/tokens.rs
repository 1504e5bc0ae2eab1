//! Provider tokens kept for the app (SPEC §9, `storeTokens`): sealed in their own cookie
//! `<prefix>.tokens.<id>` (`__Host-` on https, chunked, own purpose key, full-name associated
//! data), bound to the session's user, refreshed on demand with one refresh per refresh token at
//! a time, and revoked (RFC 7009) at sign-out with `revokeTokens`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::account::Account;
use crate::clock;
use crate::config::Config;
use crate::cookies::{self, CookieName, RequestCookies, MAX_SEALED};
use crate::crypto::Purpose;
use crate::endpoints::Endpoints;
use crate::error::{AuthError, Result};
use crate::providers::ProviderSpec;
use crate::url_policy::provider_endpoint;

/// A provider object's token options (taken off the object before it is resolved).
#[derive(Debug, Clone, Default)]
pub struct TokenOptions {
    pub store: bool,
    pub revoke: bool,
    /// `federatedSignOut`: `signOut({ federated: true })` ends the provider's session too.
    pub federated: bool,
    pub revocation_url: Option<Url>,
    pub end_session_url: Option<Url>,
}

/// Refreshes start when fewer than this many seconds are left.
pub const REFRESH_MARGIN: u64 = 60;

/// One budget for the session and the token cookie together (review finding 9): their sealed
/// values fit two chunks in all, so the Cookie header stays under common limits (nginx 8 KB).
pub const COMBINED_BUDGET: usize = MAX_SEALED;

/// What the token cookie may take beside a sealed session of `session_len` bytes.
pub fn budget_beside(session_len: usize) -> usize {
    COMBINED_BUDGET.saturating_sub(session_len)
}

/// Set-Cookie lines that re-send every stored-token cookie of the request with a fresh Max-Age,
/// when the session rolls (review finding 9: the tokens live as long as the session).
pub fn roll(config: &Config, req: &RequestCookies, secure: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (spec, _) in config
        .providers
        .iter()
        .zip(&config.token_options)
        .filter(|(_, o)| o.store)
    {
        let name = cookie_name(config, secure, &spec.id);
        if let Some(value) = req.chunked(&name) {
            out.extend(cookies::set_chunked(
                req,
                &name,
                &value,
                config.max_age,
                secure,
            ));
        }
    }
    out
}

/// The longest `expires_in` taken at its word (a year); longer ones are capped.
pub const MAX_EXPIRES_IN: u64 = 365 * 24 * 60 * 60;

/// When an access token given now with this `expires_in` expires (review finding 10): capped at
/// [`MAX_EXPIRES_IN`] and added without overflow, whatever a lenient parser accepted.
pub fn expires_at(expires_in: Option<std::time::Duration>) -> Option<u64> {
    expires_in.map(|d| clock::now().saturating_add(d.as_secs().min(MAX_EXPIRES_IN)))
}

impl TokenOptions {
    /// Removes `storeTokens`, `revokeTokens`, `revocationURL` and `endSessionURL` from a provider
    /// object (they are not part of the provider's description) and checks them.
    pub fn take(entry: &mut Value) -> Result<TokenOptions> {
        let Some(object) = entry.as_object_mut() else {
            return Ok(TokenOptions::default());
        };
        let id = object
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let flag = |v: Option<Value>, name: &str| -> Result<bool> {
            match v {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(b),
                Some(_) => Err(AuthError::new(
                    "INVALID_PROVIDER",
                    format!("Provider `{id}`: {name} must be true or false."),
                )),
            }
        };
        let url = |v: Option<Value>, name: &str| -> Result<Option<Url>> {
            match v {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => provider_endpoint(&s, &id, name).map(Some),
                Some(_) => Err(AuthError::new(
                    "INVALID_PROVIDER",
                    format!("Provider `{id}`: {name} must be a URL string."),
                )),
            }
        };
        let options = TokenOptions {
            store: flag(object.remove("storeTokens"), "storeTokens")?,
            revoke: flag(object.remove("revokeTokens"), "revokeTokens")?,
            federated: flag(object.remove("federatedSignOut"), "federatedSignOut")?,
            revocation_url: url(object.remove("revocationURL"), "revocationURL")?,
            end_session_url: url(object.remove("endSessionURL"), "endSessionURL")?,
        };
        if options.revoke && !options.store {
            return Err(AuthError::new(
                "INVALID_PROVIDER",
                format!("Provider `{id}`: revokeTokens needs storeTokens: true (only stored tokens can be revoked at sign-out)."),
            ));
        }
        Ok(options)
    }

    /// Puts the built-in's endpoints under the explicit ones, and refuses `revokeTokens` or
    /// `federatedSignOut` where they cannot work (review finding 3): the provider has no such
    /// endpoint in its description or config, and its endpoints do not come from an issuer's
    /// discovery document (which is read lazily and may name them).
    pub fn complete(&mut self, spec: &ProviderSpec) -> Result<()> {
        if self.revocation_url.is_none() {
            self.revocation_url = spec.revocation_url.clone();
        }
        if self.end_session_url.is_none() {
            self.end_session_url = spec.end_session_url.clone();
        }
        let discovered = Endpoints::from_spec(spec).is_none();
        let id = &spec.id;
        if self.revoke && self.revocation_url.is_none() && !discovered {
            return Err(AuthError::new(
                "REVOCATION_UNSUPPORTED",
                format!("Provider `{id}`: revokeTokens needs a token revocation endpoint (RFC 7009), and this provider has none in its description. Set `revocationURL` if it has one, or remove revokeTokens."),
            ));
        }
        if self.federated && self.end_session_url.is_none() && !discovered {
            return Err(AuthError::new(
                "FEDERATED_SIGNOUT_UNSUPPORTED",
                format!("Provider `{id}`: federatedSignOut needs an end-session endpoint (OpenID Connect RP-Initiated Logout), and this provider has none in its description. Set `endSessionURL` if it has one, or remove federatedSignOut."),
            ));
        }
        Ok(())
    }
}

/// What is sealed in a token cookie.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TokenSet {
    pub provider: String,
    /// The user the tokens belong to: they are used only with that user's session.
    pub sub: String,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: Option<u64>,
    pub scope: Option<String>,
    pub id_token: Option<String>,
    pub token_type: String,
}

/// The token cookie's name for `provider` (`__Host-` on https).
pub fn cookie_name(config: &Config, secure: bool, provider: &str) -> CookieName {
    cookies::scheme_name(
        &format!("{}.tokens.{provider}", config.cookie_prefix),
        secure,
        Purpose::Tokens,
    )
}

impl TokenSet {
    pub fn from_account(a: &Account) -> Self {
        TokenSet {
            provider: a.provider.clone(),
            sub: a.provider_account_id.clone(),
            access_token: a.access_token.clone(),
            refresh_token: a.refresh_token.clone(),
            expires_at: a.expires_at,
            scope: a.scope.clone(),
            id_token: a.id_token.clone(),
            token_type: a.token_type.clone(),
        }
    }

    pub fn seal(&self, config: &Config, name: &CookieName) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        config.keys.seal(Purpose::Tokens, name.aad(), &json)
    }

    pub fn read(config: &Config, cookies: &RequestCookies, name: &CookieName) -> Option<TokenSet> {
        let token = cookies.chunked(name)?;
        let plain = config.keys.open(Purpose::Tokens, name.aad(), &token)?;
        serde_json::from_slice(&plain).ok()
    }

    /// These tokens sealed for `name` within `budget` bytes: when they do not fit, the id_token
    /// is left out first; `None` when even that does not fit.
    pub fn sealed_within(
        &self,
        config: &Config,
        name: &CookieName,
        budget: usize,
    ) -> Option<String> {
        let mut sealed = self.seal(config, name);
        if sealed.len() > budget && self.id_token.is_some() {
            let lean = TokenSet {
                id_token: None,
                ..self.clone()
            };
            sealed = lean.seal(config, name);
        }
        (sealed.len() <= budget).then_some(sealed)
    }

    /// Whether the access token has fewer than [`REFRESH_MARGIN`] seconds left.
    pub fn needs_refresh(&self) -> bool {
        self.expires_at
            .is_some_and(|at| at <= clock::now() + REFRESH_MARGIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn finding_10_expires_in_saturates_and_is_capped() {
        let now = clock::now();
        let huge = expires_at(Some(Duration::from_secs(u64::MAX))).unwrap();
        assert!(huge >= now + MAX_EXPIRES_IN && huge <= clock::now() + MAX_EXPIRES_IN);
        let hour = expires_at(Some(Duration::from_secs(3600))).unwrap();
        assert!(hour >= now + 3600 && hour <= clock::now() + 3600);
        assert_eq!(expires_at(None), None);
    }
}
