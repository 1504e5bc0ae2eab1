//! Password hashing (SPEC §12): argon2id (RFC 9106) with the RustCrypto `argon2` crate at OWASP
//! parameters (m = 19 MiB, t = 2, p = 1 by default, configurable upward), stored as PHC strings.
//! Imported hashes are verified once and replaced at the next sign-in: bcrypt (`$2a$`, `$2b$`,
//! `$2y$`: Auth0, Clerk, Supabase) with the `bcrypt` crate, and Better Auth's scrypt
//! (`<salt hex>:<key hex>`, N = 16384, r = 16, p = 1, dkLen = 64, the hex salt's text as salt,
//! the password NFKC-normalised) with the `scrypt` crate.
//!
//! Every function here is CPU-bound on purpose: callers run it on a worker thread
//! (`tokio::task::spawn_blocking`), never on the JavaScript thread. Nothing here logs or returns
//! a password; a wrong password and a malformed stored hash look the same (`false`).

use std::sync::{Mutex, OnceLock};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

use crate::error::{AuthError, Result};

/// The longest password accepted, in bytes (argon2 handles more; this bounds the work a request
/// can ask for and matches the SPEC).
pub const MAX_PASSWORD_BYTES: usize = 256;
/// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
pub const DEFAULT_MEMORY_KIB: u32 = 19 * 1024;
pub const DEFAULT_ITERATIONS: u32 = 2;
pub const DEFAULT_PARALLELISM: u32 = 1;

/// Better Auth's scrypt settings (its `crypto/password.ts`).
const BETTER_AUTH_LOG_N: u8 = 14;
const BETTER_AUTH_R: u32 = 16;
const BETTER_AUTH_P: u32 = 1;
const BETTER_AUTH_KEY_LEN: usize = 64;

/// The argon2id cost of new hashes, and a dummy hash at that cost for unknown emails.
#[derive(Debug)]
pub struct Hasher {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    dummy: OnceLock<String>,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher {
            memory_kib: DEFAULT_MEMORY_KIB,
            iterations: DEFAULT_ITERATIONS,
            parallelism: DEFAULT_PARALLELISM,
            dummy: OnceLock::new(),
        }
    }
}

/// What a verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// The password matches and the stored hash is current.
    Yes,
    /// The password matches, but the hash is weaker than today's settings or not argon2id:
    /// store a fresh hash.
    Rehash,
    No,
}

impl Verified {
    pub fn ok(self) -> bool {
        self != Verified::No
    }
}

impl Hasher {
    /// Parameters below OWASP's minimum are refused (`INVALID_CONFIG`): they can only go up.
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Hasher> {
        if memory_kib < DEFAULT_MEMORY_KIB
            || iterations < DEFAULT_ITERATIONS
            || parallelism < DEFAULT_PARALLELISM
        {
            return Err(AuthError::new(
                "INVALID_CONFIG",
                "credentials.argon2 can only raise the OWASP minimum: memoryKiB >= 19456, iterations >= 2, parallelism >= 1.",
            ));
        }
        if memory_kib > 4 * 1024 * 1024 || iterations > 64 || parallelism > 64 {
            return Err(AuthError::new(
                "INVALID_CONFIG",
                "credentials.argon2 is out of range: memoryKiB <= 4194304, iterations <= 64, parallelism <= 64.",
            ));
        }
        Ok(Hasher {
            memory_kib,
            iterations,
            parallelism,
            dummy: OnceLock::new(),
        })
    }

    fn argon2(&self) -> Argon2<'static> {
        // The bounds were checked in `new`; Params::new only fails outside argon2's own limits.
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .unwrap_or_default();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// A new argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), 16-byte salt.
    pub fn hash(&self, password: &str) -> Result<String> {
        let salt = SaltString::encode_b64(&crate::random::bytes(16))
            .map_err(|_| AuthError::new("HASH_FAILED", "Could not make a salt."))?;
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| AuthError::new("HASH_FAILED", "Could not hash the password."))
    }

    /// Verifies `password` against a stored hash of any accepted kind.
    pub fn verify(&self, password: &str, stored: &str) -> Verified {
        let matched = match Kind::of(stored) {
            Some(Kind::Argon2) => verify_argon2(password.as_bytes(), stored),
            Some(Kind::Bcrypt) => bcrypt::verify(password.as_bytes(), stored).unwrap_or(false),
            Some(Kind::BetterAuthScrypt) => verify_better_auth_scrypt(password, stored),
            None => false,
        };
        match (matched, self.needs_rehash(stored)) {
            (false, _) => Verified::No,
            (true, true) => Verified::Rehash,
            (true, false) => Verified::Yes,
        }
    }

    /// True unless `stored` is argon2id at (at least) today's parameters.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(h) = PasswordHash::new(stored) else {
            return true;
        };
        if h.algorithm.as_str() != "argon2id" || h.version != Some(0x13) {
            return true;
        }
        let Ok(p) = Params::try_from(&h) else {
            return true;
        };
        p.m_cost() < self.memory_kib
            || p.t_cost() < self.iterations
            || p.p_cost() < self.parallelism
    }

    /// Spends the time of one verification for an address that has no password, so an unknown
    /// email answers as slowly as a wrong password (SPEC §12, no enumeration). Always false.
    pub fn verify_dummy(&self, password: &str) -> bool {
        // A PHC string at today's parameters whose output no password produces (all zeros):
        // written, not hashed, so even the first unknown address costs one argon2id run, not two.
        let dummy = self.dummy.get_or_init(|| {
            let salt = SaltString::encode_b64(&[0x5a; 16]).map(|s| s.as_str().to_string());
            let output = Output::new(&[0u8; 32]).map(|o| o.to_string());
            match (salt, output) {
                (Ok(salt), Ok(output)) => format!(
                    "$argon2id$v=19$m={},t={},p={}${salt}${output}",
                    self.memory_kib, self.iterations, self.parallelism
                ),
                _ => String::new(),
            }
        });
        let _ = verify_argon2(password.as_bytes(), dummy);
        false
    }
}

