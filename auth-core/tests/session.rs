//! JWT sessions through `GET`/`POST /auth/session`: valid, tampered, expired, rotated-secret,
//! chunked, updated, and ended by the `jwt` callback.

mod common;

use std::time::Duration;

use async_trait::async_trait;
use auth_core::{
    AuthConfig, Result, SecretList, Token,
    callbacks::{Callbacks, JwtParams, JwtTrigger},
    clock::FixedClock,
    jwt::JwtKeys,
};
use common::{Client, SECRET, config_at};
use http::StatusCode;
use serde_json::json;

const NOW: i64 = 1_795_756_095_000;
const DAY: i64 = 86_400_000;

/// Decodes a session token as of `NOW` (plus a day of slack for re-issued tokens).
fn decode(token: &str, secret: &str) -> Option<Token> {
    decode_at(token, secret, NOW + DAY)
}

fn decode_at(token: &str, secret: &str, millis: i64) -> Option<Token> {
    let keys = JwtKeys::new(&SecretList::single(secret), "authjs.session-token");
    keys.decode(token, millis / 1000).ok()
}

#[tokio::test]
async fn a_valid_session_is_read_and_slides() {
    let mut c = Client::new(config_at(NOW).build().expect("config"));
    let r = c.sign_in("alice", "wonderland").await;
    assert_eq!(r.status, StatusCode::FOUND);
    let first = c.jar["authjs.session-token"].clone();

    c.auth = config_at(NOW + DAY).build().expect("config");
    let r = c.get("/auth/session").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["cache-control"], "private, no-cache, no-store");
    assert_eq!(
        r.json(),
        json!({"user": {"name": "Alice", "email": "alice@example.com"}, "expires": "2026-12-28T05:08:15.000Z"})
    );
    let cookie = r.cookie("authjs.session-token").expect("re-issued");
    assert!(
        cookie.ends_with("; Path=/; Expires=Mon, 28 Dec 2026 05:08:15 GMT; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    let second = c.jar["authjs.session-token"].clone();
    assert_ne!(first, second);
    let claims = decode(&second, SECRET).expect("decodes");
    assert_eq!(claims["sub"], "1");
    assert_eq!(claims["iat"], json!((NOW + DAY) / 1000));
    assert_eq!(claims["exp"], json!((NOW + DAY) / 1000 + 2_592_000));
    assert_ne!(decode(&first, SECRET).expect("first")["jti"], claims["jti"]);
}

#[tokio::test]
async fn tampered_and_foreign_tokens_give_null_and_are_cleared() {
    let mut c = Client::new(config_at(NOW).build().expect("config"));
    c.sign_in("alice", "wonderland").await;
    let good = c.jar["authjs.session-token"].clone();
    let mut bytes = good.clone().into_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).expect("ascii");
    let foreign = Client::new(
        config_at(NOW)
            .secret("another-secret")
            .build()
            .expect("config"),
    )
    .auth
    .clone();
    let mut other = Client::new(foreign);
    other.sign_in("alice", "wonderland").await;
    let foreign_token = other.jar["authjs.session-token"].clone();

    for token in [
        tampered,
        foreign_token,
        "garbage".into(),
        "a.b.c.d.e".into(),
    ] {
        c.jar.insert("authjs.session-token".into(), token.clone());
        let r = c.get("/auth/session").await;
        assert_eq!(
            (r.status, r.body.as_str()),
            (StatusCode::OK, "null"),
            "{token}"
        );
        assert_eq!(
            r.cookie("authjs.session-token"),
            Some("authjs.session-token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
        );
        assert!(!c.jar.contains_key("authjs.session-token"));
    }
}

#[tokio::test]
async fn expiry_has_fifteen_seconds_of_tolerance() {
    let max_age: i64 = 60;
    let build = |at: i64| {
        config_at(at)
            .session_max_age(Duration::from_secs(max_age.unsigned_abs()))
            .build()
            .expect("config")
    };
    let mut c = Client::new(build(NOW));
    c.sign_in("alice", "wonderland").await;
    let token = c.jar["authjs.session-token"].clone();

    let mut late = Client::new(build(NOW + (max_age + 10) * 1000));
    late.jar
        .insert("authjs.session-token".into(), token.clone());
    assert_eq!(
        late.get("/auth/session").await.json()["user"]["name"],
        "Alice"
    );

    let mut expired = Client::new(build(NOW + (max_age + 20) * 1000));
    expired.jar.insert("authjs.session-token".into(), token);
    let r = expired.get("/auth/session").await;
    assert_eq!(r.body, "null");
    assert!(
        r.cookie("authjs.session-token")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
}

#[tokio::test]
async fn jwt_max_age_sets_exp_and_session_max_age_sets_the_cookie() {
    let auth = config_at(NOW)
        .jwt_max_age(Duration::from_secs(120))
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    let r = c.sign_in("alice", "wonderland").await;
    let claims = decode_at(&c.jar["authjs.session-token"], SECRET, NOW).expect("decodes");
    assert_eq!(claims["exp"], json!(NOW / 1000 + 120));
    assert!(
        r.cookie("authjs.session-token")
            .expect("cookie")
            .contains("Expires=Sun, 27 Dec 2026 05:08:15 GMT")
    );
}

#[tokio::test]
async fn rotated_secrets_read_old_sessions_and_write_with_the_new_one() {
    let mut old = Client::new(config_at(NOW).secret("old-secret").build().expect("config"));
    old.sign_in("alice", "wonderland").await;
    let old_token = old.jar["authjs.session-token"].clone();

    let rotated = config_at(NOW)
        .secrets(["new-secret", "old-secret"].into_iter().collect())
        .build()
        .expect("config");
    let mut c = Client::new(rotated);
    c.jar
        .insert("authjs.session-token".into(), old_token.clone());
    let r = c.get("/auth/session").await;
    assert_eq!(r.json()["user"]["name"], "Alice");
    let reissued = c.jar["authjs.session-token"].clone();
    assert!(
        decode(&reissued, "new-secret").is_some(),
        "re-encrypted with the first secret"
    );
    assert!(decode(&reissued, "old-secret").is_none());

    let mut dropped = Client::new(config_at(NOW).secret("new-secret").build().expect("config"));
    dropped.jar.insert("authjs.session-token".into(), old_token);
    assert_eq!(dropped.get("/auth/session").await.body, "null");
}

#[tokio::test]
async fn large_sessions_are_chunked_and_unchunked_again() {
    let mut c = Client::new(config_at(NOW).build().expect("config"));
    let r = c.sign_in("chunky", "chunky-cookie").await;
    assert_eq!(
        r.cookie_names(),
        [
            "authjs.session-token.0",
            "authjs.session-token.1",
            "authjs.session-token.2"
        ]
    );
    assert_eq!(c.session_cookie_names().len(), 3);
    assert_eq!(c.jar["authjs.session-token.0"].len(), 3936);
    for cookie in &r.set_cookies {
        assert!(
            cookie.len() <= 4096,
            "each Set-Cookie fits a browser's limit"
        );
    }

    let r = c.get("/auth/session").await;
    assert_eq!(r.json()["user"]["image"], common::chunky_image());
    assert_eq!(
        r.cookie_names(),
        [
            "authjs.session-token.0",
            "authjs.session-token.1",
            "authjs.session-token.2"
        ]
    );

    let r = c.sign_in("alice", "wonderland").await;
    assert_eq!(
        &r.set_cookies[..3],
        [
            "authjs.session-token.0=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "authjs.session-token.1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "authjs.session-token.2=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
        ]
    );
    assert_eq!(c.session_cookie_names(), ["authjs.session-token"]);
    assert_eq!(c.get("/auth/session").await.json()["user"]["name"], "Alice");
}

struct Callbacks2;

#[async_trait]
impl Callbacks for Callbacks2 {
    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        let mut token = params.token;
        if params.trigger == Some(JwtTrigger::Update) {
            let data = params.session.cloned().unwrap_or_default();
            if data.get("end").is_some() {
                return Ok(None);
            }
            if let Some(name) = data.get("name").and_then(|n| n.as_str()) {
                token.insert("name".into(), name.into());
            }
        }
        if params.trigger == Some(JwtTrigger::SignIn) {
            token.insert("role".into(), "admin".into());
        }
        Ok(Some(token))
    }

    async fn session(
        &self,
        params: auth_core::callbacks::SessionParams<'_>,
    ) -> Result<auth_core::Session> {
        let mut session = params.session;
        if let Some(role) = params.token.and_then(|t| t.get("role")) {
            session.extra.insert("role".into(), role.clone());
        }
        Ok(session)
    }
}

#[tokio::test]
async fn updates_reach_the_jwt_callback_and_can_end_the_session() {
    let auth = config_at(NOW)
        .callbacks(Callbacks2)
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    c.sign_in("alice", "wonderland").await;
    let csrf = c.csrf().await;
    let r = c
        .post_json(
            "/auth/session",
            &json!({"csrfToken": csrf, "data": {"name": "Queen"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["user"]["name"], "Queen");
    assert_eq!(r.json()["role"], "admin");
    assert!(
        r.headers.get("cache-control").is_none(),
        "POST answers carry no cache headers"
    );
    assert_eq!(c.get("/auth/session").await.json()["user"]["name"], "Queen");

    let r = c
        .post_json(
            "/auth/session",
            &json!({"csrfToken": csrf, "data": {"end": true}}),
        )
        .await;
    assert_eq!(r.body, "null");
    assert!(c.session_cookie_names().is_empty());
}

#[tokio::test]
async fn a_jwt_callback_returning_none_at_sign_in_leaves_no_session() {
    struct NoToken;
    #[async_trait]
    impl Callbacks for NoToken {
        async fn jwt(&self, _params: JwtParams<'_>) -> Result<Option<Token>> {
            Ok(None)
        }
    }
    let mut c = Client::new(config_at(NOW).callbacks(NoToken).build().expect("config"));
    let r = c.sign_in("alice", "wonderland").await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert!(c.session_cookie_names().is_empty());
}

#[tokio::test]
async fn an_https_session_token_is_not_read_over_http() {
    // The salt is the cookie name, so an `__Secure-` token cannot be replayed as a plain one.
    let mut secure = Client::new(
        AuthConfig::new()
            .secret(SECRET)
            .trust_host(true)
            .use_secure_cookies(true)
            .provider(common::credentials())
            .clock(FixedClock(NOW))
            .build()
            .expect("config"),
    );
    secure.sign_in("alice", "wonderland").await;
    let token = secure.jar["__Secure-authjs.session-token"].clone();
    let mut plain = Client::new(config_at(NOW).build().expect("config"));
    plain.jar.insert("authjs.session-token".into(), token);
    assert_eq!(plain.get("/auth/session").await.body, "null");
}

/// A custom session-token encoding (Auth.js's `jwt.encode`/`jwt.decode`): here, unencrypted
/// base64 JSON, to show the built-in JWE is really replaced.
struct PlainCodec;

#[async_trait]
impl auth_core::jwt::JwtCodec for PlainCodec {
    async fn encode(&self, params: auth_core::jwt::CodecEncode<'_>) -> Result<String> {
        use base64::Engine as _;
        let mut token = params.token.clone();
        token.insert("salt".into(), params.salt.into());
        let json = serde_json::to_vec(&token).expect("json");
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
    }

    async fn decode(&self, params: auth_core::jwt::CodecDecode<'_>) -> Result<Option<Token>> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(params.token)
            .map_err(|e| {
                auth_core::Error::new(auth_core::ErrorKind::JwtSessionError, "not base64")
                    .with_source(e)
            })?;
        Ok(serde_json::from_slice(&bytes).ok())
    }
}

#[tokio::test]
async fn a_custom_codec_replaces_the_session_encoding() {
    let auth = config_at(NOW)
        .jwt_codec(PlainCodec)
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    c.sign_in("alice", "wonderland").await;
    let cookie = c.jar["authjs.session-token"].clone();
    assert!(!cookie.starts_with("eyJhbGciOiJkaXIi"), "not a JWE");
    use base64::Engine as _;
    let json: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&cookie)
            .expect("base64"),
    )
    .expect("json");
    assert_eq!(json["sub"], "1");
    assert_eq!(
        json["salt"], "authjs.session-token",
        "the codec gets the cookie name as salt"
    );
    assert_eq!(c.get("/auth/session").await.json()["user"]["name"], "Alice");
    c.jar.insert("authjs.session-token".into(), "!!!".into());
    assert_eq!(c.get("/auth/session").await.body, "null");
}

/// A clock the test moves.
#[derive(Clone)]
struct MovingClock(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl MovingClock {
    fn at(millis: i64) -> Self {
        Self(std::sync::Arc::new(millis.into()))
    }

    fn set(&self, millis: i64) {
        self.0.store(millis, std::sync::atomic::Ordering::SeqCst);
    }
}

impl auth_core::clock::Clock for MovingClock {
    fn now_millis(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// An `Auth` that records the token each `jwt` callback receives.
fn recording(
    clock: &MovingClock,
    slots: usize,
) -> (
    auth_core::Auth,
    std::sync::Arc<std::sync::Mutex<Vec<Token>>>,
) {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = std::sync::Arc::clone(&seen);
    let auth = common::config()
        .clock(clock.clone())
        .jwt_cache_slots(slots)
        .jwt_callback(move |args| {
            let record = std::sync::Arc::clone(&record);
            async move {
                record.lock().expect("lock").push(args.token.clone());
                Ok(Some(args.token))
            }
        })
        .build()
        .expect("config");
    (auth, seen)
}

/// The known-token cache (`jwt_cache_slots`) changes nothing a client or a callback sees: the
/// same answers and the same tokens in the `jwt` callback as an `Auth` that decrypts every time.
#[tokio::test]
async fn known_tokens_read_exactly_as_decrypted_ones() {
    let clock = MovingClock::at(NOW);
    let (cached, seen_cached) = recording(&clock, 1024);
    let (uncached, seen_uncached) = recording(&clock, 0);
    let mut c = Client::new(cached);
    c.sign_in("alice", "wonderland").await;
    for step in 1..=3 {
        clock.set(NOW + step * 1000);
        let token = c.jar["authjs.session-token"].clone();
        let mut other = Client::new(uncached.clone());
        other.jar.insert("authjs.session-token".into(), token);
        let from_cache = c.get("/auth/session").await;
        let decrypted = other.get("/auth/session").await;
        assert_eq!(from_cache.status, StatusCode::OK);
        assert_eq!(from_cache.json()["user"]["name"], "Alice");
        assert_eq!(from_cache.body, decrypted.body, "step {step}");
    }
    let seen_cached = seen_cached.lock().expect("lock");
    let seen_uncached = seen_uncached.lock().expect("lock");
    // The cached `Auth` also saw the sign-in's token (no `iat` yet): compare the reads.
    let reads = &seen_cached[seen_cached.len() - 3..];
    assert_eq!(
        reads,
        &seen_uncached[..],
        "the jwt callback got other tokens"
    );
    assert!(
        reads
            .iter()
            .all(|t| t.contains_key("jti") && t.contains_key("exp"))
    );
}

/// A token the cache knows still expires, and one that differs from it anywhere but its end
/// (so that it falls into the same slot) is not taken for it.
#[tokio::test]
async fn known_tokens_still_expire_and_must_match_in_full() {
    let clock = MovingClock::at(NOW);
    let max_age: i64 = 60;
    let auth = config_at(NOW)
        .clock(clock.clone())
        .session_max_age(Duration::from_secs(max_age.unsigned_abs()))
        .build()
        .expect("config");
    let mut c = Client::new(auth.clone());
    c.sign_in("alice", "wonderland").await;
    let issued = c.jar["authjs.session-token"].clone();

    // One byte changed in the ciphertext, the tail (slot) kept.
    let mut forged = issued.clone().into_bytes();
    let at = forged.len() / 2;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ascii");
    let mut f = Client::new(auth.clone());
    f.jar.insert("authjs.session-token".into(), forged);
    assert_eq!(f.get("/auth/session").await.body, "null");

    clock.set(NOW + (max_age + 20) * 1000);
    let mut late = Client::new(auth);
    late.jar.insert("authjs.session-token".into(), issued);
    let r = late.get("/auth/session").await;
    assert_eq!(r.body, "null", "an expired known token was accepted");
    assert!(
        r.cookie("authjs.session-token")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
}

/// Counts reads in the token: a `jwt` callback that changes the token on every read.
struct CountsReads;

#[async_trait]
impl Callbacks for CountsReads {
    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        let mut token = params.token;
        if params.trigger.is_none() {
            let reads = token.get_as::<i64>("reads").unwrap_or(0);
            token.insert("reads".into(), json!(reads + 1));
        }
        Ok(Some(token))
    }
}

/// Deviation (deviations.md, "JWT re-issue throttle"): with `jwt_update_age`, a read of a
/// young, unchanged token keeps the cookie and reports its expiry; older tokens, tokens the
/// callback changed and updates are re-issued as by Auth.js.
#[tokio::test]
async fn jwt_update_age_keeps_young_unchanged_tokens_and_reissues_the_rest() {
    const HOUR: i64 = 3_600_000;
    let at = |millis: i64| {
        config_at(millis)
            .jwt_update_age(Duration::from_secs(3600))
            .build()
            .expect("config")
    };
    let mut c = Client::new(at(NOW));
    c.sign_in("alice", "wonderland").await;
    let issued = c.jar["authjs.session-token"].clone();

    // Ten minutes later: the cookie stays, and `expires` is its own (sign-in + 30 days).
    c.auth = at(NOW + HOUR / 6);
    let r = c.get("/auth/session").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["expires"], "2026-12-27T05:08:15.000Z");
    assert_eq!(r.json()["user"]["name"], "Alice");
    assert_eq!(
        r.cookie("authjs.session-token"),
        None,
        "{:?}",
        r.set_cookies
    );
    let kept = c.auth.keep_alive(&session_headers(&c)).await;
    assert!(kept.cookies.is_empty() && kept.session.is_some());
    assert_eq!(c.jar["authjs.session-token"], issued);

    // Two hours later: re-issued, sliding from now.
    c.auth = at(NOW + 2 * HOUR);
    let r = c.get("/auth/session").await;
    assert_eq!(r.json()["expires"], "2026-12-27T07:08:15.000Z");
    assert!(r.cookie("authjs.session-token").is_some());
    let claims = decode(&c.jar["authjs.session-token"], SECRET).expect("decodes");
    assert_eq!(claims["iat"], json!((NOW + 2 * HOUR) / 1000));

    // An update re-issues however young the token is.
    let csrf = c.csrf().await;
    let r = c
        .post_json("/auth/session", &json!({"csrfToken": csrf, "data": {}}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.cookie("authjs.session-token").is_some());

    // A `jwt` callback that changes the token gets its change written, however young.
    let counting = |millis: i64| {
        config_at(millis)
            .jwt_update_age(Duration::from_secs(3600))
            .callbacks(CountsReads)
            .build()
            .expect("config")
    };
    let mut c = Client::new(counting(NOW));
    c.sign_in("alice", "wonderland").await;
    c.auth = counting(NOW + 60_000);
    let r = c.get("/auth/session").await;
    assert_eq!(r.json()["expires"], "2026-12-27T05:09:15.000Z");
    let claims = decode(&c.jar["authjs.session-token"], SECRET).expect("re-issued");
    assert_eq!(claims["reads"], 1);
}

/// The request headers of `c`'s browser (its cookies).
fn session_headers(c: &Client) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::HOST, c.host.parse().expect("host"));
    headers.insert(
        http::header::COOKIE,
        c.cookie_header().parse().expect("cookie"),
    );
    headers
}

#[tokio::test]
async fn without_jwt_update_age_every_read_reissues() {
    let mut c = Client::new(config_at(NOW).build().expect("config"));
    c.sign_in("alice", "wonderland").await;
    c.auth = config_at(NOW + 1000).build().expect("config");
    let r = c.get("/auth/session").await;
    assert!(r.cookie("authjs.session-token").is_some());
    assert_eq!(r.json()["expires"], "2026-12-27T05:08:16.000Z");
}

/// `jwt_update_age` keeps a cookie only for a numeric `iat` not in the future and a token
/// valid past its next re-issue (a custom codec's tokens carry whatever claims it likes).
#[tokio::test]
async fn jwt_update_age_needs_a_past_iat_and_an_exp_after_the_next_reissue() {
    use base64::Engine as _;
    let auth = config_at(NOW)
        .jwt_codec(PlainCodec)
        .jwt_update_age(Duration::from_secs(3600))
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    let iat = NOW / 1000;
    for (claims, kept) in [
        (json!({"sub": "1", "iat": iat, "exp": iat + 7200}), true),
        (json!({"sub": "1", "iat": iat}), true),
        (json!({"sub": "1"}), false),
        (json!({"sub": "1", "iat": "yesterday"}), false),
        (
            json!({"sub": "1", "iat": iat + 60, "exp": iat + 7200}),
            false,
        ),
        (json!({"sub": "1", "iat": iat, "exp": iat + 3600}), false),
        (
            json!({"sub": "1", "iat": iat - 3600, "exp": iat + 7200}),
            false,
        ),
    ] {
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&claims).expect("json"));
        c.jar.insert("authjs.session-token".into(), token);
        let r = c.get("/auth/session").await;
        assert!(r.json()["user"].is_object(), "{claims}");
        assert_eq!(
            r.cookie("authjs.session-token").is_none(),
            kept,
            "{claims}: {:?}",
            r.set_cookies
        );
    }
}
