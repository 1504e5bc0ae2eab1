//! Turning one `oauth` entry (an id, or a provider object) into a [`ProviderSpec`]: the built-in
//! description, its template filled (`issuer`, Entra's tenant), the object's overrides laid over,
//! credentials from the object or `<ID>_*` env, and every mistake a coded error.

use super::*;

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'_')
}

/// `<ID>_<SUFFIX>`: the id upper-cased, anything but letters and digits as `_`.
pub fn env_key(id: &str, suffix: &str) -> String {
    let mut key: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    key.push('_');
    key.push_str(suffix);
    key
}

/// The value given on the provider object, else the environment's `<ID>_<SUFFIX>`.
fn given_or_env(
    given: Option<String>,
    env: &HashMap<String, String>,
    id: &str,
    suffix: &str,
) -> Option<String> {
    given
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            env.get(&env_key(id, suffix))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
}

fn credential(
    given: Option<String>,
    env: &HashMap<String, String>,
    id: &str,
    suffix: &str,
    field: &str,
) -> Result<String> {
    given_or_env(given, env, id, suffix).ok_or_else(|| {
        let key = env_key(id, suffix);
        AuthError::new(
            "MISSING_CLIENT_CREDENTIALS",
            format!("Provider `{id}` has no {field}. Set `{field}` on the provider object or the {key} environment variable."),
        )
    })
}

fn invalid(id: &str, message: String) -> AuthError {
    AuthError::new("INVALID_PROVIDER", format!("Provider `{id}`: {message}"))
}

/// A tenant id in GUID form (8-4-4-4-12 hex digits).
fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The tenant's value in URLs, and the issuer rule it implies (providers.md §3).
fn tenant_of(id: &str, tenant: &str) -> Result<(String, Option<TenantRule>)> {
    match tenant {
        "common" => Ok((tenant.into(), Some(TenantRule::Any))),
        "organizations" => Ok((tenant.into(), Some(TenantRule::Organizations))),
        "consumers" => Ok((tenant.into(), Some(TenantRule::Consumers))),
        t if is_guid(t) => Ok((t.to_ascii_lowercase(), None)),
        other => Err(AuthError::new(
            "INVALID_TENANT",
            format!("Provider `{id}`: tenant `{other}` must be `common`, `organizations`, `consumers` or the directory (tenant) id, a GUID such as 00000000-0000-0000-0000-000000000000 (a domain name's issuer cannot be known without discovery). Set `tenant` or {}.", env_key(id, "TENANT")),
        )),
    }
}

/// A built-in's description, with templates filled in.
fn from_builtin(
    b: &Builtin,
    object: &mut ProviderObject,
    env: &HashMap<String, String>,
) -> Result<ProviderSpec> {
    let id = b.id;
    let mut spec = ProviderSpec::empty(id, b.protocol);
    spec.name = b.name.to_string();
    // `{tenant}` / `{issuer_tenant}` in a Template::Tenant description.
    let mut tenant_values: Option<(String, String)> = None;
    match b.template {
        Template::None => {}
        Template::Issuer => {
            let issuer = given_or_env(object.issuer.take(), env, id, "ISSUER").ok_or_else(|| {
                AuthError::new(
                    "MISSING_ISSUER",
                    format!("Provider `{id}` needs its issuer URL. Set `issuer` on the provider object or the {} environment variable (e.g. {}).", env_key(id, "ISSUER"), b.issuer),
                )
            })?;
            provider_endpoint(&issuer, id, "issuer")?;
            object.issuer = Some(issuer);
        }
        Template::Tenant => {
            let given =
                given_or_env(object.tenant.take(), env, id, "TENANT").unwrap_or("common".into());
            let (value, rule) = tenant_of(id, &given)?;
            spec.tenant = rule;
            let issuer_tenant = if rule.is_some() {
                "{tenantid}".to_string()
            } else {
                value.clone()
            };
            tenant_values = Some((value, issuer_tenant));
        }
    }
    let fill = |s: &str| match &tenant_values {
        Some((t, it)) => s.replace("{tenant}", t).replace("{issuer_tenant}", it),
        None => s.to_string(),
    };
    let url = |s: &str, field: &str| -> Result<Option<Url>> {
        if s.is_empty() {
            return Ok(None);
        }
        provider_endpoint(&fill(s), id, field).map(Some)
    };
    spec.authorization_url = url(b.authorize, "authorizationURL")?;
    spec.token_url = url(b.token, "tokenURL")?;
    spec.userinfo_url = url(b.userinfo, "userinfoURL")?;
    spec.jwks_url = url(b.jwks, "jwksURL")?;
    spec.revocation_url = url(b.revocation, "revocationURL")?;
    spec.end_session_url = url(b.end_session, "endSessionURL")?;
    spec.emails_url = match &b.emails {
        Some(e) => url(e.url, "emailsURL")?,
        None => None,
    };
    if b.template != Template::Issuer && !b.issuer.is_empty() {
        spec.issuer = Some(fill(b.issuer));
    }
    spec.issuer_alias = (!b.issuer_alias.is_empty()).then(|| b.issuer_alias.to_string());
    spec.scopes = b.scopes.iter().map(|s| s.to_string()).collect();
    spec.scope_separator = b.scope_separator;
    spec.client_auth = Some(b.client_auth);
    spec.pkce = b.pkce;
    spec.profile = b.profile.to_map();
    spec.emails = b.emails;
    spec.authorization_params = b
        .params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    spec.headers = b
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    spec.userinfo_post = b.userinfo_post;
    spec.token_in = b.token_in;
    spec.client_id_param = (!b.client_id_param.is_empty()).then_some(b.client_id_param);
    spec.require = b.require;
    spec.form_post = b.form_post;
    spec.id_token_hmac = b.id_token_hmac;
    Ok(spec)
}

