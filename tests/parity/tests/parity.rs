//! The cross-framework suite: every scenario of `auth_parity::scenarios` on each framework,
//! compared with the core reference. One test per framework, so a failure names it; each
//! failure lists every difference (scenario, request, what, expected, actual).

use auth_parity::{
    Core, Framework, Mismatch, Observed, auth, check, frameworks, observe_all, report,
};
use http::{Request, Response, header};
use serde_json::Value;

fn assert_no_mismatch(mismatches: &[Mismatch]) {
    assert!(
        mismatches.is_empty(),
        "{} difference(s) from the core reference:\n{}",
        mismatches.len(),
        report(mismatches)
    );
}

#[tokio::test]
async fn axum_answers_as_the_core() {
    assert_no_mismatch(&check(&frameworks::Axum::new(auth())).await);
}

#[test]
fn actix_web_answers_as_the_core() {
    actix_web::rt::System::new().block_on(async {
        let app = frameworks::actix(auth()).await;
        assert_no_mismatch(&check(&app).await);
    });
}

#[tokio::test]
async fn rocket_answers_as_the_core() {
    assert_no_mismatch(&check(&frameworks::Rocket::new(auth()).await).await);
}

#[tokio::test]
async fn poem_answers_as_the_core() {
    assert_no_mismatch(&check(&frameworks::poem(auth())).await);
}

#[tokio::test]
async fn hyper_answers_as_the_core() {
    assert_no_mismatch(&check(&frameworks::Hyper::new(auth())).await);
}

/// Two runs of the reference compare equal (the normalisation removes every random value),
/// and the reference answers every request with the status its scenario states.
#[tokio::test]
async fn the_core_reference_is_stable_and_does_what_the_scenarios_say() {
    assert_no_mismatch(&check(&Core::new(auth())).await);
}

