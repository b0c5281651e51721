//! Database sessions and account linking through an adapter (the memory adapter here; the SQL
//! adapters run the same flows in `adapters.rs` and through the example).

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use async_trait::async_trait;
use auth_core::{
    AuthConfig, ConfigError, Pages, Result as AuthResult, SessionStrategy, User,
    adapter::{
        Adapter, AdapterAccount, AdapterSession, AdapterUser, Authenticator, LinkOutcome,
        MemoryAdapter, SessionUpdate, UserUpdate, VerificationToken,
    },
    callbacks::{EventResult, Events, LinkAccountEvent},
    clock::FixedClock,
    providers::{Checks, CredentialsProvider, OAuthProvider},
};
use common::{
    Client, ORIGIN, SECRET,
    idp::{CLIENT_ID, CLIENT_SECRET, Idp, full_sign_in},
};
use http::StatusCode;

const NOW: i64 = 1_795_756_095_000;
const HOUR: i64 = 3_600_000;

fn base(adapter: &MemoryAdapter, at: i64) -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(adapter.clone())
        .clock(FixedClock(at))
        .session_update_age(Duration::from_secs(3_600))
        .provider(common::credentials().database_sessions(true))
}

async fn row(adapter: &MemoryAdapter, token: &str) -> Option<i64> {
    adapter
        .get_session_and_user(token)
        .await
        .expect("adapter")
        .map(|(s, _)| s.expires.millis())
}

#[tokio::test]
async fn a_database_session_is_written_extended_after_update_age_and_deleted() {
    let adapter = MemoryAdapter::default();
    let mut c = Client::new(base(&adapter, NOW).build().expect("config"));
    let r = c.sign_in("alice", "wonderland").await;
    assert_eq!(r.status, StatusCode::FOUND);
    let token = c.jar["authjs.session-token"].clone();
    assert_eq!(token.len(), 36, "an opaque UUID, not a JWT");
    let max_age = 30 * 24 * HOUR;
    assert_eq!(row(&adapter, &token).await, Some(NOW + max_age));
    assert!(
        adapter.get_user("1").await.expect("adapter").is_some(),
        "the credentials user was stored"
    );

    // Within update_age: the row is not written, the cookie is re-set.
    c.auth = base(&adapter, NOW + HOUR / 2).build().expect("config");
    let r = c.get("/auth/session").await;
    assert_eq!(r.json()["user"]["name"], "Alice");
    assert_eq!(r.json()["expires"], "2026-12-27T05:08:15.000Z");
    assert!(
        r.cookie("authjs.session-token")
            .is_some_and(|c| c.contains("Expires=Sun, 27 Dec 2026 05:38:15 GMT"))
    );
    assert_eq!(row(&adapter, &token).await, Some(NOW + max_age));

    // After update_age: extended; the body reports the expiry that was read.
    c.auth = base(&adapter, NOW + 2 * HOUR).build().expect("config");
    let r = c.get("/auth/session").await;
    assert_eq!(r.json()["expires"], "2026-12-27T05:08:15.000Z");
    assert_eq!(row(&adapter, &token).await, Some(NOW + 2 * HOUR + max_age));
    let session = c
        .auth
        .session(&common_headers(&c))
        .await
        .expect("session via the application API");
    assert_eq!(session.user.and_then(|u| u.name).as_deref(), Some("Alice"));

    let csrf = c.csrf().await;
    let r = c.post_form("/auth/signout", &[("csrfToken", &csrf)]).await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert!(
        r.cookie("authjs.session-token")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    assert_eq!(
        row(&adapter, &token).await,
        None,
        "sign-out deletes the row"
    );
    assert_eq!(c.get("/auth/session").await.body, "null");
}

fn common_headers(c: &Client) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    h.insert("host", http::HeaderValue::from_static("127.0.0.1:3100"));
    h.insert(
        "cookie",
        http::HeaderValue::from_str(&c.cookie_header()).expect("cookie"),
    );
    h
}

