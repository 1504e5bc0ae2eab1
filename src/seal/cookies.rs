//! Cookie names, the request's Cookie header, Set-Cookie values and session chunking.
//! Parsing and serialisation are the `cookie` crate's; this module only decides names and
//! attributes, per request.

use cookie::{Cookie, SameSite};

use crate::seal::crypto::{associated_data, Purpose};

/// Values longer than this are split into numbered chunks (`name.0`, `name.1`, ...), keeping each
/// Set-Cookie line (name, value and attributes) under the 4096 bytes browsers guarantee.
pub const CHUNK_SIZE: usize = 3800;
/// The most chunks a sealed value may take, for the writer and the reader alike. Two chunks
/// (7,600 bytes) hold any session of bounded profile fields with room for app fields, and keep
/// the Cookie header well under Node's 16 KB header limit beside the app's own cookies.
pub const MAX_CHUNKS: usize = 2;
/// The longest sealed value a cookie (whole or chunked) may hold.
pub const MAX_SEALED: usize = CHUNK_SIZE * MAX_CHUNKS;
/// Chunks with an index below this are cleared when stale; higher indexes were never written
/// by this library, and clearing them all would let a forged header bloat the response.
pub const MAX_CLEARED_CHUNKS: usize = 32;
/// Cookie headers longer than this are not parsed at all (treated as no cookies).
pub const MAX_COOKIE_HEADER: usize = 64 * 1024;

/// One of the library's cookie names: the full name as sent, and the associated data that
/// binds sealed values to exactly that name (SPEC §4 rules 1 and 11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieName {
    name: String,
    pub purpose: Purpose,
    aad: Vec<u8>,
}

impl CookieName {
    pub fn new(name: String, purpose: Purpose) -> Self {
        CookieName {
            aad: associated_data(purpose, &name),
            name,
            purpose,
        }
    }

    pub fn aad(&self) -> &[u8] {
        &self.aad
    }
}

impl std::ops::Deref for CookieName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

/// The cookie names for one request: on https each carries the `__Host-` prefix (Secure,
/// `Path=/`, no `Domain`), so a sibling subdomain cannot plant one (SPEC §4 rule 12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieNames {
    pub secure: bool,
    pub session: CookieName,
    pub flow: CookieName,
    pub csrf: CookieName,
}

/// The unprefixed name: `<prefix>.<purpose>`.
pub fn logical_name(prefix: &str, purpose: Purpose) -> String {
    format!("{prefix}.{}", purpose.label())
}

/// A cookie's full name for a request: `__Host-` + `logical` on https, `logical` otherwise.
pub fn scheme_name(logical: &str, secure: bool, purpose: Purpose) -> CookieName {
    let p = if secure { "__Host-" } else { "" };
    CookieName::new(format!("{p}{logical}"), purpose)
}

impl CookieNames {
    pub fn new(prefix: &str, secure: bool) -> Self {
        let name = |purpose| scheme_name(&logical_name(prefix, purpose), secure, purpose);
        CookieNames {
            secure,
            session: name(Purpose::Session),
            flow: name(Purpose::Flow),
            csrf: name(Purpose::Csrf),
        }
    }
}

