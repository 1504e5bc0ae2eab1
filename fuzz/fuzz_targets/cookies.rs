//! Cookie header parsing: `RequestCookies` never panics; chunk reads and clears stay bounded.
#![no_main]

use aura_auth::seal::cookies::RequestCookies;
use cookie::SameSite;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    let c = RequestCookies::parse(Some(header));
    let _ = c.get("aura-auth.session");
    if let Some(j) = c.chunked("aura-auth.session") {
        assert!(j.len() <= header.len());
    }
    let clears = c.clear_all("aura-auth.session", true, SameSite::Lax);
    assert!(clears.len() <= 33);
});
