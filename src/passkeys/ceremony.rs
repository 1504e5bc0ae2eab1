//! The two WebAuthn ceremonies (SPEC §14) over the `webauthn_rp` crate: options out, responses
//! verified. Everything cryptographic (CBOR, COSE keys, signatures over authData‖hash(clientData),
//! RP ID hash, origin, challenge, UP/UV and BE/BS flags, signature counter, attestation `none`)
//! is the crate's; this module only chooses the settings and moves bytes in and out of storage
//! form. It never touches a store, a cookie or the clock beyond what the crate reads.

use serde_json::Value;
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::{AuthenticationVerificationOptions, SignatureCounterEnforcement};
use webauthn_rp::request::register::{
    CredProtect, Nickname, PublicKeyCredentialUserEntity, RegistrationVerificationOptions,
    UserHandle64, Username, USER_HANDLE_MAX_LEN,
};
use webauthn_rp::request::{
    BackupReq, PublicKeyCredentialDescriptor, TimedCeremony, UserVerificationRequirement,
};
use webauthn_rp::response::register::{CompressedPubKey, DynamicState, StaticState};
use webauthn_rp::response::{AuthTransports, Backup, CredentialId, SentChallenge};
use webauthn_rp::{
    AuthenticatedCredential, DiscoverableAuthentication64, DiscoverableAuthenticationServerState,
    DiscoverableCredentialRequestOptions, PublicKeyCredentialCreationOptions, Registration,
    RegistrationServerState,
};

use super::config::PasskeyConfig;
use crate::error::{AuthError, Result};

/// How long a ceremony's challenge lives (SPEC §14: 5 minutes; the crate's default timeout).
pub const CHALLENGE_TTL_SECS: u64 = 300;

/// A started ceremony: the options for `navigator.credentials`, and what the server keeps
/// (single use) under `key` until the browser answers.
pub struct Started {
    pub key: String,
    pub state: Vec<u8>,
    pub options: Value,
}

/// A credential as stored: bytes in the crate's own encodings plus readable columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    /// The credential id, base64url (also the account's `providerAccountId`).
    pub id: String,
    /// The WebAuthn user handle (64 random bytes per user), base64url.
    pub user_handle: String,
    /// The public key and its authenticator extensions (`StaticState`, the crate's encoding).
    pub public_key: Vec<u8>,
    /// UV, backup flags, counter, attachment (`DynamicState`, the crate's encoding).
    pub dynamic_state: Vec<u8>,
    pub counter: u32,
    pub backup_eligible: bool,
    pub backed_up: bool,
    /// Transport names (`internal`, `usb`, `hybrid`, …) as JSON text.
    pub transports: String,
}

/// Why a ceremony was refused: `code` is the client-facing error code, `detail` what the crate
/// said (for the log only; never echoed).
#[derive(Debug)]
pub struct Refusal {
    pub code: &'static str,
    pub detail: String,
}

fn refuse(code: &'static str, detail: impl std::fmt::Display) -> Refusal {
    Refusal {
        code,
        detail: detail.to_string(),
    }
}

fn key_of(challenge: SentChallenge) -> String {
    hex::encode(challenge.0.to_le_bytes())
}

fn uv(cfg: &PasskeyConfig) -> UserVerificationRequirement {
    if cfg.require_uv {
        UserVerificationRequirement::Required
    } else {
        UserVerificationRequirement::Preferred
    }
}

fn internal(what: impl std::fmt::Display) -> AuthError {
    AuthError::new(
        "PASSKEY_ERROR",
        format!("The passkey ceremony failed: {what}"),
    )
}

/// A fresh random user handle, base64url (one per user, reused for their later passkeys).
pub fn new_user_handle() -> String {
    crate::seal::b64::encode(UserHandle64::new().as_ref())
}

fn user_handle(text: &str) -> Option<UserHandle64> {
    let bytes: [u8; USER_HANDLE_MAX_LEN] = crate::seal::b64::decode(text)?.try_into().ok()?;
    UserHandle64::decode(bytes).ok()
}

