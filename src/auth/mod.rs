//! One configured instance (`Auth`): the validated config, the outbound client, each provider's
//! run-time state and the in-flight refreshes. `dispatch` routes a request to its action; the
//! session read (`api.getSession`) is here, because it needs nothing but the config.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::config::{parse_input, Config};
use crate::error::{AuthError, Result};
use crate::http::context::session_scheme;
use crate::http::outbound::Outbound;
use crate::oauth::endpoints::Endpoints;
use crate::oauth::providers::profile::User;
use crate::oauth::tokens::TokenSet;
use crate::ratelimit::RateLimiter;
use crate::seal::cookies::RequestCookies;
use crate::session::{self, SessionData, SIGNED_OUT_JSON};

pub use crate::oauth::runtime::ProviderRuntime;

pub mod api;
mod dispatch;
mod host_check;

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY: usize = 64 * 1024;
/// Request URLs longer than this are refused with 414.
pub const MAX_URL: usize = 16 * 1024;

/// One refresh per refresh token at a time (single flight; see `access_token`).
pub(crate) type RefreshSlot = Arc<tokio::sync::OnceCell<std::result::Result<TokenSet, AuthError>>>;

pub struct Auth {
    pub config: Config,
    pub outbound: Outbound,
    pub providers: Vec<ProviderRuntime>,
    /// In-flight and just-finished refreshes (see `access_token`).
    pub(crate) refreshing: Mutex<HashMap<[u8; 32], (RefreshSlot, Instant)>>,
    /// SPEC §13; `None` when rate limiting is off.
    pub limiter: Option<RateLimiter>,
    /// The user store (SPEC §11), when `database` is configured; nothing connects until used.
    pub store: Option<Arc<crate::store::Store>>,
    /// What the email flows use of the database (SPEC §12).
    pub(crate) credential_store: Option<Arc<dyn crate::credentials::store::CredentialStore>>,
    /// Whether the sign-in host warning was given (see `host_check`).
    host_warned: std::sync::atomic::AtomicBool,
}

impl Auth {
    pub fn new(input_json: &str) -> Result<Auth> {
        let config = Config::from_input(parse_input(input_json)?)?;
        let providers = config
            .providers
            .iter()
            .zip(&config.token_options)
            .map(|(spec, tokens)| ProviderRuntime::new(spec, tokens, config.production))
            .collect();
        let limiter = config
            .rate_limit
            .clone()
            .map(|rl| RateLimiter::new(rl, &config.cookie_prefix, config.trusted_proxy_headers))
            .transpose()?;
        let store = config.database.clone().map(|d| {
            Arc::new(
                crate::store::Store::new(d)
                    .with_max_life(config.max_duration)
                    .with_revocations(config.revocations.clone()),
            )
        });
        // The email flows (SPEC §12) reach the same store through their own small trait.
        let credential_store = store
            .clone()
            .filter(|_| config.credentials.is_some())
            .map(|s| s as Arc<dyn crate::credentials::store::CredentialStore>);
        Ok(Auth {
            limiter,
            credential_store,
            store,
            host_warned: Default::default(),
            outbound: Outbound::new(config.timeout_ms, config.max_response_bytes)?,
            config,
            providers,
            refreshing: Mutex::new(HashMap::new()),
        })
    }

    /// The store the email flows use, when `credentials` or `magicLink` is on.
    pub fn credential_store(&self) -> Option<Arc<dyn crate::credentials::store::CredentialStore>> {
        self.credential_store.clone()
    }

    /// `api.importUser` (SPEC §12): JSON `{ id }`.
    pub async fn import_user(&self, input: &str) -> Result<String> {
        let store = self.credential_store().ok_or_else(|| {
            AuthError::new(
                "CREDENTIALS_DISABLED",
                "importUser needs `credentials: { enabled: true }` and a `database`.",
            )
        })?;
        self.ready().await?;
        crate::credentials::import::import_user(store.as_ref(), input).await
    }

    pub fn warnings(&self) -> &[String] {
        &self.config.warnings
    }

    pub fn provider(&self, id: &str) -> Option<&ProviderRuntime> {
        self.providers.iter().find(|p| p.spec.id == id)
    }

    /// Endpoints, discovering them first for OIDC providers (see [`ProviderRuntime::endpoints`]).
    pub async fn endpoints(&self, p: &ProviderRuntime) -> Result<Arc<Endpoints>> {
        p.endpoints(&self.outbound).await
    }

    /// `api.getSession`: the session JSON for a Cookie header. Never fails. It accepts exactly
    /// the cookies `GET /session` accepts for the same scheme (SPEC §4 rule 11); when nothing
    /// says which scheme the app uses (no `baseURL`, no trusted proxy header), each name is tried
    /// with its own associated data, so a value sealed for one name never opens as the other.
    pub fn session_json(&self, cookie: Option<&str>, forwarded_proto: Option<&str>) -> String {
        match self.session_from_header(cookie, forwarded_proto) {
            Some(s) => s.to_json(),
            None => SIGNED_OUT_JSON.to_string(),
        }
    }

    /// The session a Cookie header holds, as `api.getSession` reads it (no I/O).
    pub fn session_from_header(
        &self,
        cookie: Option<&str>,
        forwarded_proto: Option<&str>,
    ) -> Option<SessionData> {
        let cookies = RequestCookies::parse_for(cookie, &self.config.cookie_prefix);
        let c = &self.config;
        match session_scheme(c, forwarded_proto) {
            Some(secure) => session::read(c, &cookies, &c.names(secure).session),
            None => session::read(c, &cookies, &c.names_https.session)
                .or_else(|| session::read(c, &cookies, &c.names_http.session)),
        }
    }

    /// Test support: a Cookie header (`name=value[; name.1=value]`) holding a session for
    /// `user`. Refused in production (SPEC §4 rule 16).
    pub fn seal_session_for_testing(&self, user: User, secure: bool) -> Result<String> {
        if self.config.production {
            return Err(AuthError::new(
                "TESTING_ONLY",
                "sealSessionForTesting mints sessions without a sign-in and does not work when NODE_ENV is production.",
            ));
        }
        let mut data = SessionData::new(&user.bounded()?, &self.config);
        if self.store.is_some() {
            // With a database a session names a row; this one has none, so it can be read but
            // never listed or revoked.
            data.handle = Some(session::SessionHandle {
                id: crate::random::bytes(16).try_into().unwrap_or_default(),
                secret: crate::random::bytes(32).try_into().unwrap_or([0; 32]),
            });
        }
        let names = self.config.names(secure);
        let empty = RequestCookies::parse(None);
        Ok(crate::seal::cookies::set_chunked(
            &empty,
            &names.session,
            &data.seal_checked(&self.config, &names.session)?,
            self.config.max_age,
            secure,
        )
        .iter()
        .filter(|l| !l.contains("Max-Age=0"))
        .filter_map(|l| l.split(';').next().map(str::to_string))
        .collect::<Vec<_>>()
        .join("; "))
    }
}