#[tokio::test]
async fn expired_and_unknown_sessions_are_null_and_cleared() {
    let adapter = MemoryAdapter::default();
    let mut c = Client::new(base(&adapter, NOW).build().expect("config"));
    c.sign_in("alice", "wonderland").await;
    let token = c.jar["authjs.session-token"].clone();
    c.auth = base(&adapter, NOW + 31 * 24 * HOUR)
        .build()
        .expect("config");
    let r = c.get("/auth/session").await;
    assert_eq!(r.body, "null");
    assert!(
        r.cookie("authjs.session-token")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    assert_eq!(
        row(&adapter, &token).await,
        None,
        "the expired row is deleted"
    );
    c.jar
        .insert("authjs.session-token".into(), "unknown".into());
    assert_eq!(c.get("/auth/session").await.body, "null");
}

#[test]
fn strategies_are_checked_at_build() {
    let adapter = MemoryAdapter::default();
    // Database sessions asked for with only credentials providers: Auth.js's
    // `UnsupportedStrategy`, saying what to set.
    let err = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(adapter.clone())
        .provider(common::credentials())
        .session_strategy(SessionStrategy::Database)
        .build()
        .expect_err("credentials-only database sessions");
    assert_eq!(err, ConfigError::UnsupportedStrategy);
    let message = err.to_string();
    assert!(
        message.contains(".session_strategy(SessionStrategy::Jwt)")
            && message.contains(".database_sessions(true)"),
        "{message}"
    );
    let err = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .session_strategy(SessionStrategy::Database)
        .build()
        .expect_err("no adapter");
    assert_eq!(err, ConfigError::MissingAdapter);
}

/// Deviation 20: an adapter alone does not switch a configuration with a JWT-only credentials
/// provider to database sessions (whose sessions its sign-ins could never be read from).
#[tokio::test]
async fn an_adapter_keeps_jwt_sessions_for_credentials_unless_they_opt_in() {
    let adapter = MemoryAdapter::default();
    let with = |credentials: CredentialsProvider| {
        AuthConfig::new()
            .secret(SECRET)
            .trust_host(true)
            .adapter(adapter.clone())
            .provider(credentials)
    };
    let config = with(common::credentials());
    assert_eq!(config.effective_session_strategy(), SessionStrategy::Jwt);
    let mut c = Client::new(config.build().expect("builds"));
    c.sign_in("alice", "wonderland").await;
    assert_eq!(
        c.get("/auth/session").await.json()["user"]["name"],
        "Alice",
        "the credentials sign-in is readable"
    );
    assert!(
        c.jar["authjs.session-token"].starts_with("eyJ"),
        "a JWT, not a row id"
    );
    // Opted in, the adapter's default is the database again (Auth.js's rule).
    let config = with(common::credentials().database_sessions(true));
    assert_eq!(
        config.effective_session_strategy(),
        SessionStrategy::Database
    );
    let mut c = Client::new(config.build().expect("builds"));
    c.sign_in("alice", "wonderland").await;
    let token = c.jar["authjs.session-token"].clone();
    assert!(row(&adapter, &token).await.is_some(), "a session row");
    assert_eq!(c.get("/auth/session").await.json()["user"]["name"], "Alice");
}

/// Auth.js's `session.generateSessionToken`: the configured generator makes each new row's
/// token (and the cookie's value); an empty token falls back to a random one.
#[tokio::test]
async fn generate_session_token_makes_the_row_token() {
    let adapter = MemoryAdapter::default();
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let next = counter.clone();
    let auth = base(&adapter, NOW)
        .generate_session_token(move || {
            let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            format!("custom-token-{n}")
        })
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    c.sign_in("alice", "wonderland").await;
    assert_eq!(c.jar["authjs.session-token"], "custom-token-0");
    assert!(row(&adapter, "custom-token-0").await.is_some(), "the row");
    assert_eq!(c.get("/auth/session").await.json()["user"]["name"], "Alice");
    c.sign_in("alice", "wonderland").await;
    assert_eq!(c.jar["authjs.session-token"], "custom-token-1");
    assert!(
        row(&adapter, "custom-token-0").await.is_none(),
        "the previous row is gone"
    );

    let auth = base(&adapter, NOW)
        .generate_session_token(String::new)
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    c.sign_in("alice", "wonderland").await;
    let token = c.jar["authjs.session-token"].clone();
    assert_eq!(token.len(), 36, "a UUID instead of an empty token: {token}");
    assert!(row(&adapter, &token).await.is_some());
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

#[async_trait]
impl Events for Log {
    async fn create_user(&self, user: &User) -> EventResult {
        self.0
            .lock()
            .expect("lock")
            .push(format!("create_user {:?}", user.email));
        Ok(())
    }
    async fn link_account(&self, message: LinkAccountEvent<'_>) -> EventResult {
        self.0.lock().expect("lock").push(format!(
            "link_account {}",
            message.account.provider_account_id
        ));
        Ok(())
    }
}

fn oidc(idp: &Idp) -> OAuthProvider {
    OAuthProvider::oidc("idp", "Test IdP")
        .issuer(&idp.issuer)
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .checks(Checks::all())
}

fn with_idp(adapter: &MemoryAdapter, provider: OAuthProvider, log: &Log) -> AuthConfig {
    base(adapter, NOW)
        .clock(auth_core::clock::SystemClock)
        .provider(provider)
        .events(log.clone())
        .pages(Pages {
            new_user: Some("/welcome".into()),
            ..Pages::default()
        })
        .http_client(auth_core::oauth::ReqwestClient::new().expect("client"))
        .session_update_age(auth_core::DEFAULT_UPDATE_AGE)
        .provider(
            CredentialsProvider::new()
                .id("other")
                .authorize(|_| async {
                    Ok(Some(User::new("someone-else").email("else@example.com")))
                })
                .database_sessions(true),
        )
}

#[tokio::test]
async fn a_first_oauth_sign_in_creates_the_user_once_and_later_ones_find_it() {
    let idp = Idp::start().await;
    let adapter = MemoryAdapter::default();
    let log = Log::default();
    let auth = with_idp(&adapter, oidc(&idp), &log)
        .build()
        .expect("config");
    let mut c = Client::new(auth.clone());
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(
        r.location(),
        Some("/welcome?callbackUrl=http%3A%2F%2F127.0.0.1%3A3100%2Fafter"),
        "new users see their page"
    );
    let owner = adapter
        .get_user_by_account("idp", "user-42")
        .await
        .expect("adapter")
        .expect("created");
    assert_eq!(owner.email.as_deref(), Some("octo@example.com"));
    assert_eq!(
        *log.0.lock().expect("lock"),
        [
            "create_user Some(\"octo@example.com\")",
            "link_account user-42"
        ]
    );
    let account = adapter
        .get_account("idp", "user-42")
        .await
        .expect("adapter")
        .expect("account");
    assert_eq!(
        account.access_token.as_ref().map(|t| t.expose()),
        Some("access-123")
    );
    assert_eq!(
        account.refresh_token.as_ref().map(|t| t.expose()),
        Some("refresh-456")
    );

    let mut again = Client::new(auth);
    let r = full_sign_in(&idp, &mut again, "idp", |_| {}).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    let session = again.get("/auth/session").await.json();
    assert_eq!(session["user"]["email"], "octo@example.com");
    assert_eq!(
        log.0.lock().expect("lock").len(),
        2,
        "nothing created the second time"
    );
}

#[tokio::test]
async fn account_linking_follows_the_auth_js_table() {
    let idp = Idp::start().await;
    let log = Log::default();

    // A signed-in user links a new account.
    let adapter = MemoryAdapter::default();
    let mut c = Client::new(
        with_idp(&adapter, oidc(&idp), &log)
            .build()
            .expect("config"),
    );
    c.sign_in("alice", "wonderland").await;
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/after").as_str()),
        "{:?}",
        r.set_cookies
    );
    let owner = adapter
        .get_user_by_account("idp", "user-42")
        .await
        .expect("adapter")
        .expect("linked");
    assert_eq!(owner.id, "1", "linked to the signed-in user");

    // The account belongs to Alice; signed in as someone else it is refused.
    let csrf = c.csrf().await;
    c.post_form("/auth/signout", &[("csrfToken", &csrf)]).await;
    let csrf = c.csrf().await;
    c.post_form("/auth/callback/other", &[("csrfToken", &csrf)])
        .await;
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/signin?error=OAuthAccountNotLinked").as_str())
    );

    // Same email as an existing user, no linking allowed.
    let adapter = MemoryAdapter::default();
    adapter
        .create_user(AdapterUser {
            id: "u-1".into(),
            name: None,
            email: Some("octo@example.com".into()),
            email_verified: None,
            image: None,
        })
        .await
        .expect("user");
    let mut c = Client::new(
        with_idp(&adapter, oidc(&idp), &log)
            .build()
            .expect("config"),
    );
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/signin?error=OAuthAccountNotLinked").as_str())
    );
    assert!(
        r.set_cookies
            .iter()
            .all(|c| !c.starts_with("authjs.session-token"))
    );
    assert!(
        adapter
            .get_user_by_account("idp", "user-42")
            .await
            .expect("adapter")
            .is_none(),
        "nothing written"
    );

    // ... and with dangerous email linking, the account joins that user.
    let mut c = Client::new(
        with_idp(
            &adapter,
            oidc(&idp).allow_dangerous_email_account_linking(),
            &log,
        )
        .build()
        .expect("config"),
    );
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    let owner = adapter
        .get_user_by_account("idp", "user-42")
        .await
        .expect("adapter")
        .expect("linked");
    assert_eq!(owner.id, "u-1");
}

