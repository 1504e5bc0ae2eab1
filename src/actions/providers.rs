//! `GET providers`: `[{ id, name, signInURL }]`.

use serde::Serialize;

use crate::auth::Auth;
use crate::http::context::Context;
use crate::http::response::Response;

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(rename = "signInURL")]
    sign_in_url: String,
}

pub fn run(auth: &Auth, ctx: &Context) -> Response {
    let list: Vec<Entry> = auth
        .providers
        .iter()
        .map(|p| Entry {
            id: &p.spec.id,
            name: &p.spec.name,
            sign_in_url: ctx.absolute(&format!("{}/signIn/{}", auth.config.base_path, p.spec.id)),
        })
        .collect();
    Response::json(200, &list)
}
