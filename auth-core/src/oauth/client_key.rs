//! The private key of a `private_key_jwt` client (RFC 7523), read from PEM or from a JWK and
//! turned into the DER that `jsonwebtoken` signs with (PKCS#1 for RSA, PKCS#8 for EC and
//! Ed25519). The DER is written and read here, with no ASN.1 library: only the few fixed
//! structures of private keys are needed.

use std::{fmt, sync::Arc};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind};

mod der;

use der::{der_bit_string, der_integer, der_tlv, pem_body, pkcs8, pkcs8_family};

/// `rsaEncryption` (1.2.840.113549.1.1.1).
const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
/// `id-ecPublicKey` (1.2.840.10045.2.1).
const OID_EC: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// `prime256v1` (1.2.840.10045.3.1.7).
const OID_P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
/// `secp384r1` (1.3.132.0.34).
const OID_P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
/// `id-Ed25519` (1.3.101.112).
const OID_ED25519: &[u8] = &[0x2B, 0x65, 0x70];

/// The kind of key, which fixes the algorithms it can sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Rsa,
    P256,
    P384,
    Ed25519,
}

impl Family {
    fn default_algorithm(self) -> Algorithm {
        match self {
            Self::Rsa => Algorithm::RS256,
            Self::P256 => Algorithm::ES256,
            Self::P384 => Algorithm::ES384,
            Self::Ed25519 => Algorithm::EdDSA,
        }
    }

    fn allows(self, alg: Algorithm) -> bool {
        use Algorithm::{ES256, ES384, EdDSA, PS256, PS384, PS512, RS256, RS384, RS512};
        match self {
            Self::Rsa => matches!(alg, RS256 | RS384 | RS512 | PS256 | PS384 | PS512),
            Self::P256 => alg == ES256,
            Self::P384 => alg == ES384,
            Self::Ed25519 => alg == EdDSA,
        }
    }
}

/// A client's private key for `private_key_jwt`: RSA (RS256 by default, or RS384/512,
/// PS256/384/512), EC P-256 (ES256), P-384 (ES384) or Ed25519 (EdDSA).
///
/// `Debug` shows only the algorithm and key id. Two keys are equal when their algorithm, key id
/// and key material are.
///
/// ```
/// use auth_core::oauth::{ClientAuth, ClientKey};
///
/// let jwk = r#"{"kty":"OKP","crv":"Ed25519","kid":"k1",
///   "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
///   "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
/// let key = ClientKey::from_jwk(jwk).expect("a private JWK");
/// assert_eq!(key.algorithm(), "EdDSA");
/// assert_eq!(key.kid(), Some("k1"));
/// let auth = ClientAuth::PrivateKeyJwt(key);
/// # let _ = auth;
/// ```
#[derive(Clone)]
pub struct ClientKey {
    key: Arc<EncodingKey>,
    family: Family,
    alg: Algorithm,
    kid: Option<String>,
    /// SHA-256 of the DER, for equality without comparing the key itself.
    fingerprint: [u8; 32],
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl PartialEq for ClientKey {
    fn eq(&self, other: &Self) -> bool {
        self.alg == other.alg && self.kid == other.kid && self.fingerprint == other.fingerprint
    }
}

impl Eq for ClientKey {}

fn key_error(message: impl Into<String>) -> Error {
    Error::new(
        ErrorKind::Configuration,
        format!("invalid client private key: {}", message.into()),
    )
}

impl ClientKey {
    /// A key from PEM: `-----BEGIN PRIVATE KEY-----` (PKCS#8: RSA, EC P-256/P-384, Ed25519)
    /// or `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1). Encrypted keys and SEC1
    /// (`EC PRIVATE KEY`) are not read: convert them with
    /// `openssl pkcs8 -topk8 -nocrypt`.
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let (label, der) = pem_body(pem)?;
        let (family, der) = match label.as_str() {
            "RSA PRIVATE KEY" => (Family::Rsa, der),
            "PRIVATE KEY" => pkcs8_family(&der)?,
            other => {
                return Err(key_error(format!(
                    "a PEM {other:?} is not a private key this crate reads (PKCS#8 `PRIVATE KEY` or `RSA PRIVATE KEY`)"
                )));
            }
        };
        Self::new(family, &der, None)
    }