/// An adapter whose account linking fails, to show that a failed flow writes nothing.
#[derive(Clone, Default)]
struct FailingLinks(MemoryAdapter);

#[async_trait]
impl Adapter for FailingLinks {
    async fn create_user(&self, user: AdapterUser) -> AuthResult<AdapterUser> {
        self.0.create_user(user).await
    }
    async fn get_user(&self, id: &str) -> AuthResult<Option<AdapterUser>> {
        self.0.get_user(id).await
    }
    async fn get_user_by_email(&self, email: &str) -> AuthResult<Option<AdapterUser>> {
        self.0.get_user_by_email(email).await
    }
    async fn get_user_by_account(
        &self,
        provider: &str,
        id: &str,
    ) -> AuthResult<Option<AdapterUser>> {
        self.0.get_user_by_account(provider, id).await
    }
    async fn update_user(&self, update: UserUpdate) -> AuthResult<AdapterUser> {
        self.0.update_user(update).await
    }
    async fn delete_user(&self, id: &str) -> AuthResult<()> {
        self.0.delete_user(id).await
    }
    async fn unlink_account(&self, provider: &str, id: &str) -> AuthResult<()> {
        self.0.unlink_account(provider, id).await
    }
    async fn get_account(&self, provider: &str, id: &str) -> AuthResult<Option<AdapterAccount>> {
        self.0.get_account(provider, id).await
    }
    async fn create_session(&self, session: AdapterSession) -> AuthResult<AdapterSession> {
        self.0.create_session(session).await
    }
    async fn get_session_and_user(
        &self,
        token: &str,
    ) -> AuthResult<Option<(AdapterSession, AdapterUser)>> {
        self.0.get_session_and_user(token).await
    }
    async fn update_session(&self, update: SessionUpdate) -> AuthResult<Option<AdapterSession>> {
        self.0.update_session(update).await
    }
    async fn delete_session(&self, token: &str) -> AuthResult<Option<AdapterSession>> {
        self.0.delete_session(token).await
    }
    async fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> AuthResult<VerificationToken> {
        self.0.create_verification_token(token).await
    }
    async fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> AuthResult<Option<VerificationToken>> {
        self.0.use_verification_token(identifier, token).await
    }
    async fn get_authenticator(&self, id: &str) -> AuthResult<Option<Authenticator>> {
        self.0.get_authenticator(id).await
    }
    async fn create_authenticator(&self, a: Authenticator) -> AuthResult<Authenticator> {
        self.0.create_authenticator(a).await
    }
    async fn list_authenticators_by_user_id(&self, id: &str) -> AuthResult<Vec<Authenticator>> {
        self.0.list_authenticators_by_user_id(id).await
    }
    async fn update_authenticator_counter(
        &self,
        id: &str,
        counter: i64,
    ) -> AuthResult<Authenticator> {
        self.0.update_authenticator_counter(id, counter).await
    }
    async fn link_account(&self, _account: AdapterAccount) -> AuthResult<()> {
        Err(auth_core::adapter::adapter_error("link failed", "injected"))
    }
    async fn create_user_and_link_account(
        &self,
        _user: AdapterUser,
        _account: AdapterAccount,
    ) -> AuthResult<LinkOutcome> {
        Err(auth_core::adapter::adapter_error(
            "create failed",
            "injected",
        ))
    }
}

#[tokio::test]
async fn a_flow_failing_in_the_adapter_writes_nothing() {
    let idp = Idp::start().await;
    let failing = FailingLinks::default();
    let auth = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(failing.clone())
        .provider(oidc(&idp))
        .build()
        .expect("config");
    let mut c = Client::new(auth);
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
    assert!(
        failing
            .0
            .get_user_by_email("octo@example.com")
            .await
            .expect("adapter")
            .is_none()
    );
    assert!(
        failing
            .0
            .get_user_by_account("idp", "user-42")
            .await
            .expect("adapter")
            .is_none()
    );
}
