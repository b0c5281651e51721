//! id_token verification. Beyond Auth.js (which trusts TLS and skips the signature): the
//! signature is verified against the provider's JWK set, or, when the client registered an
//! HMAC algorithm (LINE), with the client secret; `alg: none` never passes, nor HMAC unless
//! registered.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use serde_json::Value;
use sha2::{Sha256, Sha384, Sha512};

use crate::secret::Secret;

/// Seconds of clock skew allowed on `exp` and `iat` (oauth4webapi's default).
const LEEWAY_SECS: i64 = 30;

/// The asymmetric algorithms an id_token may use.
const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// What the id_token must say.
pub(crate) struct Expected<'a> {
    pub(crate) issuer: &'a str,
    pub(crate) client_id: &'a str,
    /// `Some` when the nonce check is on (the claim must equal it); `None` when it is off (the
    /// claim must be absent).
    pub(crate) nonce: Option<&'a str>,
    /// `id_token_signing_alg_values_supported` from discovery (empty: RS256 only).
    pub(crate) algorithms: &'a [String],
    /// The client's `id_token_signed_response_alg`: when set, the only algorithm accepted
    /// (it takes precedence over `algorithms`, as in oauth4webapi).
    pub(crate) required_alg: Option<&'a str>,
    /// The client secret: the key of HMAC-signed id_tokens.
    pub(crate) client_secret: Option<&'a Secret>,
    pub(crate) now_secs: i64,
}

/// Why an id_token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IdTokenError {
    /// No key of the set has the token's `kid` (refetching the set may help).
    UnknownKey,
    /// Anything else; the text says what.
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> IdTokenError {
    IdTokenError::Invalid(message.into())
}

/// Whether `alg` is one of the asymmetric algorithms id_tokens may be signed with.
pub(crate) fn is_allowed_algorithm(alg: &str) -> bool {
    ASYMMETRIC.iter().any(|a| format!("{a:?}") == alg)
}

/// Whether `alg` is an HMAC algorithm (`HS256`, `HS384`, `HS512`), verified with the client
/// secret when the client registered it.
pub(crate) fn is_hmac_algorithm(alg: &str) -> bool {
    matches!(alg, "HS256" | "HS384" | "HS512")
}

/// Whether `signature` is the HMAC of `input` under `key`, compared in constant time.
fn mac_matches<M: Mac + KeyInit>(key: &[u8], input: &[u8], signature: &[u8]) -> bool {
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else {
        return false;
    };
    mac.update(input);
    mac.verify_slice(signature).is_ok()
}

/// Verifies an id_token signed with the client secret (OIDC Core §10.1), for a client whose
/// `id_token_signed_response_alg` is `HS256`, `HS384` or `HS512`: the header must name exactly
/// that algorithm. Returns the claims.
pub(crate) fn verify_hmac(token: &str, expected: &Expected<'_>) -> Result<Value, String> {
    let required = expected
        .required_alg
        .filter(|alg| is_hmac_algorithm(alg))
        .ok_or("the client registered no HMAC algorithm")?;
    let secret = expected
        .client_secret
        .filter(|s| !s.is_empty())
        .ok_or("an HMAC id_token needs the client secret")?;
    let [encoded_header, encoded_claims, encoded_signature] = token
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .map_err(|_| "not a compact JWS (encrypted id_tokens are not supported)")?;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header: Value = b64
        .decode(encoded_header)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or("the header is not base64url JSON")?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if alg != required {
        return Err(format!(
            "algorithm {alg:?} is not the registered {required:?}"
        ));
    }
    let signature = b64
        .decode(encoded_signature)
        .map_err(|_| "the signature is not base64url")?;
    let input = &token[..encoded_header.len() + 1 + encoded_claims.len()];
    let key = secret.expose().as_bytes();
    let valid = match alg {
        "HS256" => mac_matches::<Hmac<Sha256>>(key, input.as_bytes(), &signature),
        "HS384" => mac_matches::<Hmac<Sha384>>(key, input.as_bytes(), &signature),
        _ => mac_matches::<Hmac<Sha512>>(key, input.as_bytes(), &signature),
    };
    if !valid {
        return Err("signature: the MAC does not match the client secret".into());
    }
    let claims: Value = b64
        .decode(encoded_claims)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .filter(Value::is_object)
        .ok_or("the claims are not a base64url JSON object")?;
    check_claims(&claims, expected).map_err(|e| match e {
        IdTokenError::Invalid(why) => why,
        IdTokenError::UnknownKey => "unknown key".into(),
    })?;
    Ok(claims)
}

