//! The in-memory backend (the default, for one instance): a bounded map of fixed windows.
//! Entries expire with their window; when the map is full the expired ones go first, then the
//! ones closest to expiry, so memory stays bounded under a flood of new keys. It never waits.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use super::store::{Count, CountFuture, Counted, Hit, Store, StoreError};

/// At most this many keys are kept (a few MB).
pub const DEFAULT_CAPACITY: usize = 100_000;

struct Entry {
    hits: u64,
    /// Milliseconds since `start` at which the window ends.
    ends: u64,
}

pub struct MemoryStore {
    start: Instant,
    capacity: usize,
    map: Mutex<HashMap<String, Entry>>,
}

impl MemoryStore {
    pub fn new(capacity: usize) -> Self {
        MemoryStore {
            start: Instant::now(),
            capacity: capacity.max(1),
            map: Mutex::new(HashMap::new()),
        }
    }

    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Counts at `now` (ms since start): the clock is a parameter so tests can move it.
    pub fn hit_at(&self, hits: &[Hit], now: u64) -> Counted {
        let mut map = self
            .map
            .lock()
            .map_err(|_| StoreError("the in-memory rate-limit map is poisoned".into()))?;
        let mut out = Vec::with_capacity(hits.len());
        for h in hits {
            if !map.contains_key(&h.key) && map.len() >= self.capacity {
                make_room(&mut map, now, self.capacity);
            }
            let e = map
                .entry(h.key.clone())
                .or_insert(Entry { hits: 0, ends: 0 });
            if e.ends <= now {
                *e = Entry {
                    hits: 0,
                    ends: now + h.window_ms,
                };
            }
            e.hits = e.hits.saturating_add(1);
            out.push(Count {
                hits: e.hits,
                reset_ms: e.ends - now,
            });
        }
        Ok(out)
    }

    pub fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Drops expired entries; if that frees less than a tenth, also the tenth closest to expiry.
fn make_room(map: &mut HashMap<String, Entry>, now: u64, capacity: usize) {
    map.retain(|_, e| e.ends > now);
    let target = capacity - capacity / 10 - 1;
    if map.len() <= target {
        return;
    }
    let mut ends: Vec<u64> = map.values().map(|e| e.ends).collect();
    let cut = map.len() - target;
    let (_, nth, _) = ends.select_nth_unstable(cut - 1);
    let cutoff = *nth;
    let mut removed = 0;
    map.retain(|_, e| {
        if removed < cut && e.ends <= cutoff {
            removed += 1;
            false
        } else {
            true
        }
    });
}

impl Store for MemoryStore {
    fn waits(&self) -> bool {
        false
    }

    fn hit_now(&self, hits: &[Hit]) -> Option<Counted> {
        Some(self.hit_at(hits, self.now_ms()))
    }

    fn hit<'a>(&'a self, hits: &'a [Hit]) -> CountFuture<'a> {
        let counted = self.hit_at(hits, self.now_ms());
        Box::pin(async move { counted })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(key: &str, window_ms: u64) -> Hit {
        Hit {
            key: key.into(),
            window_ms,
        }
    }

    #[test]
    fn counts_per_key_and_resets_with_the_window() {
        let s = MemoryStore::new(100);
        let h = [hit("a", 1000), hit("b", 5000)];
        assert_eq!(
            s.hit_at(&h, 0).unwrap()[0],
            Count {
                hits: 1,
                reset_ms: 1000
            }
        );
        let c = s.hit_at(&h, 400).unwrap();
        assert_eq!(
            c[0],
            Count {
                hits: 2,
                reset_ms: 600
            }
        );
        assert_eq!(
            c[1],
            Count {
                hits: 2,
                reset_ms: 4600
            }
        );
        let c = s.hit_at(&h, 1000).unwrap();
        assert_eq!(
            c[0],
            Count {
                hits: 1,
                reset_ms: 1000
            }
        );
        assert_eq!(c[1].hits, 3);
    }

    #[test]
    fn stays_bounded_under_a_flood_of_keys() {
        let s = MemoryStore::new(1000);
        for i in 0..50_000u64 {
            s.hit_at(&[hit(&format!("k{i}"), 60_000)], i / 100).unwrap();
            assert!(s.len() <= 1000);
        }
        // A key counted just now survives the eviction of older ones.
        s.hit_at(&[hit("fresh", 60_000)], 600).unwrap();
        assert_eq!(s.hit_at(&[hit("fresh", 60_000)], 601).unwrap()[0].hits, 2);
    }
}
