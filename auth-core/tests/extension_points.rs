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
        Ok(if params.user.id.as_deref() == Some("banned") {
            SignInDecision::Deny
        } else {
            SignInDecision::Allow
        })
    }

    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        let mut token = params.token;
        if let Some(user) = params.user {
            let role = if user.id.as_deref() == Some("1") {
                "admin"
            } else {
                "user"
            };
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