fn scenario<'a>(all: &'a [(&'static str, Vec<Observed>)], name: &str) -> &'a [Observed] {
    &all.iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
        .1
}

fn cookie_names(observed: &Observed) -> Vec<&str> {
    observed
        .set_cookies
        .iter()
        .filter_map(|c| c.split_once('=').map(|(name, _)| name))
        .collect()
}

/// The scenarios exercise what they are named after (checked on the reference, which every
/// framework must then match).
#[tokio::test]
async fn the_scenarios_exercise_what_they_name() {
    let all = observe_all(&Core::new(auth())).await;

    let csrf = &scenario(&all, "csrf")[0];
    assert!(
        csrf.body.contains(r#""csrfToken":"{csrf}""#),
        "{}",
        csrf.body
    );
    assert!(
        csrf.set_cookies
            .iter()
            .any(|c| c.starts_with("authjs.csrf-token={csrf-cookie};")),
        "{:?}",
        csrf.set_cookies
    );

    let sign_in = &scenario(&all, "credentials sign-in")[1];
    let claims = sign_in.session.as_ref().expect("a session cookie is set");
    assert_eq!(claims["name"], "Alice");
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["jti"], true, "a UUID jti");

    let chunked = scenario(&all, "chunked session");
    let mut names = cookie_names(&chunked[1]);
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "authjs.callback-url",
            "authjs.session-token.0",
            "authjs.session-token.1",
            "authjs.session-token.2",
        ]
    );
    let session: Value = serde_json::from_str(&chunked[2].body).expect("session JSON");
    assert_eq!(session["user"]["image"], example_demo::chunky_image());
    assert!(chunked[3].body.contains("Chunky"), "{}", chunked[3].body);

    let update = scenario(&all, "session update");
    let session: Value = serde_json::from_str(&update[2].body).expect("session JSON");
    assert_eq!(session["user"]["name"], "Bob");
    assert_eq!(update[2].session.as_ref().expect("rolled")["name"], "Bob");
    let session: Value = serde_json::from_str(&update[3].body).expect("session JSON");
    assert_eq!(session["user"]["name"], "Bob", "the update is kept");

    let sign_out = scenario(&all, "sign-out");
    assert_eq!(
        sign_out[3].session,
        Some(Value::Null),
        "the session is cleared"
    );
    assert_eq!(sign_out[4].body, "null");
    assert!(
        sign_out[2].body.contains("{csrf}"),
        "the page's token is normalised"
    );

    let oversized = scenario(&all, "oversized body");
    assert!(
        oversized[1].session.is_some(),
        "a body at the limit is read"
    );
    assert_eq!(oversized[2].body, "\"Payload too large.\"");
    assert!(oversized[2].set_cookies.is_empty());

    let repeated = scenario(&all, "repeated Cookie headers");
    assert!(repeated[4].body.contains("Alice"), "{}", repeated[4].body);
    assert!(repeated[6].body.contains("Alice"), "{}", repeated[6].body);
    assert_eq!(repeated[7].session, Some(Value::Null), "signed out");

    let protected = scenario(&all, "protected routes");
    assert_eq!(
        protected[2].headers["location"],
        [
            "http://127.0.0.1:3000/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fprotected%3Fpage%3D2"
        ]
    );
    assert_eq!(protected[4].body, r#"{"error":"Unauthorized"}"#);

    let admin = scenario(&all, "admin gate and logout");
    assert_eq!(
        admin[0].headers["location"],
        ["http://127.0.0.1:3000/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fadmin"]
    );
    assert_eq!(admin[1].body, r#"{"error":"Unauthorized"}"#);
    assert_eq!(admin[6].body, r#"{"error":"Forbidden"}"#);
    assert_eq!(
        admin[6].session.as_ref().expect("kept alive")["name"],
        "Chunky",
        "the gate re-issues the session as GET /auth/session does"
    );
    assert!(cookie_names(&admin[6]).contains(&"authjs.session-token.0"));
    for logout in [8, 16] {
        assert_eq!(
            admin[logout].headers["location"],
            ["http://127.0.0.1:3000/"]
        );
        assert_eq!(
            admin[logout].session,
            Some(Value::Null),
            "the cookie is cleared"
        );
        assert_eq!(admin[logout + 1].body, "null", "no session after logout");
    }
    assert!(admin[13].body.contains("Only admins"), "{}", admin[13].body);
    // Cross-site logouts (after signing in again at 20, 21) are refused; the session stays.
    for refused in &admin[22..25] {
        assert_eq!(refused.body, r#"{"error":"Forbidden"}"#);
        assert!(refused.set_cookies.is_empty(), "nothing cleared");
    }
    assert!(admin[25].body.contains("Alice"), "{}", admin[25].body);
    assert_eq!(admin[26].session, Some(Value::Null), "a same-origin logout");
    assert_eq!(admin[27].body, "null");
    assert_eq!(
        admin[13].session.as_ref().expect("kept alive")["email"],
        "alice@example.com"
    );
}

/// A framework that keeps only the last `Set-Cookie` (what `insert` instead of `append` does).
struct LastCookieOnly(Core);

impl Framework for LastCookieOnly {
    fn name(&self) -> &'static str {
        "last-cookie-only"
    }

    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        let mut response = self.0.send(request).await;
        if let Some(last) = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .next_back()
            .cloned()
        {
            response.headers_mut().insert(header::SET_COOKIE, last);
        }
        response
    }
}

/// A framework that strips the base path before calling the core (a `nest` without restoring
/// the original URI).
struct StripsBasePath(Core);

impl Framework for StripsBasePath {
    fn name(&self) -> &'static str {
        "strips-base-path"
    }

    async fn send(&self, mut request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        if let Some(rest) = request
            .uri()
            .path_and_query()
            .and_then(|pq| pq.as_str().strip_prefix("/auth/providers"))
        {
            *request.uri_mut() = format!("/providers{rest}").parse().expect("uri");
        }
        self.0.send(request).await
    }
}

#[tokio::test]
async fn the_suite_catches_a_framework_that_answers_differently() {
    let mismatches = check(&LastCookieOnly(Core::new(auth()))).await;
    assert!(
        mismatches
            .iter()
            .any(|m| m.scenario == "chunked session" && m.what == "Set-Cookie"),
        "{}",
        report(&mismatches)
    );
    assert!(mismatches.iter().all(|m| m.framework == "last-cookie-only"));

    let mismatches = check(&StripsBasePath(Core::new(auth()))).await;
    assert!(
        mismatches
            .iter()
            .any(|m| m.scenario == "providers" && m.what == "status"),
        "{}",
        report(&mismatches)
    );
}
