//! The Redis/Valkey backend (`storage: "redis://…"`, `AURA_AUTH_RATE_LIMIT_URL`), so several
//! instances share one budget. Each request's keys are counted in one round trip by a Lua script
//! (INCR, and PEXPIRE when the window starts: no read-then-write race). It runs on the addon's
//! tokio runtime through the `redis` crate's reconnecting `ConnectionManager`, TLS by rustls.
//! It must never hang a request: every call is bounded by `timeoutMs`, and after a failure the
//! store is skipped for a moment so an outage costs each request nothing more than a check.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Script};

use super::store::{Count, CountFuture, Counted, Hit, Store, StoreError};
use crate::error::{AuthError, Result};

/// KEYS: the counters; ARGV[i]: the window of KEYS[i] in ms. Returns [hits, ms left, ...].
const COUNT_SCRIPT: &str = r"
local out = {}
for i, key in ipairs(KEYS) do
  local hits = redis.call('INCR', key)
  local left = redis.call('PTTL', key)
  if hits == 1 or left < 0 then
    left = tonumber(ARGV[i])
    redis.call('PEXPIRE', key, left)
  end
  out[#out + 1] = hits
  out[#out + 1] = left
end
return out
";

/// How long the store is skipped after a failure before it is tried again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(1);

pub struct RedisStore {
    client: Client,
    manager: OnceLock<ConnectionManager>,
    script: Script,
    timeout: Duration,
    skip_until: Mutex<Option<Instant>>,
}

impl RedisStore {
    /// Checks the URL only; the connection is made by the first request that needs it.
    pub fn new(url: &str, timeout_ms: u64) -> Result<RedisStore> {
        let client = Client::open(url).map_err(|e| {
            AuthError::new(
                "INVALID_RATE_LIMIT",
                format!("rateLimit.storage is not a usable Redis URL ({:?}). Use e.g. \"redis://localhost:6379\" or \"rediss://user:password@host:6380/0\".", e.kind()),
            )
        })?;
        Ok(RedisStore {
            client,
            manager: OnceLock::new(),
            script: Script::new(COUNT_SCRIPT),
            timeout: Duration::from_millis(timeout_ms),
            skip_until: Mutex::new(None),
        })
    }

    /// The shared connection (created on the runtime the first time it is needed).
    fn manager(&self) -> std::result::Result<ConnectionManager, StoreError> {
        if let Some(m) = self.manager.get() {
            return Ok(m.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let m =
            ConnectionManager::new_lazy_with_config(self.client.clone(), config).map_err(|e| {
                StoreError(format!("the Redis client could not start ({:?})", e.kind()))
            })?;
        Ok(self.manager.get_or_init(|| m).clone())
    }

    fn skipping(&self) -> bool {
        let mut slot = match self.skip_until.lock() {
            Ok(s) => s,
            Err(_) => return false,
        };
        match *slot {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                *slot = None;
                false
            }
            None => false,
        }
    }

    fn failed(&self) {
        if let Ok(mut slot) = self.skip_until.lock() {
            *slot = Some(Instant::now() + RETRY_AFTER_FAILURE);
        }
    }

    async fn count(&self, hits: &[Hit]) -> Counted {
        if self.skipping() {
            return Err(StoreError(
                "Redis failed a moment ago; retrying shortly".into(),
            ));
        }
        let mut conn = self.manager()?;
        let mut call = self.script.prepare_invoke();
        for h in hits {
            call.key(&h.key).arg(h.window_ms);
        }
        let answer = tokio::time::timeout(self.timeout, call.invoke_async::<Vec<i64>>(&mut conn));
        let values = match answer.await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                self.failed();
                return Err(StoreError(format!("Redis did not count ({:?})", e.kind())));
            }
            Err(_) => {
                self.failed();
                return Err(StoreError(format!(
                    "Redis did not answer within {} ms",
                    self.timeout.as_millis()
                )));
            }
        };
        if values.len() != hits.len() * 2 {
            return Err(StoreError("Redis answered the count script oddly".into()));
        }
        Ok(values
            .chunks(2)
            .map(|p| Count {
                hits: p[0].max(0) as u64,
                reset_ms: p[1].max(0) as u64,
            })
            .collect())
    }
}

impl Store for RedisStore {
    fn waits(&self) -> bool {
        true
    }

    fn hit_now(&self, _hits: &[Hit]) -> Option<Counted> {
        None
    }

    fn hit<'a>(&'a self, hits: &'a [Hit]) -> CountFuture<'a> {
        Box::pin(self.count(hits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_coded_errors_and_no_connection_is_made() {
        assert!(RedisStore::new("redis://127.0.0.1:1", 100).is_ok());
        assert!(RedisStore::new("rediss://user:pw@example.com:6380/0", 100).is_ok());
        assert_eq!(
            RedisStore::new("redis://127.0.0.1:6379/notadb", 100)
                .err()
                .map(|e| e.code),
            Some("INVALID_RATE_LIMIT")
        );
    }

    #[tokio::test]
    async fn an_unreachable_store_fails_fast_and_bounded() {
        // Nothing listens on port 1: refused, then skipped for a moment.
        let s = RedisStore::new("redis://127.0.0.1:1", 200).unwrap();
        let hits = [Hit {
            key: "k".into(),
            window_ms: 1000,
        }];
        let t = Instant::now();
        assert!(s.hit(&hits).await.is_err());
        assert!(s.hit(&hits).await.is_err());
        assert!(t.elapsed() < Duration::from_secs(5));
    }
}