/// Turns one `oauth` entry into a validated provider description.
pub fn resolve(input: ProviderInput, env: &HashMap<String, String>) -> Result<ProviderSpec> {
    let mut object: ProviderObject = match input {
        serde_json::Value::String(id) => ProviderObject { id, ..Default::default() },
        value @ serde_json::Value::Object(_) => serde_json::from_value(value).map_err(|e| {
            AuthError::new(
                "INVALID_PROVIDER",
                format!(
                    "A provider object is not valid. {}",
                    crate::config::suggest::explain("", &e.to_string())
                ),
            )
        })?,
        other => {
            return Err(AuthError::new(
                "INVALID_PROVIDER",
                format!("`oauth` entries must be provider ids (like \"github\") or provider objects, not `{other}`."),
            ))
        }
    };
    let id = object.id.clone();
    if !valid_id(&id) {
        return Err(AuthError::new(
            "INVALID_PROVIDER_ID",
            format!("Provider id `{id}` must be 1-64 lowercase letters, digits, `-` or `_`."),
        ));
    }
    let kind = object.kind.clone();
    let builtin = built_in(&id).filter(|_| kind.is_none());
    let mut spec = match (builtin, kind.as_deref()) {
        (Some(b), _) => from_builtin(b, &mut object, env)?,
        (_, Some("oidc")) => ProviderSpec::empty(&id, Protocol::Oidc),
        (_, Some("oauth")) => ProviderSpec::empty(&id, Protocol::OAuth2),
        (None, None) if object.issuer.is_some() => ProviderSpec::empty(&id, Protocol::Oidc),
        (None, None) if object.authorization_url.is_some() || object.token_url.is_some() => {
            ProviderSpec::empty(&id, Protocol::OAuth2)
        }
        (_, Some(other)) => {
            return Err(invalid(&id, format!("type `{other}` is not known; use \"oidc\" or \"oauth\".")))
        }
        (None, None) => {
            return Err(AuthError::new(
                "UNKNOWN_PROVIDER",
                format!(
                    "Provider `{id}` is not built in (built-in: {}). For an OpenID Connect provider pass `{{ id, name, issuer, clientId, clientSecret }}`; for plain OAuth 2.0 pass authorizationURL, tokenURL and userinfoURL.",
                    built_in_ids().collect::<Vec<_>>().join(", ")
                ),
            ))
        }
    };
    if object.tenant.is_some() && builtin.is_none_or(|b| b.template != Template::Tenant) {
        return Err(invalid(
            &id,
            "`tenant` applies only to microsoft-entra-id.".into(),
        ));
    }
    if let Some(name) = object.name.take() {
        spec.name = name;
    }
    let set = |value: Option<String>, field: &str, slot: &mut Option<Url>| -> Result<()> {
        if let Some(v) = value {
            *slot = Some(provider_endpoint(&v, &id, field)?);
        }
        Ok(())
    };
    // The built-in's revocation and logout endpoints belong to its own host: pointing the
    // provider elsewhere (a self-managed GitLab) drops them (then set revocationURL/endSessionURL).
    if object.authorization_url.is_some() || object.token_url.is_some() || object.issuer.is_some() {
        spec.revocation_url = None;
        spec.end_session_url = None;
    }
    set(
        object.authorization_url.take(),
        "authorizationURL",
        &mut spec.authorization_url,
    )?;
    set(object.token_url.take(), "tokenURL", &mut spec.token_url)?;
    set(
        object.userinfo_url.take(),
        "userinfoURL",
        &mut spec.userinfo_url,
    )?;
    set(object.emails_url.take(), "emailsURL", &mut spec.emails_url)?;
    set(object.jwks_url.take(), "jwksURL", &mut spec.jwks_url)?;
    if let Some(issuer) = object.issuer.take() {
        provider_endpoint(&issuer, &id, "issuer")?;
        if spec.issuer.as_deref() != Some(issuer.as_str()) {
            spec.issuer_alias = None;
        }
        spec.issuer = Some(issuer);
    }
    if let Some(scope) = object.scope.take() {
        spec.scopes = match scope {
            OneOrMany::One(s) => s.split_whitespace().map(str::to_string).collect(),
            OneOrMany::Many(v) => v,
        };
    }
    if let Some(auth) = object.client_auth.take() {
        spec.client_auth = Some(match auth.as_str() {
            "client_secret_basic" => ClientAuth::Basic,
            "client_secret_post" => ClientAuth::Post,
            "none" => ClientAuth::None,
            other => {
                return Err(invalid(&id, format!("clientAuth `{other}` is not supported; use \"client_secret_basic\", \"client_secret_post\" or \"none\" (a public client with PKCE).")))
            }
        });
    }
    if let Some(map) = object.profile.take() {
        if spec.protocol == Protocol::Oidc && map.sub.as_ref().is_some_and(|s| s.0 != ["sub"]) {
            return Err(invalid(&id, "an OpenID Connect provider's subject is always the verified id_token's `sub`; remove `profile.sub` (a profile map can shape name, email, image and emailVerified).".into()));
        }
        spec.profile = std::mem::take(&mut spec.profile).with(map);
    }
    if let Some(params) = object.authorization_params.take() {
        let reserved = [
            "state",
            "nonce",
            "code_challenge",
            "code_challenge_method",
            "redirect_uri",
            "client_id",
            "response_type",
        ];
        if let Some(bad) = params.keys().find(|k| reserved.contains(&k.as_str())) {
            return Err(invalid(
                &id,
                format!("authorizationParams may not set `{bad}`; the library sets it."),
            ));
        }
        let mut params: Vec<(String, String)> = params.into_iter().collect();
        params.sort();
        // The user's values replace the built-in's of the same name.
        spec.authorization_params
            .retain(|(k, _)| !params.iter().any(|(p, _)| p == k));
        spec.authorization_params.extend(params);
    }
    spec.client_id = credential(object.client_id.take(), env, &id, "CLIENT_ID", "clientId")?;
    let mints = builtin.is_some_and(|b| b.mints_secret);
    if !mints
        && (object.team_id.is_some() || object.key_id.is_some() || object.private_key.is_some())
    {
        return Err(invalid(
            &id,
            "teamId, keyId and privateKey apply only to apple.".into(),
        ));
    }
    let secret = given_or_env(object.client_secret.take(), env, &id, "CLIENT_SECRET");
    let team = given_or_env(object.team_id.take(), env, &id, "TEAM_ID");
    let key_id = given_or_env(object.key_id.take(), env, &id, "KEY_ID");
    let private_key = given_or_env(object.private_key.take(), env, &id, "PRIVATE_KEY");
    match (secret, spec.client_auth) {
        (Some(s), _) => spec.client_secret = s,
        (None, Some(ClientAuth::None)) => {}
        (None, _) if mints => match (team, key_id, private_key) {
            (Some(team), Some(key_id), Some(pem)) => {
                spec.minted_secret = Some(Arc::new(MintedSecret::new(
                    &id,
                    team,
                    key_id,
                    &pem,
                    spec.client_id.clone(),
                    spec.issuer.clone().unwrap_or_default(),
                )?));
            }
            _ => {
                let k = |s| env_key(&id, s);
                return Err(AuthError::new(
                    "MISSING_CLIENT_CREDENTIALS",
                    format!("Provider `{id}` needs a client secret: set `clientSecret` ({}), or `teamId`, `keyId` and `privateKey` ({}, {}, {}) to mint one.", k("CLIENT_SECRET"), k("TEAM_ID"), k("KEY_ID"), k("PRIVATE_KEY")),
                ));
            }
        },
        (None, _) => {
            spec.client_secret = credential(None, env, &id, "CLIENT_SECRET", "clientSecret")?;
        }
    }

    match spec.protocol {
        Protocol::Oidc if spec.issuer.is_none() => Err(invalid(&id, "an OpenID Connect provider needs an `issuer` (its discovery document lives at <issuer>/.well-known/openid-configuration).".into())),
        Protocol::OAuth2 if spec.authorization_url.is_none() || spec.token_url.is_none() || spec.userinfo_url.is_none() => Err(invalid(&id, "an OAuth 2.0 provider needs authorizationURL, tokenURL and userinfoURL.".into())),
        _ => Ok(spec),
    }
}
