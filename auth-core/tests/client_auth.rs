//! RFC 7523 client authentication (`client_secret_jwt`, `private_key_jwt`) and the provider
//! hooks `account(tokens)` and `id_token_signed_response_alg`, against the loopback identity
//! provider of `tests/common/idp.rs`. The real oidc-provider checks the same assertions in
//! `examples/axum/tests/oidc.rs`.

mod common;

use auth_core::{
    AuthConfig, ConfigError,
    adapter::{Adapter, MemoryAdapter},
    oauth::{ClientAuth, ClientKey, HmacAlgorithm},
    providers::{Checks, OAuthProvider},
};
use axum::http::StatusCode;
use common::{
    Client, ORIGIN, SECRET,
    idp::{CLIENT_ID, CLIENT_SECRET, Fault, Idp, full_sign_in, now},
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation, jwk::Jwk};
use serde_json::Value;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/keys/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn provider(idp: &Idp, auth: ClientAuth) -> OAuthProvider {
    OAuthProvider::oidc("idp", "Test IdP")
        .issuer(&idp.issuer)
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .client_auth(auth)
        .checks(Checks::all())
}

fn config(provider: OAuthProvider) -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(provider)
}

/// Signs in through `provider`; returns the callback's location and the token request's
/// `Authorization` header and form.
async fn sign_in(
    idp: &Idp,
    provider: OAuthProvider,
) -> (Option<String>, Option<String>, Vec<(String, String)>) {
    let mut c = Client::new(config(provider).build().expect("config"));
    let r = full_sign_in(idp, &mut c, "idp", |_| {}).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let (headers, body) = idp
        .state
        .lock()
        .expect("lock")
        .token_requests
        .pop()
        .expect("a token request");
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let form = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    (r.location().map(str::to_owned), authorization, form)
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Checks the assertion's form fields and claims; returns its header.
fn check_assertion(
    idp: &Idp,
    form: &[(String, String)],
    key: &DecodingKey,
    alg: Algorithm,
) -> jsonwebtoken::Header {
    assert_eq!(field(form, "client_id"), Some(CLIENT_ID), "{form:?}");
    assert_eq!(
        field(form, "client_assertion_type"),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    assert_eq!(
        field(form, "client_secret"),
        None,
        "the secret never travels"
    );
    assert_eq!(field(form, "grant_type"), Some("authorization_code"));
    let assertion = field(form, "client_assertion").expect("client_assertion");
    let token_endpoint = format!("{}/token", idp.issuer);
    let mut validation = Validation::new(alg);
    validation.set_audience(&[&token_endpoint]);
    validation.set_issuer(&[CLIENT_ID]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "sub", "aud", "jti"]);
    let decoded =
        jsonwebtoken::decode::<Value>(assertion, key, &validation).expect("a valid assertion");
    let claims = decoded.claims;
    assert_eq!(claims["sub"], CLIENT_ID);
    assert_eq!(claims["aud"], token_endpoint);
    let iat = claims["iat"].as_i64().expect("iat");
    assert!((iat - now()).abs() < 10, "iat is now: {claims}");
    assert_eq!(claims["exp"].as_i64(), Some(iat + 60));
    assert!(
        claims["jti"].as_str().is_some_and(|j| j.len() >= 32),
        "{claims}"
    );
    decoded.header
}

#[tokio::test]
async fn client_secret_jwt_signs_an_hmac_assertion_with_the_secret() {
    let idp = Idp::start().await;
    let (location, authorization, form) =
        sign_in(&idp, provider(&idp, ClientAuth::secret_jwt())).await;
    assert_eq!(
        location.as_deref(),
        Some(format!("{ORIGIN}/after").as_str())
    );
    assert_eq!(authorization, None, "no Basic header");
    let key = DecodingKey::from_secret(CLIENT_SECRET.as_bytes());
    let header = check_assertion(&idp, &form, &key, Algorithm::HS256);
    assert_eq!(header.alg, Algorithm::HS256);

    let auth = ClientAuth::SecretJwt(HmacAlgorithm::Hs512);
    let (_, _, form) = sign_in(&idp, provider(&idp, auth)).await;
    check_assertion(&idp, &form, &key, Algorithm::HS512);

    // Without a secret there is nothing to sign with: build() says so.
    let err = config(
        OAuthProvider::oidc("idp", "Test IdP")
            .issuer(&idp.issuer)
            .client_id(CLIENT_ID)
            .client_auth(ClientAuth::secret_jwt()),
    )
    .build()
    .expect_err("no secret");
    assert!(
        matches!(&err, ConfigError::InvalidProvider(id, why) if id == "idp" && why.contains("AUTH_IDP_SECRET")),
        "{err}"
    );
}

#[tokio::test]
async fn private_key_jwt_signs_with_a_pem_or_a_jwk_key() {
    let idp = Idp::start().await;

    // RSA from PKCS#8 PEM: RS256 by default, PS256 on request.
    let rsa_pem = fixture("rsa.pem");
    let public = Jwk::from_encoding_key(
        &EncodingKey::from_rsa_pem(rsa_pem.as_bytes()).expect("rsa"),
        Algorithm::RS256,
    )
    .expect("jwk");
    let rsa_public = DecodingKey::from_jwk(&public).expect("public key");
    let key = ClientKey::from_pem(&rsa_pem)
        .expect("PEM")
        .with_kid("rsa-client");
    assert_eq!(key.algorithm(), "RS256");
    let (location, authorization, form) = sign_in(
        &idp,
        provider(&idp, ClientAuth::private_key_jwt(key.clone())),
    )
    .await;
    assert_eq!(
        location.as_deref(),
        Some(format!("{ORIGIN}/after").as_str())
    );
    assert_eq!(authorization, None, "no Basic header");
    let header = check_assertion(&idp, &form, &rsa_public, Algorithm::RS256);
    assert_eq!(header.kid.as_deref(), Some("rsa-client"));
    let ps256 = key.with_algorithm("PS256").expect("RSA signs PS256");
    let (_, _, form) = sign_in(&idp, provider(&idp, ClientAuth::private_key_jwt(ps256))).await;
    check_assertion(&idp, &form, &rsa_public, Algorithm::PS256);

    // EC P-256 from a private JWK: its kid and alg come along.
    let key = ClientKey::from_jwk(&fixture("ec.private.jwk.json")).expect("JWK");
    assert_eq!((key.algorithm(), key.kid()), ("ES256", Some("ec-client")));
    let ec_public = Jwk::from_encoding_key(
        &EncodingKey::from_ec_pem(fixture("ec.pem").as_bytes()).expect("ec"),
        Algorithm::ES256,
    )
    .expect("jwk");
    let (location, _, form) = sign_in(&idp, provider(&idp, ClientAuth::private_key_jwt(key))).await;
    assert_eq!(
        location.as_deref(),
        Some(format!("{ORIGIN}/after").as_str())
    );
    let header = check_assertion(
        &idp,
        &form,
        &DecodingKey::from_jwk(&ec_public).expect("public key"),
        Algorithm::ES256,
    );
    assert_eq!(header.kid.as_deref(), Some("ec-client"));

    // The PEM of the same EC key is the same key; Ed25519 PEM reads too.
    let from_pem = ClientKey::from_pem(&fixture("ec.pem")).expect("EC PEM");
    let from_jwk = ClientKey::from_jwk(&fixture("ec.private.jwk.json")).expect("JWK");
    assert_eq!(from_pem.with_kid("ec-client"), from_jwk);
    assert_eq!(
        ClientKey::from_pem(&fixture("ed.pem"))
            .expect("Ed25519 PEM")
            .algorithm(),
        "EdDSA"
    );
    assert!(
        ClientKey::from_jwk(&fixture("ec.private.jwk.json"))
            .expect("JWK")
            .with_algorithm("RS256")
            .is_err(),
        "an EC key cannot sign RS256"
    );
}

#[tokio::test]
async fn the_account_hook_shapes_what_is_stored() {
    let idp = Idp::start().await;
    let adapter = MemoryAdapter::default();
    let shaped = provider(&idp, ClientAuth::SecretBasic).account(|tokens| {
        // Keep the access token only, and a made-up expiry.
        let mut kept = serde_json::Map::new();
        kept.insert("access_token".into(), tokens.fields["access_token"].clone());
        kept.insert("expires_at".into(), Value::from(42));
        kept
    });
    let mut c = Client::new(
        config(shaped)
            .adapter(adapter.clone())
            .build()
            .expect("config"),
    );
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/after").as_str()),
        "{}",
        r.body
    );
    let stored = adapter
        .get_account("idp", "user-42")
        .await
        .expect("adapter")
        .expect("the account is linked");
    assert_eq!(
        stored.access_token.as_ref().map(|t| t.expose()),
        Some("access-123")
    );
    assert_eq!(stored.expires_at, Some(42));
    assert_eq!(stored.refresh_token, None, "dropped by account()");
    assert_eq!(stored.id_token, None, "dropped by account()");
    assert_eq!(stored.scope, None);

    // Without the hook the standard fields are stored as they came.
    let adapter = MemoryAdapter::default();
    let mut c = Client::new(
        config(provider(&idp, ClientAuth::SecretBasic))
            .adapter(adapter.clone())
            .build()
            .expect("config"),
    );
    full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    let stored = adapter
        .get_account("idp", "user-42")
        .await
        .expect("adapter")
        .expect("linked");
    assert_eq!(
        stored.refresh_token.as_ref().map(|t| t.expose()),
        Some("refresh-456")
    );
    assert!(stored.id_token.is_some());
    assert_eq!(stored.scope.as_deref(), Some("openid profile email"));
}

