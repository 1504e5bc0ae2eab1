//! The one interface every rate-limit backend implements: count one hit on each of a request's
//! keys, atomically per key, and say how many hits each key has had in its current window and
//! when that window ends. A backend never decides allow/deny; the limiter does.

use std::future::Future;
use std::pin::Pin;

/// One key to count, with the window it is counted in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub key: String,
    pub window_ms: u64,
}

/// A key's state after the hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Hits in the current window, this one included.
    pub hits: u64,
    /// Milliseconds until the window ends.
    pub reset_ms: u64,
}

/// The store could not count (unreachable, timed out, or answered nonsense). The message is
/// the library's own sentence: never a URL with credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

pub type Counted = Result<Vec<Count>, StoreError>;
pub type CountFuture<'a> = Pin<Box<dyn Future<Output = Counted> + Send + 'a>>;

pub trait Store: Send + Sync {
    /// Whether counting waits on the network (then only [`Store::hit`] counts).
    fn waits(&self) -> bool;
    /// Counts without waiting, when this store can (memory); `None` means call [`Store::hit`].
    fn hit_now(&self, hits: &[Hit]) -> Option<Counted>;
    /// Counts, one round trip for all of `hits` at most; always bounded in time.
    fn hit<'a>(&'a self, hits: &'a [Hit]) -> CountFuture<'a>;
}
