//! The application API: reading the session from request headers (Auth.js's `auth()`), and
//! server-side sign-in, sign-out and session update.

mod common;

use auth_core::{ErrorKind, NO_PARAMS, SignInOptions, jwt};
use common::{Client, ORIGIN, SECRET, config};
use http::{HeaderMap, HeaderValue, header};
use serde_json::json;

fn headers(client: &Client) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3100"));
    if !client.jar.is_empty() {
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&client.cookie_header()).expect("cookie"),
        );
    }
    h
}

#[tokio::test]
async fn the_session_is_read_from_headers_and_fails_closed() {
    let mut c = Client::new(config().build().expect("config"));
    assert!(c.auth.session(&headers(&c)).await.is_none());
    c.sign_in("alice", "wonderland").await;
    let session = c.auth.session(&headers(&c)).await.expect("session");
    assert_eq!(session.user.and_then(|u| u.name).as_deref(), Some("Alice"));
    let token = c.auth.token(&headers(&c)).await.expect("token");
    assert_eq!(token["sub"], "1");

    c.jar
        .insert("authjs.session-token".into(), "tampered".into());
    assert!(c.auth.session(&headers(&c)).await.is_none());
    // No usable host: no session rather than an error.
    let mut no_host = headers(&c);
    no_host.remove(header::HOST);
    assert!(c.auth.session(&no_host).await.is_none());
}

#[tokio::test]
async fn get_token_reads_the_same_cookie_with_the_secret_alone() {
    let mut c = Client::new(config().build().expect("config"));
    c.sign_in("chunky", "chunky-cookie").await;
    let secrets = auth_core::SecretList::single(SECRET);
    let claims = jwt::get_token(&headers(&c), &jwt::GetTokenParams::new(&secrets))
        .expect("secret given")
        .expect("chunked token decodes");
    assert_eq!(claims["email"], "chunky@example.com");
}

#[tokio::test]
async fn server_side_sign_in_update_and_sign_out() {
    let auth = config().build().expect("config");
    let c = Client::new(auth.clone());
    let pairs = |u: &str, p: &str| {
        vec![
            ("username".to_owned(), u.to_owned()),
            ("password".to_owned(), p.to_owned()),
        ]
    };

    let error = auth
        .sign_in(
            &headers(&c),
            "credentials",
            SignInOptions::with_fields(pairs("alice", "bad")),
            NO_PARAMS,
        )
        .await
        .expect_err("rejected");
    assert_eq!(
        (error.kind(), error.code()),
        (ErrorKind::CredentialsSignin, Some("credentials"))
    );
    let error = auth
        .sign_in(
            &headers(&c),
            "nope",
            SignInOptions::with_fields(pairs("a", "b")),
            NO_PARAMS,
        )
        .await
        .expect_err("unknown provider");
    assert_eq!(error.kind(), ErrorKind::Configuration);

    let signed_in = auth
        .sign_in(
            &headers(&c),
            "credentials",
            SignInOptions::with_fields(pairs("alice", "wonderland")),
            NO_PARAMS,
        )
        .await
        .expect("signed in");
    assert_eq!(signed_in.redirect.as_deref(), Some(ORIGIN));
    let mut jar = Client::new(auth.clone());
    for cookie in &signed_in.cookies {
        if !cookie.value.is_empty() {
            jar.jar.insert(
                cookie.name.clone(),
                cookie
                    .to_header_value()
                    .split(';')
                    .next()
                    .and_then(|p| p.split_once('='))
                    .map(|(_, v)| v.to_owned())
                    .expect("value"),
            );
        }
    }
    assert_eq!(
        signed_in.set_cookie_headers().count(),
        signed_in.cookies.len()
    );
    assert!(auth.session(&headers(&jar)).await.is_some());

    let updated = auth
        .update_session(&headers(&jar), json!({"name": "Server"}))
        .await
        .expect("updated");
    assert_eq!(
        updated.body.as_ref().map(|b| b["user"]["name"].clone()),
        Some(json!("Alice")),
        "no jwt callback copies the name by default"
    );
    assert!(
        updated
            .cookies
            .iter()
            .any(|c| c.name == "authjs.session-token")
    );

    let out = auth
        .sign_out(&headers(&jar), Some("/bye"))
        .await
        .expect("signed out");
    assert_eq!(
        out.redirect.as_deref(),
        Some(format!("{ORIGIN}/bye").as_str())
    );
    assert!(
        out.cookies
            .iter()
            .any(|c| c.name == "authjs.session-token" && c.options.max_age == Some(0))
    );
}

