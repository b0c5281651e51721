//! PEM and the few DER structures of private keys, written and read by hand.

use super::{Family, OID_EC, OID_ED25519, OID_P256, OID_P384, OID_RSA, key_error};
use base64::Engine as _;

use crate::error::Error;

/// The label and decoded body of the first PEM block.
pub(super) fn pem_body(pem: &str) -> Result<(String, Vec<u8>), Error> {
    let begin = pem
        .find("-----BEGIN ")
        .ok_or_else(|| key_error("no -----BEGIN line"))?;
    let rest = &pem[begin + "-----BEGIN ".len()..];
    let (label, rest) = rest
        .split_once("-----")
        .ok_or_else(|| key_error("a malformed BEGIN line"))?;
    let end = rest
        .find(&format!("-----END {label}-----"))
        .ok_or_else(|| key_error(format!("no -----END {label}----- line")))?;
    let body: String = rest[..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if body.contains(':') {
        return Err(key_error("encrypted PEM keys are not supported"));
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| key_error("the PEM body is not base64"))?;
    Ok((label.to_owned(), der))
}

/// The family of a PKCS#8 `PrivateKeyInfo`, and the DER `jsonwebtoken` signs with: the inner
/// PKCS#1 key for RSA, the whole structure otherwise.
pub(super) fn pkcs8_family(der: &[u8]) -> Result<(Family, Vec<u8>), Error> {
    let malformed = || key_error("the PKCS#8 structure is malformed");
    let (info, _) = read_tlv(der, 0x30).ok_or_else(malformed)?;
    let (_version, rest) = read_tlv(info, 0x02).ok_or_else(malformed)?;
    let (algorithm, rest) = read_tlv(rest, 0x30).ok_or_else(malformed)?;
    let (oid, parameters) = read_tlv(algorithm, 0x06).ok_or_else(malformed)?;
    let family = if oid == OID_RSA {
        let (private_key, _) = read_tlv(rest, 0x04).ok_or_else(malformed)?;
        return Ok((Family::Rsa, private_key.to_vec()));
    } else if oid == OID_ED25519 {
        Family::Ed25519
    } else if oid == OID_EC {
        match read_tlv(parameters, 0x06) {
            Some((curve, _)) if curve == OID_P256 => Family::P256,
            Some((curve, _)) if curve == OID_P384 => Family::P384,
            _ => return Err(key_error("an EC key on a curve other than P-256 or P-384")),
        }
    } else {
        return Err(key_error("a PKCS#8 key of an unsupported type"));
    };
    Ok((family, der.to_vec()))
}

/// Reads one DER element with `tag` from the front of `input`: its contents and what follows.
pub(super) fn read_tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first != tag {
        return None;
    }
    let (&len, mut rest) = rest.split_first()?;
    let len = if len < 0x80 {
        usize::from(len)
    } else {
        let count = usize::from(len & 0x7F);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b))
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

pub(super) fn der_length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![u8::try_from(len).unwrap_or_default()];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | u8::try_from(bytes.len()).unwrap_or_default()];
    out.extend(bytes);
    out
}

pub(super) fn der_tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_length(contents.len()));
    out.extend_from_slice(contents);
    out
}

/// A non-negative INTEGER from big-endian bytes.
pub(super) fn der_integer(bytes: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match bytes.iter().position(|b| *b != 0) {
        Some(first) => &bytes[first..],
        None => &[0],
    };
    let mut contents = Vec::with_capacity(trimmed.len() + 1);
    if trimmed[0] & 0x80 != 0 {
        contents.push(0);
    }
    contents.extend_from_slice(trimmed);
    der_tlv(0x02, &contents)
}

pub(super) fn der_bit_string(bytes: &[u8]) -> Vec<u8> {
    der_tlv(0x03, &[&[0u8][..], bytes].concat())
}

/// `PrivateKeyInfo { version 0, algorithm, privateKey OCTET STRING }`.
pub(super) fn pkcs8(algorithm: &[u8], private_key: &[u8]) -> Vec<u8> {
    der_tlv(
        0x30,
        &[
            der_integer(&[0]),
            algorithm.to_vec(),
            der_tlv(0x04, private_key),
        ]
        .concat(),
    )
}
