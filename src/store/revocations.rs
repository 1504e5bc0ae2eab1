//! The in-process view of revoked sessions that `getSession` checks (SPEC §11: revocation at
//! stateless speed). A read is one hash-set lookup under a read lock: no I/O, ever. The view is
//! loaded when the store becomes ready and kept current by a background task: on SQLite it
//! polls the revision counter (several processes may share one file); on Postgres it also
//! listens for `NOTIFY` and reconciles after every reconnect, with a slow poll as a backstop.
//! When the database is unreachable the view stays as it was (one warning) and catches up
//! when it returns. Entries leave the view when the session could no longer be presented.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use tokio::sync::{Notify, OnceCell};

use super::{now, EngineKind, Store};
use crate::error::Result;

/// A session's public id, decoded (16 bytes); the cookie carries it in this form.
pub type SessionKey = [u8; 16];

pub fn key_of(id: &str) -> Option<SessionKey> {
    crate::seal::b64::decode(id)?.try_into().ok()
}

#[derive(Default)]
pub struct Revocations {
    /// Revoked ids and until when they matter (Unix seconds).
    set: RwLock<HashMap<SessionKey, i64>>,
    revision: AtomicI64,
    loaded: OnceCell<()>,
    /// Set while the database is unreachable (warned once per outage).
    degraded: AtomicBool,
    /// Wakes the sync loop (a `NOTIFY` arrived, or the listener reconnected).
    wake: Notify,
    stopped: AtomicBool,
    stop: Notify,
}

/// How often the view asks the database for news: SQLite has no push, so this is the bound
/// on propagation; on Postgres `NOTIFY` is the path and this the backstop.
fn poll_interval(engine: EngineKind) -> Duration {
    match engine {
        EngineKind::Sqlite => Duration::from_millis(200),
        EngineKind::Postgres => Duration::from_secs(5),
    }
}

const PRUNE_EVERY: Duration = Duration::from_secs(600);

impl Revocations {
    /// The `getSession` check.
    pub fn is_revoked(&self, key: &SessionKey) -> bool {
        match self.set.read() {
            Ok(s) => !s.is_empty() && s.contains_key(key),
            Err(p) => p.into_inner().contains_key(key),
        }
    }

    pub fn is_revoked_id(&self, id: &str) -> bool {
        key_of(id).is_some_and(|k| self.is_revoked(&k))
    }

    pub fn add<'a>(&self, entries: impl IntoIterator<Item = (&'a str, i64)>) {
        let mut set = self.set.write().unwrap_or_else(|p| p.into_inner());
        for (id, until) in entries {
            if let Some(k) = key_of(id) {
                set.insert(k, until);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.set.read().map(|s| s.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The last revision the view has caught up with.
    pub fn revision(&self) -> i64 {
        self.revision.load(Ordering::Acquire)
    }

    /// Whether the last attempt to reach the database failed.
    pub fn degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    fn forget_expired(&self) {
        let t = now();
        let mut set = self.set.write().unwrap_or_else(|p| p.into_inner());
        set.retain(|_, until| *until > t);
    }

    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        self.stop.notify_waiters();
    }

    fn set_degraded(&self, e: Option<&crate::error::AuthError>) {
        match e {
            Some(e) => {
                if !self.degraded.swap(true, Ordering::Relaxed) {
                    eprintln!("[aura-auth] warn DATABASE_UNAVAILABLE: {} Sessions keep being read from the last known revocations; sessions ended meanwhile on other instances are seen when the database returns.", e.message);
                }
            }
            None => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    eprintln!("[aura-auth] info DATABASE_AVAILABLE: the database is reachable again; revocations caught up.");
                }
            }
        }
    }
}

/// Catches the view up with the database once.
async fn sync(store: &Store) -> Result<()> {
    let view = &store.revocations;
    let (revision, entries) = store.revocations_since(view.revision()).await?;
    view.add(entries.iter().map(|(id, until)| (id.as_str(), *until)));
    view.revision.fetch_max(revision, Ordering::AcqRel);
    Ok(())
}