#[tokio::test]
async fn id_token_signed_response_alg_is_the_only_algorithm_accepted() {
    let idp = Idp::start().await;
    let expecting_es256 =
        || provider(&idp, ClientAuth::SecretBasic).id_token_signed_response_alg("ES256");
    // Discovery allows RS256, but the client registered ES256.
    idp.set(Fault::None, Algorithm::RS256);
    let mut c = Client::new(config(expecting_es256()).build().expect("config"));
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/error?error=Configuration").as_str())
    );
    assert!(
        r.set_cookies
            .iter()
            .all(|c| !c.starts_with("authjs.session-token"))
    );
    idp.set(Fault::None, Algorithm::ES256);
    let mut c = Client::new(config(expecting_es256()).build().expect("config"));
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));

    for bad in ["none", "RS1", "HS1"] {
        let err = config(provider(&idp, ClientAuth::SecretBasic).id_token_signed_response_alg(bad))
            .build()
            .expect_err(bad);
        assert!(
            matches!(err, ConfigError::InvalidProvider(..)),
            "{bad}: {err}"
        );
    }
    // HMAC is allowed (LINE), keyed with the client secret: without one, build() refuses it.
    let err = config(
        OAuthProvider::oidc("idp", "Test IdP")
            .issuer(&idp.issuer)
            .client_id(CLIENT_ID)
            .id_token_signed_response_alg("HS256"),
    )
    .build()
    .expect_err("no secret");
    assert!(
        matches!(&err, ConfigError::InvalidProvider(id, why) if id == "idp" && why.contains("AUTH_IDP_SECRET")),
        "{err}"
    );
}
