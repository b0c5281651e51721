//! WebAuthn ceremonies on `webauthn-rs-core` (spec §11): the relying party of a request, the
//! options JSON in the shape SimpleWebAuthn (and so Auth.js's browser script) uses, the
//! ceremony state kept in the challenge cookie, and the mapping between verified credentials
//! and Auth.js's `Authenticator` table (credential id and COSE public key in standard base64).

mod eddsa;
mod wire;

pub(crate) use wire::parse_authentication;
use wire::{challenge_of, descriptors, parse_attestation};

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use url::Url;
use webauthn_rs_core::{
    WebauthnCore,
    error::WebauthnError,
    proto::{
        AttestationConveyancePreference, AttestationFormat, AuthenticationState, COSEAlgorithm,
        COSEKey, Credential, ParsedAttestation, PublicKeyCredential, RegisterPublicKeyCredential,
        RegisteredExtensions, RegistrationState, RequestRegistrationExtensions,
        UserVerificationPolicy,
    },
};

use crate::{
    adapter::Authenticator,
    error::{Error, ErrorKind},
    model::User,
    origin::Origin,
    providers::{ResidentKey, UserVerification, WebAuthnProvider},
};

/// Auth.js's `supportedAlgorithmIDs` as SimpleWebAuthn offers them: EdDSA, ES256, RS256.
const ALGORITHMS: [COSEAlgorithm; 3] = [
    COSEAlgorithm::EDDSA,
    COSEAlgorithm::ES256,
    COSEAlgorithm::RS256,
];

/// The state of one ceremony, sealed in the challenge cookie.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum CeremonyState {
    /// `navigator.credentials.create()`; `user` is Auth.js's `registerData`.
    Register {
        state: RegistrationState,
        user: User,
    },
    /// `navigator.credentials.get()`.
    Authenticate { state: AuthenticationState },
}

/// A credential that registration verified, in Auth.js's table shape (without the user).
pub(crate) struct Registered {
    pub(crate) credential_id: String,
    pub(crate) public_key: String,
    pub(crate) counter: i64,
    pub(crate) multi_device: bool,
    pub(crate) backed_up: bool,
    pub(crate) transports: Option<String>,
}

impl Registered {
    /// The row for `user_id`.
    pub(crate) fn authenticator(&self, user_id: &str) -> Authenticator {
        Authenticator {
            credential_id: self.credential_id.clone(),
            user_id: user_id.to_owned(),
            provider_account_id: self.credential_id.clone(),
            credential_public_key: self.public_key.clone(),
            counter: self.counter,
            credential_device_type: if self.multi_device {
                "multiDevice"
            } else {
                "singleDevice"
            }
            .to_owned(),
            credential_backed_up: self.backed_up,
            transports: self.transports.clone(),
        }
    }
}

/// `WebAuthnVerificationError`, with the library's reason in the log.
fn verification(error: WebauthnError) -> Error {
    Error::new(
        ErrorKind::WebAuthnVerificationError,
        format!("WebAuthn response could not be verified: {error:?}"),
    )
}

fn policy(uv: UserVerification) -> UserVerificationPolicy {
    match uv {
        UserVerification::Required => UserVerificationPolicy::Required,
        UserVerification::Preferred => UserVerificationPolicy::Preferred,
        UserVerification::Discouraged => UserVerificationPolicy::Discouraged_DO_NOT_USE,
    }
}

/// The relying party of one request: the provider's settings, else the public origin.
pub(crate) struct Party {
    core: WebauthnCore,
    policy: UserVerificationPolicy,
    rp_id: String,
    rp_name: String,
    origins: Vec<Url>,
}

