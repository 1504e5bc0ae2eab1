//! Resolution of provider entries: built-ins, templates, overrides, credentials.
use super::*;
use serde_json::json;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn github_by_id_takes_env_credentials() {
    let p = resolve(
        json!("github"),
        &env(&[("GITHUB_CLIENT_ID", "a"), ("GITHUB_CLIENT_SECRET", "b")]),
    )
    .unwrap();
    assert_eq!(p.client_id, "a");
    assert_eq!(
        p.token_url.unwrap().as_str(),
        "https://github.com/login/oauth/access_token"
    );
}

#[test]
fn missing_credentials_and_unknown_ids_are_coded() {
    assert_eq!(
        resolve(json!("github"), &env(&[])).unwrap_err().code,
        "MISSING_CLIENT_CREDENTIALS"
    );
    assert_eq!(
        resolve(json!("nope"), &env(&[])).unwrap_err().code,
        "UNKNOWN_PROVIDER"
    );
    assert_eq!(
        resolve(json!({"id": "../x"}), &env(&[])).unwrap_err().code,
        "INVALID_PROVIDER_ID"
    );
}

#[test]
fn overrides_and_http_only_on_loopback() {
    let p = resolve(
        json!({"id": "github", "clientId": "a", "clientSecret": "b", "tokenURL": "http://127.0.0.1:9/token"}),
        &env(&[]),
    )
    .unwrap();
    assert_eq!(p.token_url.unwrap().as_str(), "http://127.0.0.1:9/token");
    let err = resolve(
        json!({"id": "github", "clientId": "a", "clientSecret": "b", "tokenURL": "http://example.com/token"}),
        &env(&[]),
    )
    .unwrap_err();
    assert_eq!(err.code, "INVALID_PROVIDER_URL");
}

#[test]
fn oidc_needs_only_issuer_and_credentials() {
    let p = resolve(
        json!({"id": "corp", "name": "Corp", "issuer": "https://id.example.com", "clientId": "a", "clientSecret": "b"}),
        &env(&[]),
    )
    .unwrap();
    assert_eq!(p.protocol, Protocol::Oidc);
    assert!(p.scopes.contains(&"openid".to_string()));
}

fn creds(id: &str) -> HashMap<String, String> {
    env(&[
        (&env_key(id, "CLIENT_ID"), "cid"),
        (&env_key(id, "CLIENT_SECRET"), "sec"),
    ])
}

#[test]
fn every_built_in_resolves_with_env_credentials_or_asks_for_its_template() {
    assert!(ALL.len() >= 40, "{} built-ins", ALL.len());
    let mut ids: Vec<&str> = built_in_ids().collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), ALL.len(), "ids are unique");
    for b in ALL {
        let got = resolve(json!(b.id), &creds(b.id));
        match b.template {
            Template::Issuer => assert_eq!(got.unwrap_err().code, "MISSING_ISSUER", "{}", b.id),
            _ => {
                let p = got.unwrap_or_else(|e| panic!("{}: {e}", b.id));
                assert_eq!(p.client_id, "cid");
                assert!(
                    crate::oauth::endpoints::Endpoints::from_spec(&p).is_some(),
                    "{} needs no discovery",
                    b.id
                );
                if p.protocol == Protocol::Oidc {
                    assert!(p.issuer.is_some() && p.jwks_url.is_some(), "{}", b.id);
                }
            }
        }
    }
}

#[test]
fn templated_issuer_from_env_or_object() {
    let mut e = creds("keycloak");
    e.insert(
        "KEYCLOAK_ISSUER".into(),
        "https://sso.example.com/realms/r".into(),
    );
    let p = resolve(json!("keycloak"), &e).unwrap();
    assert_eq!(
        p.issuer.as_deref(),
        Some("https://sso.example.com/realms/r")
    );
    assert!(
        crate::oauth::endpoints::Endpoints::from_spec(&p).is_none(),
        "discovery"
    );
    let p = resolve(
        json!({"id": "okta", "issuer": "https://x.okta.com"}),
        &creds("okta"),
    )
    .unwrap();
    assert_eq!(p.issuer.as_deref(), Some("https://x.okta.com"));
    let err = resolve(
        json!({"id": "auth0", "issuer": "http://evil.example/"}),
        &creds("auth0"),
    );
    assert_eq!(err.unwrap_err().code, "INVALID_PROVIDER_URL");
}