#[tokio::test]
async fn sign_in_options_and_the_application_answer() {
    let auth = config().build().expect("config");
    let c = Client::new(auth.clone());
    let alice = || SignInOptions::with_fields([("username", "alice"), ("password", "wonderland")]);

    let action = auth
        .sign_in(
            &headers(&c),
            "credentials",
            alice().redirect_to("/dash"),
            NO_PARAMS,
        )
        .await
        .expect("signed in");
    assert_eq!(
        action.redirect.as_deref(),
        Some(format!("{ORIGIN}/dash").as_str())
    );
    let response = action.to_response();
    assert_eq!(response.status(), http::StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("{ORIGIN}/dash")
    );
    assert_eq!(
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .count(),
        action.cookies.len()
    );

    let action = auth
        .sign_in(
            &headers(&c),
            "credentials",
            alice().no_redirect(),
            NO_PARAMS,
        )
        .await
        .expect("signed in");
    let response = action.to_response();
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(
        &response.body()[..],
        format!(r#"{{"url":"{ORIGIN}"}}"#).as_bytes()
    );

    let failed = auth
        .sign_in(
            &headers(&c),
            "credentials",
            SignInOptions::new().field("username", "alice"),
            NO_PARAMS,
        )
        .await;
    let response = auth.action_response(&headers(&c), failed);
    assert_eq!(response.status(), http::StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("{ORIGIN}/auth/signin?error=CredentialsSignin&code=credentials")
    );
}

#[tokio::test]
async fn keep_alive_does_the_work_of_get_session() {
    let mut c = Client::new(config().build().expect("config"));
    let kept = c.auth.keep_alive(&headers(&c)).await;
    assert!(kept.session.is_none() && kept.cookies.is_empty());
    c.sign_in("alice", "wonderland").await;
    let kept = c.auth.keep_alive(&headers(&c)).await;
    assert_eq!(
        kept.session
            .and_then(|s| s.user)
            .and_then(|u| u.email)
            .as_deref(),
        Some("alice@example.com")
    );
    assert!(
        kept.cookies
            .iter()
            .any(|c| c.name == "authjs.session-token")
    );
    c.jar
        .insert("authjs.session-token".into(), "tampered".into());
    let kept = c.auth.keep_alive(&headers(&c)).await;
    assert!(kept.session.is_none());
    assert!(
        kept.cookies
            .iter()
            .any(|c| c.name == "authjs.session-token" && c.options.max_age == Some(0)),
        "an unusable cookie is cleared"
    );
}

/// A custom sign-in page that has a query of its own keeps it: `callbackUrl` joins it with `&`.
#[test]
fn a_custom_sign_in_page_with_a_query_keeps_it() {
    let page = |sign_in: &str| {
        let auth = config()
            .pages(auth_core::Pages {
                sign_in: Some(sign_in.to_owned()),
                ..auth_core::Pages::default()
            })
            .build()
            .expect("config");
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3100"));
        auth.sign_in_url(&h, "/admin?tab=1").expect("a sign-in URL")
    };
    assert_eq!(
        page("/login?team=blue"),
        format!("{ORIGIN}/login?team=blue&callbackUrl=%2Fadmin%3Ftab%3D1")
    );
    assert_eq!(
        page("/login"),
        format!("{ORIGIN}/login?callbackUrl=%2Fadmin%3Ftab%3D1")
    );
    assert_eq!(
        page("https://id.example/signin?t=1"),
        "https://id.example/signin?t=1&callbackUrl=%2Fadmin%3Ftab%3D1"
    );
}
