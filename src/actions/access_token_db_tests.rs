//! The cross-instance refresh on a real SQLite file shared by two stores (two instances), with a
//! counting stand-in for the token endpoint (the end-to-end tests use the real provider).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::config::parse_input;
use crate::store::testing::sqlite_store;
use crate::store::users::{NewAccount, NewUser};

fn config() -> Config {
    let input = r#"{"config":{"oauth":[{"id":"oidc","type":"oidc","issuer":"https://idp.example","clientId":"a","clientSecret":"b"}],
        "secret":"8f3a1c9e27b4d05f6a81c3e9b2d74f0a5c6e8b1d3f2a4c6e9b8d7f1a3c5e7b9d",
        "salt":"1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff001"}}"#;
    Config::from_input(parse_input(input).unwrap()).unwrap()
}

fn tokens(access: &str, refresh: Option<&str>, expires_in: i64) -> TokenSet {
    TokenSet {
        provider: "oidc".into(),
        sub: "ada".into(),
        access_token: access.into(),
        refresh_token: refresh.map(str::to_string),
        expires_at: Some((crate::store::now() + expires_in) as u64),
        scope: None,
        id_token: None,
        token_type: "Bearer".into(),
    }
}

/// Two stores on one SQLite file (two instances), an account with expiring tokens.
async fn world(tag: &str) -> (Arc<Store>, Arc<Store>, Config, String, std::path::PathBuf) {
    let (a, dir) = sqlite_store(tag);
    let b = Arc::new(Store::new(a.config.clone()));
    let c = config();
    let u = a.create_user(&NewUser::default()).await.unwrap();
    let acc = a
        .link_account(&NewAccount {
            user_id: u.id,
            provider: "oidc".into(),
            provider_account_id: "ada".into(),
            kind: "oidc".into(),
            email: None,
        })
        .await
        .unwrap();
    account_tokens::save(&a, &c, &acc.id, &tokens("old-at", Some("rt-1"), 10))
        .await
        .unwrap();
    (a, b, c, acc.id, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_callers_on_two_instances_refresh_once_and_store_the_rotated_refresh_token() {
    let (a, b, c, id, dir) = world("across").await;
    let c = Arc::new(c);
    let grants = Arc::new(AtomicUsize::new(0));
    let row = a.token_row(&id).await.unwrap().unwrap();
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            let (c, row, grants) = (c.clone(), row.clone(), grants.clone());
            tokio::spawn(async move {
                refresh_across(
                    &store,
                    &c,
                    "oidc",
                    &row,
                    Duration::from_secs(10),
                    |cur| async move {
                        assert_eq!(cur.refresh_token.as_deref(), Some("rt-1"));
                        grants.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        Ok(tokens("new-at", Some("rt-2"), 3600))
                    },
                )
                .await
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().access_token, "new-at");
    }
    assert_eq!(
        grants.load(Ordering::SeqCst),
        1,
        "one refresh among 20 callers"
    );
    let stored = b.token_row(&id).await.unwrap().unwrap();
    assert_eq!(stored.lock_until, None, "the lease is freed with the write");
    let set = account_tokens::open(&c, "oidc", &stored).unwrap();
    assert_eq!(
        set.refresh_token.as_deref(),
        Some("rt-2"),
        "rotated token kept"
    );
    assert!(!stored.sealed.unwrap().contains("new-at"));
    a.close().await;
    b.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_lease_holder_that_finds_the_row_refreshed_does_not_spend_the_old_refresh_token() {
    let (a, b, c, id, dir) = world("stale").await;
    let seen = a.token_row(&id).await.unwrap().unwrap();
    // Instance B refreshed after A read the row.
    account_tokens::save(&b, &c, &id, &tokens("b-at", Some("rt-2"), 3600))
        .await
        .unwrap();
    let got = refresh_across(&a, &c, "oidc", &seen, Duration::from_secs(10), |_| async {
        panic!("the spent refresh token must not be used again")
    })
    .await
    .unwrap();
    assert_eq!(got.access_token, "b-at");
    assert_eq!(a.token_row(&id).await.unwrap().unwrap().lock_until, None);
    a.close().await;
    b.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn invalid_grant_keeps_the_row_without_its_refresh_token_and_is_coded() {
    let (a, b, c, id, dir) = world("invalid").await;
    let seen = a.token_row(&id).await.unwrap().unwrap();
    let e = refresh_across(&a, &c, "oidc", &seen, Duration::from_secs(10), |_| async {
        Err(AuthError::new("REFRESH_TOKEN_INVALID", "refused"))
    })
    .await
    .unwrap_err();
    assert_eq!(e.code, "REFRESH_TOKEN_INVALID");
    let row = b.token_row(&id).await.unwrap().unwrap();
    let kept = account_tokens::open(&c, "oidc", &row).unwrap();
    assert_eq!(kept.access_token, "old-at", "the row is kept");
    assert_eq!(
        kept.refresh_token, None,
        "the refused refresh token is not tried again"
    );
    assert_eq!(row.lock_until, None);
    // A caller that was waiting on the other instance gets the same code, without a refresh.
    assert_eq!(
        settled(&c, "oidc", &row).unwrap_err().code,
        "REFRESH_TOKEN_INVALID"
    );
    // A transient failure frees the lease and changes nothing.
    account_tokens::save(&a, &c, &id, &tokens("old-at", Some("rt-1"), 10))
        .await
        .unwrap();
    let seen = a.token_row(&id).await.unwrap().unwrap();
    let e = refresh_across(&a, &c, "oidc", &seen, Duration::from_secs(10), |_| async {
        Err(AuthError::new("PROVIDER_UNAVAILABLE", "down"))
    })
    .await
    .unwrap_err();
    assert_eq!(e.code, "PROVIDER_UNAVAILABLE");
    let row = a.token_row(&id).await.unwrap().unwrap();
    assert_eq!((row.sealed, row.lock_until), (seen.sealed, None));
    a.close().await;
    b.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_lease_held_by_a_caller_that_never_finishes_ends_in_a_coded_error_not_a_hang() {
    let (a, b, c, id, dir) = world("stuck").await;
    let seen = a.token_row(&id).await.unwrap().unwrap();
    // Instance B took the lease and then died (its lease lapses only after 60 s).
    assert!(b.take_refresh_lease(&id, 60).await.unwrap());
    let started = std::time::Instant::now();
    let e = refresh_across(&a, &c, "oidc", &seen, Duration::from_secs(1), |_| async {
        panic!("the lease is held elsewhere")
    })
    .await
    .unwrap_err();
    assert_eq!(e.code, "REFRESH_TIMEOUT");
    assert!(started.elapsed() < Duration::from_secs(10), "bounded");
    a.close().await;
    b.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