    /// A key from a private JWK (JSON text): `kty` `RSA` (with `n`, `e`, `d`, `p`, `q`, `dp`,
    /// `dq`, `qi`), `EC` (`crv` `P-256` or `P-384`, `d`, `x`, `y`) or `OKP` (`crv` `Ed25519`,
    /// `d`). Its `kid` becomes the assertion's `kid` header, its `alg` (if any) the algorithm.
    pub fn from_jwk(jwk: &str) -> Result<Self, Error> {
        let jwk: Value = serde_json::from_str(jwk)
            .map_err(|e| key_error(format!("the JWK is not JSON: {e}")))?;
        let field = |name: &str| -> Result<Vec<u8>, Error> {
            let text = jwk
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| key_error(format!("the JWK has no {name:?}")))?;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|_| key_error(format!("the JWK's {name:?} is not base64url")))
        };
        let text = |name: &str| jwk.get(name).and_then(Value::as_str);
        let (family, der) = match (text("kty"), text("crv")) {
            (Some("RSA"), _) => {
                let mut parts = vec![der_integer(&[0])];
                for name in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
                    parts.push(der_integer(&field(name)?));
                }
                (Family::Rsa, der_tlv(0x30, &parts.concat()))
            }
            (Some("EC"), Some(crv @ ("P-256" | "P-384"))) => {
                let (family, curve, size) = if crv == "P-256" {
                    (Family::P256, OID_P256, 32)
                } else {
                    (Family::P384, OID_P384, 48)
                };
                let (d, x, y) = (field("d")?, field("x")?, field("y")?);
                if d.len() != size || x.len() != size || y.len() != size {
                    return Err(key_error(format!(
                        "the {crv} JWK has coordinates of the wrong size"
                    )));
                }
                let point = [&[0x04][..], &x, &y].concat();
                let ec_private_key = der_tlv(
                    0x30,
                    &[
                        der_integer(&[1]),
                        der_tlv(0x04, &d),
                        der_tlv(0xA1, &der_bit_string(&point)),
                    ]
                    .concat(),
                );
                let algorithm = der_tlv(
                    0x30,
                    &[der_tlv(0x06, OID_EC), der_tlv(0x06, curve)].concat(),
                );
                (family, pkcs8(&algorithm, &ec_private_key))
            }
            (Some("OKP"), Some("Ed25519")) => {
                let d = field("d")?;
                if d.len() != 32 {
                    return Err(key_error("the Ed25519 JWK's d is not 32 bytes"));
                }
                let algorithm = der_tlv(0x30, &der_tlv(0x06, OID_ED25519));
                (Family::Ed25519, pkcs8(&algorithm, &der_tlv(0x04, &d)))
            }
            (kty, crv) => {
                return Err(key_error(format!(
                    "unsupported JWK kty {kty:?} / crv {crv:?} (RSA, EC P-256/P-384 or OKP Ed25519)"
                )));
            }
        };
        let key = Self::new(family, &der, text("kid").map(str::to_owned))?;
        match text("alg") {
            Some(alg) => key.with_algorithm(alg),
            None => Ok(key),
        }
    }

    fn new(family: Family, der: &[u8], kid: Option<String>) -> Result<Self, Error> {
        let key = match family {
            Family::Rsa => EncodingKey::from_rsa_der(der),
            Family::P256 | Family::P384 => EncodingKey::from_ec_der(der),
            Family::Ed25519 => EncodingKey::from_ed_der(der),
        };
        let key = Self {
            key: Arc::new(key),
            family,
            alg: family.default_algorithm(),
            kid,
            fingerprint: Sha256::digest(der).into(),
        };
        key.check()?;
        Ok(key)
    }

    /// Signs a throw-away token, so that a key that cannot sign fails at configuration time.
    fn check(&self) -> Result<(), Error> {
        self.sign(&serde_json::json!({ "check": true }))
            .map(|_| ())
            .map_err(|e| key_error(format!("it cannot sign {:?}: {e}", self.alg)))
    }

    /// Signs with `alg` instead of the key's default (RS256, ES256, ES384 or EdDSA): for RSA
    /// keys RS256/384/512 or PS256/384/512; EC and Ed25519 keys have one algorithm each.
    pub fn with_algorithm(mut self, alg: &str) -> Result<Self, Error> {
        let parsed: Algorithm = alg
            .parse()
            .map_err(|_| key_error(format!("unknown algorithm {alg:?}")))?;
        if !self.family.allows(parsed) {
            return Err(key_error(format!(
                "a {:?} key cannot sign {alg}",
                self.family
            )));
        }
        self.alg = parsed;
        Ok(self)
    }

    /// Sets the `kid` header of the assertions (the key's id in the client's registered JWKS).
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The JWS algorithm, e.g. `RS256`.
    pub fn algorithm(&self) -> &'static str {
        algorithm_name(self.alg)
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// A compact JWS of `claims` with this key.
    pub(crate) fn sign(&self, claims: &Value) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = jsonwebtoken::Header::new(self.alg);
        header.kid.clone_from(&self.kid);
        jsonwebtoken::encode(&header, claims, &self.key)
    }
}

/// The JWS name of `alg`.
pub(crate) fn algorithm_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        _ => "EdDSA",
    }
}

#[cfg(test)]
mod tests {
    use super::der::{der_length, read_tlv};
    use super::*;

    #[test]
    fn der_lengths_and_integers() {
        assert_eq!(der_length(5), [5]);
        assert_eq!(der_length(0x80), [0x81, 0x80]);
        assert_eq!(der_length(0x1234), [0x82, 0x12, 0x34]);
        assert_eq!(der_integer(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(der_integer(&[0, 0, 1]), [0x02, 0x01, 0x01]);
        assert_eq!(der_integer(&[0]), [0x02, 0x01, 0x00]);
        let tlv = der_tlv(0x30, &[1; 200]);
        let (contents, rest) = read_tlv(&tlv, 0x30).expect("reads back");
        assert_eq!((contents.len(), rest.len()), (200, 0));
    }

    #[test]
    fn unusable_keys_are_refused() {
        assert!(ClientKey::from_pem("not a key").is_err());
        assert!(
            ClientKey::from_pem(
                "-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----"
            )
            .is_err()
        );
        assert!(ClientKey::from_jwk(r#"{"kty":"oct","k":"AAAA"}"#).is_err());
        assert!(ClientKey::from_jwk(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#).is_err());
        let ed = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let key = ClientKey::from_jwk(ed).expect("Ed25519");
        assert!(key.clone().with_algorithm("RS256").is_err());
        assert!(key.clone().with_algorithm("HS256").is_err());
        assert_eq!(key.algorithm(), "EdDSA");
        assert!(!format!("{key:?}").contains("nWGx"));
    }
}
