//! Redirect validation: the result is "/", a single-slash path that stays on the app's origin at
//! every percent-decoding layer, or an absolute URL on the app's or a trusted origin.
#![no_main]

use std::sync::OnceLock;

use aura_auth::http::redirect::safe_redirect;
use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;
use url::Url;

fn env() -> &'static (Url, Vec<url::Origin>) {
    static E: OnceLock<(Url, Vec<url::Origin>)> = OnceLock::new();
    E.get_or_init(|| {
        (
            Url::parse("https://app.example.com").unwrap(),
            vec![Url::parse("https://docs.example.com").unwrap().origin()],
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(target) = std::str::from_utf8(data) else {
        return;
    };
    let (app, trusted) = env();
    let out = safe_redirect(target, app, trusted);
    if out == "/" {
        return;
    }
    if out.starts_with('/') {
        let mut layer = out.clone();
        for _ in 0..4 {
            let b = layer.as_bytes();
            assert!(
                b[0] == b'/' && !matches!(b.get(1), Some(b'/') | Some(b'\\')),
                "{out:?}"
            );
            assert!(!layer.chars().any(char::is_control), "{out:?}");
            let next = percent_decode_str(&layer).decode_utf8_lossy().into_owned();
            if next == layer {
                break;
            }
            layer = next;
        }
        assert_eq!(app.join(&out).unwrap().origin(), app.origin(), "{out:?}");
    } else {
        let u = Url::parse(&out).expect("absolute result parses");
        assert!(
            u.origin() == app.origin() || trusted.contains(&u.origin()),
            "{out:?}"
        );
    }
});
