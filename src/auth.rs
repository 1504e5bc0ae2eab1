//! One configured instance: validated config, an outbound client, and per-provider runtime state
//! (discovered endpoints and JWKS, cached per instance). Requests are dispatched here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use crate::actions;
use crate::config::{parse_input, Config};
use crate::context::{session_scheme, Context};
use crate::cookies::RequestCookies;
use crate::endpoints::Endpoints;
use crate::error::{AuthError, Result};
use crate::hooks::{apply_profile, Ticket, TicketKind};
use crate::oidc::{discovery, jwks::JwksCache};
use crate::outbound::Outbound;
use crate::providers::{profile::User, ProviderSpec};
use crate::request::Request;
use crate::response::Response;
use crate::router::{route, Route};
use crate::session::{self, SessionData, SIGNED_OUT_JSON};
use crate::tokens::{TokenOptions, TokenSet};
use url::Url;

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY: usize = 64 * 1024;
/// Request URLs longer than this are refused with 414.
pub const MAX_URL: usize = 16 * 1024;

pub struct ProviderRuntime {
    pub spec: ProviderSpec,
    /// Fixed endpoints (plain OAuth 2.0 and built-ins), or the last discovered ones with the
    /// time until which they are used (the discovery response's `Cache-Control` decides).
    endpoints: RwLock<Option<(Arc<Endpoints>, Option<Instant>)>>,
    /// One discovery at a time per provider.
    discovering: tokio::sync::Mutex<()>,
    /// `storeTokens`, `revokeTokens` and their endpoints.
    pub tokens: TokenOptions,
    /// Revocation and end-session endpoints learned by discovery (explicit ones win).
    discovered_logout: RwLock<(Option<Url>, Option<Url>)>,
    pub jwks: JwksCache,
    /// The last discovery failure: callers queued behind it fail fast instead of each waiting
    /// out another timeout.
    discovery_failure: Mutex<Option<(Instant, AuthError)>>,
}

impl ProviderRuntime {
    fn new(spec: &ProviderSpec, tokens: &TokenOptions) -> Self {
        ProviderRuntime {
            spec: spec.clone(),
            tokens: tokens.clone(),
            discovered_logout: RwLock::new((None, None)),
            endpoints: RwLock::new(Endpoints::from_spec(spec).map(|e| (Arc::new(e), None))),
            discovering: tokio::sync::Mutex::new(()),
            jwks: JwksCache::default(),
            discovery_failure: Mutex::new(None),
        }
    }

    /// The endpoints when known and not due for rediscovery (no network).
    pub fn endpoints_now(&self) -> Option<Arc<Endpoints>> {
        let slot = self.endpoints.read().ok()?;
        match slot.as_ref()? {
            (_, Some(until)) if Instant::now() >= *until => None,
            (e, _) => Some(e.clone()),
        }
    }

    /// The RFC 7009 revocation endpoint: configured, else discovered.
    pub fn revocation_url(&self) -> Option<Url> {
        self.tokens
            .revocation_url
            .clone()
            .or_else(|| self.discovered_logout.read().ok().and_then(|s| s.0.clone()))
    }

    /// The RP-initiated logout endpoint: configured, else discovered.
    pub fn end_session_url(&self) -> Option<Url> {
        self.tokens
            .end_session_url
            .clone()
            .or_else(|| self.discovered_logout.read().ok().and_then(|s| s.1.clone()))
    }

    fn stale(&self) -> Option<Arc<Endpoints>> {
        self.endpoints
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|(e, _)| e.clone()))
    }
}

