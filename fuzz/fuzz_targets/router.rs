//! Path routing: never panics; ids are non-empty and slash-free; only paths under the base route.
#![no_main]

use aura_auth::http::router::{route, Route};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else {
        return;
    };
    for base in ["/api/auth", ""] {
        if let Some(r) = route(base, path) {
            assert!(path.starts_with(base));
            if let Route::SignIn(id) | Route::Callback(id) = r {
                assert!(!id.is_empty() && !id.contains('/'));
            }
        }
    }
});
