//! One configured instance: validated config, an outbound client, and per-provider runtime state
//! (discovered endpoints and JWKS, cached per instance). Requests are dispatched here.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::OnceCell;

use crate::actions;
use crate::config::{parse_input, Config};
use crate::context::{session_scheme, Context};
use crate::cookies::RequestCookies;
use crate::endpoints::Endpoints;
use crate::error::{AuthError, Result};
use crate::oidc::{discovery, jwks::JwksCache};
use crate::outbound::Outbound;
use crate::providers::{profile::User, ProviderSpec};
use crate::request::Request;
use crate::response::Response;
use crate::router::{route, Route};
use crate::session::{self, SessionData, SIGNED_OUT_JSON};

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY: usize = 64 * 1024;
/// Request URLs longer than this are refused with 414.
pub const MAX_URL: usize = 16 * 1024;

pub struct ProviderRuntime {
    pub spec: ProviderSpec,
    pub endpoints: OnceCell<Arc<Endpoints>>,
    pub jwks: JwksCache,
    /// The last discovery failure: callers queued behind it fail fast instead of each waiting
    /// out another timeout.
    pub discovery_failure: Mutex<Option<(Instant, AuthError)>>,
}

pub struct Auth {
    pub config: Config,
    pub outbound: Outbound,
    pub providers: Vec<ProviderRuntime>,
}

impl Auth {
    pub fn new(input_json: &str) -> Result<Auth> {
        let config = Config::from_input(parse_input(input_json)?)?;
        let providers = config
            .providers
            .iter()
            .map(|spec| ProviderRuntime {
                spec: spec.clone(),
                endpoints: match Endpoints::from_spec(spec) {
                    Some(e) => OnceCell::new_with(Some(Arc::new(e))),
                    None => OnceCell::new(),
                },
                jwks: JwksCache::default(),
                discovery_failure: Mutex::new(None),
            })
            .collect();
        Ok(Auth {
            outbound: Outbound::new(config.timeout_ms, config.max_response_bytes),
            config,
            providers,
        })
    }

    pub fn warnings(&self) -> &[String] {
        &self.config.warnings
    }

    pub fn provider(&self, id: &str) -> Option<&ProviderRuntime> {
        self.providers.iter().find(|p| p.spec.id == id)
    }

    /// Endpoints, discovering them first for OIDC providers. Success is cached. A failure is not
    /// cached for later requests, but callers that were already waiting while it happened share it
    /// (so N concurrent sign-ins against a hanging provider take one timeout, not N in a row).
    pub async fn endpoints(&self, p: &ProviderRuntime) -> Result<Arc<Endpoints>> {
        if let Some(e) = p.endpoints.get() {
            return Ok(e.clone());
        }
        let waiting_since = Instant::now();
        p.endpoints
            .get_or_try_init(|| async {
                let shared = p.discovery_failure.lock().ok().and_then(|f| f.clone());
                if let Some((_, e)) = shared.filter(|(at, _)| *at >= waiting_since) {
                    return Err(e);
                }
                let issuer = p.spec.issuer.as_deref().unwrap_or_default();
                let result = match discovery::discover(&self.outbound, issuer).await {
                    Ok((meta, _)) => Endpoints::from_discovery(&p.spec, &meta).map(Arc::new),
                    Err(e) => Err(e),
                };
                if let (Err(e), Ok(mut slot)) = (&result, p.discovery_failure.lock()) {
                    *slot = Some((Instant::now(), e.clone()));
                }
                result
            })
            .await
            .cloned()
    }

    /// Handles a request without waiting on the network, or returns `None` when it must
    /// (the callback, or a sign-in before OIDC discovery): then call [`Auth::handle_async`].
    pub fn handle(&self, req: &Request) -> Option<Response> {
        match self.prepare(req) {
            Ok((ctx, r)) => match r {
                Route::Callback(_) => None,
                Route::SignIn(ref id)
                    if self
                        .provider(id)
                        .is_some_and(|p| p.endpoints.get().is_none()) =>
                {
                    None
                }
                r => Some(self.finish(req, self.run_sync(&ctx, req, r))),
            },
            Err(resp) => Some(resp),
        }
    }