#[test]
fn entra_tenants() {
    let id = "microsoft-entra-id";
    let p = resolve(json!(id), &creds(id)).unwrap();
    assert_eq!(p.tenant, Some(TenantRule::Any));
    assert_eq!(
        p.issuer.as_deref(),
        Some("https://login.microsoftonline.com/{tenantid}/v2.0")
    );
    assert_eq!(
        p.authorization_url.unwrap().as_str(),
        "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
    );
    let p = resolve(json!({"id": id, "tenant": "consumers"}), &creds(id)).unwrap();
    assert_eq!(p.tenant, Some(TenantRule::Consumers));
    let guid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let mut e = creds(id);
    e.insert("MICROSOFT_ENTRA_ID_TENANT".into(), guid.into());
    let p = resolve(json!(id), &e).unwrap();
    assert_eq!(p.tenant, None);
    assert_eq!(
        p.issuer.unwrap(),
        format!("https://login.microsoftonline.com/{guid}/v2.0")
    );
    for bad in ["contoso.com", "../x", "a/b"] {
        let err = resolve(json!({"id": id, "tenant": bad}), &creds(id)).unwrap_err();
        assert_eq!(err.code, "INVALID_TENANT", "{bad}");
    }
    let err = resolve(
        json!({"id": "github", "tenant": "common"}),
        &creds("github"),
    );
    assert_eq!(err.unwrap_err().code, "INVALID_PROVIDER");
}

// A P-256 key generated for these tests only.
const TEST_P8: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgMKmeXiO9LVVJ18RZ\n9zelmlRoNqLFuD64vr8WPtCbrZOhRANCAATdIbusem8hyPZNncngWDRz3aC4vTYP\ncShASJgdpLM13dlkWE9kfMMxz4igdscFqEpLbBBqIUzKKScTYa1ko1MV\n-----END PRIVATE KEY-----";

#[test]
fn apple_secret_given_or_minted_and_renewed() {
    let p = resolve(json!("apple"), &creds("apple")).unwrap();
    assert_eq!(p.secret().unwrap(), "sec");
    assert!(p.form_post);
    let e = env(&[
        ("APPLE_CLIENT_ID", "com.example.web"),
        ("APPLE_TEAM_ID", "TEAM123456"),
        ("APPLE_KEY_ID", "KEY1234567"),
        ("APPLE_PRIVATE_KEY", TEST_P8),
    ]);
    let p = resolve(json!("apple"), &e).unwrap();
    let jwt = p.secret().unwrap();
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    assert_eq!(header.kid.as_deref(), Some("KEY1234567"));
    let m = p.minted_secret.as_ref().unwrap();
    assert_eq!(p.secret().unwrap(), jwt, "cached while fresh");
    m.set_expiry(crate::clock::now() + 10);
    let renewed = p.secret().unwrap();
    assert!(
        m.expires_at().unwrap() > crate::clock::now() + 3000,
        "renewed"
    );
    assert_eq!(
        jsonwebtoken::decode_header(&renewed).unwrap().alg,
        jsonwebtoken::Algorithm::ES256
    );
    let mut bad = e.clone();
    bad.insert("APPLE_PRIVATE_KEY".into(), "not a key".into());
    assert_eq!(
        resolve(json!("apple"), &bad).unwrap_err().code,
        "INVALID_PRIVATE_KEY"
    );
    let none = env(&[("APPLE_CLIENT_ID", "x")]);
    assert_eq!(
        resolve(json!("apple"), &none).unwrap_err().code,
        "MISSING_CLIENT_CREDENTIALS"
    );
}

