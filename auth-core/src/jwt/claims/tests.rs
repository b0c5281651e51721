use super::*;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::json;

const VECTORS: &str = include_str!("../../../tests/fixtures/authjs-vectors.json");

const CASE_NAMES: [&str; 16] = [
    "basic-session",
    "secure-cookie-salt",
    "short-maxage-rich-claims",
    "empty-token",
    "other-secret-and-salt",
    "rotation-encode-array",
    "rotation-decode-old",
    "wrong-secret",
    "wrong-salt",
    "expired",
    "expired-within-tolerance",
    "no-kid",
    "a256gcm-accepted",
    "deterministic-fixed-iv",
    "tampered-ciphertext",
    "disallowed-enc",
];

fn jwt_cases() -> Vec<Value> {
    let v: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    v["jwt"].as_array().expect("jwt array").clone()
}

fn case(name: &str) -> Value {
    jwt_cases()
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn decode_keys(case: &Value) -> Vec<DerivedKey> {
    let salt = case["decode"]["salt"].as_str().expect("salt");
    match &case["decode"]["secret"] {
        Value::String(s) => vec![DerivedKey::derive(s.as_bytes(), salt)],
        Value::Array(a) => a
            .iter()
            .map(|s| DerivedKey::derive(s.as_str().expect("secret").as_bytes(), salt))
            .collect(),
        other => panic!("unexpected secret {other}"),
    }
}

/// Maps Auth.js's error (name/message) to ours.
fn expected_error(case: &Value) -> JwtError {
    let e = &case["expectedError"];
    match (e["name"].as_str(), e["message"].as_str()) {
        (Some("JWTExpired"), _) => JwtError::Expired,
        (Some("JWEDecryptionFailed"), _) => JwtError::Jwe(JweError::DecryptionFailed),
        (Some("JOSEAlgNotAllowed"), _) => JwtError::Jwe(JweError::UnsupportedAlgorithm),
        (_, Some("no matching decryption secret")) => JwtError::Jwe(JweError::NoMatchingSecret),
        other => panic!("unmapped expected error {other:?}"),
    }
}

/// Runs one Auth.js vector through `decode` and checks the outcome.
fn run_case(name: &str) {
    let c = case(name);
    let keys = decode_keys(&c);
    let token = c["jwe"].as_str().expect("jwe");
    // The fixed-IV case carries its own clock; the others were made at `generatedAt`.
    let now = c["fixed"]["iat"]
        .as_i64()
        .or_else(|| c["generatedAt"].as_i64())
        .expect("clock");
    let result = decode(&keys, token, now);
    match c["expect"].as_str() {
        Some("ok") => {
            let claims = result.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(Value::Object(claims.into()), c["expectedPayload"], "{name}");
        }
        Some("error") => {
            assert_eq!(result, Err(expected_error(&c)), "{name}");
        }
        other => panic!("{name}: unknown expectation {other:?}"),
    }
}

#[test]
fn vector_cases_are_all_covered() {
    let names: Vec<String> = jwt_cases()
        .iter()
        .map(|c| c["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(names, CASE_NAMES);
}

#[test]
fn vector_basic_session() {
    run_case("basic-session");
}

#[test]
fn vector_secure_cookie_salt() {
    run_case("secure-cookie-salt");
}

#[test]
fn vector_short_maxage_rich_claims() {
    run_case("short-maxage-rich-claims");
}

#[test]
fn vector_empty_token() {
    run_case("empty-token");
}

#[test]
fn vector_other_secret_and_salt() {
    run_case("other-secret-and-salt");
}

#[test]
fn vector_rotation_encode_array() {
    run_case("rotation-encode-array");
}

#[test]
fn vector_rotation_decode_old() {
    run_case("rotation-decode-old");
}

#[test]
fn vector_wrong_secret() {
    run_case("wrong-secret");
}

#[test]
fn vector_wrong_salt() {
    run_case("wrong-salt");
}

#[test]
fn vector_expired() {
    run_case("expired");
}

#[test]
fn vector_expired_within_tolerance() {
    run_case("expired-within-tolerance");
}

#[test]
fn vector_no_kid() {
    run_case("no-kid");
}

#[test]
fn vector_a256gcm_accepted() {
    run_case("a256gcm-accepted");
}

#[test]
fn vector_deterministic_fixed_iv() {
    run_case("deterministic-fixed-iv");
}

#[test]
fn vector_tampered_ciphertext() {
    run_case("tampered-ciphertext");
}

#[test]
fn vector_disallowed_enc() {
    run_case("disallowed-enc");
}

#[test]
fn vector_error_cases_decrypt_with_the_encoding_key() {
    // wrong-secret / wrong-salt / expired carry the payload Auth.js encoded: with the
    // encoding key (and a clock that makes them valid) they decode to it.
    for name in ["wrong-secret", "wrong-salt", "expired"] {
        let c = case(name);
        let key = DerivedKey::derive(
            c["encode"]["secret"].as_str().expect("secret").as_bytes(),
            c["encode"]["salt"].as_str().expect("salt"),
        );
        let iat = c["plaintextPayload"]["iat"].as_i64().expect("iat");
        let claims = decode(&[key], c["jwe"].as_str().expect("jwe"), iat - 7200)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(
            Value::Object(claims.into()),
            c["plaintextPayload"],
            "{name}"
        );
    }
}

#[test]
fn fixed_iv_vector_claims_rebuild() {
    // encode's payload for the vector's token and fixed iat/exp/jti carries exactly
    // Auth.js's claims (member order depends on serde_json's `preserve_order`).
    let c = case("deterministic-fixed-iv");
    let key = DerivedKey::derive(
        c["encode"]["secret"].as_str().expect("secret").as_bytes(),
        c["encode"]["salt"].as_str().expect("salt"),
    );
    let mut token = Claims::new();
    token.insert("name".into(), json!("Alice"));
    token.insert("email".into(), json!("alice@example.com"));
    token.insert("sub".into(), json!("1"));
    let fixed = &c["fixed"];
    let json = payload(
        &token,
        fixed["iat"].as_i64().expect("iat"),
        fixed["exp"].as_i64().expect("exp"),
        fixed["jti"].as_str().expect("jti"),
    );
    let expected: Value = serde_json::from_str(c["plaintext"].as_str().expect("pt")).expect("json");
    assert_eq!(
        serde_json::from_str::<Value>(&json).expect("json"),
        expected
    );
    let iv = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    let jwe_token = jwe::encrypt_with_iv(&key, json.as_bytes(), iv);
    let claims = decode(&[key], &jwe_token, 1_767_225_600).expect("decodes");
    assert_eq!(Value::Object(claims.into()), c["expectedPayload"]);
    if json == c["plaintext"].as_str().expect("pt") {
        assert_eq!(jwe_token, c["jwe"].as_str().expect("jwe"));
    }
}

#[test]
fn encode_round_trip_sets_iat_exp_jti() {
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    let mut claims = Claims::new();
    claims.insert("name".into(), json!("Alice"));
    claims.insert("email".into(), json!("alice@example.com"));
    claims.insert("picture".into(), Value::Null);
    claims.insert("sub".into(), json!("1"));
    claims.insert("nested".into(), json!({"a": [1, 2.5, "x", null, true]}));
    let now = 1_795_756_095;
    let token = encode(&key, &claims, 2_592_000, now);
    let decoded = decode(std::slice::from_ref(&key), &token, now).expect("decodes");
    for (k, v) in &claims {
        assert_eq!(decoded.get(k), Some(v), "{k}");
    }
    assert_eq!(decoded["iat"], json!(now));
    assert_eq!(decoded["exp"], json!(now + 2_592_000));
    let jti = decoded["jti"].as_str().expect("jti");
    assert_uuid_v4(jti);
    assert_eq!(decoded.len(), claims.len() + 3);
    // Header and part lengths as Auth.js produces them.
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(
        (
            parts[0].len(),
            parts[1].len(),
            parts[2].len(),
            parts[4].len()
        ),
        (174, 0, 22, 43)
    );
}

#[test]
fn encode_overwrites_existing_time_claims_and_jti() {
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    let mut claims = Claims::new();
    claims.insert("iat".into(), json!(1));
    claims.insert("exp".into(), json!(2));
    claims.insert("jti".into(), json!("old"));
    claims.insert("sub".into(), json!("s"));
    let token = encode(&key, &claims, 60, 1000);
    let decoded = decode(std::slice::from_ref(&key), &token, 1000).expect("decodes");
    assert_eq!(decoded["iat"], json!(1000));
    assert_eq!(decoded["exp"], json!(1060));
    assert_ne!(decoded["jti"], json!("old"));
    assert_eq!(decoded["sub"], json!("s"));
    // The input is not modified.
    assert_eq!(claims["jti"], json!("old"));
}

#[test]
fn encode_uses_fresh_jti_and_iv() {
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    let claims = Claims::new();
    let a = encode(&key, &claims, 60, 1000);
    let b = encode(&key, &claims, 60, 1000);
    assert_ne!(a, b);
    let ja = decode(std::slice::from_ref(&key), &a, 1000).expect("a")["jti"].clone();
    let jb = decode(std::slice::from_ref(&key), &b, 1000).expect("b")["jti"].clone();
    assert_ne!(ja, jb);
}

#[test]
fn encode_exp_saturates() {
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    let token = encode(&key, &Claims::new(), i64::MAX, 1000);
    let decoded = decode(std::slice::from_ref(&key), &token, 1000).expect("decodes");
    assert_eq!(decoded["exp"], json!(i64::MAX));
}

fn assert_uuid_v4(s: &str) {
    assert_eq!(s.len(), 36, "{s}");
    for (i, ch) in s.chars().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            assert_eq!(ch, '-', "{s}");
        } else {
            assert!(matches!(ch, '0'..='9' | 'a'..='f'), "{s}");
        }
    }
    assert_eq!(&s[14..15], "4", "{s}");
    assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"), "{s}");
}

fn token_with(key: &DerivedKey, payload: &str) -> String {
    jwe::encrypt(key, payload.as_bytes())
}

#[test]
fn clock_tolerance() {
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    let keys = std::slice::from_ref(&key);
    let now = 1_800_000_000;
    // Expired 10 s ago: accepted; 20 s ago: Expired (as verified against Auth.js).
    let t = encode(&key, &Claims::new(), -10, now);
    assert!(decode(keys, &t, now).is_ok());
    let t = encode(&key, &Claims::new(), -20, now);
    assert_eq!(decode(keys, &t, now), Err(JwtError::Expired));
    // Boundary: exp must be strictly greater than now - 15.
    let t = encode(&key, &Claims::new(), -14, now);
    assert!(decode(keys, &t, now).is_ok());
    let t = encode(&key, &Claims::new(), -15, now);
    assert_eq!(decode(keys, &t, now), Err(JwtError::Expired));
    // nbf: at most now + 15.
    let t = token_with(&key, &format!(r#"{{"nbf":{}}}"#, now + 15));
    assert!(decode(keys, &t, now).is_ok());
    let t = token_with(&key, &format!(r#"{{"nbf":{}}}"#, now + 16));
    assert_eq!(decode(keys, &t, now), Err(JwtError::NotYetValid));
    let t = token_with(&key, &format!(r#"{{"nbf":{}.5}}"#, now + 15));
    assert_eq!(decode(keys, &t, now), Err(JwtError::NotYetValid));
    // Floats are numbers too.
    let t = token_with(&key, &format!(r#"{{"exp":{}.5}}"#, now - 15));
    assert!(decode(keys, &t, now).is_ok());
    let t = token_with(&key, &format!(r#"{{"exp":{}.5}}"#, now - 16));
    assert_eq!(decode(keys, &t, now), Err(JwtError::Expired));
    let t = token_with(&key, r#"{"exp":1e300,"iat":1.5e9,"nbf":-1e300}"#);
    assert!(decode(keys, &t, now).is_ok());
    // A future iat is accepted (only type-checked).
    let t = token_with(&key, &format!(r#"{{"iat":{}}}"#, now + 100_000));
    assert!(decode(keys, &t, now).is_ok());
    // No time claims at all is fine.
    let t = token_with(&key, "{}");
    assert_eq!(decode(keys, &t, now), Ok(Claims::new()));
    // Extreme clocks do not overflow.
    assert!(decode(keys, &t, i64::MAX).is_ok());
    assert!(decode(keys, &t, i64::MIN).is_ok());
}

#[test]
fn invalid_payloads() {
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    let keys = std::slice::from_ref(&key);
    for payload in [
        "",
        "not json",
        "[1,2]",
        "null",
        "\"string\"",
        "42",
        r#"{"exp":"1900000000"}"#,
        r#"{"exp":null}"#,
        r#"{"nbf":true}"#,
        r#"{"iat":"now"}"#,
        r#"{"iat":[1]}"#,
        r#"{"a":1} x"#,
    ] {
        let t = token_with(&key, payload);
        assert_eq!(
            decode(keys, &t, 1_800_000_000),
            Err(JwtError::InvalidPayload),
            "{payload}"
        );
    }
    // Invalid UTF-8 is not JSON.
    let t = jwe::encrypt(&key, b"{\"a\":\"\xff\"}");
    assert_eq!(decode(keys, &t, 0), Err(JwtError::InvalidPayload));
    // Whitespace around the object is fine (JSON.parse accepts it too).
    let t = token_with(&key, " {\"a\":1}\n");
    assert_eq!(decode(keys, &t, 0).expect("ok")["a"], json!(1));
}

#[test]
fn jwe_errors_pass_through() {
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    let keys = std::slice::from_ref(&key);
    assert_eq!(
        decode(keys, "garbage", 0),
        Err(JwtError::Jwe(JweError::Malformed))
    );
    let other = DerivedKey::derive(b"other", "authjs.session-token");
    let t = encode(&other, &Claims::new(), 60, 0);
    assert_eq!(
        decode(keys, &t, 0),
        Err(JwtError::Jwe(JweError::NoMatchingSecret))
    );
    let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
    let mut tag = B64.decode(&parts[4]).expect("tag");
    tag[0] ^= 1;
    parts[4] = B64.encode(&tag);
    assert_eq!(
        decode(std::slice::from_ref(&other), &parts.join("."), 0),
        Err(JwtError::Jwe(JweError::DecryptionFailed))
    );
}

#[test]
fn error_display_and_source() {
    use std::error::Error as _;
    assert_eq!(
        JwtError::Expired.to_string(),
        "\"exp\" claim timestamp check failed"
    );
    assert_eq!(
        JwtError::from(JweError::NoMatchingSecret).to_string(),
        "no matching decryption secret"
    );
    assert!(JwtError::Jwe(JweError::Malformed).source().is_some());
    assert!(JwtError::InvalidPayload.source().is_none());
}

#[test]
fn the_payload_is_the_claims_with_the_times_inserted() {
    let inserted = |claims: &Claims| {
        let mut copy = claims.clone();
        copy.insert("iat".to_owned(), Value::from(10));
        copy.insert("exp".to_owned(), Value::from(20));
        copy.insert("jti".to_owned(), Value::from("id"));
        Value::from(copy).to_string()
    };
    let mut claims = Claims::new();
    assert_eq!(payload(&claims, 10, 20, "id"), inserted(&claims));
    claims.insert("name".into(), json!("Alice"));
    claims.insert("exp".into(), json!(1));
    claims.insert("nested".into(), json!({"a": [1, 2.5, null]}));
    claims.insert("jti".into(), json!("old"));
    assert_eq!(payload(&claims, 10, 20, "id"), inserted(&claims));
}

/// The token cache hands out what `encode_carrying` said a token carries instead of decrypting
/// it: that must be exactly what decoding the token gives, member order included.
#[test]
fn the_carried_claims_are_what_decoding_gives() {
    let key = DerivedKey::derive(b"carried-claims-secret", "authjs.session-token");
    let sets = [
        json!({}),
        json!({"name": "Alice", "email": "alice@example.com", "sub": "u-1", "picture": null}),
        json!({"sub": "2", "exp": 1, "role": "admin", "iat": "x", "jti": 7, "n": -12}),
        json!({"big": u64::MAX, "neg": i64::MIN, "t": true, "s": "é\u{1F600}\"\\\n"}),
        json!({"nested": {"a": [1, "two", {"b": null}], "jti": "inner"}, "list": []}),
        json!({"accessToken": "ya29.a0", "expires_at": 1_798_348_095_i64}),
    ];
    for set in sets {
        let claims: Claims = serde_json::from_value(set.clone()).expect("claims");
        let (token, added) = encode_carrying(&key, &claims, 3600, 1_700_000_000);
        let decoded = decode(std::slice::from_ref(&key), &token, 1_700_000_000).expect("decodes");
        let carried = added.expect("no floats: carried").apply(claims);
        assert_eq!(carried, decoded, "{set}");
        let order = |c: &Claims| c.keys().cloned().collect::<Vec<_>>();
        assert_eq!(order(&carried), order(&decoded), "{set}");
    }
}

#[test]
fn claims_with_a_float_are_not_carried() {
    let key = DerivedKey::derive(b"carried-claims-secret", "authjs.session-token");
    for set in [json!({"score": 0.1}), json!({"deep": [{"x": 1.5}]})] {
        let claims: Claims = serde_json::from_value(set.clone()).expect("claims");
        let (token, added) = encode_carrying(&key, &claims, 3600, 1_700_000_000);
        assert!(added.is_none(), "{set}");
        assert!(decode(std::slice::from_ref(&key), &token, 1_700_000_000).is_ok());
    }
}

/// Each token draws its IV and its `jti` afresh, from different random bytes.
#[test]
fn every_token_has_its_own_iv_and_jti() {
    let key = DerivedKey::derive(b"iv-and-jti-secret", "authjs.session-token");
    let claims = Claims::new();
    let tokens: Vec<String> = (0..8)
        .map(|_| encode(&key, &claims, 60, 1_700_000_000))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for token in &tokens {
        let iv = B64
            .decode(token.split('.').nth(2).expect("iv"))
            .expect("b64");
        let decoded = decode(std::slice::from_ref(&key), token, 1_700_000_000).expect("decodes");
        let jti = decoded["jti"].as_str().expect("jti").replace('-', "");
        let mut iv_as_uuid = iv.clone();
        iv_as_uuid[6] = (iv_as_uuid[6] & 0x0f) | 0x40;
        iv_as_uuid[8] = (iv_as_uuid[8] & 0x3f) | 0x80;
        let iv_hex: String = iv_as_uuid.iter().map(|b| format!("{b:02x}")).collect();
        assert_ne!(iv_hex, jti, "the IV and the jti share their bytes");
        assert!(
            seen.insert(iv) && seen.insert(jti.into_bytes()),
            "a repeated IV or jti"
        );
    }
}