/// The header's algorithm and key id, read without trusting them.
fn header(token: &str) -> Result<(Algorithm, Option<String>), IdTokenError> {
    let encoded = token.split('.').next().unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| invalid("the header is not base64url"))?;
    let json: Value =
        serde_json::from_slice(&bytes).map_err(|_| invalid("the header is not JSON"))?;
    let alg = json.get("alg").and_then(Value::as_str).unwrap_or_default();
    let algorithm = ASYMMETRIC
        .iter()
        .copied()
        .find(|a| format!("{a:?}") == alg)
        .ok_or_else(|| {
            invalid(format!(
                "algorithm {alg:?} is not allowed (none never is, HMAC only when registered)"
            ))
        })?;
    let kid = json.get("kid").and_then(Value::as_str).map(str::to_owned);
    Ok((algorithm, kid))
}

/// Verifies `token` against `keys` and the expectations; returns its claims.
pub(crate) fn verify(
    token: &str,
    keys: &JwkSet,
    expected: &Expected<'_>,
) -> Result<Value, IdTokenError> {
    if token.split('.').count() != 3 {
        return Err(invalid(
            "not a compact JWS (encrypted id_tokens are not supported)",
        ));
    }
    let (algorithm, kid) = header(token)?;
    let allowed = if let Some(required) = expected.required_alg {
        format!("{algorithm:?}") == required
    } else if expected.algorithms.is_empty() {
        algorithm == Algorithm::RS256
    } else {
        expected
            .algorithms
            .iter()
            .any(|a| *a == format!("{algorithm:?}"))
    };
    if !allowed {
        return Err(invalid(format!(
            "algorithm {algorithm:?} is not one the provider announced"
        )));
    }
    let jwk = match &kid {
        Some(kid) => keys.find(kid).ok_or(IdTokenError::UnknownKey)?,
        // Without a kid, only an unambiguous set will do.
        None => match keys.keys.as_slice() {
            [only] => only,
            _ => return Err(IdTokenError::UnknownKey),
        },
    };
    if let Some(key_alg) = jwk.common.key_algorithm
        && format!("{key_alg:?}") != format!("{algorithm:?}")
    {
        return Err(invalid("the key's alg differs from the token's"));
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(format!("unusable key: {e}")))?;
    let mut validation = Validation::new(algorithm);
    // Time and audience claims are checked below with the injectable clock.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|e| invalid(format!("signature: {e}")))?
        .claims;
    check_claims(&claims, expected)?;
    Ok(claims)
}

