//! No `Debug` of a public type prints a token: every type that can hold one is built with a
//! recognisable value and formatted with `{:?}` and `{:#?}`, which must not contain it. One
//! `?account` in an application's log line must not write a refresh token.

mod common;

use std::{
    fmt::Debug,
    sync::{Arc, Mutex},
};

use async_trait::async_trait;
use auth_core::{
    Account, AuthConfig, NO_PARAMS, Result, Secret, SecretList, Session, SessionUser,
    SignInOptions, Token,
    adapter::{AdapterAccount, AdapterSession, SessionUpdate, Timestamp, VerificationToken},
    callbacks::{Callbacks, JwtParams, JwtTrigger, SessionParams},
    cookies::{CookieOptions, SameSite, SetCookie},
    jwt::{CodecDecode, CodecEncode, DecodeParams, EncodeParams, JwtCodec},
    providers::{OAuthProvider, ProviderKind, TokenSet},
    secret::{AccessToken, HashedToken, IdToken, RefreshToken, SessionToken},
};
use http::{HeaderMap, HeaderValue, header};
use serde_json::{Map, Value, json};

const ACCESS: &str = "access-7f3a9c-VISIBLE-IN-LOGS";
const REFRESH: &str = "refresh-52be1d-VISIBLE-IN-LOGS";
const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.id-token-VISIBLE-IN-LOGS.c2ln";
const SESSION: &str = "session-0d4e8b-VISIBLE-IN-LOGS";
const HASHED: &str = "hashed-9a1f2c-VISIBLE-IN-LOGS";
const AUTH_SECRET: &str = "auth-secret-4c7d21-VISIBLE-IN-LOGS";
const CLIENT_SECRET: &str = "client-secret-e6b803-VISIBLE-IN-LOGS";

/// Every token value of this file.
const ALL: [&str; 7] = [
    ACCESS,
    REFRESH,
    ID_TOKEN,
    SESSION,
    HASHED,
    AUTH_SECRET,
    CLIENT_SECRET,
];

/// Asserts that neither `{:?}` nor `{:#?}` of `value` contains any of `hidden`, and returns
/// the `{:?}` text.
fn assert_hidden(what: &str, value: &impl Debug, hidden: &[&str]) -> String {
    let plain = format!("{value:?}");
    let pretty = format!("{value:#?}");
    for text in [&plain, &pretty] {
        for secret in hidden {
            assert!(
                !text.contains(secret),
                "the Debug of {what} shows {secret}: {text}"
            );
        }
    }
    plain
}

/// The token fields of an OAuth token response.
fn token_fields() -> Map<String, Value> {
    let Value::Object(fields) = json!({
        "access_token": ACCESS,
        "refresh_token": REFRESH,
        "id_token": ID_TOKEN,
        "token_type": "bearer",
        "scope": "openid email",
        "expires_at": 1_700_003_600,
    }) else {
        unreachable!("an object literal")
    };
    fields
}

#[test]
fn secrets_and_token_types() {
    assert_hidden("Secret", &Secret::new(AUTH_SECRET), &ALL);
    assert_hidden(
        "SecretList",
        &SecretList::from_iter([AUTH_SECRET, CLIENT_SECRET]),
        &ALL,
    );
    let access = assert_hidden("AccessToken", &AccessToken::from(ACCESS), &ALL);
    assert_eq!(access, "AccessToken([redacted])");
    assert_hidden("RefreshToken", &RefreshToken::from(REFRESH), &ALL);
    assert_hidden("IdToken", &IdToken::from(ID_TOKEN), &ALL);
    assert_hidden("SessionToken", &SessionToken::from(SESSION), &ALL);
    assert_hidden("HashedToken", &HashedToken::from(HASHED), &ALL);
}

#[test]
fn token_types_serialise_as_plain_strings_and_compare_by_value() {
    let token = RefreshToken::from(REFRESH.to_owned());
    assert_eq!(token.expose(), REFRESH);
    assert_eq!(serde_json::to_value(&token).expect("json"), json!(REFRESH));
    let back: RefreshToken = serde_json::from_value(json!(REFRESH)).expect("from json");
    assert_eq!(back, token);
    assert_ne!(back, RefreshToken::from("another"));
}

#[test]
fn adapter_rows() {
    let account = AdapterAccount {
        user_id: "user-1".into(),
        kind: ProviderKind::Oidc,
        provider: "keycloak".into(),
        provider_account_id: "kc-1".into(),
        refresh_token: Some(REFRESH.into()),
        access_token: Some(ACCESS.into()),
        expires_at: Some(1_700_003_600),
        token_type: Some("bearer".into()),
        scope: Some("openid".into()),
        id_token: Some(ID_TOKEN.into()),
        session_state: None,
    };
    let shown = assert_hidden("AdapterAccount", &account, &ALL);
    assert!(shown.contains("keycloak"), "{shown}");
    // The stored form is the plain string, as Auth.js's adapters write it.
    assert_eq!(
        serde_json::to_value(&account).expect("json")["access_token"],
        ACCESS
    );

    let session = AdapterSession {
        session_token: SESSION.into(),
        user_id: "user-1".into(),
        expires: Timestamp(0),
    };
    assert_hidden("AdapterSession", &session, &ALL);
    let update = SessionUpdate {
        session_token: SESSION.into(),
        expires: Timestamp(0),
    };
    assert_hidden("SessionUpdate", &update, &ALL);
    let token = VerificationToken {
        identifier: "alice@example.com".into(),
        token: HASHED.into(),
        expires: Timestamp(0),
    };
    assert_hidden("VerificationToken", &token, &ALL);
}

