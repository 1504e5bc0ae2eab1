//! What a sign-in learned from the provider besides the user: the `account` the app's hooks
//! receive (SPEC §8), and what `storeTokens` keeps (SPEC §9).

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub provider: String,
    /// `"oidc"` or `"oauth"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub provider_account_id: String,
    pub issuer: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Unix seconds.
    pub expires_at: Option<u64>,
    pub scope: Option<String>,
    pub id_token: Option<String>,
    pub token_type: String,
}

impl Account {
    pub fn is_oidc(&self) -> bool {
        self.kind == "oidc"
    }
}
