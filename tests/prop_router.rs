//! Property tests: path routing (`aura_auth::http::router::route`).

use aura_auth::http::router::{route, Route};
use proptest::prelude::*;

fn base() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("/api/auth".to_string()),
        "(/[a-z%.]{1,6}){1,3}"
    ]
}

fn path_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_string()),
        Just("signIn".to_string()),
        Just("callback".to_string()),
        Just("session".to_string()),
        Just("signOut".to_string()),
        Just("csrfToken".to_string()),
        Just("providers".to_string()),
        Just("error".to_string()),
        Just("..".to_string()),
        Just("%2f".to_string()),
        Just("%00".to_string()),
        Just("api".to_string()),
        Just("auth".to_string()),
        ".{0,4}",
    ]
}

proptest! {
    #[test]
    fn never_panics_and_only_routes_under_base(b in base(), pieces in prop::collection::vec(path_piece(), 0..12)) {
        let path = format!("{b}{}", pieces.concat());
        if let Some(r) = route(&b, &path) {
            prop_assert!(path.starts_with(&b));
            let rest = &path[b.len()..];
            prop_assert!(rest.starts_with('/'));
            match r {
                Route::SignIn(id) | Route::Callback(id) => {
                    prop_assert!(!id.is_empty());
                    prop_assert!(!id.contains('/'));
                    let suffix = format!("/{}", id);
                    prop_assert!(rest.trim_end_matches('/').ends_with(&suffix));
                }
                other => {
                    let name = rest.trim_matches('/');
                    let expected = match other {
                        Route::Session => "session",
                        Route::CsrfToken => "csrfToken",
                        Route::SignOut => "signOut",
                        Route::Providers => "providers",
                        Route::Error => "error",
                        Route::SignInPage => "signIn",
                        _ => unreachable!(),
                    };
                    prop_assert_eq!(name, expected);
                }
            }
        }
    }

    #[test]
    fn any_string_never_panics(b in ".{0,20}", p in ".{0,200}") {
        let _ = route(&b, &p);
    }

    #[test]
    fn provider_ids_round_trip(id in "[^/]{1,40}", slash in any::<bool>()) {
        let trailing = if slash { "/" } else { "" };
        prop_assert_eq!(route("/api/auth", &format!("/api/auth/signIn/{id}{trailing}")), Some(Route::SignIn(id.clone())));
        prop_assert_eq!(route("/api/auth", &format!("/api/auth/callback/{id}{trailing}")), Some(Route::Callback(id)));
    }

    #[test]
    fn methods_are_fixed(b in base(), p in ".{0,40}") {
        if let Some(r) = route(&b, &p) {
            let m = r.methods();
            prop_assert!(m == ["POST"] || m == ["GET", "HEAD"]);
        }
    }
}