/// Registration options for a signed-in user. `existing` are the user's credentials (excluded, so
/// an authenticator never makes a second passkey for the same account).
pub fn start_registration(
    cfg: &PasskeyConfig,
    handle: &str,
    user_name: &str,
    display_name: &str,
    existing: &[StoredCredential],
) -> Result<Started> {
    let handle = user_handle(handle).ok_or_else(|| internal("bad user handle"))?;
    // Usernames and nicknames follow the PRECIS profiles; anything that does not fit falls back
    // to a neutral name (they are labels on the authenticator, not identity).
    let name = Username::try_from(user_name)
        .or_else(|_| Username::try_from("user"))
        .map_err(internal)?;
    let display = Nickname::try_from(display_name).ok();
    let exclude = existing
        .iter()
        .filter_map(|c| {
            let id = CredentialId::decode(crate::seal::b64::decode(&c.id)?).ok()?;
            let transports = serde_json::from_str::<AuthTransports>(&c.transports)
                .ok()
                .or_else(|| AuthTransports::decode(0).ok())?;
            Some(PublicKeyCredentialDescriptor { id, transports })
        })
        .collect();
    let mut options = PublicKeyCredentialCreationOptions::passkey(
        &cfg.rp_id,
        PublicKeyCredentialUserEntity {
            name,
            id: &handle,
            display_name: display,
        },
        exclude,
    );
    options.authenticator_selection.user_verification = uv(cfg);
    // No credProtect request: with `enforceCredentialProtectionPolicy` browsers refuse
    // authenticators without the extension (Chromium's virtual one, many platform ones), and
    // user verification is enforced on the server at every sign-in anyway.
    options.extensions.cred_protect = CredProtect::None;
    let (server, client) = options.start_ceremony().map_err(internal)?;
    let mut json = serde_json::to_value(&client).map_err(internal)?;
    json["rp"]["name"] = Value::String(cfg.rp_name.clone());
    Ok(Started {
        key: key_of(server.sent_challenge()),
        state: server.encode().map_err(internal)?,
        options: json,
    })
}

/// The challenge key a registration response answers (to take its state from the store).
pub fn registration_key(response: &str) -> std::result::Result<String, Refusal> {
    let reg = Registration::from_json_relaxed(response.as_bytes())
        .map_err(|e| refuse("PASSKEY_INVALID", e))?;
    reg.challenge_relaxed()
        .map(key_of)
        .map_err(|e| refuse("PASSKEY_INVALID", e))
}

/// Verifies a registration response against the state kept for its challenge.
pub fn finish_registration(
    cfg: &PasskeyConfig,
    state: &[u8],
    response: &str,
) -> std::result::Result<StoredCredential, Refusal> {
    let reg = Registration::from_json_relaxed(response.as_bytes())
        .map_err(|e| refuse("PASSKEY_INVALID", e))?;
    let server = RegistrationServerState::<USER_HANDLE_MAX_LEN>::decode(state)
        .map_err(|e| refuse("PASSKEY_CHALLENGE_INVALID", e))?;
    let options = RegistrationVerificationOptions::<String, String> {
        allowed_origins: &cfg.origins,
        backup_requirement: BackupReq::None,
        ..Default::default()
    };
    let cred = server.verify(&cfg.rp_id, &reg, &options).map_err(|e| {
        use webauthn_rp::response::register::error::RegCeremonyErr as E;
        let code = match e {
            E::UserNotVerified => "PASSKEY_USER_NOT_VERIFIED",
            E::OriginMismatch | E::CrossOrigin | E::TopOriginMismatch => "PASSKEY_ORIGIN_MISMATCH",
            E::Timeout => "PASSKEY_CHALLENGE_EXPIRED",
            _ => "PASSKEY_VERIFICATION_FAILED",
        };
        refuse(code, e)
    })?;
    let dynamic = cred.dynamic_state();
    if cfg.require_uv && !dynamic.user_verified {
        return Err(refuse(
            "PASSKEY_USER_NOT_VERIFIED",
            "the UV flag is not set",
        ));
    }
    Ok(StoredCredential {
        id: crate::seal::b64::encode(cred.id().as_ref()),
        user_handle: crate::seal::b64::encode(cred.user_id().as_ref()),
        public_key: cred
            .static_state()
            .encode()
            .map_err(|e| refuse("PASSKEY_INVALID", e))?,
        dynamic_state: encode_dynamic(dynamic),
        counter: dynamic.sign_count,
        backup_eligible: !matches!(dynamic.backup, Backup::NotEligible),
        backed_up: matches!(dynamic.backup, Backup::Exists),
        transports: serde_json::to_string(&cred.transports()).unwrap_or_else(|_| "[]".into()),
    })
}

fn encode_dynamic(d: DynamicState) -> Vec<u8> {
    match d.encode() {
        Ok(bytes) => bytes.to_vec(),
        Err(never) => match never {},
    }
}

