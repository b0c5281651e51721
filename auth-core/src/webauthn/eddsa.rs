//! EdDSA (Ed25519) credentials, which `webauthn-rs-core` 0.6 does not verify (it refuses OKP
//! keys). The same checks as the library's, written out for this one algorithm: client data
//! type, challenge and origin; RP id hash; user presence and, when required, verification;
//! the signature counter; the Ed25519 signature (`ed25519-dalek`, `verify_strict`). Only
//! attestation `none` is accepted for these keys.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

use crate::error::{Error, ErrorKind};

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const BS: u8 = 0x10;
const AT: u8 = 0x40;

fn fail(reason: &str) -> Error {
    Error::new(
        ErrorKind::WebAuthnVerificationError,
        format!("WebAuthn response could not be verified: {reason}"),
    )
}

/// What the checks are made against.
pub(super) struct Expected<'a> {
    pub(super) challenge: &'a str,
    pub(super) origins: &'a [Url],
    pub(super) rp_id: &'a str,
    pub(super) require_uv: bool,
}

/// The parts of `authenticatorData` the checks read.
pub(super) struct AuthData<'a> {
    pub(super) flags: u8,
    pub(super) counter: u32,
    /// The attested credential data and extensions (registration only).
    pub(super) rest: &'a [u8],
}

impl AuthData<'_> {
    pub(super) fn backup_eligible(&self) -> bool {
        self.flags & BE != 0
    }

    pub(super) fn backed_up(&self) -> bool {
        self.flags & BS != 0
    }
}

/// Whether a COSE key (CBOR map) is an OKP key for EdDSA (`alg` −8).
pub(super) fn is_eddsa(cose: &[u8]) -> bool {
    okp_x(cose).is_some()
}

/// The Ed25519 public key of a COSE OKP key (`kty` 1, `alg` −8, `crv` 6, `x`).
fn okp_x(cose: &[u8]) -> Option<[u8; 32]> {
    use serde_cbor_2::Value as Cbor;
    let Cbor::Map(map) = serde_cbor_2::from_slice::<Cbor>(cose).ok()? else {
        return None;
    };
    let get = |k: i128| map.get(&Cbor::Integer(k));
    let okp = matches!(get(1), Some(Cbor::Integer(1)))
        && matches!(get(3), Some(Cbor::Integer(-8)))
        && matches!(get(-1), Some(Cbor::Integer(6)));
    match get(-2) {
        Some(Cbor::Bytes(x)) if okp => x.as_slice().try_into().ok(),
        _ => None,
    }
}

fn field(data: &Value, pointer: &str) -> Result<Vec<u8>, Error> {
    let text = data
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| fail(&format!("{pointer} missing")))?;
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| fail(&format!("{pointer} is not base64url")))
}

/// Client data of `kind` (`webauthn.create` / `webauthn.get`) with the expected challenge and
/// an allowed origin; its bytes (hashed into the signature).
fn client_data(data: &Value, kind: &str, expected: &Expected<'_>) -> Result<Vec<u8>, Error> {
    let bytes = field(data, "/response/clientDataJSON")?;
    let client: Value = serde_json::from_slice(&bytes).map_err(|_| fail("clientDataJSON"))?;
    if client.get("type").and_then(Value::as_str) != Some(kind) {
        return Err(fail("InvalidClientDataType"));
    }
    let challenge = client
        .get("challenge")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if challenge.trim_end_matches('=') != expected.challenge {
        return Err(fail("MismatchedChallenge"));
    }
    let origin = client
        .get("origin")
        .and_then(Value::as_str)
        .and_then(|o| Url::parse(o).ok())
        .ok_or_else(|| fail("InvalidRPOrigin"))?;
    if !expected
        .origins
        .iter()
        .any(|o| o.origin() == origin.origin())
    {
        return Err(fail("InvalidRPOrigin"));
    }
    if client.get("crossOrigin").and_then(Value::as_bool) == Some(true) {
        return Err(fail("CrossOrigin"));
    }
    Ok(bytes)
}

/// RP id hash, user presence and (when required) verification.
fn auth_data<'a>(bytes: &'a [u8], expected: &Expected<'_>) -> Result<AuthData<'a>, Error> {
    if bytes.len() < 37 {
        return Err(fail("authenticatorData too short"));
    }
    let (rp_hash, rest) = bytes.split_at(32);
    if rp_hash != Sha256::digest(expected.rp_id.as_bytes()).as_slice() {
        return Err(fail("InvalidRPIDHash"));
    }
    let flags = rest[0];
    if flags & UP == 0 {
        return Err(fail("UserNotPresent"));
    }
    if expected.require_uv && flags & UV == 0 {
        return Err(fail("UserNotVerified"));
    }
    let counter = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]);
    Ok(AuthData {
        flags,
        counter,
        rest: &rest[5..],
    })
}

/// A registration whose credential key is EdDSA: attestation `none`, the checks above, and the
/// key the attested credential data holds (`cose`, already extracted). The credential id.
pub(super) fn register(
    data: &Value,
    auth_data_bytes: &[u8],
    format: &str,
    expected: &Expected<'_>,
) -> Result<(Vec<u8>, u32, bool, bool), Error> {
    client_data(data, "webauthn.create", expected)?;
    if format != "none" {
        return Err(fail("only attestation none is accepted for EdDSA keys"));
    }
    let parsed = auth_data(auth_data_bytes, expected)?;
    if parsed.flags & AT == 0 {
        return Err(fail("no attested credential data"));
    }
    let rest = parsed.rest;
    let id_len = usize::from(u16::from_be_bytes([
        *rest.get(16).ok_or_else(|| fail("authenticatorData"))?,
        *rest.get(17).ok_or_else(|| fail("authenticatorData"))?,
    ]));
    let id = rest
        .get(18..18 + id_len)
        .ok_or_else(|| fail("authenticatorData"))?
        .to_vec();
    Ok((
        id,
        parsed.counter,
        parsed.backup_eligible(),
        parsed.backed_up(),
    ))
}

/// An assertion by an EdDSA credential (`cose`, stored counter `stored`); the new counter.
pub(super) fn authenticate(
    data: &Value,
    cose: &[u8],
    stored: u32,
    expected: &Expected<'_>,
) -> Result<u32, Error> {
    let client = client_data(data, "webauthn.get", expected)?;
    let auth_bytes = field(data, "/response/authenticatorData")?;
    let parsed = auth_data(&auth_bytes, expected)?;
    let signature = field(data, "/response/signature")?;
    let x = okp_x(cose).ok_or_else(|| fail("stored key is not Ed25519"))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&x).map_err(|_| fail("stored key"))?;
    let signature =
        ed25519_dalek::Signature::from_slice(&signature).map_err(|_| fail("SignatureInvalid"))?;
    let mut message = auth_bytes.clone();
    message.extend_from_slice(&Sha256::digest(&client));
    key.verify_strict(&message, &signature)
        .map_err(|_| fail("AuthenticationFailure"))?;
    if (parsed.counter > 0 || stored > 0) && parsed.counter <= stored {
        return Err(fail("CredentialPossibleCompromise"));
    }
    Ok(parsed.counter)
}