/// Loads the view (first use) and starts the background task; later calls return at once.
pub async fn start(store: &Arc<Store>) -> Result<()> {
    let view = store.revocations.clone();
    view.loaded
        .get_or_try_init(|| async {
            sync(store).await?;
            let weak = Arc::downgrade(store);
            tokio::spawn(follow(weak.clone(), view.clone()));
            if store.engine() == EngineKind::Postgres {
                tokio::spawn(super::postgres::listen(
                    store.config.url.clone(),
                    super::postgres::channel(&store.config.table_prefix),
                    view.clone(),
                ));
            }
            Ok(())
        })
        .await
        .map(|_| ())
}

/// Called by the Postgres listener: a revocation was announced, or the connection came back
/// (reconcile: what was announced while it was down was lost).
pub fn wake(view: &Revocations) {
    view.wake.notify_one();
}

pub fn stopped(view: &Revocations) -> bool {
    view.stopped.load(Ordering::Acquire)
}

pub async fn until_stopped(view: &Revocations) {
    let stop = view.stop.notified();
    if stopped(view) {
        return;
    }
    stop.await
}

/// The sync loop: wakes on a poll tick or an announcement; ends with the store.
async fn follow(store: Weak<Store>, view: Arc<Revocations>) {
    let Some(engine) = store.upgrade().map(|s| s.engine()) else {
        return;
    };
    let interval = poll_interval(engine);
    let mut last_prune = std::time::Instant::now();
    loop {
        tokio::select! {
            _ = until_stopped(&view) => return,
            _ = view.wake.notified() => {}
            _ = tokio::time::sleep(interval) => {}
        }
        let Some(store) = store.upgrade() else { return };
        if stopped(&view) {
            return;
        }
        let result = sync(&store).await;
        view.set_degraded(result.as_ref().err());
        if last_prune.elapsed() >= PRUNE_EVERY && result.is_ok() {
            last_prune = std::time::Instant::now();
            view.forget_expired();
            let _ = store.prune().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::sessions::{NewSession, Revoke};
    use super::super::testing::sqlite_store;
    use super::super::users::NewUser;
    use super::super::Store;
    use super::*;

    #[test]
    fn unknown_and_malformed_ids_are_not_revoked() {
        let v = Revocations::default();
        v.add([("AAAAAAAAAAAAAAAAAAAAAA", now() + 10)]);
        assert!(v.is_revoked_id("AAAAAAAAAAAAAAAAAAAAAA"));
        assert!(!v.is_revoked_id("BAAAAAAAAAAAAAAAAAAAAA"));
        assert!(!v.is_revoked_id("not base64 !"));
        v.add([("BAAAAAAAAAAAAAAAAAAAAA", now() - 1)]);
        v.forget_expired();
        assert_eq!(v.len(), 1);
    }

    #[tokio::test]
    async fn a_second_store_on_the_same_file_sees_a_revocation_by_polling() {
        let (a, dir) = sqlite_store("follow");
        a.ready().await.unwrap();
        let b = Arc::new(Store::new(a.config.clone()));
        b.ready().await.unwrap();
        let u = a.create_user(&NewUser::default()).await.unwrap();
        let (s, _) = a
            .create_session(&NewSession {
                user_id: u.id.clone(),
                expires_at: now() + 3600,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(!b.revocations.is_revoked_id(&s.id));
        a.revoke_sessions(Revoke::AllOfUser(&u.id)).await.unwrap();
        assert!(a.revocations.is_revoked_id(&s.id));
        let mut seen = false;
        for _ in 0..50 {
            if b.revocations.is_revoked_id(&s.id) {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(seen, "the other store never saw the revocation");
        // A store started later loads it with the view.
        let c = Arc::new(Store::new(a.config.clone()));
        c.ready().await.unwrap();
        assert!(c.revocations.is_revoked_id(&s.id));
        for s in [a, b, c] {
            s.close().await;
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