/// Sign-in options: a discoverable credential (no `allowCredentials`), the configured UV.
pub fn start_sign_in(cfg: &PasskeyConfig) -> Result<Started> {
    let mut options = DiscoverableCredentialRequestOptions::passkey(&cfg.rp_id);
    options.0.user_verification = uv(cfg);
    let (server, client) = options.start_ceremony().map_err(internal)?;
    Ok(Started {
        key: key_of(server.sent_challenge()),
        state: server.encode().map_err(internal)?,
        options: serde_json::to_value(&client).map_err(internal)?,
    })
}

/// An assertion, parsed: its challenge key, the credential id and the user handle it names.
pub struct Assertion {
    response: DiscoverableAuthentication64,
    pub key: String,
    pub credential_id: String,
    pub user_handle: String,
}

pub fn parse_assertion(response: &str) -> std::result::Result<Assertion, Refusal> {
    let response = DiscoverableAuthentication64::from_json_relaxed(response.as_bytes())
        .map_err(|e| refuse("PASSKEY_INVALID", e))?;
    let key = response
        .challenge_relaxed()
        .map(key_of)
        .map_err(|e| refuse("PASSKEY_INVALID", e))?;
    Ok(Assertion {
        credential_id: crate::seal::b64::encode(response.raw_id().as_ref()),
        user_handle: crate::seal::b64::encode(response.response().user_handle().as_ref()),
        key,
        response,
    })
}

/// Verifies an assertion for the stored credential it names; returns the credential's new
/// dynamic columns. A counter that does not move forward (unless both are 0) is refused.
pub fn finish_sign_in(
    cfg: &PasskeyConfig,
    state: &[u8],
    assertion: &Assertion,
    stored: &StoredCredential,
) -> std::result::Result<StoredCredential, Refusal> {
    let server = DiscoverableAuthenticationServerState::decode(state)
        .map_err(|e| refuse("PASSKEY_CHALLENGE_INVALID", e))?;
    let handle = user_handle(&stored.user_handle)
        .ok_or_else(|| refuse("PASSKEY_UNKNOWN", "stored user handle unreadable"))?;
    let id_bytes = crate::seal::b64::decode(&stored.id)
        .ok_or_else(|| refuse("PASSKEY_UNKNOWN", "stored id unreadable"))?;
    let id = CredentialId::<&[u8]>::decode(id_bytes.as_slice())
        .map_err(|e| refuse("PASSKEY_UNKNOWN", e))?;
    type Key = CompressedPubKey<[u8; 32], [u8; 32], [u8; 48], Vec<u8>>;
    let static_state = StaticState::<Key>::decode(stored.public_key.as_slice())
        .map_err(|e| refuse("PASSKEY_UNKNOWN", e))?;
    let bytes: [u8; 7] = stored
        .dynamic_state
        .as_slice()
        .try_into()
        .map_err(|_| refuse("PASSKEY_UNKNOWN", "stored dynamic state unreadable"))?;
    let dynamic = DynamicState::decode(bytes).map_err(|e| refuse("PASSKEY_UNKNOWN", e))?;
    let mut cred = AuthenticatedCredential::new(id, &handle, static_state, dynamic)
        .map_err(|e| refuse("PASSKEY_UNKNOWN", e))?;
    let options = AuthenticationVerificationOptions::<String, String> {
        allowed_origins: &cfg.origins,
        // `None`: BE may never change after registration; BS may (a passkey gets synced).
        backup_requirement: None,
        update_uv: true,
        sig_counter_enforcement: SignatureCounterEnforcement::Fail,
        ..Default::default()
    };
    server
        .verify(&cfg.rp_id, &assertion.response, &mut cred, &options)
        .map_err(|e| {
            use webauthn_rp::response::auth::error::AuthCeremonyErr as E;
            let code = match e {
                E::SignatureCounter => "PASSKEY_COUNTER_REGRESSED",
                E::UserNotVerified => "PASSKEY_USER_NOT_VERIFIED",
                E::OriginMismatch | E::CrossOrigin | E::TopOriginMismatch => {
                    "PASSKEY_ORIGIN_MISMATCH"
                }
                E::Timeout => "PASSKEY_CHALLENGE_EXPIRED",
                _ => "PASSKEY_VERIFICATION_FAILED",
            };
            refuse(code, e)
        })?;
    let d = cred.dynamic_state();
    Ok(StoredCredential {
        dynamic_state: encode_dynamic(d),
        counter: d.sign_count,
        backup_eligible: !matches!(d.backup, Backup::NotEligible),
        backed_up: matches!(d.backup, Backup::Exists),
        ..stored.clone()
    })
}