impl Party {
    pub(crate) fn new(provider: &WebAuthnProvider, origin: &Origin) -> Result<Self, Error> {
        let config = |message: String| Error::new(ErrorKind::Configuration, message);
        let public = Url::parse(&origin.url)
            .map_err(|_| config(format!("invalid origin {:?}", origin.url)))?;
        let host = public.host_str().unwrap_or_default().to_owned();
        let rp_id = provider.relying_party.id.clone().unwrap_or(host.clone());
        let rp_name = provider
            .relying_party
            .name
            .clone()
            .unwrap_or_else(|| match public.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            });
        let origins = if provider.relying_party.origins.is_empty() {
            vec![public]
        } else {
            provider
                .relying_party
                .origins
                .iter()
                .map(|o| {
                    Url::parse(o).map_err(|_| config(format!("invalid WebAuthn origin {o:?}")))
                })
                .collect::<Result<_, _>>()?
        };
        let core = WebauthnCore::new_unsafe_experts_only(
            &rp_name,
            &rp_id,
            origins.clone(),
            provider.timeout,
            None,
            None,
        );
        Ok(Self {
            core,
            policy: policy(provider.user_verification),
            rp_id,
            rp_name,
            origins,
        })
    }

    /// Registration options for `email` (Auth.js's `userID` is 32 random bytes as hex, which
    /// the browser decodes as base64url; `exclude` are the user's authenticators).
    pub(crate) fn start_registration(
        &self,
        provider: &WebAuthnProvider,
        email: &str,
        display_name: &str,
        exclude: &[Authenticator],
    ) -> Result<(Value, RegistrationState), Error> {
        let user_id_text = crate::csrf::hex(&crate::random::bytes::<32>());
        let user_id = URL_SAFE_NO_PAD
            .decode(&user_id_text)
            .map_err(|_| Error::new(ErrorKind::Configuration, "user id"))?;
        let exclude_ids: Vec<Vec<u8>> = exclude
            .iter()
            .filter_map(|a| STANDARD.decode(&a.credential_id).ok())
            .collect();
        let builder = self
            .core
            .new_challenge_register_builder(&user_id, email, display_name)
            .map_err(verification)?
            .attestation(AttestationConveyancePreference::None)
            .user_verification_policy(self.policy)
            .exclude_credentials(Some(exclude_ids))
            .credential_algorithms(ALGORITHMS.to_vec())
            .require_resident_key(provider.resident_key == ResidentKey::Required)
            .extensions(Some(RequestRegistrationExtensions {
                uvm: None,
                ..RequestRegistrationExtensions::default()
            }));
        let (challenge, state) = self
            .core
            .generate_challenge_register(builder)
            .map_err(verification)?;
        let challenge = serde_json::to_value(&challenge.public_key)
            .ok()
            .and_then(|v| v.get("challenge").cloned())
            .unwrap_or(Value::Null);
        let options = json!({
            "challenge": challenge,
            "rp": { "name": self.rp_name, "id": self.rp_id },
            "user": { "id": user_id_text, "name": email, "displayName": display_name },
            "pubKeyCredParams": ALGORITHMS
                .iter()
                .map(|alg| json!({ "alg": *alg as i64, "type": "public-key" }))
                .collect::<Vec<_>>(),
            "timeout": timeout_ms(provider),
            "attestation": "none",
            "excludeCredentials": descriptors(exclude),
            "authenticatorSelection": {
                "residentKey": provider.resident_key.as_str(),
                "userVerification": provider.user_verification.as_str(),
                "requireResidentKey": provider.resident_key == ResidentKey::Required,
            },
            "extensions": { "credProps": true },
        });
        Ok((options, state))
    }

    /// Authentication options; `allow` lists the user's authenticators when the user is known
    /// (else discoverable credentials are asked for).
    pub(crate) fn start_authentication(
        &self,
        provider: &WebAuthnProvider,
        allow: Option<&[Authenticator]>,
    ) -> Result<(Value, AuthenticationState), Error> {
        let builder = self
            .core
            .new_challenge_authenticate_builder(Vec::new(), Some(self.policy))
            .map_err(verification)?
            .allow_backup_eligible_upgrade(true);
        let (challenge, state) = self
            .core
            .generate_challenge_authenticate(builder)
            .map_err(verification)?;
        let challenge = serde_json::to_value(&challenge.public_key)
            .ok()
            .and_then(|v| v.get("challenge").cloned())
            .unwrap_or(Value::Null);
        let mut options = Map::new();
        options.insert("challenge".into(), challenge);
        if let Some(allow) = allow {
            options.insert("allowCredentials".into(), descriptors(allow));
        }
        options.insert("timeout".into(), json!(timeout_ms(provider)));
        options.insert(
            "userVerification".into(),
            json!(provider.user_verification.as_str()),
        );
        options.insert("rpId".into(), json!(self.rp_id));
        Ok((Value::Object(options), state))
    }

    /// Verifies a registration response (`data`, SimpleWebAuthn's `RegistrationResponseJSON`).
    pub(crate) fn finish_registration(
        &self,
        data: &Value,
        state: &RegistrationState,
    ) -> Result<Registered, Error> {
        let response: RegisterPublicKeyCredential =
            serde_json::from_value(data.clone()).map_err(|e| {
                Error::new(
                    ErrorKind::Configuration,
                    "Invalid WebAuthn Registration response",
                )
                .with_source(e)
            })?;
        let (format, auth_data, public_key) =
            parse_attestation(response.response.attestation_object.as_slice())
                .ok_or_else(|| verification(WebauthnError::ParseNOMFailure))?;
        let (cred_id, counter, backup_eligible, backup_state) = if eddsa::is_eddsa(&public_key) {
            let challenge = challenge_of(state)?;
            eddsa::register(data, &auth_data, &format, &self.expected(&challenge))?
        } else {
            let credential = self
                .core
                .register_credential(&response, state, None)
                .map_err(verification)?;
            (
                credential.cred_id,
                credential.counter,
                credential.backup_eligible,
                credential.backup_state,
            )
        };
        let transports = data
            .pointer("/response/transports")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .filter(|t| !t.is_empty());
        Ok(Registered {
            credential_id: STANDARD.encode(&cred_id),
            public_key: STANDARD.encode(public_key),
            counter: i64::from(counter),
            multi_device: backup_eligible,
            backed_up: backup_state,
            transports,
        })
    }

    fn expected<'a>(&'a self, challenge: &'a str) -> eddsa::Expected<'a> {
        eddsa::Expected {
            challenge,
            origins: &self.origins,
            rp_id: &self.rp_id,
            require_uv: self.policy == UserVerificationPolicy::Required,
        }
    }

    /// Verifies an authentication response against the stored `authenticator`; the new
    /// signature counter.
    pub(crate) fn finish_authentication(
        &self,
        data: &Value,
        response: &PublicKeyCredential,
        state: &AuthenticationState,
        authenticator: &Authenticator,
    ) -> Result<i64, Error> {
        let cose = STANDARD
            .decode(&authenticator.credential_public_key)
            .unwrap_or_default();
        if eddsa::is_eddsa(&cose) {
            let challenge = challenge_of(state)?;
            let stored = u32::try_from(authenticator.counter).unwrap_or(u32::MAX);
            let counter = eddsa::authenticate(data, &cose, stored, &self.expected(&challenge))?;
            return Ok(i64::from(counter));
        }
        let credential = self.credential(authenticator)?;
        let result = self
            .core
            .authenticate_single_credential(response, state, &credential)
            .map_err(verification)?;
        Ok(i64::from(result.counter()))
    }

    /// The library's view of a stored authenticator.
    fn credential(&self, a: &Authenticator) -> Result<Credential, Error> {
        let broken = |what: &str| {
            Error::new(
                ErrorKind::Configuration,
                format!("stored authenticator has an unreadable {what}"),
            )
        };
        let cred_id = STANDARD
            .decode(&a.credential_id)
            .map_err(|_| broken("credentialID"))?;
        let key_bytes = STANDARD
            .decode(&a.credential_public_key)
            .map_err(|_| broken("credentialPublicKey"))?;
        let value: serde_cbor_2::Value =
            serde_cbor_2::from_slice(&key_bytes).map_err(|_| broken("credentialPublicKey"))?;
        let cred = COSEKey::try_from(&value).map_err(|_| broken("credentialPublicKey"))?;
        Ok(Credential {
            cred_id,
            cred,
            counter: u32::try_from(a.counter).unwrap_or(u32::MAX),
            transports: None,
            user_verified: false,
            backup_eligible: a.credential_device_type == "multiDevice",
            backup_state: a.credential_backed_up,
            registration_policy: self.policy,
            extensions: RegisteredExtensions::default(),
            attestation: ParsedAttestation::default(),
            attestation_format: AttestationFormat::None,
        })
    }
}

/// The ceremony timeout as the options JSON carries it, in milliseconds.
fn timeout_ms(provider: &WebAuthnProvider) -> u64 {
    u64::try_from(provider.timeout.as_millis()).unwrap_or(u64::MAX)
}
