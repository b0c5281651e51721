//! The built-in pages through the handler, and custom pages.

mod common;

use auth_core::{ColorScheme, Pages, Theme};
use common::{Client, ORIGIN, config};
use http::StatusCode;

#[tokio::test]
async fn the_sign_in_page_has_a_working_credentials_form() {
    let mut c = Client::new(config().build().expect("config"));
    let r = c.get("/auth/signin?error=CredentialsSignin").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "text/html");
    let token = c.jar["authjs.csrf-token"]
        .split("%7C")
        .next()
        .expect("token")
        .to_owned();
    assert!(r.body.contains("<title>Sign In</title>"));
    assert!(
        r.body
            .contains(&format!("action=\"{ORIGIN}/auth/callback/credentials\""))
    );
    assert!(
        r.body
            .contains(&format!("name=\"csrfToken\" value=\"{token}\""))
            || r.body.contains(&format!("value=\"{token}\""))
    );
    assert!(
        r.body
            .contains("id=\"input-username-for-credentials-provider\"")
    );
    assert!(r.body.contains("type=\"password\""));
    // Password managers can fill the pair.
    assert!(r.body.contains(
        "id=\"input-username-for-credentials-provider\" type=\"text\" placeholder=\"\" autocomplete=\"username\"/>"
    ));
    assert!(r.body.contains(
        "id=\"input-password-for-credentials-provider\" type=\"password\" placeholder=\"\" autocomplete=\"current-password\"/>"
    ));
    assert!(
        r.body
            .contains("Sign in failed. Check the details you provided are correct.")
    );
    // Query values never reach the page unescaped.
    let r = c
        .get("/auth/signin?error=%3Cscript%3E&email=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    assert!(!r.body.contains("<script>alert(1)"));
    let r = c.get("/auth/signin?csrfToken=attacker").await;
    assert!(
        !r.body.contains("attacker"),
        "the hidden token is never taken from the query"
    );
}

#[tokio::test]
async fn the_theme_reaches_the_page_escaped() {
    let theme = Theme {
        color_scheme: ColorScheme::Dark,
        brand_color: Some("#123456".into()),
        logo: Some("https://example.test/logo.png?a=1&b=\"2\"".into()),
        button_text: Some("red;}</style><script>alert(1)</script>".into()),
    };
    let mut c = Client::new(config().theme(theme).build().expect("config"));
    let r = c.get("/auth/signin").await;
    assert!(r.body.contains("__next-auth-theme-dark"));
    assert!(r.body.contains("--brand-color: #123456"));
    assert!(r.body.contains("logo.png?a=1&amp;b=&quot;2&quot;"));
    assert!(!r.body.contains("<script>alert(1)"));
}

#[tokio::test]
async fn sign_out_verify_request_and_error_pages() {
    let mut c = Client::new(config().build().expect("config"));
    let r = c.get("/auth/signout").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<title>Sign Out</title>"));
    assert!(
        r.body
            .contains(&format!("action=\"{ORIGIN}/auth/signout\""))
    );
    let r = c.get("/auth/verify-request").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Check your email") && r.body.contains("127.0.0.1:3100"));
    for (error, status, text) in [
        ("Configuration", 500, "Server error"),
        ("AccessDenied", 403, "Access Denied"),
        ("Verification", 403, "Unable to sign in"),
        ("Whatever", 200, "Error"),
    ] {
        let r = c.get(&format!("/auth/error?error={error}")).await;
        assert_eq!(r.status.as_u16(), status, "{error}");
        assert!(r.body.contains(text), "{error}");
        if status == 403 {
            assert!(
                r.body.contains(&format!("href=\"{ORIGIN}/auth/signin\"")),
                "{error}"
            );
        }
    }
    assert_eq!(c.get("/auth/error").await.status, StatusCode::OK);
}

#[tokio::test]
async fn custom_pages_are_redirects() {
    let pages = Pages {
        sign_in: Some("/login".into()),
        sign_out: Some("/logout".into()),
        error: Some("/oops".into()),
        verify_request: Some("/check-mail".into()),
        new_user: None,
    };
    let mut c = Client::new(config().pages(pages).build().expect("config"));
    let r = c.get("/auth/signin?error=Foo").await;
    assert_eq!(
        r.location(),
        Some("/login?callbackUrl=http%3A%2F%2F127.0.0.1%3A3100&error=Foo")
    );
    assert!(
        r.cookie("authjs.csrf-token").is_some(),
        "queued cookies are set on page redirects"
    );
    assert_eq!(c.get("/auth/signout").await.location(), Some("/logout"));
    assert_eq!(
        c.get("/auth/error?error=A%26B").await.location(),
        Some("/oops?error=A%26B")
    );
    assert_eq!(c.get("/auth/error").await.location(), Some("/oops"));
    assert_eq!(
        c.get("/auth/verify-request?provider=email&type=email")
            .await
            .location(),
        Some("/check-mail?provider=email&type=email")
    );
}

/// Deviation 38: the OAuth forms' hidden `callbackUrl` is the callback URL after the `redirect`
/// callback (absolute, on this origin), where Auth.js echoes the raw query value.
#[tokio::test]
async fn the_oauth_forms_carry_the_sanitized_callback_url() {
    let auth = config()
        .provider(
            auth_core::providers::presets::github()
                .client_id("id")
                .client_secret("secret"),
        )
        .build()
        .expect("config");
    let hidden = |body: &str| {
        body.split("name=\"callbackUrl\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
    };
    let mut c = Client::new(auth.clone());
    let r = c.get("/auth/signin?callbackUrl=%2Fprotected%3Fa%3D1").await;
    assert_eq!(
        hidden(&r.body).as_deref(),
        Some(&*format!("{ORIGIN}/protected?a=1"))
    );
    // A foreign URL is replaced by the origin (Auth.js would echo `https://evil.example/x`).
    let mut c = Client::new(auth);
    let r = c
        .get("/auth/signin?callbackUrl=https%3A%2F%2Fevil.example%2Fx")
        .await;
    assert_eq!(hidden(&r.body).as_deref(), Some(ORIGIN));
}