/// The name/value pairs of a request's Cookie header, in order. Unparseable pairs are skipped.
pub struct RequestCookies<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> RequestCookies<'a> {
    pub fn parse(header: Option<&'a str>) -> Self {
        let pairs = match header {
            Some(h) if h.len() <= MAX_COOKIE_HEADER => Cookie::split_parse(h)
                .filter_map(|c| c.ok())
                .filter_map(|c| Some((c.name_raw()?, c.value_raw()?)))
                .collect(),
            _ => Vec::new(),
        };
        RequestCookies { pairs }
    }

    /// Like [`RequestCookies::parse`], but only the pairs whose name starts with `prefix` (or
    /// `__Secure-`/`__Host-` + `prefix`) are parsed: the request's other cookies cannot be ours,
    /// and skipping them is most of the cost of a typical Cookie header.
    pub fn parse_for(header: Option<&'a str>, prefix: &str) -> Self {
        let ours = |segment: &str| {
            let s = segment.trim_start();
            let s = s
                .strip_prefix("__Secure-")
                .or_else(|| s.strip_prefix("__Host-"))
                .unwrap_or(s);
            s.starts_with(prefix)
        };
        let pairs = match header {
            Some(h) if h.len() <= MAX_COOKIE_HEADER => h
                .split(';')
                .filter(|segment| ours(segment))
                .filter_map(|segment| Cookie::parse(segment).ok())
                .filter_map(|c| Some((c.name_raw()?, c.value_raw()?)))
                .collect(),
            _ => Vec::new(),
        };
        RequestCookies { pairs }
    }

    /// The first value sent under `name`.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// Every value sent under `name`, in order.
    pub fn get_all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.pairs
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    /// The value sent under `name` when exactly one value is: of two different ones either could
    /// be planted, so neither is used (SPEC §4 rule 12).
    pub fn only(&self, name: &str) -> Option<&'a str> {
        let mut values = self.get_all(name);
        let first = values.next()?;
        values.all(|v| v == first).then_some(first)
    }

    /// Indexes of the `name.N` chunks present.
    fn chunk_indexes(&self, name: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .pairs
            .iter()
            .filter_map(|(n, _)| {
                n.strip_prefix(name)?
                    .strip_prefix('.')?
                    .parse::<usize>()
                    .ok()
            })
            .filter(|i| *i < MAX_CLEARED_CHUNKS)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A value stored whole under `name`, or joined from `name.0`, `name.1`, ... (at most
    /// [`MAX_CHUNKS`]); a name sent twice with different values counts as absent.
    pub fn chunked(&self, name: &str) -> Option<String> {
        if self.has(name) {
            return self.only(name).map(str::to_string);
        }
        let mut joined = String::new();
        for i in 0..MAX_CHUNKS {
            match self.only(&format!("{name}.{i}")) {
                Some(part) => joined.push_str(part),
                None => break,
            }
        }
        (!joined.is_empty()).then_some(joined)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Set-Cookie lines that clear `name` and all of its chunks present in this request.
    pub fn clear_all(&self, name: &str, secure: bool, same_site: SameSite) -> Vec<String> {
        let mut out = Vec::new();
        for i in self.chunk_indexes(name) {
            out.push(clear(&format!("{name}.{i}"), secure, same_site));
        }
        out.push(clear(name, secure, same_site));
        out
    }
}

/// One Set-Cookie value: HttpOnly, Path=/, Secure when `secure`.
pub fn set(name: &str, value: &str, max_age: u64, secure: bool, same_site: SameSite) -> String {
    Cookie::build((name, value))
        .http_only(true)
        .path("/")
        .secure(secure)
        .same_site(same_site)
        .max_age(cookie::time::Duration::seconds(
            max_age.min(i64::MAX as u64) as i64,
        ))
        .build()
        .to_string()
}

/// A Set-Cookie value that deletes `name`.
pub fn clear(name: &str, secure: bool, same_site: SameSite) -> String {
    Cookie::build((name, ""))
        .http_only(true)
        .path("/")
        .secure(secure)
        .same_site(same_site)
        .max_age(cookie::time::Duration::ZERO)
        .expires(cookie::time::OffsetDateTime::UNIX_EPOCH)
        .build()
        .to_string()
}

/// Set-Cookie lines that store `token` under `name`, split into chunks when large, clearing
/// whatever stale whole/chunk cookies the request carried. Clears come first, values last.
pub fn set_chunked(
    req: &RequestCookies,
    name: &str,
    token: &str,
    max_age: u64,
    secure: bool,
) -> Vec<String> {
    let mut clears = Vec::new();
    let mut sets = Vec::new();
    let present = req.chunk_indexes(name);
    if token.len() <= CHUNK_SIZE {
        for i in present {
            clears.push(clear(&format!("{name}.{i}"), secure, SameSite::Lax));
        }
        sets.push(set(name, token, max_age, secure, SameSite::Lax));
    } else {
        if req.has(name) {
            clears.push(clear(name, secure, SameSite::Lax));
        }
        let parts: Vec<&str> = token
            .as_bytes()
            .chunks(CHUNK_SIZE)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        for i in present.into_iter().filter(|i| *i >= parts.len()) {
            clears.push(clear(&format!("{name}.{i}"), secure, SameSite::Lax));
        }
        for (i, part) in parts.iter().enumerate() {
            sets.push(set(
                &format!("{name}.{i}"),
                part,
                max_age,
                secure,
                SameSite::Lax,
            ));
        }
    }
    clears.extend(sets);
    clears
}

/// Set-Cookie lines that clear `name` and every chunk a writer can have made, whether or not the
/// request carried them (a cross-site form_post callback carries no Lax cookie at all).
pub fn clear_every(name: &str, secure: bool) -> Vec<String> {
    let mut out: Vec<String> = (0..MAX_CHUNKS)
        .map(|i| clear(&format!("{name}.{i}"), secure, SameSite::Lax))
        .collect();
    out.push(clear(name, secure, SameSite::Lax));
    out
}

/// [`set_chunked`] as if the request carried `name` and every chunk: each one not written now is
/// cleared (review finding 5: a form_post callback cannot see the old cookies).
pub fn set_chunked_blind(name: &str, token: &str, max_age: u64, secure: bool) -> Vec<String> {
    let header = std::iter::once(format!("{name}=x"))
        .chain((0..MAX_CHUNKS).map(|i| format!("{name}.{i}=x")))
        .collect::<Vec<_>>()
        .join("; ");
    set_chunked(
        &RequestCookies::parse(Some(&header)),
        name,
        token,
        max_age,
        secure,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_5_blind_set_clears_the_whole_name_and_every_other_chunk() {
        let small = set_chunked_blind("s", "v", 60, false);
        assert!(small.iter().any(|l| l.starts_with("s.0=;")));
        assert!(small.iter().any(|l| l.starts_with("s.1=;")));
        assert!(small.last().unwrap().starts_with("s=v"));
        let big = "a".repeat(CHUNK_SIZE + 10);
        let lines = set_chunked_blind("s", &big, 60, false);
        assert!(
            lines[0].starts_with("s=;"),
            "the whole name is cleared first"
        );
        assert!(lines.iter().any(|l| l.starts_with("s.0=a")));
        assert!(lines.iter().any(|l| l.starts_with("s.1=a")));
        assert_eq!(clear_every("t", false).len(), MAX_CHUNKS + 1);
    }

    #[test]
    fn rule6_names_and_attributes_follow_the_scheme() {
        let http = CookieNames::new("aura-auth", false);
        assert_eq!(&*http.session, "aura-auth.session");
        let https = CookieNames::new("aura-auth", true);
        assert_eq!(&*https.session, "__Host-aura-auth.session");
        assert_eq!(&*https.flow, "__Host-aura-auth.flow");
        assert_eq!(&*https.csrf, "__Host-aura-auth.csrf");
        let c = set(&https.session, "v", 60, true, SameSite::Lax);
        assert!(
            c.contains("HttpOnly")
                && c.contains("Secure")
                && c.contains("SameSite=Lax")
                && c.contains("Path=/")
        );
        let c = set(&http.csrf, "v", 60, false, SameSite::Strict);
        assert!(c.contains("SameSite=Strict") && !c.contains("Secure"));
    }

    #[test]
    fn rule7_chunks_roundtrip_and_stale_chunks_are_cleared() {
        let big: String = "a".repeat(CHUNK_SIZE * 2);
        let empty = RequestCookies::parse(None);
        let lines = set_chunked(&empty, "s", &big, 60, false);
        assert_eq!(lines.len(), 2);
        let header: String = lines
            .iter()
            .map(|l| l.split(';').next().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("; ");
        let req = RequestCookies::parse(Some(&header));
        assert_eq!(req.chunked("s").unwrap(), big);
        // Now the session shrinks to one cookie: both chunks must be cleared.
        let lines = set_chunked(&req, "s", "small", 60, false);
        assert_eq!(lines.iter().filter(|l| l.contains("Max-Age=0")).count(), 2);
        assert!(lines.last().unwrap().starts_with("s=small"));
        // A third chunk is never read: the reader's limit is the writer's.
        let header = format!("{header}; s.2=zzz");
        assert_eq!(
            RequestCookies::parse(Some(&header)).chunked("s").unwrap(),
            big
        );
    }

    #[test]
    fn rule12_a_name_sent_twice_with_different_values_is_not_used() {
        let req = RequestCookies::parse(Some("s=planted; s=mine; t=1; t=1"));
        assert_eq!(req.only("s"), None);
        assert_eq!(req.chunked("s"), None);
        assert_eq!(req.only("t"), Some("1"));
        assert_eq!(req.get_all("s").collect::<Vec<_>>(), ["planted", "mine"]);
    }

    #[test]
    fn parses_odd_headers_without_panicking() {
        for h in [
            "",
            ";;;",
            "=",
            "a",
            "a=1; a=2",
            "x=\"q\"; y",
            "\u{0}=\u{0}",
            "a=b;; c=d ;e=f",
        ] {
            let _ = RequestCookies::parse(Some(h)).chunked("a");
        }
        assert_eq!(RequestCookies::parse(Some("a=1; a=2")).get("a"), Some("1"));
        let h = "x=1; aura-auth.session=A; __Secure-aura-auth.session=B; __Host-aura-auth.csrf=C;  aura-auth.flow = D";
        let ours = RequestCookies::parse_for(Some(h), "aura-auth");
        let all = RequestCookies::parse(Some(h));
        for name in [
            "aura-auth.session",
            "__Secure-aura-auth.session",
            "__Host-aura-auth.csrf",
            "aura-auth.flow",
        ] {
            assert_eq!(ours.get(name), all.get(name), "{name}");
        }
        assert_eq!(ours.get("x"), None);
        assert!(
            RequestCookies::parse(Some(&"x".repeat(MAX_COOKIE_HEADER + 1)))
                .get("x")
                .is_none()
        );
    }
}