#[test]
fn public_clients_need_no_secret_and_pkce_follows_the_mode() {
    let p = resolve(
        json!({"id": "discord", "clientId": "a", "clientAuth": "none"}),
        &env(&[]),
    )
    .unwrap();
    assert!(p.sends_pkce(), "public client");
    let p = resolve(json!("discord"), &creds("discord")).unwrap();
    assert!(!p.sends_pkce(), "confidential client");
    // Finding 12: PKCE wherever the provider accepts it; off only where a fact says so.
    assert!(resolve(json!("reddit"), &creds("reddit"))
        .unwrap()
        .sends_pkce());
    assert!(!resolve(json!("linkedin"), &creds("linkedin"))
        .unwrap()
        .sends_pkce());
    assert!(resolve(json!("twitter"), &creds("twitter"))
        .unwrap()
        .sends_pkce());
}

#[test]
fn profile_override_on_a_built_in_keeps_the_other_paths() {
    let p = resolve(
        json!({"id": "github", "profile": {"name": "login"}}),
        &creds("github"),
    )
    .unwrap();
    let u = p
        .profile
        .to_user(
            &json!({"id": 7, "login": "al", "name": "Al"}),
            None,
            "github",
        )
        .unwrap();
    assert_eq!(u.sub, "7");
    assert_eq!(u.name.as_deref(), Some("al"));
    let err = resolve(
        json!({"id": "google", "profile": {"sub": "email"}}),
        &creds("google"),
    );
    assert_eq!(err.unwrap_err().code, "INVALID_PROVIDER");
}

#[test]
fn derived_images_and_verification_signals() {
    let d = resolve(json!("discord"), &creds("discord"))
        .unwrap()
        .profile;
    let u = d
        .to_user(
            &json!({"id": "80351110224678912", "avatar": "a_1f", "email": "a@x", "verified": true}),
            None,
            "discord",
        )
        .unwrap();
    assert_eq!(
        u.image.as_deref(),
        Some("https://cdn.discordapp.com/avatars/80351110224678912/a_1f.gif")
    );
    assert_eq!(u.email_verified, Some(true));
    let u = d
        .to_user(
            &json!({"id": "80351110224678912", "discriminator": "0"}),
            None,
            "discord",
        )
        .unwrap();
    let n = (80351110224678912u64 >> 22) % 6;
    assert_eq!(
        u.image,
        Some(format!("https://cdn.discordapp.com/embed/avatars/{n}.png"))
    );
    let k = resolve(json!("kakao"), &creds("kakao")).unwrap().profile;
    let acct = |valid: bool, verified: bool| json!({"id": 1, "kakao_account": {"email": "k@x", "is_email_valid": valid, "is_email_verified": verified}});
    assert_eq!(
        k.to_user(&acct(true, true), None, "kakao")
            .unwrap()
            .email_verified,
        Some(true)
    );
    assert_eq!(
        k.to_user(&acct(true, false), None, "kakao")
            .unwrap()
            .email_verified,
        Some(false)
    );
    assert_eq!(
        k.to_user(&acct(false, true), None, "kakao")
            .unwrap()
            .email_verified,
        Some(false)
    );
    let e = resolve(json!("microsoft-entra-id"), &creds("microsoft-entra-id"))
        .unwrap()
        .profile;
    let claims = |extra: serde_json::Value| {
        let mut c = json!({"sub": "s", "email": "e@x"});
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        e.to_user(&c, None, "m").unwrap().email_verified
    };
    assert_eq!(claims(json!({})), Some(false));
    assert_eq!(
        claims(json!({"verified_primary_email": ["e@x"]})),
        Some(true)
    );
    assert_eq!(
        claims(json!({"verified_secondary_email": ["other@x"]})),
        Some(false)
    );
    assert_eq!(claims(json!({"xms_edov": true})), Some(true));
    let x = resolve(json!("x"), &creds("x")).unwrap().profile;
    let u = x
        .to_user(
            &json!({"data": {"id": "9", "confirmed_email": "c@x"}}),
            None,
            "x",
        )
        .unwrap();
    assert_eq!(
        (u.email.as_deref(), u.email_verified),
        (Some("c@x"), Some(true))
    );
    let z = resolve(json!("zoom"), &creds("zoom")).unwrap().profile;
    let u = z.to_user(&json!({"id": "z", "first_name": "Ada", "last_name": "L", "email": "z@x", "verified": 1}), None, "zoom").unwrap();
    assert_eq!(
        (u.name.as_deref(), u.email_verified),
        (Some("Ada L"), Some(true))
    );
}
