//! `GET signIn/:provider`: state, PKCE S256 and (OIDC) nonce into one sealed flow cookie, then
//! 302 to the provider (or `{ url }` with `redirect=false`).

use cookie::SameSite;
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use serde::Serialize;

use super::error_redirect;
use crate::auth::{Auth, ProviderRuntime};
use crate::clock;
use crate::error::AuthError;
use crate::http::context::Context;
use crate::http::redirect::safe_redirect;
use crate::http::response::Response;
use crate::seal::b64::random_token;
use crate::seal::cookies;
use crate::session::flow::{Flow, FLOW_MAX_AGE};

#[derive(Serialize)]
struct UrlBody {
    url: String,
}

fn wants_json(ctx: &Context) -> bool {
    ctx.query("redirect").is_some_and(|v| v == "false")
}

/// A failure before leaving for the provider: JSON for `redirect=false`, else the error page.
pub fn failure(auth: &Auth, ctx: &Context, e: &AuthError) -> Response {
    if wants_json(ctx) {
        let status = match e.code {
            "UNKNOWN_PROVIDER" => 404,
            "LINK_NEEDS_SESSION" => 401,
            _ => 424,
        };
        Response::error(status, e.code, &e.message)
    } else {
        error_redirect(auth, ctx, e.code, false).with_provider_log(e, None)
    }
}

pub fn callback_url(auth: &Auth, ctx: &Context, id: &str) -> String {
    ctx.absolute(&format!("{}/callback/{id}", auth.config.base_path))
}

/// `signIn/<id>` for an id that is not configured.
pub fn unknown(auth: &Auth, ctx: &Context) -> Response {
    failure(
        auth,
        ctx,
        &AuthError::new(
            "UNKNOWN_PROVIDER",
            "That sign-in provider is not configured.",
        ),
    )
}

pub fn run(auth: &Auth, ctx: &Context, p: &ProviderRuntime) -> Response {
    let id = p.spec.id.as_str();
    let Some(endpoints) = p.endpoints_now() else {
        return failure(
            auth,
            ctx,
            &AuthError::new(
                "DISCOVERY_FAILED",
                "The provider's configuration is not loaded.",
            ),
        );
    };
    let target = ctx
        .query("redirectTo")
        .or_else(|| ctx.query("callbackUrl"))
        .map(|t| safe_redirect(&t, &ctx.origin, &auth.config.trusted_origins))
        .unwrap_or_else(|| "/".into());
    // `signIn(provider, { link: true })`: the new account joins the signed-in user.
    let link_user = if ctx.query("link").is_some_and(|v| v == "true") {
        match super::sign_in_user::session_user_id(auth, ctx) {
            Some(user_id) => Some(user_id),
            None => {
                return failure(
                    auth,
                    ctx,
                    &AuthError::new(
                        "LINK_NEEDS_SESSION",
                        "Linking an account needs a signed-in user and a database: sign in first, then link.",
                    ),
                )
            }
        }
    } else {
        None
    };
    let Ok(redirect_url) = RedirectUrl::new(callback_url(auth, ctx, id)) else {
        return failure(
            auth,
            ctx,
            &AuthError::new("BAD_REQUEST", "The callback URL could not be built."),
        );
    };

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = random_token(32);
    let nonce = endpoints.oidc.then(|| random_token(32));
    let client = BasicClient::new(ClientId::new(p.spec.client_id.clone()))
        .set_auth_uri(AuthUrl::from_url(endpoints.authorization.clone()))
        .set_redirect_uri(redirect_url);
    let state_for_url = state.clone();
    let spec = &p.spec;
    let mut request = client.authorize_url(move || CsrfToken::new(state_for_url));
    if spec.scope_separator == " " {
        request = request.add_scopes(spec.scopes.iter().cloned().map(Scope::new));
    } else if !spec.scopes.is_empty() {
        // Comma-separated scopes (TikTok, Strava): one parameter, as the provider reads it.
        request = request.add_extra_param("scope", spec.scopes.join(spec.scope_separator));
    }
    if spec.sends_pkce() {
        request = request.set_pkce_challenge(challenge);
    }
    if let Some(n) = &nonce {
        request = request.add_extra_param("nonce", n.clone());
    }
    if let Some(name) = spec.client_id_param {
        request = request.add_extra_param(name, spec.client_id.clone());
    }
    for (k, v) in &spec.authorization_params {
        request = request.add_extra_param(k.clone(), v.clone());
    }
    let (url, _) = request.url();

    let flow = Flow {
        provider: id.to_string(),
        state,
        verifier: verifier.secret().clone(),
        nonce,
        redirect_to: target,
        exp: clock::now() + FLOW_MAX_AGE,
        link_user,
    };
    // A form_post provider (Apple) returns with a cross-site POST, which carries no
    // SameSite=Lax cookie: its flow cookie is SameSite=None (Secure, so https only; on plain http
    // browsers refuse SameSite=None, and such providers refuse http callbacks anyway). The
    // cookie still opens only with the matching `state`, so the state check is unchanged.
    let same_site = if spec.form_post && ctx.secure {
        SameSite::None
    } else {
        SameSite::Lax
    };
    let cookie = cookies::set(
        &ctx.names.flow,
        &flow.seal(&auth.config, &ctx.names.flow),
        FLOW_MAX_AGE,
        ctx.secure,
        same_site,
    );
    let resp = if wants_json(ctx) {
        Response::json(
            200,
            &UrlBody {
                url: url.to_string(),
            },
        )
    } else {
        Response::redirect(url.as_str())
    };
    resp.with_cookies([cookie])
}
