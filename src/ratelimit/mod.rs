//! Rate limiting (SPEC §13): which counts a request costs (per client IP, per email where a rule
//! names one), counting them in the configured store, and the verdict. It decides nothing about
//! the answer's shape (that is `actions::limited`) and never limits session reads: the caller
//! asks only for requests that reached a limited endpoint. It never waits without a bound and
//! never fails a request because a store did: an outage is logged once, then allowed or denied
//! as `onStoreError` says.

pub mod client_ip;
pub mod config;
pub mod memory;
pub mod redis;
pub mod store;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::log::{Level, LogEntry};
use config::{By, OnStoreError, RateLimitConfig, Storage};
use store::{Counted, Hit, Store};

/// What the limiter says about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Over a budget: try again after this many seconds.
    Limited {
        retry_after: u64,
    },
    /// The store could not count and `onStoreError` is `"deny"`.
    Unavailable,
}

/// The counts one request costs, with the budget of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub hits: Vec<Hit>,
    maxes: Vec<u64>,
}

pub struct RateLimiter {
    pub config: RateLimitConfig,
    store: Box<dyn Store>,
    prefix: String,
    /// `Some(n)` with `trustedProxyHeaders`: `n` proxies append to X-Forwarded-For.
    trusted_proxies: Option<u8>,
    warned_no_ip: AtomicBool,
    outage: AtomicBool,
    /// Log entries waiting for the next response (one per outage, one for a missing IP).
    pending: Mutex<Vec<LogEntry>>,
    has_pending: AtomicBool,
}

/// An email as a key: trimmed, lowercased and hashed (the store never holds the address).
fn email_key(email: &str) -> Option<String> {
    let e = email.trim().to_lowercase();
    if e.is_empty() {
        return None;
    }
    let digest = Sha256::new()
        .chain_update(b"aura-auth rate limit email\0")
        .chain_update(e.as_bytes())
        .finalize();
    Some(hex::encode(&digest[..16]))
}

impl RateLimiter {
    pub fn new(
        config: RateLimitConfig,
        cookie_prefix: &str,
        trusted_proxy_headers: bool,
    ) -> Result<RateLimiter> {
        let store: Box<dyn Store> = match &config.storage {
            Storage::Memory => Box::new(memory::MemoryStore::new(memory::DEFAULT_CAPACITY)),
            Storage::Redis(url) => Box::new(redis::RedisStore::new(url, config.timeout_ms)?),
        };
        Ok(RateLimiter {
            trusted_proxies: trusted_proxy_headers.then_some(config.proxies),
            config,
            store,
            prefix: format!("{cookie_prefix}:rl"),
            warned_no_ip: AtomicBool::new(false),
            outage: AtomicBool::new(false),
            pending: Mutex::new(Vec::new()),
            has_pending: AtomicBool::new(false),
        })
    }

    /// Whether counting waits on a shared store (then it happens in the async path only).
    pub fn waits(&self) -> bool {
        self.store.waits()
    }

    fn note(&self, entry: LogEntry) {
        if let Ok(mut p) = self.pending.lock() {
            p.push(entry);
            self.has_pending.store(true, Ordering::Release);
        }
    }

    /// The log entries not yet attached to a response.
    pub fn take_log(&self) -> Vec<LogEntry> {
        if !self.has_pending.swap(false, Ordering::AcqRel) {
            return Vec::new();
        }
        self.pending
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default()
    }

    /// The counts for a request to `path` (under basePath). `socket`/`forwarded_for`: the peer
    /// address and X-Forwarded-For; `email` is asked for only when the rule keys by email.
    /// `None`: the path is not limited, or nothing identifies the request.
    pub fn plan(
        &self,
        path: &str,
        socket: Option<&str>,
        forwarded_for: Option<&str>,
        email: impl FnOnce() -> Option<String>,
    ) -> Option<Plan> {
        let (name, rule) = self.config.rule_for(path)?;
        let mut plan = Plan {
            hits: Vec::with_capacity(rule.by.len()),
            maxes: Vec::with_capacity(rule.by.len()),
        };
        let mut email = Some(email);
        for by in &rule.by {
            let value = match by {
                By::Ip => match client_ip::client_ip(socket, forwarded_for, self.trusted_proxies) {
                    Some(ip) => client_ip::ip_key(ip),
                    None => {
                        self.warn_no_ip();
                        continue;
                    }
                },
                By::Email => match email
                    .take()
                    .and_then(|f| f())
                    .as_deref()
                    .and_then(email_key)
                {
                    Some(k) => k,
                    None => continue,
                },
            };
            let dim = if *by == By::Ip { "ip" } else { "email" };
            plan.hits.push(Hit {
                key: format!("{}:{name}:{dim}:{value}", self.prefix),
                window_ms: rule.window * 1000,
            });
            plan.maxes.push(rule.max);
        }
        (!plan.hits.is_empty()).then_some(plan)
    }

    fn warn_no_ip(&self) {
        if !self.warned_no_ip.swap(true, Ordering::Relaxed) {
            self.note(LogEntry::new(
                Level::Error,
                "RATE_LIMIT_NO_CLIENT_IP",
                "A request reached the auth handler without a client address (a Web Request through `handlers`, with trustedProxyHeaders off): per-IP rate limits are skipped for such requests; per-email limits still apply. Use the Node `handler`, or set trustedProxyHeaders behind a proxy that appends X-Forwarded-For. (Logged once.)",
                None,
            ));
        }
    }

    /// The verdict without waiting, when the store can give one (memory).
    pub fn check_now(&self, plan: &Plan) -> Option<Verdict> {
        self.store
            .hit_now(&plan.hits)
            .map(|c| self.verdict(plan, c))
    }

    /// The verdict, waiting on the store (bounded by its timeout).
    pub async fn check(&self, plan: &Plan) -> Verdict {
        let counted = self.store.hit(&plan.hits).await;
        self.verdict(plan, counted)
    }

    fn verdict(&self, plan: &Plan, counted: Counted) -> Verdict {
        let counts = match counted {
            Ok(c) => c,
            Err(e) => {
                if !self.outage.swap(true, Ordering::AcqRel) {
                    let then = match self.config.on_store_error {
                        OnStoreError::Allow => "requests are allowed without counting",
                        OnStoreError::Deny => "requests are refused (onStoreError: \"deny\")",
                    };
                    self.note(LogEntry::new(
                        Level::Error,
                        "RATE_LIMIT_STORE_UNAVAILABLE",
                        &format!("The rate-limit store is unavailable: {}; {then} until it answers again. (Logged once per outage.)", e.0),
                        None,
                    ));
                }
                return match self.config.on_store_error {
                    OnStoreError::Allow => Verdict::Allow,
                    OnStoreError::Deny => Verdict::Unavailable,
                };
            }
        };
        if self.outage.swap(false, Ordering::AcqRel) {
            self.note(LogEntry::new(
                Level::Warn,
                "RATE_LIMIT_STORE_RECOVERED",
                "The rate-limit store answers again; requests are counted.",
                None,
            ));
        }
        let retry_after = counts
            .iter()
            .zip(&plan.maxes)
            .filter(|(c, max)| c.hits > **max)
            .map(|(c, _)| c.reset_ms.div_ceil(1000).max(1))
            .max();
        match retry_after {
            Some(retry_after) => Verdict::Limited { retry_after },
            None => Verdict::Allow,
        }
    }
}

#[cfg(test)]
mod tests;