#[test]
fn accounts_token_sets_and_tokens() {
    let account = Account {
        provider: "github".into(),
        kind: ProviderKind::OAuth,
        provider_account_id: "42".into(),
        extra: token_fields(),
    };
    let shown = assert_hidden("Account", &account, &ALL);
    assert!(
        shown.contains("access_token") && shown.contains("1700003600"),
        "the field names and the expiry stay visible: {shown}"
    );

    let tokens = TokenSet {
        fields: token_fields(),
    };
    assert_hidden("TokenSet", &tokens, &ALL);

    let mut token = Token::new();
    token.insert("sub".into(), "1".into());
    token.insert("accessToken".into(), ACCESS.into());
    token.insert("refreshToken".into(), REFRESH.into());
    token.insert("exp".into(), 1_700_003_600.into());
    let shown = assert_hidden("Token", &token, &ALL);
    assert!(
        shown.contains("accessToken") && shown.contains("1700003600"),
        "{shown}"
    );
    // A map made elsewhere becomes a token without losing a claim.
    assert_eq!(Token::from(token.clone().into_map()), token);
}

#[test]
fn sessions_and_cookies() {
    let mut extra = Map::new();
    extra.insert("accessToken".into(), ACCESS.into());
    let session = Session {
        user: Some(SessionUser {
            name: Some("Alice".into()),
            extra: extra.clone(),
            ..SessionUser::default()
        }),
        expires: "2026-12-27T05:08:15.666Z".into(),
        extra,
    };
    let shown = assert_hidden("Session", &session, &ALL);
    assert!(shown.contains("Alice"), "{shown}");

    let cookie = SetCookie {
        name: "authjs.session-token".into(),
        value: SESSION.into(),
        options: CookieOptions {
            http_only: true,
            same_site: SameSite::Lax,
            path: "/".into(),
            secure: false,
            domain: None,
            max_age: None,
        },
        expires: None,
    };
    let shown = assert_hidden("SetCookie", &cookie, &ALL);
    assert!(shown.contains("authjs.session-token"), "{shown}");
    assert!(cookie.to_header_value().contains(SESSION));
}

#[test]
fn configuration_and_providers() {
    let provider = OAuthProvider::oidc("keycloak", "Keycloak")
        .issuer("https://sso.example.com/realms/main")
        .client_id("my-app")
        .client_secret(CLIENT_SECRET);
    assert_hidden("OAuthProvider", &provider, &ALL);
    let config = AuthConfig::new()
        .secret(AUTH_SECRET)
        .trust_host(true)
        .provider(common::credentials())
        .provider(provider);
    assert_hidden("AuthConfig", &config, &ALL);
    let auth = config.build().expect("config");
    assert_hidden("Auth", &auth, &ALL);
}

/// Callbacks that copy an access token into the JWT at sign-in and into the session (Auth.js's
/// documented pattern), and record the `Debug` of every parameter set they receive.
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn record(&self, value: &impl Debug) {
        let text = format!("{value:?}\n{value:#?}");
        self.seen.lock().expect("lock").push(text);
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("lock").clone()
    }
}

#[async_trait]
impl Callbacks for Recorder {
    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        self.record(&params);
        let mut token = params.token;
        if params.trigger == Some(JwtTrigger::SignIn) {
            token.insert("accessToken".into(), ACCESS.into());
        }
        Ok(Some(token))
    }

    async fn session(&self, params: SessionParams<'_>) -> Result<Session> {
        self.record(&params);
        let mut session = params.session;
        if let Some(access) = params.token.and_then(|t| t.get("accessToken")) {
            session.extra.insert("accessToken".into(), access.clone());
        }
        Ok(session)
    }
}

