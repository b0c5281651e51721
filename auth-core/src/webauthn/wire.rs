//! The wire formats of the ceremonies: SimpleWebAuthn's JSON responses, credential
//! descriptors, and the CBOR attestation object.

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use webauthn_rs_core::proto::PublicKeyCredential;

use crate::{
    adapter::Authenticator,
    error::{Error, ErrorKind},
};

/// Parses an authentication response (`data`, SimpleWebAuthn's
/// `AuthenticationResponseJSON`) and the standard-base64 credential id Auth.js stores.
pub(crate) fn parse_authentication(data: &Value) -> Result<(PublicKeyCredential, String), Error> {
    let invalid = || {
        Error::new(
            ErrorKind::Configuration,
            "Invalid WebAuthn Authentication response",
        )
    };
    let id = data.get("id").and_then(Value::as_str).ok_or_else(invalid)?;
    let raw = URL_SAFE_NO_PAD
        .decode(id.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let response: PublicKeyCredential =
        serde_json::from_value(data.clone()).map_err(|e| invalid().with_source(e))?;
    Ok((response, STANDARD.encode(raw)))
}

/// `[{id, type, transports}]` for allow/exclude lists (ids in base64url).
pub(super) fn descriptors(authenticators: &[Authenticator]) -> Value {
    authenticators
        .iter()
        .filter_map(|a| {
            let id = STANDARD.decode(&a.credential_id).ok()?;
            let mut entry = Map::new();
            entry.insert("id".into(), json!(URL_SAFE_NO_PAD.encode(id)));
            entry.insert("type".into(), json!("public-key"));
            if let Some(transports) = a.transports.as_deref().filter(|t| !t.is_empty()) {
                entry.insert(
                    "transports".into(),
                    json!(transports.split(',').collect::<Vec<_>>()),
                );
            }
            Some(Value::Object(entry))
        })
        .collect()
}

/// The challenge (base64url) a ceremony state was made for.
pub(super) fn challenge_of(state: &impl Serialize) -> Result<String, Error> {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| {
            v.get("challenge")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .ok_or_else(|| Error::new(ErrorKind::InvalidCheck, "challenge state has no challenge"))
}

/// The attestation format, `authData`, and the credential public key exactly as the
/// authenticator encoded it (COSE, in the attested credential data), which is what
/// SimpleWebAuthn stores.
pub(super) fn parse_attestation(attestation_object: &[u8]) -> Option<(String, Vec<u8>, Vec<u8>)> {
    #[derive(Deserialize)]
    struct AttestationObject {
        fmt: String,
        #[serde(rename = "authData", with = "serde_bytes_compat")]
        auth_data: Vec<u8>,
    }
    let object: AttestationObject = serde_cbor_2::from_slice(attestation_object).ok()?;
    let data = object.auth_data;
    // rpIdHash (32) · flags (1) · signCount (4) · aaguid (16) · credentialIdLength (2) · id
    let flags = *data.get(32)?;
    if flags & 0x40 == 0 {
        return None;
    }
    let len_at = 32 + 1 + 4 + 16;
    let id_len = usize::from(u16::from_be_bytes([
        *data.get(len_at)?,
        *data.get(len_at + 1)?,
    ]));
    let key_at = len_at + 2 + id_len;
    let rest = data.get(key_at..)?;
    let mut de = serde_cbor_2::Deserializer::from_slice(rest);
    serde_cbor_2::Value::deserialize(&mut de).ok()?;
    let key = rest.get(..de.byte_offset())?.to_vec();
    Some((object.fmt, data, key))
}

/// CBOR byte strings into a `Vec<u8>` (serde's default would expect a sequence).
mod serde_bytes_compat {
    use serde::{Deserializer, de};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Bytes;
        impl de::Visitor<'_> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_bytes(Bytes)
    }
}
