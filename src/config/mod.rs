//! The user's configuration: parsed, defaulted from the environment, and validated up front.
//! Every mistake is an [`AuthError`] whose message says how to fix it.

use std::collections::HashMap;

use serde::Deserialize;
use url::Url;

use crate::error::{AuthError, Result};

mod hooks;
pub mod suggest;
mod tokens;
pub(crate) mod validate;
pub use hooks::Hooks;
pub use tokens::TokenOptions;
pub(crate) use validate::config_path;
use validate::{decode_secrets, parse_origin, validate_base_path, validate_page};

use crate::oauth::providers::{self, OneOrMany, ProviderInput, ProviderSpec};
use crate::ratelimit::config::{RateLimitConfig, RateLimitInput};
use crate::seal::cookies::CookieNames;
use crate::seal::crypto::Keyring;
use crate::seal::dev_key;
use crate::seal::secret::{decode_key, KeyKind};

const DEFAULT_MAX_AGE: u64 = 30 * 24 * 60 * 60;
const DEFAULT_UPDATE_AGE: u64 = 24 * 60 * 60;
const DEFAULT_MAX_DURATION: u64 = 365 * 24 * 60 * 60;
const DEFAULT_TIMEOUT_MS: u64 = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SessionInput {
    pub max_age: Option<u64>,
    pub update_age: Option<u64>,
    pub max_duration: Option<u64>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CookiesInput {
    pub prefix: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PagesInput {
    pub sign_in: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpInput {
    pub timeout_ms: Option<u64>,
    pub max_response_bytes: Option<usize>,
}

/// The configuration as the user wrote it (camelCase JSON from JS).
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigInput {
    #[serde(default)]
    pub oauth: Vec<ProviderInput>,
    pub base_path: Option<String>,
    #[serde(rename = "baseURL")]
    pub base_url: Option<String>,
    pub secret: Option<OneOrMany>,
    pub salt: Option<String>,
    #[serde(default)]
    pub session: SessionInput,
    #[serde(default)]
    pub trusted_origins: Vec<String>,
    #[serde(default)]
    pub trusted_proxy_headers: bool,
    #[serde(default)]
    pub cookies: CookiesInput,
    #[serde(default)]
    pub pages: PagesInput,
    #[serde(default)]
    pub http: HttpInput,
    /// Which hooks the app configured (set by the JS layer from `callbacks`, `events`, `logger`).
    #[serde(default)]
    pub hooks: Hooks,
    /// SPEC §13 (see `ratelimit::config`).
    pub rate_limit: Option<RateLimitInput>,
    /// SPEC §12 (see `crate::credentials`).
    pub credentials: Option<crate::credentials::CredentialsInput>,
    pub magic_link: Option<crate::credentials::MagicLinkInput>,
    pub email: Option<crate::credentials::EmailInput>,
    /// SPEC §11: the user store (`"sqlite:…"`, `"postgres://…"`, or `{ url, tablePrefix, migrate }`).
    pub database: Option<crate::store::DatabaseInput>,
    #[serde(default)]
    pub account: crate::store::config::AccountInput,
}

/// What `createAuth` receives from JS: the config and the environment variables it may read.
#[derive(Deserialize, Debug, Default)]
pub struct Input {
    #[serde(default)]
    pub config: ConfigInput,
    #[serde(default)]
    pub env: HashMap<String, String>,
}

/// The validated configuration.
pub struct Config {
    pub base_path: String,
    /// Origin of `baseURL` (scheme://host[:port]) when configured.
    pub base_origin: Option<Url>,
    pub keys: Keyring,
    pub max_age: u64,
    pub update_age: u64,
    /// The longest a session lives from sign-in, however often it rolls.
    pub max_duration: u64,
    /// `NODE_ENV=production`: test-only helpers refuse to work.
    pub production: bool,
    pub trusted_origins: Vec<url::Origin>,
    pub trusted_proxy_headers: bool,
    pub cookie_prefix: String,
    /// Cookie names for http and https requests (which one applies is decided per request).
    pub names_http: CookieNames,
    pub names_https: CookieNames,
    pub sign_in_page: Option<String>,
    pub error_page: Option<String>,
    pub timeout_ms: u64,
    pub max_response_bytes: usize,
    pub providers: Vec<ProviderSpec>,
    /// Per provider (same order): `storeTokens`, `revokeTokens` and their endpoints.
    pub token_options: Vec<TokenOptions>,
    pub hooks: Hooks,
    /// `None`: rate limiting is off (the default outside production).
    pub rate_limit: Option<RateLimitConfig>,
    /// Email and password, magic links (SPEC §12), when on.
    pub credentials: Option<crate::credentials::Settings>,
    pub warnings: Vec<String>,
    /// The user store, when `database` (or `AURA_AUTH_DATABASE_URL`) is set.
    pub database: Option<crate::store::DatabaseConfig>,
    /// Providers whose verified emails link to an existing user with that email.
    pub trusted_providers: Vec<String>,
    /// With a database: the revoked sessions every session read checks (kept current by the
    /// store; see `store::revocations`).
    pub revocations: Option<std::sync::Arc<crate::store::revocations::Revocations>>,
}

fn env_value<'a>(env: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    env.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// An origin as people write it (no trailing slash).
fn show(url: &Url) -> &str {
    url.as_str().trim_end_matches('/')
}

/// "AURA_AUTH_SECRET and AURA_AUTH_SALT", or the one that is missing.
fn missing_keys(secret: bool, salt: bool) -> String {
    [
        secret.then_some("AURA_AUTH_SECRET"),
        salt.then_some("AURA_AUTH_SALT"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" and ")
}

/// Outside production: the project's development key (see [`dev_key`]), or, when it cannot be
/// kept (no writable working directory), a random key for this instance only.
fn dev_key_fallback(missing: &str, warnings: &mut Vec<String>) -> (Vec<u8>, Vec<u8>) {
    let (dir, file) = (dev_key::DIR, dev_key::FILE);
    match std::env::current_dir().and_then(|p| dev_key::load_or_create(&p)) {
        Ok((key, _)) => {
            warnings.push(format!("[aura-auth] {missing} not set: using this project's development key from {dir}/{file} (created once, kept between restarts, shared by every createAuth; {dir}/ ignores itself in git). It is never used in production: set {missing} there (`npx aura-auth-secret` prints a pair)."));
            (key.secret, key.salt)
        }
        Err(e) => {
            warnings.push(format!("[aura-auth] {missing} not set and the development key {dir}/{file} could not be kept ({e}): using a random key for this instance only, so sessions end when the server restarts. Set {missing} (`npx aura-auth-secret` prints a pair)."));
            (crate::random::bytes(32), crate::random::bytes(32))
        }
    }
}

impl Config {
    pub fn from_input(input: Input) -> Result<Config> {
        let Input { config: c, env } = input;
        let production = env_value(&env, "NODE_ENV") == Some("production");
        let mut warnings = Vec::new();

        let secrets = decode_secrets(c.secret, &env)?;
        let salt = match c
            .salt
            .as_deref()
            .or_else(|| env_value(&env, "AURA_AUTH_SALT"))
        {
            Some(s) => Some(decode_key(s, KeyKind::Salt)?),
            None => None,
        };
        let (secrets, salt) = match (secrets, salt) {
            (Some(s), Some(salt)) => (s, salt),
            (secrets, salt) if !production => {
                let missing = missing_keys(secrets.is_none(), salt.is_none());
                let (secret, salt_bytes) = dev_key_fallback(&missing, &mut warnings);
                (
                    secrets.unwrap_or_else(|| vec![secret]),
                    salt.unwrap_or(salt_bytes),
                )
            }
            (secrets, salt) => {
                let missing = missing_keys(secrets.is_none(), salt.is_none());
                let code = if secrets.is_none() {
                    "MISSING_SECRET"
                } else {
                    "MISSING_SALT"
                };
                let (verb, each) = if missing.contains(" and ") {
                    ("are", "each")
                } else {
                    ("is", "it")
                };
                return Err(AuthError::new(
                    code,
                    format!("{missing} {verb} required in production (NODE_ENV=production) and not set. Set {each} to 32+ random bytes in hex or base64; `npx aura-auth-secret` prints a pair. (The development key in {}/{} is never used in production.)", dev_key::DIR, dev_key::FILE),
                ));
            }
        };

        let base_path = validate_base_path(c.base_path.as_deref().unwrap_or("/api/auth"))?;
        let env_url = env_value(&env, "AURA_AUTH_URL");
        let source = if c.base_url.is_some() {
            "the baseURL option"
        } else {
            "AURA_AUTH_URL"
        };
        let base_origin = match c.base_url.as_deref().or(env_url) {
            Some(u) => Some(parse_origin(
                u.trim_end_matches('/'),
                "INVALID_BASE_URL",
                "baseURL",
            )?),
            None => None,
        };
        if let (Some(configured), Some(from_env)) = (&base_origin, env_url) {
            let env_origin = Url::parse(from_env.trim_end_matches('/')).ok();
            if env_origin.map(|u| u.origin()) != Some(configured.origin()) {
                warnings.push(format!("[aura-auth] baseURL `{}` in the config overrides AURA_AUTH_URL `{from_env}` (explicit config wins). If the app now runs at AURA_AUTH_URL, remove baseURL from the config (or make the two the same).", show(configured)));
            }
        }
        if production {
            match &base_origin {
                None => warnings.push("[aura-auth] baseURL (AURA_AUTH_URL) is not set: the app's origin is taken from each request's Host header. Set it to your public origin, e.g. https://example.com, so redirects, callback URLs and cookie prefixes never depend on request headers.".to_string()),
                Some(u) if crate::http::url_policy::is_loopback(u) => warnings.push(format!("[aura-auth] baseURL `{}` (from {source}) is a loopback address while NODE_ENV=production: providers send users back to it and browsers on other machines cannot reach it. Set {source} to the app's public https origin, e.g. https://example.com.", show(u))),
                Some(u) if u.scheme() == "http" => warnings.push(format!("[aura-auth] baseURL `{}` uses plain http in production: cookies are sent without `Secure` and the `__Host-` prefix. Use https.", show(u))),
                Some(_) => {}
            }
        }
        let trusted_origins = c
            .trusted_origins
            .iter()
            .map(|o| {
                parse_origin(
                    o.trim_end_matches('/'),
                    "INVALID_TRUSTED_ORIGIN",
                    "trustedOrigins entry",
                )
                .map(|u| u.origin())
            })
            .collect::<Result<Vec<_>>>()?;

        let max_age = c.session.max_age.unwrap_or(DEFAULT_MAX_AGE);
        let max_duration = c.session.max_duration.unwrap_or(DEFAULT_MAX_DURATION);
        if max_duration == 0 || max_duration > 10 * 365 * 24 * 60 * 60 {
            return Err(AuthError::new(
                "INVALID_SESSION",
                "session.maxDuration must be between 1 second and 10 years (seconds; default 365 days).",
            ));
        }
        let update_age = c.session.update_age.unwrap_or(DEFAULT_UPDATE_AGE);
        if max_age == 0 || max_age > 400 * 24 * 60 * 60 {
            return Err(AuthError::new(
                "INVALID_SESSION",
                "session.maxAge must be between 1 second and 400 days (browsers cap cookie lifetimes at 400 days).",
            ));
        }
        if update_age > max_age {
            return Err(AuthError::new(
                "INVALID_SESSION",
                "session.updateAge must not exceed session.maxAge.",
            ));
        }

        let cookie_prefix = c.cookies.prefix.unwrap_or_else(|| "aura-auth".to_string());
        let prefix_ok = !cookie_prefix.is_empty()
            && cookie_prefix.len() <= 64
            && cookie_prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && !cookie_prefix.starts_with("__");
        if !prefix_ok {
            return Err(AuthError::new(
                "INVALID_COOKIE_PREFIX",
                "cookies.prefix must be 1-64 characters of letters, digits, `-`, `_` or `.` and must not start with `__` (the __Host- prefix is added on https).",
            ));
        }

        let timeout_ms = c.http.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        if timeout_ms == 0 || timeout_ms > 120_000 {
            return Err(AuthError::new(
                "INVALID_HTTP_OPTIONS",
                "http.timeoutMs must be between 1 and 120000.",
            ));
        }
        let max_response_bytes = c
            .http
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes < 1024 {
            return Err(AuthError::new(
                "INVALID_HTTP_OPTIONS",
                "http.maxResponseBytes must be at least 1024.",
            ));
        }

        let database = crate::store::DatabaseConfig::from_input(
            c.database,
            env_value(&env, crate::store::config::ENV_NAME),
        )?;
        let credentials = crate::credentials::Settings::from_input(
            c.credentials,
            c.magic_link,
            c.email,
            database.is_some(),
        )?;
        if c.oauth.is_empty() && credentials.is_none() {
            return Err(AuthError::new(
                "NO_PROVIDERS",
                "No providers configured. Add at least one, e.g. `oauth: [\"github\"]` with GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET set, or turn on `credentials` or `magicLink`.",
            ));
        }
        let mut providers_out: Vec<ProviderSpec> = Vec::with_capacity(c.oauth.len());
        let mut token_options = Vec::with_capacity(c.oauth.len());
        for mut p in c.oauth {
            let mut options = TokenOptions::take(&mut p)?;
            let spec = providers::resolve(p, &env)?;
            options.complete(&spec)?;
            token_options.push(options);
            if providers_out.iter().any(|q| q.id == spec.id) {
                return Err(AuthError::new(
                    "DUPLICATE_PROVIDER",
                    format!(
                        "Provider id `{}` is configured twice. Give each provider a unique `id`.",
                        spec.id
                    ),
                ));
            }
            providers_out.push(spec);
        }

        let rate_limit = RateLimitConfig::from_input(
            c.rate_limit,
            production,
            env_value(&env, "AURA_AUTH_RATE_LIMIT_URL"),
            c.trusted_proxy_headers,
            &mut warnings,
        )?;
        let trusted_providers = c.account.linking.trusted_providers;
        if let Some(unknown) = trusted_providers
            .iter()
            .find(|id| !providers_out.iter().any(|p| &p.id == *id))
        {
            return Err(AuthError::new(
                "INVALID_ACCOUNT_LINKING",
                format!("account.linking.trustedProviders names `{unknown}`, which is not a configured provider."),
            ));
        }

        Ok(Config {
            revocations: database.as_ref().map(|_| Default::default()),
            database,
            trusted_providers,
            base_path,
            base_origin,
            keys: Keyring::new(&secrets, &salt),
            max_age,
            update_age,
            max_duration,
            production,
            trusted_origins,
            trusted_proxy_headers: c.trusted_proxy_headers,
            names_http: CookieNames::new(&cookie_prefix, false),
            names_https: CookieNames::new(&cookie_prefix, true),
            cookie_prefix,
            sign_in_page: validate_page(c.pages.sign_in, "signIn")?,
            error_page: validate_page(c.pages.error, "error")?,
            timeout_ms,
            max_response_bytes,
            providers: providers_out,
            token_options,
            credentials,
            hooks: {
                c.hooks.validate()?;
                c.hooks
            },
            rate_limit,
            warnings,
        })
    }

    /// The cookie names for a request that is (or is not) https.
    pub fn names(&self, secure: bool) -> &CookieNames {
        if secure {
            &self.names_https
        } else {
            &self.names_http
        }
    }
}

/// Parses the JSON that `createAuth` passes in.
pub fn parse_input(json: &str) -> Result<Input> {
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de).map_err(suggest::config_error)
}
