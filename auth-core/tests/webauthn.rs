//! Passkeys end to end (spec §11) with a software authenticator written here: P-256 (ES256)
//! and Ed25519 (EdDSA) keys, attestation objects, authenticator data and client data built by
//! hand in CBOR/JSON and signed. Registration then authentication on the memory and SQLite
//! stores (and PostgreSQL when `AUTH_TEST_POSTGRES_URL` is set), every refusal with its error
//! and nothing written, the options endpoint's decision table, build-time assertions, and the
//! sign-in page with the core's own script.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use auth_core::{
    AuthConfig, ConfigError, SessionStrategy,
    adapter::{Adapter, MemoryAdapter, SqliteAdapter},
    providers::{WebAuthnField, WebAuthnProvider},
};
use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use common::{Client, SECRET, TestResponse};
use http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ORIGIN: &str = "http://localhost:3100";
const RP_ID: &str = "localhost";

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const AT: u8 = 0x40;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{prefix}-{nanos}-{}", N.fetch_add(1, Ordering::Relaxed))
}

// ---- CBOR, just what COSE keys and attestation objects need ----

fn cbor_head(major: u8, len: usize, out: &mut Vec<u8>) {
    let major = major << 5;
    match len {
        0..=23 => out.push(major | len as u8),
        24..=255 => out.extend([major | 24, len as u8]),
        _ => {
            out.push(major | 25);
            out.extend((len as u16).to_be_bytes());
        }
    }
}

fn cbor_int(value: i64, out: &mut Vec<u8>) {
    if value >= 0 {
        cbor_head(0, value as usize, out);
    } else {
        cbor_head(1, (-1 - value) as usize, out);
    }
}

fn cbor_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    cbor_head(2, bytes.len(), out);
    out.extend(bytes);
}

fn cbor_text(text: &str, out: &mut Vec<u8>) {
    cbor_head(3, text.len(), out);
    out.extend(text.as_bytes());
}

// ---- the software authenticator ----

enum Key {
    P256(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    /// The RSA test key of `fixtures/keys/rsa.pem` (signing through jsonwebtoken).
    Rs256(Box<jsonwebtoken::EncodingKey>),
}

struct SoftAuthenticator {
    key: Key,
    credential_id: Vec<u8>,
    counter: u32,
}

/// What a ceremony should get wrong.
#[derive(Default, Clone, Copy)]
struct Tamper {
    challenge: bool,
    origin: bool,
    rp_id: bool,
    no_uv: bool,
}

impl SoftAuthenticator {
    fn p256() -> Self {
        let secret: [u8; 32] = rand_bytes();
        Self {
            key: Key::P256(p256::ecdsa::SigningKey::from_slice(&secret).expect("P-256 key")),
            credential_id: rand_bytes::<16>().to_vec(),
            counter: 0,
        }
    }

    fn ed25519() -> Self {
        Self {
            key: Key::Ed25519(ed25519_dalek::SigningKey::from_bytes(&rand_bytes())),
            credential_id: rand_bytes::<16>().to_vec(),
            counter: 0,
        }
    }

