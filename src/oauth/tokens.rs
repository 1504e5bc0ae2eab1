//! Provider tokens kept for the app (SPEC §9, `storeTokens`): sealed in their own cookie
//! `<prefix>.tokens.<id>` (`__Host-` on https, chunked, own purpose key, full-name associated
//! data), bound to the session's user, refreshed on demand with one refresh per refresh token at
//! a time, and revoked (RFC 7009) at sign-out with `revokeTokens`.

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::config::Config;

use crate::oauth::account::Account;
use crate::seal::cookies::{self, CookieName, RequestCookies, MAX_SEALED};
use crate::seal::crypto::Purpose;

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
