//! Property tests: Cookie header parsing (`aura_auth::seal::cookies::RequestCookies`) and chunking.
//! `PROPTEST_CASES=N cargo test --test prop_cookies` raises the case count (default 256).

use aura_auth::seal::cookies::{
    set_chunked, RequestCookies, CHUNK_SIZE, MAX_CHUNKS, MAX_COOKIE_HEADER,
};
use cookie::SameSite;
use proptest::prelude::*;

/// Pieces a hostile Cookie header is made of.
fn hostile_header() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(";".to_string()),
        Just("; ".to_string()),
        Just("=".to_string()),
        Just("\"".to_string()),
        Just(" ".to_string()),
        Just(",".to_string()),
        Just("%".to_string()),
        Just("\0".to_string()),
        Just("aura-auth.session".to_string()),
        Just("aura-auth.session.".to_string()),
        Just("aura-auth.flow".to_string()),
        Just("__Secure-".to_string()),
        "[0-9]{1,4}",
        "[A-Za-z0-9_-]{0,12}",
        "\\PC{0,6}",
        ".{0,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// A token-alphabet string of `len` characters (cheaper than a regex strategy for 20 KB).
fn token_of(len: usize, mut seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    (0..len)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ALPHABET[(seed >> 58) as usize % ALPHABET.len()] as char
        })
        .collect()
}

proptest! {
    #[test]
    fn parse_never_panics_on_any_string(h in ".{0,400}") {
        let c = RequestCookies::parse(Some(&h));
        let _ = c.get("aura-auth.session");
        let _ = c.chunked("aura-auth.session");
        let _ = c.clear_all("aura-auth.session", true, SameSite::Lax);
    }

    #[test]
    fn parse_never_panics_on_hostile_headers(h in hostile_header()) {
        let c = RequestCookies::parse(Some(&h));
        let joined = c.chunked("aura-auth.session");
        // Chunk reads are bounded: never more than MAX_CHUNKS values of this header.
        if let Some(j) = joined {
            prop_assert!(j.len() <= h.len());
        }
        let clears = c.clear_all("aura-auth.session", false, SameSite::Lax);
        prop_assert!(clears.len() <= 33);
        prop_assert!(clears.iter().all(|l| l.contains("Max-Age=0")));
    }

    #[test]
    fn first_value_wins_for_well_formed_pairs(
        pairs in prop::collection::vec(("[A-Za-z0-9._-]{1,16}", "[A-Za-z0-9._~!*-]{0,40}"), 1..30)
    ) {
        let header = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
        let c = RequestCookies::parse(Some(&header));
        for (n, _) in &pairs {
            let first = pairs.iter().find(|(m, _)| m == n).map(|(_, v)| v.as_str());
            prop_assert_eq!(c.get(n), first);
        }
    }

    #[test]
    fn chunked_round_trips_and_stale_chunks_are_cleared(
        len in 1usize..20000,
        seed in any::<u64>(),
        stale in 0usize..15,
    ) {
        let token = token_of(len, seed);
        let name = "aura-auth.session";
        let stale_header = (0..stale).map(|i| format!("{name}.{i}=old")).collect::<Vec<_>>().join("; ");
        let before = RequestCookies::parse(Some(&stale_header));
        let lines = set_chunked(&before, name, &token, 60, true);
        let sets: Vec<&String> = lines.iter().filter(|l| !l.contains("Max-Age=0")).collect();
        let header = sets.iter().map(|l| l.split(';').next().unwrap()).collect::<Vec<_>>().join("; ");
        let after = RequestCookies::parse(Some(&header));
        if token.len() <= CHUNK_SIZE * MAX_CHUNKS {
            let joined = after.chunked(name);
            prop_assert_eq!(joined.as_deref(), Some(token.as_str()));
        }
        // Every line fits a browser's 4096-byte cookie budget.
        prop_assert!(lines.iter().all(|l| l.len() < 4096));
        // Every stale chunk the new value does not overwrite is cleared.
        let written = sets.len();
        for i in 0..stale {
            let cleared = lines.iter().any(|l| l.starts_with(&format!("{name}.{i}=;")));
            let rewritten = token.len() > CHUNK_SIZE && i < written;
            prop_assert!(cleared || rewritten, "stale chunk {} neither cleared nor rewritten", i);
        }
    }

    #[test]
    fn oversized_headers_are_ignored(extra in 1usize..4096) {
        let h = format!("aura-auth.session={}", "a".repeat(MAX_COOKIE_HEADER + extra));
        prop_assert!(RequestCookies::parse(Some(&h)).get("aura-auth.session").is_none());
    }
}