    pub async fn handle_async(&self, req: &Request) -> Response {
        let (ctx, r) = match self.prepare(req) {
            Ok(v) => v,
            Err(resp) => return resp,
        };
        let resp = match r {
            Route::Callback(ref id) => actions::callback::run(self, &ctx, id).await,
            Route::SignIn(ref id) => {
                if let Some(p) = self.provider(id) {
                    if let Err(e) = self.endpoints(p).await {
                        return self.finish(req, actions::signin::failure(self, &ctx, &e));
                    }
                }
                self.run_sync(&ctx, req, r)
            }
            r => self.run_sync(&ctx, req, r),
        };
        self.finish(req, resp)
    }

    /// Context and route, or the early response (400, 404, 405, 413, 414).
    fn prepare<'a>(
        &'a self,
        req: &'a Request,
    ) -> std::result::Result<(Context<'a>, Route), Response> {
        if req.url.len() > MAX_URL {
            return Err(Response::error(
                414,
                "URL_TOO_LONG",
                "The request URL is too long.",
            ));
        }
        if req.body.as_ref().is_some_and(|b| b.len() > MAX_BODY) {
            return Err(Response::error(
                413,
                "BODY_TOO_LARGE",
                "The request body is too large.",
            ));
        }
        let ctx = Context::new(&self.config, req)
            .map_err(|e| Response::error(400, e.code, &e.message))?;
        // Route on the raw (still percent-encoded) path: ids with `%` never match a provider.
        let r = match route(&self.config.base_path, ctx.url.path()) {
            Some(r) => r,
            None => {
                return Err(Response::error(
                    404,
                    "NOT_FOUND",
                    "No auth endpoint at this path.",
                ))
            }
        };
        let method = req.method.to_ascii_uppercase();
        if !r.methods().contains(&method.as_str()) {
            let allow = r.methods().join(", ");
            return Err(Response::error(
                405,
                "METHOD_NOT_ALLOWED",
                &format!("Use {allow} for this endpoint."),
            )
            .with_header("allow", &allow));
        }
        Ok((ctx, r))
    }

    fn run_sync(&self, ctx: &Context, req: &Request, r: Route) -> Response {
        match r {
            Route::SignIn(id) => actions::signin::run(self, ctx, &id),
            Route::Session => actions::session::run(self, ctx),
            Route::CsrfToken => actions::csrf::run(self, ctx),
            Route::SignOut => actions::signout::run(self, ctx, req),
            Route::Providers => actions::providers::run(self, ctx),
            Route::Error => actions::error_page::run(ctx),
            Route::Callback(_) => Response::error(500, "INTERNAL", "unreachable"),
        }
    }

    fn finish(&self, req: &Request, mut resp: Response) -> Response {
        if req.method.eq_ignore_ascii_case("HEAD") {
            resp.body.clear();
        }
        resp
    }

    /// `api.getSession`: the session JSON for a Cookie header. Never fails.
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

    /// Test support: a Cookie header (`name=value[; name.1=value]`) holding a session for `user`.
    pub fn seal_session_for_testing(&self, user: User, secure: bool) -> String {
        let data = SessionData::new(&user, &self.config);
        let names = self.config.names(secure);
        let empty = RequestCookies::parse(None);
        crate::cookies::set_chunked(
            &empty,
            &names.session,
            &data.seal(&self.config),
            self.config.max_age,
            secure,
        )
        .iter()
        .filter(|l| !l.contains("Max-Age=0"))
        .filter_map(|l| l.split(';').next().map(str::to_string))
        .collect::<Vec<_>>()
        .join("; ")
    }
}