/// The largest argon2 memory cost a stored hash may ask a verification for (1 GiB): an imported
/// hash cannot make a sign-in allocate without bound.
const MAX_VERIFY_KIB: u32 = 1024 * 1024;

/// Reused argon2 working memory. A fresh 19 MiB buffer per verification costs as much again in
/// page faults as the hash itself; kept buffers do not. At most as many as hashes run at once.
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());
const KEPT_BUFFERS: usize = 2;

fn with_memory<R>(blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    let mut buf = MEMORY
        .lock()
        .ok()
        .and_then(|mut kept| kept.pop())
        .unwrap_or_default();
    if buf.len() < blocks {
        buf.resize(blocks, Block::default());
    }
    let out = f(&mut buf[..blocks]);
    if buf.len() <= 64 * 1024 {
        if let Ok(mut kept) = MEMORY.lock() {
            if kept.len() < KEPT_BUFFERS {
                kept.push(buf);
            }
        }
    }
    out
}

/// An argon2 PHC string verified as the `argon2` crate's `PasswordVerifier` does (algorithm,
/// version, parameters and salt from the string; constant-time comparison of the output), with
/// working memory from [`with_memory`].
fn verify_argon2(password: &[u8], stored: &str) -> bool {
    let Ok(h) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (h.hash, h.salt) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(h.algorithm) else {
        return false;
    };
    let version = match h.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&h) else {
        return false;
    };
    if params.m_cost() > MAX_VERIFY_KIB {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let done = with_memory(blocks, |memory| {
        argon2
            .hash_password_into_with_memory(password, salt, &mut out, memory)
            .is_ok()
    });
    done && bool::from(out.ct_eq(expected.as_bytes()))
}

/// The kinds of stored hash this module verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Argon2,
    Bcrypt,
    BetterAuthScrypt,
}

impl Kind {
    /// Recognises a stored hash by its shape, without verifying anything.
    pub fn of(stored: &str) -> Option<Kind> {
        if stored.starts_with("$argon2id$")
            || stored.starts_with("$argon2i$")
            || stored.starts_with("$argon2d$")
        {
            return PasswordHash::new(stored)
                .is_ok_and(|h| h.hash.is_some() && h.salt.is_some())
                .then_some(Kind::Argon2);
        }
        if ["$2a$", "$2b$", "$2y$"]
            .iter()
            .any(|p| stored.starts_with(p))
        {
            // $2x$NN$ + 53 characters of salt and hash.
            let ok = stored.len() == 60
                && stored[4..6].bytes().all(|b| b.is_ascii_digit())
                && stored.as_bytes()[6] == b'$';
            return ok.then_some(Kind::Bcrypt);
        }
        let (salt, key) = stored.split_once(':')?;
        let hex_ok = |s: &str| {
            !s.is_empty() && s.len().is_multiple_of(2) && s.bytes().all(|b| b.is_ascii_hexdigit())
        };
        (hex_ok(salt) && salt.len() <= 128 && key.len() == BETTER_AUTH_KEY_LEN * 2 && hex_ok(key))
            .then_some(Kind::BetterAuthScrypt)
    }
}

/// Better Auth: `scrypt(password.normalize("NFKC"), saltHexText, N=16384, r=16, p=1, dkLen=64)`
/// compared (constant time) with the hex-decoded key.
fn verify_better_auth_scrypt(password: &str, stored: &str) -> bool {
    let Some((salt, key_hex)) = stored.split_once(':') else {
        return false;
    };
    let Ok(expected) = hex::decode(key_hex) else {
        return false;
    };
    let Ok(params) = scrypt::Params::new(
        BETTER_AUTH_LOG_N,
        BETTER_AUTH_R,
        BETTER_AUTH_P,
        BETTER_AUTH_KEY_LEN,
    ) else {
        return false;
    };
    let normalized: String = password.nfkc().collect();
    let mut out = [0u8; BETTER_AUTH_KEY_LEN];
    if scrypt::scrypt(normalized.as_bytes(), salt.as_bytes(), &params, &mut out).is_err() {
        return false;
    }
    expected.len() == out.len() && bool::from(out.ct_eq(&expected[..]))
}

/// The length rule: at least `min` characters, at most 256 bytes. The codes are stable.
pub fn check_length(password: &str, min: usize) -> Result<()> {
    if password.chars().count() < min {
        return Err(AuthError::new(
            "PASSWORD_TOO_SHORT",
            format!("The password must have at least {min} characters."),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AuthError::new(
            "PASSWORD_TOO_LONG",
            "The password must be at most 256 bytes long.",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "password_tests.rs"]
mod tests;