    fn rs256() -> Self {
        let pem = std::fs::read(format!(
            "{}/tests/fixtures/keys/rsa.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("test key");
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem).expect("rsa");
        Self {
            key: Key::Rs256(Box::new(key)),
            credential_id: rand_bytes::<16>().to_vec(),
            counter: 0,
        }
    }

    fn id(&self) -> String {
        b64(&self.credential_id)
    }

    /// The credential id as Auth.js stores it (standard base64).
    fn stored_id(&self) -> String {
        STANDARD.encode(&self.credential_id)
    }

    fn cose_key(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match &self.key {
            Key::P256(key) => {
                let point = key.verifying_key().to_encoded_point(false);
                cbor_head(5, 5, &mut out);
                cbor_int(1, &mut out);
                cbor_int(2, &mut out); // kty: EC2
                cbor_int(3, &mut out);
                cbor_int(-7, &mut out); // alg: ES256
                cbor_int(-1, &mut out);
                cbor_int(1, &mut out); // crv: P-256
                cbor_int(-2, &mut out);
                cbor_bytes(point.x().expect("x"), &mut out);
                cbor_int(-3, &mut out);
                cbor_bytes(point.y().expect("y"), &mut out);
            }
            Key::Ed25519(key) => {
                cbor_head(5, 4, &mut out);
                cbor_int(1, &mut out);
                cbor_int(1, &mut out); // kty: OKP
                cbor_int(3, &mut out);
                cbor_int(-8, &mut out); // alg: EdDSA
                cbor_int(-1, &mut out);
                cbor_int(6, &mut out); // crv: Ed25519
                cbor_int(-2, &mut out);
                cbor_bytes(key.verifying_key().as_bytes(), &mut out);
            }
            Key::Rs256(key) => {
                let jwk = serde_json::to_value(
                    jsonwebtoken::jwk::Jwk::from_encoding_key(key, jsonwebtoken::Algorithm::RS256)
                        .expect("jwk"),
                )
                .expect("json");
                let part = |name: &str| {
                    URL_SAFE_NO_PAD
                        .decode(jwk[name].as_str().expect("jwk part"))
                        .expect("base64url")
                };
                cbor_head(5, 4, &mut out);
                cbor_int(1, &mut out);
                cbor_int(3, &mut out); // kty: RSA
                cbor_int(3, &mut out);
                cbor_int(-257, &mut out); // alg: RS256
                cbor_int(-1, &mut out);
                cbor_bytes(&part("n"), &mut out);
                cbor_int(-2, &mut out);
                cbor_bytes(&part("e"), &mut out);
            }
        }
        out
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.key {
            Key::P256(key) => {
                use p256::ecdsa::signature::Signer;
                let signature: p256::ecdsa::Signature = key.sign(message);
                signature.to_der().as_bytes().to_vec()
            }
            Key::Ed25519(key) => {
                use ed25519_dalek::Signer;
                key.sign(message).to_bytes().to_vec()
            }
            Key::Rs256(key) => {
                let signature =
                    jsonwebtoken::crypto::sign(message, key, jsonwebtoken::Algorithm::RS256)
                        .expect("sign");
                URL_SAFE_NO_PAD.decode(signature).expect("base64url")
            }
        }
    }

    fn auth_data(&self, tamper: Tamper, attested: bool) -> Vec<u8> {
        let rp = if tamper.rp_id { "evil.example" } else { RP_ID };
        let mut data = Sha256::digest(rp.as_bytes()).to_vec();
        let mut flags = UP;
        if !tamper.no_uv {
            flags |= UV;
        }
        if attested {
            flags |= AT;
        }
        data.push(flags);
        data.extend(self.counter.to_be_bytes());
        if attested {
            data.extend([0u8; 16]); // aaguid
            data.extend((self.credential_id.len() as u16).to_be_bytes());
            data.extend(&self.credential_id);
            data.extend(self.cose_key());
        }
        data
    }

    fn client_data(kind: &str, options: &Value, tamper: Tamper) -> Vec<u8> {
        let challenge = if tamper.challenge {
            b64(&[7u8; 32])
        } else {
            options["challenge"].as_str().expect("challenge").to_owned()
        };
        let origin = if tamper.origin {
            "http://evil.example"
        } else {
            ORIGIN
        };
        json!({ "type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    /// `navigator.credentials.create()` in SimpleWebAuthn's `RegistrationResponseJSON`.
    fn register(&self, options: &Value, tamper: Tamper) -> Value {
        let client_data = Self::client_data("webauthn.create", options, tamper);
        let auth_data = self.auth_data(tamper, true);
        let mut object = Vec::new();
        cbor_head(5, 3, &mut object);
        cbor_text("fmt", &mut object);
        cbor_text("none", &mut object);
        cbor_text("attStmt", &mut object);
        cbor_head(5, 0, &mut object);
        cbor_text("authData", &mut object);
        cbor_bytes(&auth_data, &mut object);
        json!({
            "id": self.id(),
            "rawId": self.id(),
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&object),
                "transports": ["internal", "hybrid"],
                // What SimpleWebAuthn's browser side adds; ignored by the server.
                "publicKeyAlgorithm": -7,
                "publicKey": b64(&self.cose_key()),
                "authenticatorData": b64(&auth_data),
            },
            "type": "public-key",
            "clientExtensionResults": { "credProps": { "rk": true } },
            "authenticatorAttachment": "platform",
        })
    }

    /// `navigator.credentials.get()` in SimpleWebAuthn's `AuthenticationResponseJSON`.
    fn authenticate(&self, options: &Value, tamper: Tamper) -> Value {
        let client_data = Self::client_data("webauthn.get", options, tamper);
        let auth_data = self.auth_data(tamper, false);
        let mut message = auth_data.clone();
        message.extend(Sha256::digest(&client_data));
        json!({
            "id": self.id(),
            "rawId": self.id(),
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(&self.sign(&message)),
                "userHandle": b64(b"user"),
            },
            "type": "public-key",
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
    }
}

fn rand_bytes<const N: usize>() -> [u8; N] {
    // Test keys only: the hash of a unique string is random enough.
    let seed = Sha256::digest(unique("key").as_bytes());
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = seed[i % 32] ^ (i as u8);
    }
    out
}

// ---- the app ----

fn config(adapter: impl Adapter, strategy: Option<SessionStrategy>) -> AuthConfig {
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(adapter)
        .provider(common::credentials())
        .provider(WebAuthnProvider::passkey());
    match strategy {
        Some(strategy) => config.session_strategy(strategy),
        None => config,
    }
}

fn client(config: AuthConfig) -> Client {
    let mut client = Client::new(config.build().expect("config builds"));
    client.host = "localhost:3100".into();
    client
}

async fn options(client: &mut Client, query: &str) -> TestResponse {
    client
        .get(&format!("/auth/webauthn-options/passkey{query}"))
        .await
}

async fn post(client: &mut Client, action: &str, data: &Value) -> TestResponse {
    client
        .post_form(
            "/auth/callback/passkey",
            &[("action", action), ("data", &data.to_string())],
        )
        .await
}

async fn session_email(client: &mut Client) -> Option<String> {
    let session = client.get("/auth/session").await.json();
    session["user"]["email"].as_str().map(str::to_owned)
}

fn error_of(response: &TestResponse) -> String {
    let location = response.location().unwrap_or_default().to_owned();
    location
        .split_once("error=")
        .map(|(_, e)| e.to_owned())
        .unwrap_or(location)
}

/// Registers `key` for a new `email` and returns the signed-in client.
async fn register(config: AuthConfig, key: &SoftAuthenticator, email: &str) -> Client {
    let mut c = client(config);
    let r = options(&mut c, &format!("?email={email}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = r.json();
    assert_eq!(body["action"], "register");
    let r = post(
        &mut c,
        "register",
        &key.register(&body["options"], Tamper::default()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.location(), Some(ORIGIN), "registered: {:?}", r.location());
    assert!(
        r.cookie("authjs.challenge")
            .is_some_and(|c| c.contains("Max-Age=0")),
        "the challenge cookie is cleared"
    );
    assert_eq!(session_email(&mut c).await.as_deref(), Some(email));
    c
}

/// Fresh options for an authentication ceremony, on a signed-out client.
async fn authenticate_options(c: &mut Client) -> Value {
    c.jar.clear();
    let r = options(c, "?action=authenticate").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = r.json();
    assert_eq!(body["action"], "authenticate");
    body["options"].clone()
}

async fn round_trip(
    adapter: impl Adapter + Clone,
    strategy: Option<SessionStrategy>,
    mut key: SoftAuthenticator,
) {
    let email = format!("{}@example.com", unique("passkey"));
    let mut c = register(config(adapter.clone(), strategy), &key, &email).await;

    let user = adapter
        .get_user_by_email(&email)
        .await
        .expect("lookup")
        .expect("the user was created");
    let stored = adapter
        .list_authenticators_by_user_id(&user.id)
        .await
        .expect("list");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].credential_id, key.stored_id());
    assert_eq!(stored[0].provider_account_id, key.stored_id());
    assert_eq!(
        STANDARD
            .decode(&stored[0].credential_public_key)
            .expect("b64"),
        key.cose_key(),
        "the COSE key is stored as the authenticator sent it"
    );
    assert_eq!(stored[0].transports.as_deref(), Some("internal,hybrid"));
    assert_eq!(stored[0].credential_device_type, "singleDevice");
    let account = adapter
        .get_account("passkey", &key.stored_id())
        .await
        .expect("lookup")
        .expect("the account was linked");
    assert_eq!(account.user_id, user.id);

    key.counter = 3;
    let options = authenticate_options(&mut c).await;
    assert!(options.get("allowCredentials").is_none(), "discoverable");
    let r = post(
        &mut c,
        "authenticate",
        &key.authenticate(&options, Tamper::default()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.location(), Some(ORIGIN), "{:?}", r.location());
    assert_eq!(session_email(&mut c).await.as_deref(), Some(email.as_str()));
    let counter = adapter
        .get_authenticator(&key.stored_id())
        .await
        .expect("lookup")
        .expect("stored")
        .counter;
    assert_eq!(counter, 3, "the signature counter is kept");
}

#[tokio::test]
async fn registration_then_authentication_on_memory_with_database_sessions() {
    round_trip(MemoryAdapter::new(), None, SoftAuthenticator::p256()).await;
}

#[tokio::test]
async fn registration_then_authentication_on_memory_with_jwt_sessions() {
    round_trip(
        MemoryAdapter::new(),
        Some(SessionStrategy::Jwt),
        SoftAuthenticator::p256(),
    )
    .await;
}

#[tokio::test]
async fn rs256_credentials_register_and_authenticate() {
    round_trip(MemoryAdapter::new(), None, SoftAuthenticator::rs256()).await;
    refused_with(
        SoftAuthenticator::rs256,
        Tamper {
            challenge: true,
            ..Tamper::default()
        },
        6,
        false,
        "WebAuthnVerificationError",
    )
    .await;
}

#[tokio::test]
async fn ed25519_credentials_register_and_authenticate() {
    round_trip(MemoryAdapter::new(), None, SoftAuthenticator::ed25519()).await;
}

async fn sqlite() -> (SqliteAdapter, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("{}.db", unique("auth_core_webauthn")));
    let adapter = SqliteAdapter::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("SqliteAdapter::connect");
    (adapter, path)
}

fn remove_sqlite(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        std::fs::remove_file(name).ok();
    }
}

#[tokio::test]
async fn registration_then_authentication_on_sqlite() {
    let (adapter, path) = sqlite().await;
    round_trip(adapter.clone(), None, SoftAuthenticator::p256()).await;
    round_trip(
        adapter.clone(),
        Some(SessionStrategy::Jwt),
        SoftAuthenticator::ed25519(),
    )
    .await;
    adapter.pool().close().await;
    remove_sqlite(&path);
}

#[tokio::test]
async fn registration_then_authentication_on_postgres_when_configured() {
    let Ok(url) = std::env::var("AUTH_TEST_POSTGRES_URL") else {
        eprintln!("AUTH_TEST_POSTGRES_URL is not set: skipping the PostgreSQL passkey round trip");
        return;
    };
    let adapter = auth_core::adapter::PostgresAdapter::connect(&url)
        .await
        .expect("connect to AUTH_TEST_POSTGRES_URL");
    adapter.migrate().await.expect("migrate");
    round_trip(adapter.clone(), None, SoftAuthenticator::p256()).await;
    adapter.pool().close().await;
}

/// One refused authentication: the error in the redirect, no session, the counter unchanged.
async fn refused(tamper: Tamper, counter: u32, unknown: bool, expected: &str) {
    refused_with(SoftAuthenticator::p256, tamper, counter, unknown, expected).await;
}

async fn refused_with(
    make: fn() -> SoftAuthenticator,
    tamper: Tamper,
    counter: u32,
    unknown: bool,
    expected: &str,
) {
    let adapter = MemoryAdapter::new();
    let mut key = make();
    let email = format!("{}@example.com", unique("refused"));
    let mut c = register(config(adapter.clone(), None), &key, &email).await;
    key.counter = 5;
    let options = authenticate_options(&mut c).await;
    let r = post(
        &mut c,
        "authenticate",
        &key.authenticate(&options, Tamper::default()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.location(), Some(ORIGIN));

    key.counter = counter;
    let presented = if unknown {
        SoftAuthenticator::p256()
    } else {
        key
    };
    let options = authenticate_options(&mut c).await;
    let r = post(
        &mut c,
        "authenticate",
        &presented.authenticate(&options, tamper),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(error_of(&r), expected, "{:?}", r.location());
    assert!(
        r.location()
            .is_some_and(|l| l.starts_with(&format!("{ORIGIN}/auth/error?"))),
        "{:?}",
        r.location()
    );
    assert!(c.session_cookie_names().is_empty(), "no session was issued");
    assert_eq!(session_email(&mut c).await, None);
    let stored = adapter
        .get_authenticator(&STANDARD.encode(&presented.credential_id))
        .await
        .expect("lookup");
    if !unknown {
        assert_eq!(
            stored.expect("stored").counter,
            5,
            "the counter is unchanged"
        );
    } else {
        assert!(stored.is_none(), "nothing stored for an unknown credential");
    }
}

#[tokio::test]
async fn a_wrong_challenge_is_refused() {
    let tamper = Tamper {
        challenge: true,
        ..Tamper::default()
    };
    refused(tamper, 6, false, "WebAuthnVerificationError").await;
}

#[tokio::test]
async fn a_wrong_origin_is_refused() {
    let tamper = Tamper {
        origin: true,
        ..Tamper::default()
    };
    refused(tamper, 6, false, "WebAuthnVerificationError").await;
}

#[tokio::test]
async fn a_wrong_rp_id_hash_is_refused() {
    let tamper = Tamper {
        rp_id: true,
        ..Tamper::default()
    };
    refused(tamper, 6, false, "WebAuthnVerificationError").await;
}

#[tokio::test]
async fn a_missing_user_verification_flag_is_refused_by_passkeys() {
    let tamper = Tamper {
        no_uv: true,
        ..Tamper::default()
    };
    refused(tamper, 6, false, "WebAuthnVerificationError").await;
}

#[tokio::test]
async fn a_signature_counter_regression_is_refused() {
    refused(Tamper::default(), 4, false, "WebAuthnVerificationError").await;
}

#[tokio::test]
async fn ed25519_assertions_get_the_same_checks() {
    let make = SoftAuthenticator::ed25519;
    let verification = "WebAuthnVerificationError";
    for tamper in [
        Tamper {
            challenge: true,
            ..Tamper::default()
        },
        Tamper {
            origin: true,
            ..Tamper::default()
        },
        Tamper {
            rp_id: true,
            ..Tamper::default()
        },
        Tamper {
            no_uv: true,
            ..Tamper::default()
        },
    ] {
        refused_with(make, tamper, 6, false, verification).await;
    }
    refused_with(make, Tamper::default(), 5, false, verification).await;
}

#[tokio::test]
async fn an_unknown_credential_is_refused_as_auth_js_does() {
    // Auth.js throws a plain AuthError ("authenticator not found"), shown as Configuration.
    refused(Tamper::default(), 6, true, "Configuration").await;
}

#[tokio::test]
async fn a_failed_registration_writes_nothing() {
    let tampers = [
        Tamper {
            challenge: true,
            ..Tamper::default()
        },
        Tamper {
            origin: true,
            ..Tamper::default()
        },
        Tamper {
            rp_id: true,
            ..Tamper::default()
        },
        Tamper {
            no_uv: true,
            ..Tamper::default()
        },
    ];
    let makers: [fn() -> SoftAuthenticator; 2] =
        [SoftAuthenticator::p256, SoftAuthenticator::ed25519];
    for (tamper, make) in tampers
        .iter()
        .flat_map(|t| makers.iter().map(move |m| (*t, m)))
    {
        let adapter = MemoryAdapter::new();
        let key = make();
        let email = format!("{}@example.com", unique("failed"));
        let mut c = client(config(adapter.clone(), None));
        let body = options(&mut c, &format!("?email={email}")).await.json();
        assert_eq!(body["action"], "register");
        let r = post(&mut c, "register", &key.register(&body["options"], tamper)).await;
        assert_eq!(
            error_of(&r),
            "WebAuthnVerificationError",
            "{:?}",
            r.location()
        );
        assert!(
            adapter
                .get_user_by_email(&email)
                .await
                .expect("lookup")
                .is_none()
        );
        assert!(
            adapter
                .get_authenticator(&key.stored_id())
                .await
                .expect("lookup")
                .is_none()
        );
        assert!(c.session_cookie_names().is_empty());
    }
}

#[tokio::test]
async fn a_callback_without_the_challenge_cookie_is_refused() {
    let adapter = MemoryAdapter::new();
    let key = SoftAuthenticator::p256();
    let mut c = client(config(adapter.clone(), None));
    let body = options(&mut c, "?email=nocookie@example.com").await.json();
    c.jar.remove("authjs.challenge");
    let r = post(
        &mut c,
        "register",
        &key.register(&body["options"], Tamper::default()),
    )
    .await;
    assert_eq!(error_of(&r), "Configuration");
    assert!(
        adapter
            .get_user_by_email("nocookie@example.com")
            .await
            .expect("lookup")
            .is_none()
    );
}

#[tokio::test]
async fn an_email_taken_meanwhile_is_account_not_linked() {
    let adapter = MemoryAdapter::new();
    let email = format!("{}@example.com", unique("race"));
    let first = SoftAuthenticator::p256();
    let second = SoftAuthenticator::p256();
    let mut late = client(config(adapter.clone(), None));
    let late_options = options(&mut late, &format!("?email={email}")).await.json();
    register(config(adapter.clone(), None), &first, &email).await;
    let r = post(
        &mut late,
        "register",
        &second.register(&late_options["options"], Tamper::default()),
    )
    .await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/signin?error=AccountNotLinked").as_str())
    );
    assert!(
        adapter
            .get_authenticator(&second.stored_id())
            .await
            .expect("lookup")
            .is_none()
    );
}

#[tokio::test]
async fn a_signed_in_user_adds_a_passkey() {
    let adapter = MemoryAdapter::new();
    let email = format!("{}@example.com", unique("second"));
    let first = SoftAuthenticator::p256();
    let mut c = register(config(adapter.clone(), None), &first, &email).await;
    let r = options(&mut c, "?action=register").await;
    let body = r.json();
    assert_eq!(body["action"], "register", "{}", r.body);
    assert_eq!(body["options"]["user"]["name"], email.as_str());
    assert_eq!(
        body["options"]["excludeCredentials"],
        json!([{ "id": first.id(), "type": "public-key", "transports": ["internal", "hybrid"] }])
    );
    let second = SoftAuthenticator::ed25519();
    let r = post(
        &mut c,
        "register",
        &second.register(&body["options"], Tamper::default()),
    )
    .await;
    assert_eq!(r.location(), Some(ORIGIN), "{:?}", r.location());
    let user = adapter
        .get_user_by_email(&email)
        .await
        .expect("lookup")
        .expect("user");
    let stored = adapter
        .list_authenticators_by_user_id(&user.id)
        .await
        .expect("list");
    assert_eq!(stored.len(), 2);
    // Signed in with a passkey, no action: Auth.js cannot tell what to do.
    let r = options(&mut c, "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json(), json!({ "error": "Invalid request" }));
    // Authenticating while signed in lists the user's credentials.
    let r = options(&mut c, "?action=authenticate").await;
    assert_eq!(
        r.json()["options"]["allowCredentials"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn the_options_endpoint_follows_the_decision_table() {
    let adapter = MemoryAdapter::new();
    let mut c = client(config(adapter.clone(), None));

    let r = options(&mut c, "?action=authenticate").await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["action"], "authenticate");
    let keys: Vec<&str> = body["options"]
        .as_object()
        .expect("options")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["challenge", "timeout", "userVerification", "rpId"]);
    assert_eq!(body["options"]["rpId"], RP_ID);
    assert_eq!(body["options"]["userVerification"], "required");
    assert_eq!(body["options"]["timeout"], 300_000);
    let challenge = body["options"]["challenge"].as_str().expect("challenge");
    assert_eq!(
        URL_SAFE_NO_PAD.decode(challenge).expect("base64url").len(),
        32
    );
    let cookie = r.cookie("authjs.challenge").expect("challenge cookie");
    assert!(
        cookie.contains("Max-Age=900") && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    let r = options(&mut c, "?action=register&email=new@example.com").await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["action"], "register");
    let o = &body["options"];
    let keys: Vec<&str> = o
        .as_object()
        .expect("options")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "challenge",
            "rp",
            "user",
            "pubKeyCredParams",
            "timeout",
            "attestation",
            "excludeCredentials",
            "authenticatorSelection",
            "extensions"
        ]
    );
    assert_eq!(
        o["rp"],
        json!({ "name": "localhost:3100", "id": "localhost" })
    );
    assert_eq!(o["user"]["name"], "new@example.com");
    assert_eq!(o["user"]["displayName"], "new@example.com");
    assert_eq!(o["user"]["id"].as_str().map(str::len), Some(64));
    assert_eq!(
        o["pubKeyCredParams"],
        json!([
            { "alg": -8, "type": "public-key" },
            { "alg": -7, "type": "public-key" },
            { "alg": -257, "type": "public-key" }
        ])
    );
    assert_eq!(o["attestation"], "none");
    assert_eq!(o["excludeCredentials"], json!([]));
    assert_eq!(
        o["authenticatorSelection"],
        json!({ "residentKey": "required", "userVerification": "required", "requireResidentKey": true })
    );
    assert_eq!(o["extensions"], json!({ "credProps": true }));

    // No action: a new email registers, no email authenticates.
    assert_eq!(
        options(&mut c, "?email=other@example.com").await.json()["action"],
        "register"
    );
    assert_eq!(options(&mut c, "").await.json()["action"], "authenticate");

    let r = options(&mut c, "?action=bogus").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json(), json!({ "error": "Invalid action" }));
    assert!(r.cookie("authjs.challenge").is_none());

    let r = options(&mut c, "?action=register").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json(), json!({ "error": "Invalid request" }));
}

#[tokio::test]
async fn a_known_email_without_action_authenticates_with_its_credentials() {
    let adapter = MemoryAdapter::new();
    let email = format!("{}@example.com", unique("known"));
    let key = SoftAuthenticator::p256();
    let mut c = register(config(adapter.clone(), None), &key, &email).await;
    c.jar.clear();
    let body = options(&mut c, &format!("?email={email}")).await.json();
    assert_eq!(body["action"], "authenticate");
    assert_eq!(
        body["options"]["allowCredentials"],
        json!([{ "id": key.id(), "type": "public-key", "transports": ["internal", "hybrid"] }])
    );
    // A known email cannot register again without signing in.
    let r = options(&mut c, &format!("?action=register&email={email}")).await;
    assert_eq!(r.json(), json!({ "error": "Invalid request" }));
}

#[tokio::test]
async fn new_users_go_to_the_new_user_page() {
    let adapter = MemoryAdapter::new();
    let key = SoftAuthenticator::p256();
    let config = config(adapter, None).pages(auth_core::Pages {
        new_user: Some("/welcome".into()),
        ..auth_core::Pages::default()
    });
    let mut c = client(config);
    let body = options(&mut c, "?email=welcome@example.com").await.json();
    let r = post(
        &mut c,
        "register",
        &key.register(&body["options"], Tamper::default()),
    )
    .await;
    assert_eq!(
        r.location(),
        Some("/welcome?callbackUrl=http%3A%2F%2Flocalhost%3A3100")
    );
}

#[tokio::test]
async fn an_invalid_callback_action_is_refused() {
    let mut c = client(config(MemoryAdapter::new(), None));
    let r = post(&mut c, "bogus", &json!({})).await;
    assert_eq!(error_of(&r), "Configuration");
}

#[test]
fn build_time_assertions_follow_auth_js() {
    let base = || AuthConfig::new().secret(SECRET).trust_host(true);
    let err = |c: AuthConfig| match c.build() {
        Ok(_) => panic!("the configuration should be refused"),
        Err(e) => e,
    };
    assert_eq!(
        err(base().provider(WebAuthnProvider::passkey())),
        ConfigError::MissingAdapter
    );
    assert_eq!(
        err(base()
            .adapter(MemoryAdapter::new())
            .provider(WebAuthnProvider::passkey())
            .provider(WebAuthnProvider::webauthn())),
        ConfigError::DuplicateConditionalUI
    );
    let no_autofill = WebAuthnProvider::passkey().form_fields(vec![WebAuthnField {
        autocomplete: Some("username".into()),
        ..WebAuthnField::email()
    }]);
    assert_eq!(
        err(base()
            .adapter(MemoryAdapter::new())
            .provider(no_autofill.clone())),
        ConfigError::MissingWebAuthnAutocomplete("passkey".into())
    );
    assert!(
        base()
            .adapter(MemoryAdapter::new())
            .provider(no_autofill.conditional_ui(false))
            .provider(WebAuthnProvider::webauthn())
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn the_sign_in_page_serves_its_own_script() {
    let mut c = client(config(MemoryAdapter::new(), None));
    let page = c.get("/auth/signin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<form action=\"http://localhost:3100/auth/callback/passkey\" method=\"POST\" id=\"passkey-form\">"), "{}", page.body);
    assert!(page.body.contains("autocomplete=\"username webauthn\""));
    assert!(page.body.contains("<script src=\"http://localhost:3100/auth/webauthn-script.js\" data-provider=\"passkey\" data-autofill=\"true\" defer></script>"));
    assert!(!page.body.contains("unpkg.com"), "no CDN");
    assert!(!page.body.contains("<script>"), "no inline script");

    let script = c.get("/auth/webauthn-script.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        script
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body.contains("webauthn-options"));
    assert!(script.body.contains("mediation = \"conditional\""));

    let providers = c.get("/auth/providers").await.json();
    assert_eq!(providers["passkey"]["type"], "webauthn");
    assert_eq!(providers["passkey"]["name"], "Passkey");
}
