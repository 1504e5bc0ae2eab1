//! Property tests: redirect validation (`aura_auth::http::redirect::safe_redirect`).
//! Property: the result is "/", or a path starting with one "/" not followed by "/" or "\"
//! (at every percent-decoding layer) that stays on the app's origin, or an absolute URL on the
//! app's or a trusted origin. Never panics.

use aura_auth::http::redirect::safe_redirect;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use url::Url;

fn app() -> Url {
    Url::parse("https://app.example.com").unwrap()
}

fn trusted() -> Vec<url::Origin> {
    vec![Url::parse("https://docs.example.com").unwrap().origin()]
}

/// Fragments open-redirect payloads are built from.
fn hostile_target() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/"),
        Just("//"),
        Just("\\"),
        Just("/\\"),
        Just("\\/"),
        Just("%2f"),
        Just("%2F"),
        Just("%5c"),
        Just("%5C"),
        Just("%252f"),
        Just("%25"),
        Just("http:"),
        Just("https:"),
        Just("HTTPS:"),
        Just("javascript:"),
        Just("data:"),
        Just("app.example.com"),
        Just("docs.example.com"),
        Just("evil.com"),
        Just(".evil.com"),
        Just("@"),
        Just("."),
        Just(".."),
        Just(":"),
        Just(":443"),
        Just(":8443"),
        Just("#"),
        Just("?"),
        Just("\t"),
        Just("\n"),
        Just("\r"),
        Just("\0"),
        Just("%00"),
        Just("%09"),
        Just("%0a"),
        Just(" "),
        Just("\u{3000}"),
        Just("\u{202e}"),
        Just("\u{ff0f}"),
        Just("\u{2215}"),
        Just("%E3%80%82"),
        Just("。"),
        Just("[::1]"),
        Just("127.0.0.1"),
        Just("localhost"),
        Just("0x7f.1"),
        // Dot segments (plain and encoded): normalisation removes them. See
        // `dot_segments_cannot_uncover_an_encoded_slash` below.
        Just(if DOT_SEGMENTS { "%2E" } else { "." }),
        Just(if DOT_SEGMENTS { "%2e/" } else { "." }),
        Just(if DOT_SEGMENTS { "./" } else { "." }),
        Just(if DOT_SEGMENTS { "%2e%2e/" } else { ".." }),
    ];
    prop::collection::vec(piece, 1..10).prop_map(|v| v.concat())
}

/// DEFECT (reported; src/redirect.rs): the layered checks run on the input only, and URL
/// normalisation of dot segments can uncover an encoded slash in the output. Until the fix
/// lands, the dot-segment pieces stay out of the random strategies (they would make
/// `cargo test` fail at random) and the deterministic regression below is `#[ignore]`d.
/// Set to `true` and remove the `#[ignore]` once fixed.
const DOT_SEGMENTS: bool = true;

fn check(target: &str) -> Result<(), TestCaseError> {
    let app = app();
    let trusted = trusted();
    let out = safe_redirect(target, &app, &trusted);
    if out == "/" {
        return Ok(());
    }
    if out.starts_with('/') {
        // Relative targets come back as the app-relative, percent-encoded serialization of
        // the target resolved against the app (ASCII-only: always a valid Location header).
        let joined = app.join(target).expect("accepted targets resolve");
        prop_assert_eq!(joined.origin(), app.origin());
        prop_assert_eq!(&out, &joined[url::Position::BeforePath..]);
        prop_assert!(out.is_ascii(), "non-ASCII in {:?}", out);
        let mut layer = out.clone();
        for _ in 0..4 {
            let mut chars = layer.chars();
            prop_assert_eq!(chars.next(), Some('/'));
            prop_assert!(
                !matches!(chars.next(), Some('/') | Some('\\')),
                "{:?} escapes at layer {:?}",
                out,
                layer
            );
            prop_assert!(
                !layer.chars().any(char::is_control),
                "control character in {:?}",
                layer
            );
            let next = percent_decode_str(&layer).decode_utf8_lossy().into_owned();
            if next == layer {
                break;
            }
            layer = next;
        }
        let resolved = app.join(&out).unwrap();
        prop_assert_eq!(
            resolved.origin(),
            app.origin(),
            "{:?} resolves off-origin",
            out
        );
        return Ok(());
    }
    let url =
        Url::parse(&out).map_err(|e| TestCaseError::fail(format!("{out:?} is not a URL: {e}")))?;
    prop_assert!(
        url.origin() == app.origin() || trusted.contains(&url.origin()),
        "{:?} is another origin",
        out
    );
    Ok(())
}

proptest! {
    #[test]
    fn any_string_is_safe(t in ".{0,300}") {
        check(&t)?;
    }

    #[test]
    fn hostile_compositions_are_safe(t in hostile_target()) {
        check(&t)?;
    }

    #[test]
    fn prefixed_hostile_compositions_are_safe(
        prefix in prop_oneof![Just("/"), Just("https://app.example.com"), Just("https://docs.example.com"), Just("")],
        t in hostile_target(),
    ) {
        check(&format!("{prefix}{t}"))?;
    }

    #[test]
    fn plain_paths_are_kept(p in "(/[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,11}){1,6}(\\?[a-z]{1,5}=[a-z0-9]{0,5})?") {
        prop_assume!(!p.starts_with("//"));
        // (Segments starting with "." are dot-segments and are normalised away, so they are excluded.)
        prop_assert_eq!(safe_redirect(&p, &app(), &trusted()), p);
    }
}

/// Found by the `redirect` libFuzzer target: URL normalisation removes a dot segment and uncovers
/// an encoded slash, e.g. "/%2E/%2fevil.com" → "/%2fevil.com", which decodes to "//evil.com".
/// The layered checks must hold for the normalised result, not only for the input.
#[test]
fn dot_segments_cannot_uncover_an_encoded_slash() {
    for t in [
        "/%2E/%2fevil.com",
        "/./%2fevil.com",
        "/a/../%2fevil.com",
        "/%2e%2e/%2fevil.com",
        "/./%5cevil.com",
        "/%2E/%2file://0X31888EB88/.",
        "/.%2e/%2f%2fevil.com",
    ] {
        let out = safe_redirect(t, &app(), &trusted());
        if let Err(e) = check(t) {
            panic!("{t:?} -> {out:?}: {e}");
        }
    }
}
