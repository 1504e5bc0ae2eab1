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

    /// Set-Cookie lines storing these tokens (chunked). When they do not fit the chunk limit the
    /// id_token is left out first; `None` when even that does not fit.
    pub fn cookies(
        &self,
        config: &Config,
        req: &RequestCookies,
        name: &CookieName,
        secure: bool,
    ) -> Option<Vec<String>> {
        let mut sealed = self.seal(config, name);
        if sealed.len() > MAX_SEALED && self.id_token.is_some() {
            let lean = TokenSet {
                id_token: None,
                ..self.clone()
            };
            sealed = lean.seal(config, name);
        }
        (sealed.len() <= MAX_SEALED)
            .then(|| cookies::set_chunked(req, name, &sealed, config.max_age, secure))
    }

    /// Whether the access token has fewer than [`REFRESH_MARGIN`] seconds left.
    pub fn needs_refresh(&self) -> bool {
        self.expires_at
            .is_some_and(|at| at <= clock::now() + REFRESH_MARGIN)
    }
}