fn check_claims(claims: &Value, expected: &Expected<'_>) -> Result<(), IdTokenError> {
    let text = |key: &str| claims.get(key).and_then(Value::as_str);
    let number = |key: &str| claims.get(key).and_then(Value::as_f64);
    let issuer = match (
        expected
            .issuer
            .contains(super::metadata::TENANT_PLACEHOLDER),
        text("tid"),
    ) {
        (true, Some(tid)) => expected
            .issuer
            .replace(super::metadata::TENANT_PLACEHOLDER, tid),
        _ => expected.issuer.to_owned(),
    };
    if text("iss") != Some(issuer.as_str()) {
        return Err(invalid(format!("unexpected iss {:?}", text("iss"))));
    }
    if text("sub").is_none_or(str::is_empty) {
        return Err(invalid("missing sub"));
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&expected.client_id) {
        return Err(invalid("aud does not contain the client id"));
    }
    if (audiences.len() > 1 || claims.get("azp").is_some())
        && text("azp") != Some(expected.client_id)
    {
        return Err(invalid("azp is not the client id"));
    }
    let now = expected.now_secs as f64;
    let exp = number("exp").ok_or_else(|| invalid("missing exp"))?;
    if exp <= now - LEEWAY_SECS as f64 {
        return Err(invalid("the id_token expired"));
    }
    let iat = number("iat").ok_or_else(|| invalid("missing iat"))?;
    if iat > now + LEEWAY_SECS as f64 {
        return Err(invalid("iat is in the future"));
    }
    match (expected.nonce, text("nonce")) {
        (Some(want), Some(got))
            if crate::secret::constant_time_eq(want.as_bytes(), got.as_bytes()) => {}
        (Some(_), _) => return Err(invalid("nonce mismatch")),
        (None, Some(_)) => return Err(invalid("unexpected nonce")),
        (None, None) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(nonce: Option<&str>) -> Expected<'_> {
        Expected {
            issuer: "https://idp",
            client_id: "app",
            nonce,
            algorithms: &[],
            required_alg: None,
            client_secret: None,
            now_secs: 1_000,
        }
    }

    #[test]
    fn claims_are_checked() {
        let good = serde_json::json!({"iss": "https://idp", "sub": "1", "aud": "app", "exp": 2000, "iat": 900, "nonce": "n"});
        assert!(check_claims(&good, &expected(Some("n"))).is_ok());
        assert!(check_claims(&good, &expected(Some("other"))).is_err());
        assert!(
            check_claims(&good, &expected(None)).is_err(),
            "unexpected nonce"
        );
        let mut bad = good.clone();
        bad["aud"] = serde_json::json!(["app", "other"]);
        assert!(
            check_claims(&bad, &expected(Some("n"))).is_err(),
            "azp needed"
        );
        bad["azp"] = "app".into();
        assert!(check_claims(&bad, &expected(Some("n"))).is_ok());
        let mut expired = good.clone();
        expired["exp"] = 960.into();
        assert!(check_claims(&expired, &expected(Some("n"))).is_err());
        expired["exp"] = 980.into();
        assert!(
            check_claims(&expired, &expected(Some("n"))).is_ok(),
            "within leeway"
        );
        let mut iss = good.clone();
        iss["iss"] = "https://evil".into();
        assert!(check_claims(&iss, &expected(Some("n"))).is_err());
        // Entra's multi-tenant issuer: the token's tid fills the placeholder.
        let entra = Expected {
            issuer: "https://login.test/{tenantid}/v2.0",
            ..expected(Some("n"))
        };
        let mut tenant = good;
        tenant["iss"] = "https://login.test/abc/v2.0".into();
        tenant["tid"] = "abc".into();
        assert!(check_claims(&tenant, &entra).is_ok());
        tenant["tid"] = "other".into();
        assert!(check_claims(&tenant, &entra).is_err());
    }

    #[test]
    fn none_and_hmac_are_refused_before_any_key_lookup() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let keys = JwkSet { keys: Vec::new() };
        for alg in ["none", "HS256", "RS1"] {
            let token = format!("{}.{}.", b64(&format!(r#"{{"alg":"{alg}"}}"#)), b64("{}"));
            let token = format!("{token}sig");
            assert!(
                matches!(
                    verify(&token, &keys, &expected(None)),
                    Err(IdTokenError::Invalid(_))
                ),
                "{alg}"
            );
        }
    }

    #[test]
    fn hmac_id_tokens_need_the_registered_algorithm_and_the_secret() {
        let secret = Secret::from("channel-secret");
        let claims = serde_json::json!({"iss": "https://idp", "sub": "1", "aud": "app", "exp": 2000, "iat": 900});
        let sign = |alg: Algorithm, key: &str| {
            jsonwebtoken::encode(
                &jsonwebtoken::Header::new(alg),
                &claims,
                &jsonwebtoken::EncodingKey::from_secret(key.as_bytes()),
            )
            .expect("sign")
        };
        let with = |alg| Expected {
            required_alg: Some(alg),
            client_secret: Some(&secret),
            ..expected(None)
        };
        for (alg, name) in [
            (Algorithm::HS256, "HS256"),
            (Algorithm::HS384, "HS384"),
            (Algorithm::HS512, "HS512"),
        ] {
            let token = sign(alg, "channel-secret");
            assert_eq!(
                verify_hmac(&token, &with(name)),
                Ok(claims.clone()),
                "{name}"
            );
            assert!(verify_hmac(&sign(alg, "other-secret"), &with(name)).is_err());
        }
        let hs256 = sign(Algorithm::HS256, "channel-secret");
        assert!(
            verify_hmac(&hs256, &with("HS512")).is_err(),
            "not the registered alg"
        );
        assert!(
            verify_hmac(&hs256, &expected(None)).is_err(),
            "nothing registered"
        );
        let no_secret = Expected {
            client_secret: None,
            ..with("HS256")
        };
        assert!(verify_hmac(&hs256, &no_secret).is_err());
        // `alg: none` with the MAC stripped, or kept: refused either way.
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let body = hs256.split('.').nth(1).expect("claims");
        let none = format!("{}.{body}.", b64(r#"{"alg":"none"}"#));
        assert!(verify_hmac(&none, &with("HS256")).is_err());
        let relabelled = format!(
            "{}.{body}.{}",
            b64(r#"{"alg":"none"}"#),
            hs256.split('.').nth(2).expect("sig")
        );
        assert!(verify_hmac(&relabelled, &with("HS256")).is_err());
        // The claims are still checked.
        let mut late = claims.clone();
        late["exp"] = 10.into();
        let expired = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &late,
            &jsonwebtoken::EncodingKey::from_secret(b"channel-secret"),
        )
        .expect("sign");
        assert!(verify_hmac(&expired, &with("HS256")).is_err());
    }
}
