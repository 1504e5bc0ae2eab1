//! Unit tests of `store::users` (users, accounts, linking rules) on a real SQLite database.
use super::super::testing::sqlite_store;
use super::*;

fn account(user_id: &str, provider: &str, sub: &str) -> NewAccount {
    NewAccount {
        user_id: user_id.into(),
        provider: provider.into(),
        provider_account_id: sub.into(),
        kind: "oauth".into(),
        email: None,
    }
}

#[tokio::test]
async fn users_and_accounts_round_trip() {
    let (store, dir) = sqlite_store("users");
    let u = store
        .create_user(&NewUser {
            name: Some("Ada".into()),
            email: Some("Ada@Example.com".into()),
            email_verified: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(u.email.as_deref(), Some("ada@example.com"));
    let found = store
        .user_by_email("ADA@example.COM")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, u);
    assert!(found.email_verified);
    let e = store
        .create_user(&NewUser {
            email: Some("ada@example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, "EMAIL_IN_USE");

    let a = store
        .link_account(&account(&u.id, "github", "1"))
        .await
        .unwrap();
    assert_eq!(store.account("github", "1").await.unwrap().unwrap(), a);
    assert!(store.account("github", "2").await.unwrap().is_none());
    let e = store
        .link_account(&account(&u.id, "github", "1"))
        .await
        .unwrap_err();
    assert_eq!(e.code, "ACCOUNT_ALREADY_LINKED");
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn unlink_refuses_the_last_account() {
    let (store, dir) = sqlite_store("unlink");
    let u = store.create_user(&NewUser::default()).await.unwrap();
    store
        .link_account(&account(&u.id, "github", "1"))
        .await
        .unwrap();
    store
        .link_account(&account(&u.id, "google", "g"))
        .await
        .unwrap();
    let e = store
        .unlink_account(&u.id, "github", "nope")
        .await
        .unwrap_err();
    assert_eq!(e.code, "ACCOUNT_NOT_FOUND");
    store.unlink_account(&u.id, "github", "1").await.unwrap();
    let e = store
        .unlink_account(&u.id, "google", "g")
        .await
        .unwrap_err();
    assert_eq!(e.code, "LAST_ACCOUNT");
    assert_eq!(store.accounts_of(&u.id).await.unwrap().len(), 1);
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn delete_user_removes_accounts_and_sessions() {
    let (store, dir) = sqlite_store("deluser");
    let u = store.create_user(&NewUser::default()).await.unwrap();
    store
        .link_account(&account(&u.id, "github", "1"))
        .await
        .unwrap();
    let (s, _) = store
        .create_session(&super::super::sessions::NewSession {
            user_id: u.id.clone(),
            expires_at: now() + 3600,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(store.delete_user(&u.id).await.unwrap());
    assert!(store.user(&u.id).await.unwrap().is_none());
    assert!(store.account("github", "1").await.unwrap().is_none());
    assert!(store.sessions_of(&u.id).await.unwrap().is_empty());
    let (_, revoked) = store.revocations_since(0).await.unwrap();
    assert!(revoked.iter().any(|(id, _)| *id == s.id));
    assert!(!store.delete_user(&u.id).await.unwrap());
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
