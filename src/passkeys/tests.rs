//! The ceremonies against a software authenticator (1Password's `passkey-client` +
//! `passkey-authenticator`, dev-only): each SPEC §14 rule as a named test.

use passkey_authenticator::{
    Authenticator, CredentialStore, DiscoverabilitySupport, StoreInfo, UiHint, UserCheck,
    UserValidationMethod,
};
use passkey_client::{Client, DefaultClientData};
use passkey_crypto::AvailableBackend;
use passkey_types::ctap2::make_credential::{
    Options, PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey_types::ctap2::{Ctap2Error, StatusCode};
use passkey_types::{ctap2, webauthn, Passkey};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use url::Url;

use super::ceremony::{self, StoredCredential};
use super::config::{validate, PasskeyConfig, PasskeysInput};

/// The authenticator's resident keys, found by RP ID when the RP names none (discoverable).
#[derive(Default)]
struct Wallet(Vec<Passkey>);

#[async_trait::async_trait]
impl CredentialStore for Wallet {
    type PasskeyItem = Passkey;
    async fn find_credentials(
        &self,
        ids: Option<&[webauthn::PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        _user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, StatusCode> {
        let found: Vec<Passkey> = self
            .0
            .iter()
            .filter(|p| p.rp_id == rp_id)
            .filter(|p| {
                ids.is_none_or(|ids| ids.is_empty() || ids.iter().any(|d| d.id == p.credential_id))
            })
            .cloned()
            .collect();
        if found.is_empty() {
            Err(Ctap2Error::NoCredentials.into())
        } else {
            Ok(found)
        }
    }
    async fn save_credential(
        &mut self,
        cred: Passkey,
        _user: PublicKeyCredentialUserEntity,
        _rp: PublicKeyCredentialRpEntity,
        _options: Options,
    ) -> Result<(), StatusCode> {
        // One account per RP on this device: a new passkey replaces the old one.
        self.0.retain(|p| p.rp_id != cred.rp_id);
        self.0.push(cred);
        Ok(())
    }
    async fn update_credential(&mut self, cred: &Passkey) -> Result<(), StatusCode> {
        for p in &mut self.0 {
            if p.credential_id == cred.credential_id {
                *p = cred.clone();
            }
        }
        Ok(())
    }
    async fn get_info(&self) -> StoreInfo {
        StoreInfo {
            discoverability: DiscoverabilitySupport::ForcedDiscoverable,
        }
    }
}

/// A user who is present and, while `verified` holds, verified (PIN/biometrics) when asked.
struct Person {
    verified: Arc<AtomicBool>,
}

#[async_trait::async_trait]
impl UserValidationMethod for Person {
    type PasskeyItem = Passkey;
    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence,
            verification: verification && self.verified.load(Ordering::SeqCst),
        })
    }
    fn is_presence_enabled(&self) -> bool {
        true
    }
    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

type Device = Client<Wallet, Person, AvailableBackend, public_suffix::PublicSuffixList, ()>;

fn device_with(verified: Arc<AtomicBool>, counter: bool) -> Device {
    let mut auth = Authenticator::new(
        ctap2::Aaguid::new_empty(),
        Wallet::default(),
        Person { verified },
        AvailableBackend,
    );
    auth.set_make_credentials_with_signature_counter(counter);
    Client::new(auth)
}

fn device(verified: bool, counter: bool) -> Device {
    device_with(Arc::new(AtomicBool::new(verified)), counter)
}

fn cfg(require_uv: bool) -> PasskeyConfig {
    let base = Url::parse("https://example.com").unwrap();
    validate(
        PasskeysInput {
            rp_name: Some("Example".into()),
            user_verification: Some(if require_uv { "required" } else { "preferred" }.into()),
            ..Default::default()
        },
        Some(&base),
    )
    .unwrap()
}

const ORIGIN: &str = "https://example.com";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// Registers a passkey on `dev` at `origin`; the verified, storable credential.
fn register(
    dev: &mut Device,
    c: &PasskeyConfig,
    origin: &str,
) -> Result<StoredCredential, ceremony::Refusal> {
    register_as(dev, c, origin, false)
}

/// `skip_uv`: a client that ignores the RP's requirement and asks for no user verification.
fn register_as(
    dev: &mut Device,
    c: &PasskeyConfig,
    origin: &str,
    skip_uv: bool,
) -> Result<StoredCredential, ceremony::Refusal> {
    let handle = ceremony::new_user_handle();
    let mut started =
        ceremony::start_registration(c, &handle, "ada@example.com", "Ada", &[]).unwrap();
    assert_eq!(started.options["rp"]["name"], c.rp_name.as_str());
    assert_eq!(started.options["attestation"], "none");
    if skip_uv {
        started.options["authenticatorSelection"]["userVerification"] = "discouraged".into();
    }
    let options: webauthn::CredentialCreationOptions =
        serde_json::from_value(serde_json::json!({ "publicKey": started.options })).unwrap();
    let created = rt()
        .block_on(dev.register(&Url::parse(origin).unwrap(), options, DefaultClientData))
        .expect("the authenticator makes a credential");
    let response = serde_json::to_string(&created).unwrap();
    assert_eq!(ceremony::registration_key(&response).unwrap(), started.key);
    ceremony::finish_registration(c, &started.state, &response)
}

/// Signs in with `dev` at `origin`: the assertion JSON and the state kept for its challenge.
fn assert_with(dev: &mut Device, c: &PasskeyConfig, origin: &str) -> (String, Vec<u8>) {
    assert_as(dev, c, origin, false)
}

fn assert_as(
    dev: &mut Device,
    c: &PasskeyConfig,
    origin: &str,
    skip_uv: bool,
) -> (String, Vec<u8>) {
    let mut started = ceremony::start_sign_in(c).unwrap();
    if skip_uv {
        started.options["userVerification"] = "discouraged".into();
    }
    assert!(started
        .options
        .get("allowCredentials")
        .is_none_or(|a| a.as_array().is_some_and(Vec::is_empty)));
    let options: webauthn::CredentialRequestOptions =
        serde_json::from_value(serde_json::json!({ "publicKey": started.options })).unwrap();
    let got = rt()
        .block_on(dev.authenticate(&Url::parse(origin).unwrap(), options, DefaultClientData))
        .expect("the authenticator signs");
    (serde_json::to_string(&got).unwrap(), started.state)
}

fn sign_in(
    c: &PasskeyConfig,
    response: &str,
    state: &[u8],
    stored: &StoredCredential,
) -> Result<StoredCredential, ceremony::Refusal> {
    let a = ceremony::parse_assertion(response)?;
    assert_eq!(a.credential_id, stored.id);
    assert_eq!(a.user_handle, stored.user_handle);
    ceremony::finish_sign_in(c, state, &a, stored)
}

#[test]
fn passkey_registers_and_signs_in_with_a_discoverable_credential() {
    let c = cfg(true);
    let mut dev = device(true, true);
    let stored = register(&mut dev, &c, ORIGIN).unwrap();
    assert!(!stored.public_key.is_empty());
    let (response, state) = assert_with(&mut dev, &c, ORIGIN);
    let after = sign_in(&c, &response, &state, &stored).unwrap();
    assert!(after.counter > stored.counter, "the counter moved forward");
}

#[test]
fn passkey_rule_origin_is_checked() {
    let c = cfg(true);
    let mut dev = device(true, true);
    let refused = register(&mut dev, &c, "https://evil.example.com").unwrap_err();
    assert_eq!(refused.code, "PASSKEY_ORIGIN_MISMATCH");

    let stored = register(&mut dev, &c, ORIGIN).unwrap();
    let (response, state) = assert_with(&mut dev, &c, "https://evil.example.com");
    assert_eq!(
        sign_in(&c, &response, &state, &stored).unwrap_err().code,
        "PASSKEY_ORIGIN_MISMATCH"
    );
}

#[test]
fn passkey_rule_rp_id_hash_is_checked() {
    // An assertion for another RP ID (a sibling site), even from an accepted origin, fails on
    // the RP ID hash in the authenticator data.
    let other = validate(
        PasskeysInput {
            rp_name: Some("Other".into()),
            ..Default::default()
        },
        Some(&Url::parse("https://other.example.org").unwrap()),
    )
    .unwrap();
    let mut lax = cfg(true);
    lax.origins.push("https://other.example.org".into());
    let mut dev = device(true, true);
    let stored = register(&mut dev, &other, "https://other.example.org").unwrap();
    let (response, state) = assert_with(&mut dev, &other, "https://other.example.org");
    assert!(sign_in(&other, &response, &state, &stored).is_ok());
    let (response, state) = assert_with(&mut dev, &other, "https://other.example.org");
    let refused = sign_in(&lax, &response, &state, &stored).unwrap_err();
    assert_eq!(refused.code, "PASSKEY_VERIFICATION_FAILED");
    assert!(
        refused.detail.to_lowercase().contains("rp"),
        "{}",
        refused.detail
    );
}

#[test]
fn passkey_rule_user_verification_required_by_default() {
    // A client that ignores `userVerification: "required"`: the authenticator signs with UV=0,
    // and the server refuses, at registration and at sign-in.
    let c = cfg(true);
    let mut dev = device(true, true);
    let refused = register_as(&mut dev, &c, ORIGIN, true).unwrap_err();
    assert_eq!(refused.code, "PASSKEY_USER_NOT_VERIFIED");

    let stored = register(&mut dev, &c, ORIGIN).unwrap();
    let (response, state) = assert_as(&mut dev, &c, ORIGIN, true);
    assert_eq!(
        sign_in(&c, &response, &state, &stored).unwrap_err().code,
        "PASSKEY_USER_NOT_VERIFIED"
    );
}

#[test]
fn passkey_user_verification_preferred_relaxes() {
    // A device without PIN or biometrics (simulated by a client asking for no UV).
    let c = cfg(false);
    let mut dev = device(false, true);
    let stored = register_as(&mut dev, &c, ORIGIN, true).unwrap();
    let (response, state) = assert_as(&mut dev, &c, ORIGIN, true);
    assert!(sign_in(&c, &response, &state, &stored).is_ok());
}

#[test]
fn passkey_rule_counter_going_backwards_is_refused() {
    let c = cfg(true);
    let mut dev = device(true, true);
    let stored = register(&mut dev, &c, ORIGIN).unwrap();
    let (response, state) = assert_with(&mut dev, &c, ORIGIN);
    let after = sign_in(&c, &response, &state, &stored).unwrap();
    // The same assertion again (its challenge state copied by an attacker): the stored counter is
    // already at its value, so it does not move forward.
    assert_eq!(
        sign_in(&c, &response, &state, &after).unwrap_err().code,
        "PASSKEY_COUNTER_REGRESSED"
    );
}

#[test]
fn passkey_counter_that_stays_zero_is_fine() {
    let c = cfg(true);
    let mut dev = device(true, false);
    let stored = register(&mut dev, &c, ORIGIN).unwrap();
    assert_eq!(stored.counter, 0);
    let mut current = stored;
    for _ in 0..2 {
        let (response, state) = assert_with(&mut dev, &c, ORIGIN);
        current = sign_in(&c, &response, &state, &current).unwrap();
        assert_eq!(current.counter, 0);
    }
}

#[test]
fn passkey_challenge_of_another_ceremony_is_refused() {
    let c = cfg(true);
    let mut dev = device(true, true);
    let stored = register(&mut dev, &c, ORIGIN).unwrap();
    let (response, _) = assert_with(&mut dev, &c, ORIGIN);
    let (_, other_state) = assert_with(&mut dev, &c, ORIGIN);
    assert!(sign_in(&c, &response, &other_state, &stored).is_err());
}

#[test]
fn passkey_malformed_responses_are_refused_not_panics() {
    let c = cfg(true);
    for junk in ["", "null", "{}", "[]", "{\"id\":1}", "\"x\""] {
        assert_eq!(
            ceremony::registration_key(junk).unwrap_err().code,
            "PASSKEY_INVALID"
        );
        assert_eq!(
            ceremony::parse_assertion(junk).err().unwrap().code,
            "PASSKEY_INVALID"
        );
        assert!(ceremony::finish_registration(&c, b"", junk).is_err());
    }
}

#[test]
fn passkey_backup_flags_are_kept() {
    let c = cfg(true);
    let mut dev = device(true, true);
    let stored = register(&mut dev, &c, ORIGIN).unwrap();
    // 1Password's software authenticator reports BE and BS set (a synced passkey).
    let (response, state) = assert_with(&mut dev, &c, ORIGIN);
    let after = sign_in(&c, &response, &state, &stored).unwrap();
    assert_eq!(after.backup_eligible, stored.backup_eligible);
    assert_eq!(after.backed_up, stored.backed_up);
}
