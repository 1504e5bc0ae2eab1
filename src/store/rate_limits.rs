//! Rate-limit counters in the user store (SPEC §13, `rateLimit.storage: "database"`, migration
//! 0004): the `ratelimit::store::Store` backend over this database. A request's keys are counted
//! by one statement (a multi-row upsert with RETURNING, atomic per row on SQLite and Postgres:
//! no read-then-write race), bounded by the limiter's timeout. Expired rows are swept at most
//! once a minute per instance. Must never: wait without a bound, or put a key into SQL text.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{int, query, text, Store};
use crate::ratelimit::store::{
    Count, CountFuture, Counted, Hit, Store as CounterStore, StoreError,
};

const SWEEP_EVERY_MS: u64 = 60_000;
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(1);

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The counters table of one store.
pub struct RateLimitTable {
    store: Arc<Store>,
    timeout: Duration,
    last_sweep: AtomicU64,
    skip_until: Mutex<Option<Instant>>,
}

impl RateLimitTable {
    pub fn new(store: Arc<Store>, timeout_ms: u64) -> Self {
        RateLimitTable {
            store,
            timeout: Duration::from_millis(timeout_ms),
            last_sweep: AtomicU64::new(0),
            skip_until: Mutex::new(None),
        }
    }

    fn skipping(&self) -> bool {
        self.skip_until
            .lock()
            .map(|s| s.is_some_and(|until| Instant::now() < until))
            .unwrap_or(false)
    }

    fn failed(&self) {
        if let Ok(mut s) = self.skip_until.lock() {
            *s = Some(Instant::now() + RETRY_AFTER_FAILURE);
        }
    }

    async fn count(&self, hits: &[Hit]) -> Counted {
        let now = now_ms();
        let table = self.store.table("rate_limits");
        let rows: Vec<String> = (0..hits.len())
            .map(|i| format!("(${}, 1, ${})", 2 * i + 2, 2 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO {table} (rl_key, hits, reset_at) VALUES {} \
             ON CONFLICT (rl_key) DO UPDATE SET \
             hits = CASE WHEN {table}.reset_at <= $1 THEN 1 ELSE {table}.hits + 1 END, \
             reset_at = CASE WHEN {table}.reset_at <= $1 THEN excluded.reset_at ELSE {table}.reset_at END \
             RETURNING rl_key, hits, reset_at",
            rows.join(", ")
        );
        let pool = self.store.pool().await.map_err(|e| StoreError(e.message))?;
        let mut q = query(sql).bind(now as i64);
        for h in hits {
            q = q.bind(h.key.clone()).bind((now + h.window_ms) as i64);
        }
        let rows = q
            .fetch_all(pool)
            .await
            .map_err(|e| StoreError(super::db_err(e).message))?;
        let by_key: HashMap<String, (i64, i64)> = rows
            .iter()
            .filter_map(|r| Some((text(r, "rl_key")?, (int(r, "hits"), int(r, "reset_at")))))
            .collect();
        let counts = hits
            .iter()
            .map(|h| {
                by_key.get(&h.key).map(|(n, reset)| Count {
                    hits: (*n).max(0) as u64,
                    reset_ms: (*reset as u64).saturating_sub(now),
                })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| StoreError("the database did not return every counter".into()))?;
        if now.saturating_sub(self.last_sweep.swap(now, Ordering::Relaxed)) < SWEEP_EVERY_MS {
            return Ok(counts);
        }
        // Expired windows: best effort, never failing the count.
        let _ = query(format!("DELETE FROM {table} WHERE reset_at <= $1"))
            .bind(now as i64)
            .execute(pool)
            .await;
        Ok(counts)
    }

    async fn bounded(&self, hits: &[Hit]) -> Counted {
        if self.skipping() {
            return Err(StoreError(
                "the database failed a moment ago; retrying shortly".into(),
            ));
        }
        match tokio::time::timeout(self.timeout, self.count(hits)).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => {
                self.failed();
                Err(e)
            }
            Err(_) => {
                self.failed();
                Err(StoreError(format!(
                    "the database did not answer within {} ms",
                    self.timeout.as_millis()
                )))
            }
        }
    }
}

impl CounterStore for RateLimitTable {
    fn waits(&self) -> bool {
        true
    }

    fn hit_now(&self, _hits: &[Hit]) -> Option<Counted> {
        None
    }

    fn hit<'a>(&'a self, hits: &'a [Hit]) -> CountFuture<'a> {
        Box::pin(self.bounded(hits))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::sqlite_store;
    use super::*;

    fn hit(key: &str, window_ms: u64) -> Hit {
        Hit {
            key: key.into(),
            window_ms,
        }
    }

    #[tokio::test]
    async fn two_instances_on_one_file_share_each_counter_and_windows_reset() {
        let (a, dir) = sqlite_store("ratelimit");
        let b = Arc::new(Store::new(a.config.clone()));
        let ta = RateLimitTable::new(a.clone(), 5000);
        let tb = RateLimitTable::new(b.clone(), 5000);
        let keys = [hit("ip:1", 60_000), hit("email:x", 60_000)];
        assert_eq!(ta.hit(&keys).await.unwrap()[0].hits, 1);
        let c = tb.hit(&keys).await.unwrap();
        assert_eq!((c[0].hits, c[1].hits), (2, 2));
        assert!(c[0].reset_ms > 50_000 && c[0].reset_ms <= 60_000);
        // A window that has ended starts again at 1.
        let short = [hit("short", 1)];
        ta.hit(&short).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(tb.hit(&short).await.unwrap()[0].hits, 1);
        a.close().await;
        b.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn concurrent_hits_are_each_counted_once() {
        let (a, dir) = sqlite_store("ratelimit-race");
        let t = Arc::new(RateLimitTable::new(a.clone(), 5000));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let t = t.clone();
                tokio::spawn(async move { t.hit(&[hit("same", 60_000)]).await.unwrap()[0].hits })
            })
            .collect();
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap());
        }
        seen.sort();
        assert_eq!(seen, (1..=20).collect::<Vec<u64>>());
        a.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
