//! Provider tokens sealed for a database account row (SPEC §11 with `storeTokens`): the same
//! [`TokenSet`] the token cookie holds, sealed with XChaCha20-Poly1305 under a key of its own
//! purpose (`Purpose::AccountTokens`, HKDF info `aura-auth/v1/account-tokens`), with the
//! account row's id as associated data, so a blob copied to another row (another user) does not
//! open, and a row never opens as a cookie or a cookie as a row.
//!
//! Must never: hand a plaintext token to the store, or return tokens whose provider or subject
//! differ from the row they were read from.

use crate::config::Config;
use crate::error::Result;
use crate::oauth::tokens::TokenSet;
use crate::seal::crypto::{associated_data, Purpose};
use crate::store::account_tokens::TokenRow;
use crate::store::Store;

/// The associated data binding a sealed token set to its account row.
fn aad(account_id: &str) -> Vec<u8> {
    associated_data(Purpose::AccountTokens, &format!("account:{account_id}"))
}

/// `set` sealed for the account row `account_id`.
pub fn seal(config: &Config, account_id: &str, set: &TokenSet) -> String {
    let json = serde_json::to_vec(set).unwrap_or_default();
    config
        .keys
        .seal(Purpose::AccountTokens, &aad(account_id), &json)
}

/// The tokens of a row, when they open for this row and name its provider account; `None` for
/// no tokens, a blob sealed for another row, a tampered one, or one of another secret.
pub fn open(config: &Config, provider: &str, row: &TokenRow) -> Option<TokenSet> {
    let sealed = row.sealed.as_deref()?;
    let plain = config
        .keys
        .open(Purpose::AccountTokens, &aad(&row.account_id), sealed)?;
    let set: TokenSet = serde_json::from_slice(&plain).ok()?;
    (set.provider == provider && set.sub == row.provider_account_id).then_some(set)
}

/// Writes `set` into the account row (sealed) and frees its refresh lease.
pub async fn save(
    store: &Store,
    config: &Config,
    account_id: &str,
    set: &TokenSet,
) -> Result<bool> {
    let sealed = seal(config, account_id, set);
    let expires = set.expires_at.map(|e| e.min(i64::MAX as u64) as i64);
    store.save_tokens(account_id, Some(&sealed), expires).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_input;

    fn config() -> Config {
        let input = r#"{"config":{"oauth":[{"id":"github","clientId":"a","clientSecret":"b"}],
            "secret":"8f3a1c9e27b4d05f6a81c3e9b2d74f0a5c6e8b1d3f2a4c6e9b8d7f1a3c5e7b9d",
            "salt":"1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff001"}}"#;
        Config::from_input(parse_input(input).unwrap()).unwrap()
    }

    fn set() -> TokenSet {
        TokenSet {
            provider: "github".into(),
            sub: "42".into(),
            access_token: "gho_access-secret".into(),
            refresh_token: Some("ghr_refresh-secret".into()),
            expires_at: Some(1_900_000_000),
            scope: Some("repo".into()),
            id_token: None,
            token_type: "bearer".into(),
        }
    }

    fn row(id: &str, sub: &str, sealed: &str) -> TokenRow {
        TokenRow {
            account_id: id.into(),
            provider_account_id: sub.into(),
            sealed: Some(sealed.into()),
            expires_at: None,
            lock_until: None,
            updated_at: 0,
        }
    }

    #[test]
    fn sealed_rows_hold_no_plaintext_and_open_only_for_their_row() {
        let c = config();
        let sealed = seal(&c, "acc-1", &set());
        assert!(!sealed.contains("gho_access-secret") && !sealed.contains("ghr_refresh"));
        assert_eq!(
            open(&c, "github", &row("acc-1", "42", &sealed)),
            Some(set())
        );
        // Copied to another row: refused, even when that row names the same subject.
        assert_eq!(open(&c, "github", &row("acc-2", "42", &sealed)), None);
        // Another provider or subject on the row: refused.
        assert_eq!(open(&c, "google", &row("acc-1", "42", &sealed)), None);
        assert_eq!(open(&c, "github", &row("acc-1", "43", &sealed)), None);
    }

    #[test]
    fn a_row_is_not_a_token_cookie_and_a_token_cookie_is_not_a_row() {
        let c = config();
        let name = crate::oauth::tokens::cookie_name(&c, false, "github");
        let cookie = set().seal(&c, &name);
        assert_eq!(open(&c, "github", &row("acc-1", "42", &cookie)), None);
        let sealed = seal(&c, "acc-1", &set());
        assert!(c.keys.open(Purpose::Tokens, name.aad(), &sealed).is_none());
        // Same associated data, other purpose key: still refused.
        assert!(c
            .keys
            .open(Purpose::Tokens, &aad("acc-1"), &sealed)
            .is_none());
    }
}
