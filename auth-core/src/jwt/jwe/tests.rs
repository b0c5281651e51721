use super::*;
use cbc::cipher::KeyIvInit;
use serde_json::Value;

const VECTORS: &str = include_str!("../../../tests/fixtures/authjs-vectors.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("vectors parse")
}

fn jwt_cases() -> Vec<Value> {
    vectors()["jwt"].as_array().expect("jwt array").clone()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Keys for a case's `decode` block (secret is a string or an array).
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

fn case(name: &str) -> Value {
    jwt_cases()
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn basic_key() -> DerivedKey {
    DerivedKey::derive(
        b"harness-test-secret-0123456789abcdef0123456789abcdef",
        "authjs.session-token",
    )
}

fn parts(token: &str) -> Vec<&str> {
    token.split('.').collect()
}

/// Tiny deterministic PRNG (xorshift64*) so the fuzz test is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn key_derivation_matches_every_vector() {
    let cases = jwt_cases();
    assert_eq!(cases.len(), 16);
    for c in &cases {
        let kd = &c["keyDerivation"];
        let key = DerivedKey::derive(
            kd["ikm"].as_str().expect("ikm").as_bytes(),
            kd["salt"].as_str().expect("salt"),
        );
        let expected = kd["derivedKeyHex"].as_str().expect("hex");
        let len = kd["lengthBytes"].as_u64().expect("len") as usize;
        assert_eq!(hex(&key.key_bytes()[..len]), expected, "{}", c["name"]);
        let kid = kd["kid"].as_str().expect("kid");
        match len {
            64 => {
                assert_eq!(key.kid(), kid, "{}", c["name"]);
                assert_eq!(kd["kidHash"], "SHA-512");
                assert_eq!(hex(&key.mac_key), kd["macKeyHex"].as_str().expect("mac"));
                assert_eq!(hex(&key.enc_key), kd["aesKeyHex"].as_str().expect("aes"));
            }
            32 => {
                assert_eq!(key.kid_gcm(), kid, "{}", c["name"]);
                assert_eq!(kd["kidHash"], "SHA-256");
            }
            other => panic!("unexpected length {other}"),
        }
        // The header kid of every kid-bearing vector is the thumbprint of its key.
        if let Some(hkid) = c["jweStructure"]["protectedHeader"]["kid"].as_str() {
            assert_eq!(hkid, kid, "{}", c["name"]);
        }
    }
}

#[test]
fn spec_table_values() {
    let rows = [
        (
            "authjs.session-token",
            "b1ef6cdd915c44c0a71232574a6a70546a5e16d12bb38df4638e3b96bdd32025131e90695ff072a9d148f1511c7a4981a85b63a628311da1fa7ccfc49c47c2bb",
            "7x9DUMVaEU6giab0l0OWDt4e4SsRH_cbwMof2EzEyy6onK5o8xSPPB799RVoqm2v6z674kQCv9jom2T8S-a1dQ",
        ),
        (
            "__Secure-authjs.session-token",
            "0d8bf2d720367891eda6b7cc8f1960cf3fac4c0e5972e05c0ea71f835d01d69a60b8d258a71a473d46b0eec5ed3dfe45a7bcfbe54ccfa14f50206f3af0f777f5",
            "7E3YIGAxRtn6djTGy1UjZrFvXELHKzM9vfWl0nQ4b88EsnrmmX0grN0VKis7G3fjgB626TXm_lEtBG1N0E7Xyg",
        ),
        (
            "encodedState",
            "873919037dab91c0520af9b5dbaa5c3642b0ee31f816a0b08fc766b788879243af6b009a41598809c140510bd5f782dfe391ce3792140318fad4e4cd6b6d99a4",
            "ze1rGMPGVDubcXDnXo8NkdIqeDyuSSG3mI5gRPgxRiRlgDu9MMjrpKw4-pNomgcTqiQZlith1dCysR6uVPfKfg",
        ),
    ];
    for (salt, key_hex, kid) in rows {
        let key = DerivedKey::derive(b"secret", salt);
        assert_eq!(hex(&key.key_bytes()), key_hex, "{salt}");
        assert_eq!(key.kid(), kid, "{salt}");
    }
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    assert_eq!(
        hex(&key.key_bytes()[..32]),
        "b1ef6cdd915c44c0a71232574a6a70546a5e16d12bb38df4638e3b96bdd32025"
    );
    assert_eq!(key.kid_gcm(), "tgdt-VLOTRviBTc4vwSS-WjOhg14Bq0M6tGDvSzfdgs");
}

#[test]
fn fresh_token_header_and_part_lengths() {
    let key = DerivedKey::derive(b"secret", "authjs.session-token");
    let token = encrypt(&key, br#"{"sub":"1"}"#);
    let p = parts(&token);
    assert_eq!(p.len(), 5);
    assert_eq!(
        (p[0].len(), p[1].len(), p[2].len(), p[4].len()),
        (174, 0, 22, 43)
    );
    let header = B64.decode(p[0]).expect("b64");
    assert_eq!(
        std::str::from_utf8(&header).expect("utf8"),
        r#"{"alg":"dir","enc":"A256CBC-HS512","kid":"7x9DUMVaEU6giab0l0OWDt4e4SsRH_cbwMof2EzEyy6onK5o8xSPPB799RVoqm2v6z674kQCv9jom2T8S-a1dQ"}"#
    );
}

#[test]
fn fixed_iv_vector_reencodes_byte_for_byte() {
    let c = case("deterministic-fixed-iv");
    let key = DerivedKey::derive(
        c["encode"]["secret"].as_str().expect("secret").as_bytes(),
        c["encode"]["salt"].as_str().expect("salt"),
    );
    let iv: [u8; 16] = unhex(c["fixed"]["ivHex"].as_str().expect("iv"))
        .try_into()
        .expect("16 bytes");
    let plaintext = c["plaintext"].as_str().expect("plaintext");
    let token = encrypt_with_iv(&key, plaintext.as_bytes(), iv);
    assert_eq!(token, c["jwe"].as_str().expect("jwe"));
    assert_eq!(
        parts(&token)[0],
        c["jweStructure"]["protectedHeaderB64"].as_str().expect("h")
    );
    assert_eq!(
        decrypt(&[key], &token).expect("decrypts"),
        plaintext.as_bytes()
    );
}

#[test]
fn vector_plaintexts_decrypt_at_jwe_level() {
    // Every vector that carries its plaintext decrypts to exactly those bytes (when the
    // right keys are given); the key set is the one that encrypted it.
    for c in jwt_cases() {
        let Some(pt) = c["plaintext"].as_str() else {
            continue;
        };
        let kd = &c["keyDerivation"];
        let key = DerivedKey::derive(
            kd["ikm"].as_str().expect("ikm").as_bytes(),
            kd["salt"].as_str().expect("salt"),
        );
        let token = c["jwe"].as_str().expect("jwe");
        assert_eq!(
            decrypt(std::slice::from_ref(&key), token).expect("decrypts"),
            pt.as_bytes(),
            "{}",
            c["name"]
        );
        let structure = &c["jweStructure"];
        let p = parts(token);
        assert_eq!(
            B64.decode(p[2]).expect("iv").len() as u64,
            structure["ivLen"].as_u64().expect("ivLen")
        );
        assert_eq!(
            B64.decode(p[4]).expect("tag").len() as u64,
            structure["tagLen"].as_u64().expect("tagLen")
        );
    }
}

#[test]
fn gcm_vector_needs_gcm_kid() {
    let c = case("a256gcm-accepted");
    let token = c["jwe"].as_str().expect("jwe");
    let keys = decode_keys(&c);
    assert!(decrypt(&keys, token).is_ok());
    // A key set without the right secret: no matching kid.
    let other = DerivedKey::derive(b"other", "authjs.session-token");
    assert_eq!(
        decrypt(std::slice::from_ref(&other), token),
        Err(JweError::NoMatchingSecret)
    );
    // The right secret is found even in second position.
    let keys2 = vec![other, keys[0].clone()];
    assert!(decrypt(&keys2, token).is_ok());
}

#[test]
fn round_trip_various_lengths() {
    let key = basic_key();
    for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 100, 4096] {
        let pt: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let token = encrypt(&key, &pt);
        assert_eq!(
            decrypt(std::slice::from_ref(&key), &token).expect("round trip"),
            pt
        );
        let ct_len = B64.decode(parts(&token)[3]).expect("ct").len();
        assert_eq!(ct_len, (len / 16 + 1) * 16);
    }
}

#[test]
fn random_iv_differs_between_calls() {
    let key = basic_key();
    let a = encrypt(&key, b"same");
    let b = encrypt(&key, b"same");
    assert_ne!(a, b);
    assert_ne!(parts(&a)[2], parts(&b)[2]);
}

#[test]
fn rotation_selects_by_kid() {
    let new = DerivedKey::derive(b"new", "authjs.session-token");
    let old = DerivedKey::derive(b"old", "authjs.session-token");
    let token_old = encrypt(&old, b"from old");
    let keys = [new.clone(), old.clone()];
    assert_eq!(decrypt(&keys, &token_old).expect("old"), b"from old");
    let token_new = encrypt(&new, b"from new");
    assert_eq!(decrypt(&keys, &token_new).expect("new"), b"from new");
    assert_eq!(
        decrypt(std::slice::from_ref(&new), &token_old),
        Err(JweError::NoMatchingSecret)
    );
    assert_eq!(decrypt(&[], &token_old), Err(JweError::NoMatchingSecret));
}

/// Builds a token whose header has no `kid`, encrypted with `key`.
fn kidless_token(key: &DerivedKey, plaintext: &[u8]) -> String {
    let header = B64.encode(br#"{"alg":"dir","enc":"A256CBC-HS512"}"#);
    let iv = [7u8; 16];
    let ct = cbc::Encryptor::<Aes256>::new(&key.enc_key.into(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let tag = cbc_tag(key, header.as_bytes(), &iv, &ct);
    format!(
        "{header}..{}.{}.{}",
        B64.encode(iv),
        B64.encode(&ct),
        B64.encode(tag)
    )
}

#[test]
fn kidless_header_uses_only_first_key() {
    let first = DerivedKey::derive(b"first", "authjs.session-token");
    let second = DerivedKey::derive(b"second", "authjs.session-token");
    let by_first = kidless_token(&first, b"hello");
    let by_second = kidless_token(&second, b"hello");
    let keys = [first.clone(), second.clone()];
    assert_eq!(decrypt(&keys, &by_first).expect("first"), b"hello");
    // No fallback to the second secret: the first key's tag check fails.
    assert_eq!(decrypt(&keys, &by_second), Err(JweError::DecryptionFailed));
    assert_eq!(decrypt(&[second], &by_second).expect("alone"), b"hello");
    assert_eq!(decrypt(&[], &by_first), Err(JweError::NoMatchingSecret));

    // The vector made by Auth.js without kid.
    let c = case("no-kid");
    let token = c["jwe"].as_str().expect("jwe");
    let good = decode_keys(&c);
    assert!(decrypt(&good, token).is_ok());
    let mut other_first = vec![DerivedKey::derive(b"x", "authjs.session-token")];
    other_first.extend(good);
    assert_eq!(
        decrypt(&other_first, token),
        Err(JweError::DecryptionFailed)
    );
}

#[test]
fn non_string_kid_never_matches() {
    let key = basic_key();
    let token = encrypt(&key, b"x");
    let p = parts(&token);
    for kid in ["null", "5", "true", "[]", "{}"] {
        let header = B64.encode(format!(
            r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":{kid}}}"#
        ));
        let forged = format!("{header}..{}.{}.{}", p[2], p[3], p[4]);
        assert_eq!(
            decrypt(std::slice::from_ref(&key), &forged),
            Err(JweError::NoMatchingSecret),
            "{kid}"
        );
    }
}

fn flip_char(token: &str, part: usize, index: usize) -> String {
    let mut p: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut bytes = B64.decode(&p[part]).expect("b64");
    bytes[index] ^= 0x01;
    p[part] = B64.encode(&bytes);
    p.join(".")
}

#[test]
fn flipped_tag_and_ciphertext_bytes_fail_the_same_way() {
    let key = basic_key();
    let keys = [key];
    let token = encrypt(&keys[0], br#"{"sub":"1","name":"Alice"}"#);
    for i in 0..32 {
        assert_eq!(
            decrypt(&keys, &flip_char(&token, 4, i)),
            Err(JweError::DecryptionFailed),
            "tag byte {i}"
        );
    }
    let ct_len = B64.decode(parts(&token)[3]).expect("ct").len();
    for i in 0..ct_len {
        assert_eq!(
            decrypt(&keys, &flip_char(&token, 3, i)),
            Err(JweError::DecryptionFailed),
            "ciphertext byte {i}"
        );
    }
    for i in 0..16 {
        assert_eq!(
            decrypt(&keys, &flip_char(&token, 2, i)),
            Err(JweError::DecryptionFailed),
            "iv byte {i}"
        );
    }
    // The Auth.js-made tampered vector.
    let c = case("tampered-ciphertext");
    assert_eq!(
        decrypt(&decode_keys(&c), c["jwe"].as_str().expect("jwe")),
        Err(JweError::DecryptionFailed)
    );
}

#[test]
fn valid_tag_with_bad_padding_is_decryption_failed() {
    // Ciphertext whose tag is correct but whose last block does not unpad: must give the
    // same error as a bad tag.
    let key = basic_key();
    let header = key.header_b64.clone();
    let iv = [1u8; 16];
    let mut block = [0u8; 16];
    block[15] = 0; // padding byte 0 is invalid
    let mut ct = block.to_vec();
    cbc::Encryptor::<Aes256>::new(&key.enc_key.into(), &iv.into())
        .encrypt_padded::<cbc::cipher::block_padding::NoPadding>(&mut ct, 16)
        .expect("one block");
    let tag = cbc_tag(&key, header.as_bytes(), &iv, &ct);
    let token = format!(
        "{header}..{}.{}.{}",
        B64.encode(iv),
        B64.encode(&ct),
        B64.encode(tag)
    );
    assert_eq!(
        decrypt(std::slice::from_ref(&key), &token),
        Err(JweError::DecryptionFailed)
    );
    // Empty ciphertext with a valid tag, and a ciphertext that is not whole blocks.
    for ct in [Vec::new(), vec![0u8; 5]] {
        let tag = cbc_tag(&key, header.as_bytes(), &iv, &ct);
        let token = format!(
            "{header}..{}.{}.{}",
            B64.encode(iv),
            B64.encode(&ct),
            B64.encode(tag)
        );
        assert_eq!(
            decrypt(std::slice::from_ref(&key), &token),
            Err(JweError::DecryptionFailed)
        );
    }
}

#[test]
fn gcm_tampering_fails() {
    let c = case("a256gcm-accepted");
    let keys = decode_keys(&c);
    let token = c["jwe"].as_str().expect("jwe");
    assert_eq!(
        decrypt(&keys, &flip_char(token, 3, 0)),
        Err(JweError::DecryptionFailed)
    );
    assert_eq!(
        decrypt(&keys, &flip_char(token, 4, 15)),
        Err(JweError::DecryptionFailed)
    );
    assert_eq!(
        decrypt(&keys, &flip_char(token, 2, 3)),
        Err(JweError::DecryptionFailed)
    );
}

fn with_header(token: &str, header_json: &str) -> String {
    let p = parts(token);
    format!(
        "{}.{}.{}.{}.{}",
        B64.encode(header_json),
        p[1],
        p[2],
        p[3],
        p[4]
    )
}

#[test]
fn header_rules() {
    let key = basic_key();
    let keys = [key.clone()];
    let token = encrypt(&key, b"x");
    let kid = key.kid().to_owned();
    let cases: Vec<(String, JweError)> = vec![
        (
            format!(r#"{{"alg":"RSA-OAEP","enc":"A256CBC-HS512","kid":"{kid}"}}"#),
            JweError::UnsupportedAlgorithm,
        ),
        (
            format!(r#"{{"alg":"dir","enc":"A128CBC-HS256","kid":"{kid}"}}"#),
            JweError::UnsupportedAlgorithm,
        ),
        (
            format!(r#"{{"alg":"none","enc":"A256GCM","kid":"{kid}"}}"#),
            JweError::UnsupportedAlgorithm,
        ),
        (
            format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}","zip":"DEF"}}"#),
            JweError::UnsupportedAlgorithm,
        ),
        (
            format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}","crit":["exp"]}}"#),
            JweError::UnsupportedAlgorithm,
        ),
        (
            format!(r#"{{"enc":"A256CBC-HS512","kid":"{kid}"}}"#),
            JweError::Malformed,
        ),
        (
            format!(r#"{{"alg":"dir","kid":"{kid}"}}"#),
            JweError::Malformed,
        ),
        (
            format!(r#"{{"alg":"","enc":"A256CBC-HS512","kid":"{kid}"}}"#),
            JweError::Malformed,
        ),
        (
            format!(r#"{{"alg":5,"enc":"A256CBC-HS512","kid":"{kid}"}}"#),
            JweError::Malformed,
        ),
        ("[1,2]".to_owned(), JweError::Malformed),
        ("null".to_owned(), JweError::Malformed),
        ("not json".to_owned(), JweError::Malformed),
        (
            r#"{"alg":"dir","enc":"A256CBC-HS512","kid":"nope"}"#.to_owned(),
            JweError::NoMatchingSecret,
        ),
        // Header changed but otherwise valid: AAD differs, so the tag fails.
        (
            format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}","x":1}}"#),
            JweError::DecryptionFailed,
        ),
        (
            format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}"}} "#),
            JweError::DecryptionFailed,
        ),
    ];
    for (header, err) in cases {
        assert_eq!(
            decrypt(&keys, &with_header(&token, &header)),
            Err(err),
            "{header}"
        );
    }
    // An escaped kid string still selects the key (serde un-escapes it); the header bytes
    // differ, so the tag then fails.
    let last = kid.chars().last().expect("kid") as u32;
    let escaped = format!(
        r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{}\u{last:04x}"}}"#,
        &kid[..kid.len() - 1]
    );
    assert_eq!(
        decrypt(&keys, &with_header(&token, &escaped)),
        Err(JweError::DecryptionFailed)
    );
    let wrong_escaped = format!(
        r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{}\u00e9"}}"#,
        &kid[..kid.len() - 1]
    );
    assert_eq!(
        decrypt(&keys, &with_header(&token, &wrong_escaped)),
        Err(JweError::NoMatchingSecret)
    );
}

#[test]
fn disallowed_enc_vector() {
    let c = case("disallowed-enc");
    assert_eq!(
        decrypt(&decode_keys(&c), c["jwe"].as_str().expect("jwe")),
        Err(JweError::UnsupportedAlgorithm)
    );
}

#[test]
fn structural_errors() {
    let key = basic_key();
    let keys = [key.clone()];
    let token = encrypt(&key, b"payload");
    let p = parts(&token);
    let cases = [
        String::new(),
        ".".to_owned(),
        "....".to_owned(),
        "......".to_owned(),
        format!("{}.{}.{}.{}", p[0], p[1], p[2], p[3]),
        format!("{token}."),
        format!("{}.AAAA.{}.{}.{}", p[0], p[2], p[3], p[4]),
        format!("{}..{}A.{}.{}", p[0], p[2], p[3], p[4]),
        format!("{}..{}.{}.{}", p[0], &p[2][..21], p[3], p[4]),
        format!("{}..{}.{}!.{}", p[0], p[2], p[3], p[4]),
        format!("{}==..{}.{}.{}", p[0], p[2], p[3], p[4]),
        format!("{}..{}=.{}.{}", p[0], &p[2][..21], p[3], p[4]),
        "a.b.c.d.e".to_owned(),
        "\u{1F36A}.\u{1F36A}.\u{1F36A}.\u{1F36A}.\u{1F36A}".to_owned(),
    ];
    for t in &cases {
        assert_eq!(decrypt(&keys, t), Err(JweError::Malformed), "{t:?}");
    }
    // A tag of the wrong length is an authentication failure, as in jose.
    let short_tag = format!("{}..{}.{}.{}", p[0], p[2], p[3], &p[4][..40]);
    assert_eq!(decrypt(&keys, &short_tag), Err(JweError::DecryptionFailed));
    // Ciphertext with bad base64.
    let bad_ct = format!("{}..{}.{}*.{}", p[0], p[2], p[3], p[4]);
    assert_eq!(decrypt(&keys, &bad_ct), Err(JweError::Malformed));
}

#[test]
fn oversized_tokens_are_rejected_up_front() {
    let key = basic_key();
    let keys = [key.clone()];
    // A genuine token just under the limit still decrypts...
    let big = vec![b'a'; 40 * 1024];
    let token = encrypt(&key, &big);
    assert!(token.len() <= MAX_TOKEN_LEN);
    assert_eq!(decrypt(&keys, &token).expect("big"), big);
    // ...one over it is malformed, even if it would be valid.
    let huge = encrypt(&key, &vec![b'a'; 60 * 1024]);
    assert!(huge.len() > MAX_TOKEN_LEN);
    assert_eq!(decrypt(&keys, &huge), Err(JweError::Malformed));
    let junk = "A".repeat(10 * 1024 * 1024);
    assert_eq!(decrypt(&keys, &junk), Err(JweError::Malformed));
    // A header longer than the stack buffer takes the heap path and is still parsed.
    let long_header = format!(
        r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{}","pad":"{}"}}"#,
        key.kid(),
        "p".repeat(2000)
    );
    assert_eq!(
        decrypt(&keys, &with_header(&token, &long_header)),
        Err(JweError::DecryptionFailed)
    );
}

#[test]
fn random_mutations_never_panic_and_never_verify() {
    let key = basic_key();
    let gcm = case("a256gcm-accepted");
    let mut keys = decode_keys(&gcm);
    keys.push(key.clone());
    let originals = [
        encrypt(
            &key,
            br#"{"sub":"1","name":"Alice","email":"alice@example.com"}"#,
        ),
        gcm["jwe"].as_str().expect("jwe").to_owned(),
        kidless_token(&keys[0], b"{}"),
    ];
    for original in &originals {
        assert!(decrypt(&keys, original).is_ok());
    }
    let alphabet: Vec<char> = "ABCxyz019-_.=+/ !\"{}\u{e9}\u{1F36A}\0".chars().collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..30_000 {
        let original = &originals[round % originals.len()];
        let mut chars: Vec<char> = original.chars().collect();
        let edits = 1 + rng.below(4);
        for _ in 0..edits {
            match rng.below(6) {
                0 if !chars.is_empty() => {
                    let i = rng.below(chars.len());
                    chars[i] = alphabet[rng.below(alphabet.len())];
                }
                1 if !chars.is_empty() => {
                    let i = rng.below(chars.len());
                    chars.remove(i);
                }
                2 => {
                    let i = rng.below(chars.len() + 1);
                    chars.insert(i, alphabet[rng.below(alphabet.len())]);
                }
                3 => {
                    let i = rng.below(chars.len() + 1);
                    chars.truncate(i);
                }
                4 if !chars.is_empty() => {
                    // Flip one bit of a base64 character's value by swapping for a
                    // neighbouring alphabet character.
                    let i = rng.below(chars.len());
                    let c = chars[i];
                    chars[i] = match c {
                        'A'..='Y' | 'a'..='y' | '0'..='8' => {
                            char::from_u32(c as u32 + 1).unwrap_or('A')
                        }
                        _ => 'A',
                    };
                }
                _ => {
                    // Duplicate a random slice.
                    if !chars.is_empty() {
                        let a = rng.below(chars.len());
                        let b = a + rng.below(chars.len() - a);
                        let slice: Vec<char> = chars[a..b].to_vec();
                        let at = rng.below(chars.len() + 1);
                        chars.splice(at..at, slice);
                    }
                }
            }
        }
        let mutated: String = chars.into_iter().collect();
        let result = decrypt(&keys, &mutated);
        if &mutated != original {
            assert!(result.is_err(), "mutation verified: {mutated}");
        }
    }
    // Pure garbage of many shapes.
    for len in 0..300 {
        let s: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        assert!(decrypt(&keys, &s).is_err());
    }
}

#[test]
fn debug_redacts_key_material() {
    let key = basic_key();
    let shown = format!("{key:?}");
    assert!(shown.contains(key.kid()));
    let bytes = key.key_bytes();
    assert!(!shown.contains(&hex(&bytes)));
    assert!(!shown.contains(&hex(&bytes[..32])));
    assert!(!shown.contains(&hex(&bytes[32..])));
    assert!(!shown.contains(&B64.encode(bytes)));
    assert!(!shown.contains(&B64.encode(&bytes[..32])));
    assert!(!shown.contains(&format!("{:?}", &bytes[..8])));
    assert!(!shown.contains("mac"));
    assert!(!shown.contains("enc_key"));
}

#[test]
fn error_display() {
    assert_eq!(
        JweError::NoMatchingSecret.to_string(),
        "no matching decryption secret"
    );
    assert_eq!(
        JweError::DecryptionFailed.to_string(),
        "decryption operation failed"
    );
    let e: Box<dyn std::error::Error> = Box::new(JweError::Malformed);
    assert_eq!(e.to_string(), "malformed JWE");
}

#[test]
fn b64_len_helper() {
    for n in 0..100 {
        assert_eq!(b64_len(n), B64.encode(vec![0u8; n]).len());
        assert!(b64_decoded_max(b64_len(n)) >= n);
    }
}