#[tokio::test]
async fn callback_parameters_and_server_actions() {
    let recorder = Recorder::default();
    let auth = AuthConfig::new()
        .secret(AUTH_SECRET)
        .trust_host(true)
        .provider(common::credentials())
        .callbacks(recorder.clone())
        .build()
        .expect("config");
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3100"));

    let signed_in = auth
        .sign_in(
            &headers,
            "credentials",
            SignInOptions::with_fields([
                ("username".to_owned(), "alice".to_owned()),
                ("password".to_owned(), "wonderland".to_owned()),
            ]),
            NO_PARAMS,
        )
        .await
        .expect("sign-in");
    let session_cookie_values = |action: &auth_core::ServerAction| -> Vec<String> {
        action
            .cookies
            .iter()
            .filter(|c| c.name.contains("session-token") && !c.value.is_empty())
            .map(|c| c.value.clone())
            .collect()
    };
    let cookie_values = session_cookie_values(&signed_in);
    assert!(
        !cookie_values.is_empty(),
        "the sign-in sets a session cookie"
    );
    let mut hidden: Vec<&str> = ALL.to_vec();
    hidden.extend(cookie_values.iter().map(String::as_str));
    assert_hidden("ServerAction (sign-in)", &signed_in, &hidden);

    let cookie_header = signed_in
        .cookies
        .iter()
        .map(|c| format!("{}={}", c.name, c.value))
        .collect::<Vec<_>>()
        .join("; ");
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&cookie_header).expect("cookie header"),
    );

    let session = auth.session(&headers).await.expect("a session");
    assert_eq!(session.extra["accessToken"], ACCESS, "the callbacks ran");
    assert_hidden("Session", &session, &hidden);
    let token = auth.token(&headers).await.expect("a token");
    assert_eq!(token["accessToken"], ACCESS);
    assert_hidden("Token", &token, &hidden);

    let updated = auth
        .update_session(&headers, json!({"name": "Alice Liddell"}))
        .await
        .expect("update");
    assert!(
        updated
            .body
            .as_ref()
            .is_some_and(|b| b.to_string().contains(ACCESS)),
        "the updated session carries the token"
    );
    let mut hidden_after_update = hidden.clone();
    let new_values = session_cookie_values(&updated);
    assert!(
        !new_values.is_empty(),
        "the update writes the session again"
    );
    hidden_after_update.extend(new_values.iter().map(String::as_str));
    assert_hidden("ServerAction (update)", &updated, &hidden_after_update);

    let seen = recorder.seen();
    assert!(
        seen.iter()
            .any(|s| s.contains("JwtParams") && s.contains("accessToken")),
        "a jwt callback saw the token: {seen:?}"
    );
    assert!(
        seen.iter()
            .any(|s| s.contains("SessionParams") && s.contains("accessToken")),
        "a session callback saw the token: {seen:?}"
    );
    for text in &seen {
        for secret in &hidden {
            assert!(
                !text.contains(secret),
                "a callback's Debug shows {secret}: {text}"
            );
        }
    }
}

#[test]
fn jwt_parameters() {
    let secrets = SecretList::single(AUTH_SECRET);
    let mut token = Token::new();
    token.insert("accessToken".into(), ACCESS.into());
    let encode = EncodeParams {
        token: &token,
        secret: &secrets,
        salt: "authjs.session-token",
        max_age: None,
    };
    assert_hidden("EncodeParams", &encode, &ALL);
    let decode = DecodeParams {
        token: SESSION,
        secret: &secrets,
        salt: "authjs.session-token",
    };
    let shown = assert_hidden("DecodeParams", &decode, &ALL);
    assert!(shown.contains("authjs.session-token"), "{shown}");
}

/// A codec whose session cookie is the opaque [`SESSION`] (the claims stay in memory), and
/// which records the `Debug` of its parameters.
#[derive(Clone, Default)]
struct RecordingCodec {
    recorder: Recorder,
    claims: Arc<Mutex<Option<Token>>>,
}

#[async_trait]
impl JwtCodec for RecordingCodec {
    async fn encode(&self, params: CodecEncode<'_>) -> Result<String> {
        self.recorder.record(&params);
        *self.claims.lock().expect("lock") = Some(params.token.clone());
        Ok(SESSION.to_owned())
    }

    async fn decode(&self, params: CodecDecode<'_>) -> Result<Option<Token>> {
        self.recorder.record(&params);
        Ok((params.token == SESSION)
            .then(|| self.claims.lock().expect("lock").clone())
            .flatten())
    }
}

#[tokio::test]
async fn codec_parameters() {
    let codec = RecordingCodec::default();
    let auth = AuthConfig::new()
        .secret(AUTH_SECRET)
        .trust_host(true)
        .provider(common::credentials())
        .callbacks(Recorder::default())
        .jwt_codec(codec.clone())
        .build()
        .expect("config");
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3100"));
    auth.sign_in(
        &headers,
        "credentials",
        SignInOptions::with_fields([
            ("username".to_owned(), "alice".to_owned()),
            ("password".to_owned(), "wonderland".to_owned()),
        ]),
        NO_PARAMS,
    )
    .await
    .expect("sign-in");
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("authjs.session-token={SESSION}")).expect("cookie"),
    );
    let token = auth.token(&headers).await.expect("the codec's session");
    assert_eq!(token["accessToken"], ACCESS);

    let seen = codec.recorder.seen();
    assert!(
        seen.iter()
            .any(|s| s.contains("CodecEncode") && s.contains("accessToken")),
        "{seen:?}"
    );
    assert!(seen.iter().any(|s| s.contains("CodecDecode")), "{seen:?}");
    for text in &seen {
        for secret in ALL {
            assert!(
                !text.contains(secret),
                "a codec's Debug shows {secret}: {text}"
            );
        }
    }
}
