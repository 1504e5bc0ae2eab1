//! The hand-off of a verified OAuth sign-in to the app's hooks (`crate::hooks`): the sealed
//! ticket and the JSON payload the Node layer gives to `callbacks.signIn`/`session`; the answer
//! comes back through `actions::hooked`.

use crate::actions::sign_in_user::{self};
use crate::auth::Auth;
use crate::hooks::{Ticket, TicketKind};
use crate::http::context::Context;
use crate::http::response::Response;
use crate::oauth::account::Account;
use crate::oauth::providers::profile::User;
use serde_json::Value;

/// A verified sign-in on its way to the app's hooks.
pub struct HandOff<'a> {
    pub user: &'a User,
    pub account: Account,
    pub raw_profile: Value,
    pub target: String,
    /// With a database: who the sign-in will be (the hooks get the id and `isNewUser`).
    pub plan: Option<&'a sign_in_user::Plan>,
    pub link_user: Option<&'a str>,
}

/// Hands the verified sign-in to the app's hooks (see `crate::hooks`).
pub fn hand_off(auth: &Auth, h: HandOff, ctx: &Context) -> Response {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Payload<'a> {
        kind: &'static str,
        ticket: String,
        provider: &'a str,
        user: &'a Value,
        account: &'a Account,
        profile: &'a Value,
        redirect_to: &'a str,
        #[serde(rename = "baseURL")]
        base_url: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        is_new_user: Option<bool>,
    }
    let account = h.account;
    let user_value = serde_json::to_value(h.user).unwrap_or(Value::Null);
    let mut ticket = Ticket::new(
        TicketKind::SignIn,
        &account.provider,
        user_value.clone(),
        &auth.config.hooks,
    );
    ticket.target = h.target.clone();
    ticket.oidc = account.is_oidc();
    ticket.link_user = h.link_user.map(str::to_string);
    // The account travels in the ticket only when the core needs it again (token cookie,
    // events, the database's accounts row).
    let keep_account = auth.config.hooks.events
        || auth.store.is_some()
        || auth
            .provider(&account.provider)
            .is_some_and(|p| p.tokens.store);
    if keep_account {
        ticket.account = Some(account.clone());
    }
    let mut shown_user = user_value;
    if let (Some(plan), Value::Object(m)) = (h.plan, &mut shown_user) {
        m.insert("id".into(), Value::String(plan.user_id.clone()));
        // The finish gives a new user the id the hooks were told.
        ticket.user = shown_user.clone();
    }
    let payload = Payload {
        kind: "signIn",
        ticket: ticket.seal(&auth.config),
        provider: &account.provider,
        user: &shown_user,
        account: &account,
        profile: &h.raw_profile,
        redirect_to: &h.target,
        base_url: ctx.origin.as_str().trim_end_matches('/'),
        is_new_user: h.plan.map(|p| p.is_new_user),
    };
    Response::hook(serde_json::to_string(&payload).unwrap_or_default())
}