/// What a request still needs before it can be answered.
enum NeedsNetwork<'p> {
    /// The callback: token exchange, id_token keys, profile.
    Callback(&'p ProviderRuntime),
    /// A sign-in with an OpenID provider whose endpoints are not (or no longer) known.
    Discovery(&'p ProviderRuntime),
    /// A sign-out that revokes stored tokens, or needs the provider's end-session endpoint.
    SignOut(&'p ProviderRuntime),
    /// A passkey endpoint: the store holds challenges and credentials.
    Passkey(actions::passkeys::Step),
}

/// One refresh per refresh token at a time (single flight; see `access_token`).
pub(crate) type RefreshSlot = Arc<tokio::sync::OnceCell<std::result::Result<TokenSet, AuthError>>>;

pub struct Auth {
    pub config: Config,
    pub outbound: Outbound,
    pub providers: Vec<ProviderRuntime>,
    /// In-flight and just-finished refreshes (see `access_token`).
    pub(crate) refreshing: Mutex<HashMap<[u8; 32], (RefreshSlot, Instant)>>,
    /// Where passkeys and their challenges live (the database store), when configured.
    pub passkey_store: Option<Arc<dyn crate::passkeys::store::PasskeyStore>>,
}

/// A passkey endpoint on an instance without `passkeys` (or without a database to keep them).
fn passkeys_off() -> Response {
    Response::error(
        404,
        "PASSKEYS_NOT_CONFIGURED",
        "Passkeys are not enabled: configure `passkeys: { rpName }` and a `database`.",
    )
}

impl Auth {
    pub fn new(input_json: &str) -> Result<Auth> {
        let config = Config::from_input(parse_input(input_json)?)?;
        let providers = config
            .providers
            .iter()
            .zip(&config.token_options)
            .map(|(spec, tokens)| ProviderRuntime::new(spec, tokens))
            .collect();
        Ok(Auth {
            outbound: Outbound::new(config.timeout_ms, config.max_response_bytes)?,
            config,
            providers,
            refreshing: Mutex::new(HashMap::new()),
            passkey_store: None,
        })
    }

    pub fn warnings(&self) -> &[String] {
        &self.config.warnings
    }

    pub fn provider(&self, id: &str) -> Option<&ProviderRuntime> {
        self.providers.iter().find(|p| p.spec.id == id)
    }

    /// Endpoints, discovering them first for OIDC providers (again once the discovered ones are
    /// past their lifetime). A failure is not cached for later requests, but callers that were
    /// already waiting while it happened share it (so N concurrent sign-ins against a hanging
    /// provider take one timeout, not N in a row); with stale endpoints at hand, those are used.
    pub async fn endpoints(&self, p: &ProviderRuntime) -> Result<Arc<Endpoints>> {
        if let Some(e) = p.endpoints_now() {
            return Ok(e);
        }
        let waiting_since = Instant::now();
        let _turn = p.discovering.lock().await;
        if let Some(e) = p.endpoints_now() {
            return Ok(e);
        }
        let shared = p.discovery_failure.lock().ok().and_then(|f| f.clone());
        if let Some((_, e)) = shared.filter(|(at, _)| *at >= waiting_since) {
            return p.stale().ok_or(e);
        }
        let issuer = p.spec.issuer.as_deref().unwrap_or_default();
        let result = match discovery::discover(&self.outbound, issuer).await {
            Ok((meta, lifetime)) => {
                let optional = |u: &Option<String>, field| {
                    u.as_deref()
                        .and_then(|u| crate::url_policy::discovered_endpoint(u, field).ok())
                };
                if let Ok(mut slot) = p.discovered_logout.write() {
                    *slot = (
                        optional(&meta.revocation_endpoint, "revocation_endpoint"),
                        optional(&meta.end_session_endpoint, "end_session_endpoint"),
                    );
                }
                Endpoints::from_discovery(&p.spec, &meta)
                    .map(|e| (Arc::new(e), Instant::now() + lifetime))
            }
            Err(e) => Err(e),
        };
        match result {
            Ok((e, until)) => {
                if let Ok(mut slot) = p.endpoints.write() {
                    *slot = Some((e.clone(), Some(until)));
                }
                Ok(e)
            }
            Err(e) => {
                if let Ok(mut slot) = p.discovery_failure.lock() {
                    *slot = Some((Instant::now(), e.clone()));
                }
                p.stale().ok_or(e)
            }
        }
    }

    /// Handles a request without waiting on the network, or returns `None` when it must
    /// (the callback, or a sign-in before OIDC discovery): then call [`Auth::handle_async`].
    pub fn handle(&self, req: &Request) -> Option<Response> {
        match self.prepare(req) {
            Ok((ctx, r)) => self
                .run_sync(&ctx, req, &r)
                .ok()
                .map(|resp| self.finish(req, resp)),
            Err(resp) => Some(self.finish(req, *resp)),
        }
    }

    pub async fn handle_async(&self, req: &Request) -> Response {
        let (ctx, r) = match self.prepare(req) {
            Ok(v) => v,
            Err(resp) => return self.finish(req, *resp),
        };
        let resp = match self.run_sync(&ctx, req, &r) {
            Ok(resp) => resp,
            Err(NeedsNetwork::Callback(p)) => actions::callback::run(self, &ctx, req, p).await,
            Err(NeedsNetwork::Discovery(p)) => match self.endpoints(p).await {
                Ok(_) => actions::signin::run(self, &ctx, p),
                Err(e) => actions::signin::failure(self, &ctx, &e),
            },
            Err(NeedsNetwork::SignOut(p)) => actions::signout::run_async(self, &ctx, req, p).await,
            Err(NeedsNetwork::Passkey(step)) => {
                match (&self.config.passkeys, &self.passkey_store) {
                    (Some(cfg), Some(store)) => {
                        actions::passkeys::run(self, &ctx, req, step, cfg, store.as_ref()).await
                    }
                    _ => passkeys_off(),
                }
            }
        };
        self.finish(req, resp)
    }

    /// Context and route, or the early response (400, 404, 405, 413, 414).
    fn prepare<'a>(
        &'a self,
        req: &'a Request,
    ) -> std::result::Result<(Context<'a>, Route), Box<Response>> {
        if req.url.len() > MAX_URL {
            return Err(Box::new(Response::error(
                414,
                "URL_TOO_LONG",
                "The request URL is too long.",
            )));
        }
        if req.body_too_large || req.body.as_ref().is_some_and(|b| b.len() > MAX_BODY) {
            return Err(Box::new(Response::error(
                413,
                "BODY_TOO_LARGE",
                "The request body is too large.",
            )));
        }
        let ctx = Context::new(&self.config, req)
            .map_err(|e| Box::new(Response::error(400, e.code, &e.message)))?;
        // Route on the raw (still percent-encoded) path: ids with `%` never match a provider.
        let r = match route(&self.config.base_path, ctx.url.path()) {
            Some(r) => r,
            None => {
                return Err(Box::new(Response::error(
                    404,
                    "NOT_FOUND",
                    "No auth endpoint at this path.",
                )))
            }
        };
        let method = req.method.to_ascii_uppercase();
        // A form_post provider (Apple) returns to its callback with a POST.
        let methods: &[&str] = match &r {
            Route::Callback(id) if self.provider(id).is_some_and(|p| p.spec.form_post) => {
                &["GET", "HEAD", "POST"]
            }
            _ => r.methods(),
        };
        if !methods.contains(&method.as_str()) {
            let allow = methods.join(", ");
            return Err(Box::new(
                Response::error(
                    405,
                    "METHOD_NOT_ALLOWED",
                    &format!("Use {allow} for this endpoint."),
                )
                .with_header("allow", &allow),
            ));
        }
        Ok((ctx, r))
    }

    /// Answers every route that needs no network; says which network step the others need.
    fn run_sync<'p>(
        &'p self,
        ctx: &Context,
        req: &Request,
        r: &Route,
    ) -> std::result::Result<Response, NeedsNetwork<'p>> {
        Ok(match r {
            Route::Callback(id) => match self.provider(id) {
                Some(p) => return Err(NeedsNetwork::Callback(p)),
                None => actions::error_redirect(self, ctx, "UNKNOWN_PROVIDER", false),
            },
            Route::SignIn(id) => match self.provider(id) {
                Some(p) if p.endpoints_now().is_none() => return Err(NeedsNetwork::Discovery(p)),
                Some(p) => actions::signin::run(self, ctx, p),
                None => actions::signin::unknown(self, ctx),
            },
            Route::Session if req.method.eq_ignore_ascii_case("POST") => {
                actions::session::update(self, ctx, req)
            }
            Route::Session => actions::session::run(self, ctx),
            Route::CsrfToken => actions::csrf::run(self, ctx),
            Route::SignOut => match actions::signout::run(self, ctx, req) {
                Ok(resp) => resp,
                Err(p) => return Err(NeedsNetwork::SignOut(p)),
            },
            Route::Providers => actions::providers::run(self, ctx),
            Route::Passkey(step) => match (&self.config.passkeys, &self.passkey_store) {
                (Some(_), Some(_)) => return Err(NeedsNetwork::Passkey(*step)),
                _ => passkeys_off(),
            },
            Route::Error => actions::error_page::run(ctx),
        })
    }

    fn finish(&self, req: &Request, mut resp: Response) -> Response {
        if req.method.eq_ignore_ascii_case("HEAD") {
            resp.body.clear();
        }
        let level = self.config.hooks.level();
        resp.log.retain(|e| e.level >= level);
        if !self.config.hooks.events {
            resp.events.clear();
        }
        resp
    }

    /// Completes a sign-in or session update after the app's hooks ran: `req` is the request
    /// that was handed off, `ticket` the sealed hand-off, `result` the hooks' results (JSON).
    pub fn finish_hooks(&self, req: &Request, ticket: &str, result: &str) -> Response {
        let resp = match self.prepare(req) {
            Ok((ctx, Route::Callback(_))) => {
                actions::hooked::finish_sign_in(self, &ctx, ticket, result)
            }
            Ok((ctx, Route::Session)) => actions::hooked::finish_update(self, &ctx, ticket, result),
            Ok((ctx, Route::Passkey(actions::passkeys::Step::SignIn))) => {
                actions::passkeys::after_hooks(self, &ctx, ticket, result)
            }
            Ok(_) => Response::error(400, "BAD_REQUEST", "Nothing waits for hooks here."),
            Err(resp) => *resp,
        };
        self.finish(req, resp)
    }

    /// Applies a provider's JS `profile` function result to a sign-in waiting for hooks; returns
    /// the new hand-off (JSON) with the reshaped user.
    pub fn apply_profile(&self, ticket: &str, partial: &str) -> Result<String> {
        let mut t = Ticket::open(&self.config, TicketKind::SignIn, ticket)?;
        let partial: serde_json::Value = serde_json::from_str(partial).map_err(|_| {
            AuthError::new(
                "CALLBACK_ERROR",
                "The profile function's result is not JSON.",
            )
        })?;
        let user: User = serde_json::from_value(t.user.clone())
            .map_err(|_| AuthError::new("CALLBACK_ERROR", "The sign-in's user is not valid."))?;
        let user = apply_profile(&user, &partial, t.oidc)?;
        let user_value = serde_json::to_value(&user).unwrap_or_default();
        t.user = user_value.clone();
        if let Some(a) = t.account.as_mut() {
            a.provider_account_id = user.sub.clone();
        }
        Ok(serde_json::json!({
            "ticket": t.seal(&self.config),
            "user": user_value,
        })
        .to_string())
    }

    /// `api.getSession`: the session JSON for a Cookie header. Never fails. It accepts exactly
    /// the cookies `GET /session` accepts for the same scheme (SPEC §4 rule 11); when nothing
    /// says which scheme the app uses (no `baseURL`, no trusted proxy header), each name is tried
    /// with its own associated data, so a value sealed for one name never opens as the other.
    pub fn session_json(&self, cookie: Option<&str>, forwarded_proto: Option<&str>) -> String {
        let cookies = RequestCookies::parse_for(cookie, &self.config.cookie_prefix);
        let c = &self.config;
        let found = match session_scheme(c, forwarded_proto) {
            Some(secure) => session::read(c, &cookies, &c.names(secure).session),
            None => session::read(c, &cookies, &c.names_https.session)
                .or_else(|| session::read(c, &cookies, &c.names_http.session)),
        };
        match found {
            Some(s) => s.to_json(),
            None => SIGNED_OUT_JSON.to_string(),
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
        let data = SessionData::new(&user.bounded()?, &self.config);
        let names = self.config.names(secure);
        let empty = RequestCookies::parse(None);
        Ok(crate::cookies::set_chunked(
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
