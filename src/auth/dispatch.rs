//! Routing one request: the early refusals (400, 404, 405, 413, 414), then the action for the
//! route, answered without the network when it can be (`handle`), else with it (`handle_async`);
//! and the return from the app's hooks (`finish_hooks`, `apply_profile`).

use super::{Auth, ProviderRuntime, MAX_BODY, MAX_URL};
use crate::actions::{self, limited::Gate};
use crate::error::{AuthError, Result};
use crate::hooks::{apply_profile, profile_answer, Ticket, TicketKind};
use crate::http::context::Context;
use crate::http::request::Request;
use crate::http::response::Response;
use crate::http::router::{route, Route};
use crate::oauth::providers::profile::User;

/// What a request still needs before it can be answered.
enum NeedsNetwork<'p> {
    /// The callback: token exchange, id_token keys, profile.
    Callback(&'p ProviderRuntime),
    /// A sign-in with an OpenID provider whose endpoints are not (or no longer) known.
    Discovery(&'p ProviderRuntime),
    /// A sign-out that revokes stored tokens, or needs the provider's end-session endpoint.
    SignOut(&'p ProviderRuntime),
    /// A request that reads or writes the database (sign-out's row, the sessions endpoints).
    Store,
    /// The email endpoints (SPEC §12) wait on the store and on password hashing.
    Email(crate::http::router::EmailRoute),
}

impl Auth {
    /// Handles a request without waiting on the network, or returns `None` when it must
    /// (the callback, a sign-in before OIDC discovery, a shared rate-limit store): then call
    /// [`Auth::handle_async`] with the same request (it continues what this began).
    pub fn handle(&self, req: &Request) -> Option<Response> {
        match self.prepare(req) {
            Ok((ctx, r)) => match actions::limited::gate_now(self, &ctx, req, &r) {
                Gate::Pass => self
                    .run_sync(&ctx, req, &r)
                    .ok()
                    .map(|resp| self.finish(req, resp)),
                Gate::Stop(resp) => Some(self.finish(req, resp)),
                Gate::Later => None,
            },
            Err(resp) => Some(self.finish(req, *resp)),
        }
    }

    /// The rest of a request [`Auth::handle`] returned `None` for.
    pub async fn handle_async(&self, req: &Request) -> Response {
        let (ctx, r) = match self.prepare(req) {
            Ok(v) => v,
            Err(resp) => return self.finish(req, *resp),
        };
        if let Some(refused) = actions::limited::gate(self, &ctx, req, &r).await {
            return self.finish(req, refused);
        }
        let resp = match self.run_sync(&ctx, req, &r) {
            Ok(resp) => resp,
            Err(NeedsNetwork::Callback(p)) => actions::callback::run(self, &ctx, req, p).await,
            Err(NeedsNetwork::Discovery(p)) => match self.endpoints(p).await {
                Ok(_) => self.sign_in(&ctx, req, p),
                Err(e) => actions::signin::failure(self, &ctx, &e),
            },
            Err(NeedsNetwork::SignOut(p)) => actions::signout::run_async(self, &ctx, req, p).await,
            Err(NeedsNetwork::Email(which)) => actions::email::run(self, &ctx, req, which).await,
            Err(NeedsNetwork::Store) => match r {
                Route::Sessions => actions::sessions::run_list(self, &ctx).await,
                Route::SessionsRevoke => actions::sessions::run_revoke(self, &ctx, req).await,
                Route::Session => actions::session::run_touching(self, &ctx).await,
                _ => actions::signout::run_with_store(self, &ctx, req).await,
            },
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
        let (passwords, magic) = self
            .config
            .credentials
            .as_ref()
            .map_or((false, false), |c| (c.passwords, c.magic_link));
        let r = match route(&self.config.base_path, ctx.url.path())
            .and_then(|r| r.email(passwords, magic))
        {
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
                Some(p) => self.sign_in(ctx, req, p),
                None => actions::signin::unknown(self, ctx),
            },
            Route::Session if req.method.eq_ignore_ascii_case("POST") => {
                actions::session::update(self, ctx, req)
            }
            Route::Session if self.store.is_some() && actions::session::due(self, ctx) => {
                return Err(NeedsNetwork::Store)
            }
            Route::Session => actions::session::run(self, ctx),
            Route::CsrfToken => actions::csrf::run(self, ctx),
            Route::SignOut | Route::Sessions | Route::SessionsRevoke if self.store.is_some() => {
                return Err(NeedsNetwork::Store)
            }
            Route::Sessions | Route::SessionsRevoke => Response::error(
                404,
                "DATABASE_REQUIRED",
                "Sessions are listed only with a database (`database` in createAuth).",
            ),
            Route::SignOut => match actions::signout::run(self, ctx, req) {
                Ok(resp) => resp,
                Err(p) => return Err(NeedsNetwork::SignOut(p)),
            },
            Route::Providers => actions::providers::run(self, ctx),
            Route::Email(which) => return Err(NeedsNetwork::Email(*which)),
            Route::Error => actions::error_page::run(self, ctx),
            Route::SignInPage => actions::signin_page::run(self, ctx),
        })
    }

    /// `signIn/<id>`, warning once when the browser is not at `baseURL`'s host.
    fn sign_in(&self, ctx: &Context, req: &Request, p: &ProviderRuntime) -> Response {
        let resp = actions::signin::run(self, ctx, p);
        match super::host_check::check(&self.config, &self.host_warned, req) {
            Some(entry) => resp.with_log(entry),
            None => resp,
        }
    }

    pub(crate) fn finish(&self, req: &Request, mut resp: Response) -> Response {
        if req.method.eq_ignore_ascii_case("HEAD") {
            resp.body.clear();
        }
        if let Some(l) = &self.limiter {
            resp.log.extend(l.take_log());
        }
        let level = self.config.hooks.level();
        resp.log
            .retain(|e| e.level >= level || (e.always && level != crate::log::Level::Off));
        if !self.config.hooks.events {
            resp.events.clear();
        }
        resp
    }

    /// Completes a sign-in or session update after the app's hooks ran: `req` is the request
    /// that was handed off, `ticket` the sealed hand-off, `result` the hooks' results (JSON).
    /// With a database a sign-in writes rows: `None`, and [`Auth::finish_hooks_async`] finishes.
    pub fn finish_hooks(&self, req: &Request, ticket: &str, result: &str) -> Option<Response> {
        if self.store.is_some() {
            if let Ok((_, Route::Callback(_) | Route::Email(_))) = self.prepare(req) {
                return None;
            }
        }
        let resp = match self.prepare(req) {
            Ok((ctx, Route::Callback(_))) => {
                actions::hooked::finish_sign_in(self, &ctx, ticket, result)
            }
            Ok((ctx, Route::Session)) => actions::hooked::finish_update(self, &ctx, ticket, result),
            Ok(_) => Response::error(400, "BAD_REQUEST", "Nothing waits for hooks here."),
            Err(resp) => *resp,
        };
        Some(self.finish(req, resp))
    }

    /// The sign-in after the app's hooks, with a database (user, account and session rows).
    pub async fn finish_hooks_async(&self, req: &Request, ticket: &str, result: &str) -> Response {
        let resp = match self.prepare(req) {
            Ok((ctx, Route::Callback(_))) => {
                actions::hooked::finish_sign_in_async(self, &ctx, req, ticket, result).await
            }
            Ok((ctx, Route::Email(_))) => {
                actions::email::hooks::finish(self, &ctx, req, ticket, result).await
            }
            Ok(_) => {
                return self.finish_hooks(req, ticket, result).unwrap_or_else(|| {
                    Response::error(400, "BAD_REQUEST", "Nothing waits for hooks here.")
                })
            }
            Err(resp) => *resp,
        };
        self.finish(req, resp)
    }

    /// Applies a provider's JS `profile` function result to a sign-in waiting for hooks; returns
    /// the new hand-off (JSON) with the reshaped user.
    pub fn apply_profile(&self, ticket: &str, partial: &str) -> Result<String> {
        let mut t = Ticket::open(&self.config, TicketKind::SignIn, ticket)?;
        let partial = profile_answer(partial)?;
        let user: User = serde_json::from_value(t.user.clone())
            .map_err(|_| AuthError::new("CALLBACK_ERROR", "The sign-in's user is not valid."))?;
        let user = apply_profile(&user, &partial, t.oidc)?;
        let mut user_value = serde_json::to_value(&user).unwrap_or_default();
        // With a database the ticket's user carries the id the hooks are told; keep it.
        if let (Some(id), Some(m)) = (t.user.get("id").cloned(), user_value.as_object_mut()) {
            m.insert("id".into(), id);
        }
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
}
