//! GitHub: OAuth 2.0 (no OpenID Connect). The token endpoint answers JSON when asked; the
//! profile is `/user`, and a private primary email comes from `/user/emails`.

use url::Url;

use super::{ClientAuth, ProfileStyle, Protocol, ProviderSpec};

pub fn description() -> ProviderSpec {
    let url = |s: &str| Url::parse(s).ok();
    ProviderSpec {
        id: "github".into(),
        name: "GitHub".into(),
        protocol: Protocol::OAuth2,
        client_id: String::new(),
        client_secret: String::new(),
        issuer: None,
        authorization_url: url("https://github.com/login/oauth/authorize"),
        token_url: url("https://github.com/login/oauth/access_token"),
        userinfo_url: url("https://api.github.com/user"),
        emails_url: url("https://api.github.com/user/emails"),
        jwks_url: None,
        scopes: vec!["read:user".into(), "user:email".into()],
        client_auth: Some(ClientAuth::Post),
        profile: ProfileStyle::GitHub,
        authorization_params: vec![],
    }
}
