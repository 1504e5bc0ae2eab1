//! `GET session`: `{ authenticated, session }`. A bad cookie means signed out and is cleared;
//! a session older than `updateAge` is re-issued (lazy rolling).

use cookie::SameSite;

use crate::auth::Auth;
use crate::context::Context;
use crate::cookies;
use crate::response::Response;
use crate::session::{self, SIGNED_OUT_JSON};

pub fn run(auth: &Auth, ctx: &Context) -> Response {
    let name = &ctx.names.session;
    match session::read(&auth.config, &ctx.cookies, name) {
        Some(data) => match data.renewed(&auth.config) {
            Some(fresh) => {
                Response::json_text(200, fresh.to_json()).with_cookies(cookies::set_chunked(
                    &ctx.cookies,
                    name,
                    &fresh.seal(&auth.config, name),
                    auth.config.max_age,
                    ctx.secure,
                ))
            }
            None => Response::json_text(200, data.to_json()),
        },
        None => {
            let resp = Response::json_text(200, SIGNED_OUT_JSON.to_string());
            if ctx.cookies.chunked(name).is_some() {
                resp.with_cookies(ctx.cookies.clear_all(name, ctx.secure, SameSite::Lax))
            } else {
                resp
            }
        }
    }
}
