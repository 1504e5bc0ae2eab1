//! A provider object's token options (`storeTokens`, `revokeTokens`, `federatedSignOut`,
//! `revocationURL`, `endSessionURL`, SPEC §9): taken off the object before it is resolved, and checked.

use serde_json::Value;
use url::Url;

use crate::error::{AuthError, Result};
use crate::http::url_policy::provider_endpoint;
use crate::oauth::endpoints::Endpoints;
use crate::oauth::providers::ProviderSpec;

/// A provider object's token options (taken off the object before it is resolved).
#[derive(Debug, Clone, Default)]
pub struct TokenOptions {
    pub store: bool,
    pub revoke: bool,
    /// `federatedSignOut`: `signOut({ federated: true })` ends the provider's session too.
    pub federated: bool,
    pub revocation_url: Option<Url>,
    pub end_session_url: Option<Url>,
}

impl TokenOptions {
    /// Removes `storeTokens`, `revokeTokens`, `revocationURL` and `endSessionURL` from a provider
    /// object (they are not part of the provider's description) and checks them.
    pub fn take(entry: &mut Value) -> Result<TokenOptions> {
        let Some(object) = entry.as_object_mut() else {
            return Ok(TokenOptions::default());
        };
        let id = object
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let flag = |v: Option<Value>, name: &str| -> Result<bool> {
            match v {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(b),
                Some(_) => Err(AuthError::new(
                    "INVALID_PROVIDER",
                    format!("Provider `{id}`: {name} must be true or false."),
                )),
            }
        };
        let url = |v: Option<Value>, name: &str| -> Result<Option<Url>> {
            match v {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => provider_endpoint(&s, &id, name).map(Some),
                Some(_) => Err(AuthError::new(
                    "INVALID_PROVIDER",
                    format!("Provider `{id}`: {name} must be a URL string."),
                )),
            }
        };
        let options = TokenOptions {
            store: flag(object.remove("storeTokens"), "storeTokens")?,
            revoke: flag(object.remove("revokeTokens"), "revokeTokens")?,
            federated: flag(object.remove("federatedSignOut"), "federatedSignOut")?,
            revocation_url: url(object.remove("revocationURL"), "revocationURL")?,
            end_session_url: url(object.remove("endSessionURL"), "endSessionURL")?,
        };
        if options.revoke && !options.store {
            return Err(AuthError::new(
                "INVALID_PROVIDER",
                format!("Provider `{id}`: revokeTokens needs storeTokens: true (only stored tokens can be revoked at sign-out)."),
            ));
        }
        Ok(options)
    }

    /// Puts the built-in's endpoints under the explicit ones, and refuses `revokeTokens` or
    /// `federatedSignOut` where they cannot work (review finding 3): the provider has no such
    /// endpoint in its description or config, and its endpoints do not come from an issuer's
    /// discovery document (which is read lazily and may name them).
    pub fn complete(&mut self, spec: &ProviderSpec) -> Result<()> {
        if self.revocation_url.is_none() {
            self.revocation_url = spec.revocation_url.clone();
        }
        if self.end_session_url.is_none() {
            self.end_session_url = spec.end_session_url.clone();
        }
        let discovered = Endpoints::from_spec(spec).is_none();
        let id = &spec.id;
        if self.revoke && self.revocation_url.is_none() && !discovered {
            return Err(AuthError::new(
                "REVOCATION_UNSUPPORTED",
                format!("Provider `{id}`: revokeTokens needs a token revocation endpoint (RFC 7009), and this provider has none in its description. Set `revocationURL` if it has one, or remove revokeTokens."),
            ));
        }
        if self.federated && self.end_session_url.is_none() && !discovered {
            return Err(AuthError::new(
                "FEDERATED_SIGNOUT_UNSUPPORTED",
                format!("Provider `{id}`: federatedSignOut needs an end-session endpoint (OpenID Connect RP-Initiated Logout), and this provider has none in its description. Set `endSessionURL` if it has one, or remove federatedSignOut."),
            ));
        }
        Ok(())
    }
}
