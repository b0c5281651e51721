//! The extension points can be unit-tested without a server: callback arguments are built with
//! their constructors, claims are read typed, and configuration errors explain themselves.

use auth_core::{
    AuthConfig, ConfigError, Result, Session, Token, User, async_trait,
    callbacks::{Callbacks, JwtParams, JwtTrigger, SessionParams, SignInDecision, SignInParams},
};
use serde_json::{Value, json};

/// An app's callbacks: a `role` claim from the user's id, copied into the session.
struct RoleCallbacks;

#[async_trait]
impl Callbacks for RoleCallbacks {
    async fn sign_in(&self, params: SignInParams<'_>) -> Result<SignInDecision> {
        Ok(if params.user.id == "banned" {
            SignInDecision::Deny
        } else {
            SignInDecision::Allow
        })
    }

    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        let mut token = params.token;
        if let Some(user) = params.user {
            let role = if user.id == "1" { "admin" } else { "user" };
            token.insert("role".into(), role.into());
        }
        Ok(Some(token))
    }

    async fn session(&self, params: SessionParams<'_>) -> Result<Session> {
        let mut session = params.session;
        if let Some(role) = params.token.and_then(|t| t.get_as::<String>("role")) {
            session.extra.insert("role".into(), Value::String(role));
        }
        Ok(session)
    }
}

#[tokio::test]
async fn callbacks_are_tested_with_constructed_arguments() {
    let callbacks = RoleCallbacks;
    let alice = User::new("1").name("Alice");
    let account: auth_core::Account = serde_json::from_value(
        json!({"provider": "credentials", "type": "credentials", "providerAccountId": "1"}),
    )
    .expect("account");

    let allowed = callbacks
        .sign_in(SignInParams::new(&alice))
        .await
        .expect("ok");
    assert!(matches!(allowed, SignInDecision::Allow));
    let banned = User::new("banned");
    let denied = callbacks
        .sign_in(SignInParams::new(&banned))
        .await
        .expect("ok");
    assert!(matches!(denied, SignInDecision::Deny));

    let params = JwtParams::new(Token::new()).with_sign_in(&alice, &account, false);
    assert_eq!(params.trigger, Some(JwtTrigger::SignIn));
    let token = callbacks.jwt(params).await.expect("ok").expect("kept");
    assert_eq!(token.get_as::<String>("role").as_deref(), Some("admin"));
    assert_eq!(token.get_as::<u64>("role"), None, "another shape is None");

    let default: Session =
        serde_json::from_value(json!({"expires": "2030-01-01T00:00:00.000Z"})).expect("session");
    let session = callbacks
        .session(SessionParams::new(default).with_token(&token))
        .await
        .expect("ok");
    assert_eq!(session.get_as::<String>("role").as_deref(), Some("admin"));

    let data = json!({"name": "Bob"});
    let update = JwtParams::new(Token::new()).with_update(&data);
    assert_eq!(
        (update.trigger, update.session),
        (Some(JwtTrigger::Update), Some(&data))
    );
}

#[test]
fn config_errors_debug_as_they_display() {
    let error = AuthConfig::new()
        .url("http://127.0.0.1:3000/auth")
        .build()
        .expect_err("no secret");
    assert_eq!(error, ConfigError::MissingSecret);
    assert_eq!(format!("{error:?}"), error.to_string());
    assert!(format!("{error:?}").contains("AUTH_SECRET"));
}

mod common;

/// A role through closures alone: the `jwt` closure adds it at sign-in, the `session` closure
/// copies it into the session, a `sign_in` closure refuses one user and a `redirect` closure
/// sees every redirect; a `Callbacks` set after them keeps its other methods only.
#[tokio::test]
async fn a_role_through_closures_alone() {
    use std::sync::{Arc, Mutex};

    let redirects = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = redirects.clone();
    let auth = common::config()
        .jwt_callback(|args| async move {
            let mut token = args.token;
            if let Some(user) = args.user {
                let admin = user.name.as_deref() == Some("Alice");
                token.insert("role".into(), if admin { "admin" } else { "user" }.into());
            }
            Ok(Some(token))
        })
        .session_callback(|args| async move {
            let mut session = args.session;
            if let Some(role) = args.token.and_then(|t| t.get_as::<String>("role")) {
                session.extra.insert("role".into(), Value::String(role));
            }
            Ok(session)
        })
        .sign_in_callback(|args| async move {
            Ok(if args.user.name.as_deref() == Some("Chunky") {
                SignInDecision::Deny
            } else {
                SignInDecision::Allow
            })
        })
        .redirect_callback(move |url, base| {
            let seen = seen.clone();
            async move {
                seen.lock().expect("lock").push(url.clone());
                Ok(auth_core::callbacks::default_redirect(&url, &base))
            }
        })
        // Set after the closures, the trait does not replace them.
        .callbacks(auth_core::callbacks::DefaultCallbacks)
        .build()
        .expect("config");

    let mut c = common::Client::new(auth.clone());
    c.sign_in("alice", "wonderland").await;
    let session = c.get("/auth/session").await.json();
    assert_eq!(session["role"], "admin", "{session}");
    assert_eq!(session["user"]["name"], "Alice");
    assert!(
        !redirects.lock().expect("lock").is_empty(),
        "the redirect closure ran"
    );

    let mut refused = common::Client::new(auth);
    let r = refused.sign_in("chunky", "chunky-cookie").await;
    assert!(
        r.location()
            .is_some_and(|l| l.contains("error=AccessDenied")),
        "{:?}",
        r.location()
    );
    assert_eq!(refused.get("/auth/session").await.body, "null");
}

/// `User.id` is a plain `String`: a user `authorize` returns without one gets a random id
/// before any callback sees it, and the token's `sub` is that id.
#[tokio::test]
async fn callbacks_always_see_a_user_id() {
    use std::sync::{Arc, Mutex};

    use auth_core::providers::{CredentialInput, CredentialsProvider};

    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let ids = seen.clone();
    let auth = AuthConfig::new()
        .secret(common::SECRET)
        .trust_host(true)
        .provider(
            CredentialsProvider::new()
                .field("username", CredentialInput::text("Username"))
                .field("password", CredentialInput::password("Password"))
                .authorize(|_| async { Ok(Some(User::default().name("No Id"))) }),
        )
        .jwt_callback(move |args| {
            let ids = ids.clone();
            async move {
                if let Some(user) = &args.user {
                    ids.lock().expect("lock").push(user.id.clone());
                }
                Ok(Some(args.token))
            }
        })
        .build()
        .expect("config");
    let mut c = common::Client::new(auth.clone());
    c.sign_in("x", "y").await;
    let id = seen
        .lock()
        .expect("lock")
        .first()
        .cloned()
        .expect("the jwt callback ran");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let headers = {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::HOST, "127.0.0.1:3100".parse().expect("host"));
        h.insert(
            http::header::COOKIE,
            c.cookie_header().parse().expect("header"),
        );
        h
    };
    let token = auth.token(&headers).await.expect("signed in");
    assert_eq!(token.get_as::<String>("sub").as_deref(), Some(id.as_str()));
}
