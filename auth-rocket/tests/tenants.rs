//! Per-request configuration on Rocket: one Rocket serving two hosts through an
//! `AuthResolver`, with different providers and secrets; a session of one host is none on
//! the other, and a host of no tenant is answered `400`.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use auth_core::resolver::AuthResolver;
use auth_rocket::{ActionResponse, AuthRocketExt, AuthSession, RequestAuth, RequestHeaders};
use rocket::{
    figment::Figment,
    http::{ContentType, Header, Status},
    local::asynchronous::Client,
};
use serde_json::Value;

fn tenants(builds: Arc<AtomicUsize>) -> AuthResolver {
    example_demo::two_tenants(builds)
}

#[rocket::get("/")]
fn home(session: Option<AuthSession>) -> String {
    let email = session.and_then(|s| s.0.user).and_then(|u| u.email);
    email.unwrap_or_else(|| "anonymous".to_owned())
}

#[rocket::get("/me")]
fn me(session: AuthSession) -> String {
    session.0.user.and_then(|u| u.email).unwrap_or_default()
}

#[rocket::post("/logout")]
async fn logout(auth: RequestAuth, headers: RequestHeaders) -> ActionResponse {
    let signed_out = auth.0.sign_out(&headers.0, Some("/")).await;
    ActionResponse(auth.0.action_response(&headers.0, signed_out))
}

struct Reply {
    status: Status,
    cookies: String,
    location: Option<String>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn send(
    client: &Client,
    host: &str,
    get: bool,
    uri: &str,
    cookie: &str,
    form: &str,
) -> Reply {
    let uri = uri.to_owned();
    let mut request = if get {
        client.get(uri)
    } else {
        client.post(uri)
    }
    .header(Header::new("host", host.to_owned()))
    .header(ContentType::Form)
    .body(form);
    if !cookie.is_empty() {
        request = request.header(Header::new("cookie", cookie.to_owned()));
    }
    let response = request.dispatch().await;
    let pairs = response.headers().get("set-cookie");
    let pairs = pairs.filter_map(|v| v.split(';').next());
    Reply {
        status: response.status(),
        cookies: pairs.collect::<Vec<_>>().join("; "),
        location: response.headers().get_one("location").map(str::to_owned),
        body: response.into_string().await.unwrap_or_default(),
    }
}

/// Signs in as alice on `host`; the session cookie.
async fn sign_in(client: &Client, host: &str) -> String {
    let r = send(client, host, true, "/auth/csrf", "", "").await;
    let csrf = r.json()["csrfToken"].as_str().expect("token").to_owned();
    let form = format!("csrfToken={csrf}&username=alice&password=wonderland");
    let callback = "/auth/callback/credentials";
    let r = send(client, host, false, callback, &r.cookies, &form).await;
    assert_eq!(r.status, Status::Found, "{host}: {}", r.body);
    r.cookies
        .split("; ")
        .find(|c| c.starts_with("authjs.session-token="))
        .expect("session cookie")
        .to_owned()
}

fn providers(r: &Reply) -> Vec<String> {
    r.json()
        .as_object()
        .expect("providers")
        .keys()
        .cloned()
        .collect()
}

#[rocket::async_test]
async fn one_rocket_serves_two_tenants() {
    let builds = Arc::new(AtomicUsize::new(0));
    let figment = Figment::from(rocket::Config::debug_default()).merge(("log_level", "off"));
    let rocket = rocket::custom(figment)
        .mount("/", rocket::routes![home, me, logout])
        .with_auth(tenants(Arc::clone(&builds)));
    let client = Client::untracked(rocket)
        .await
        .expect("the rocket launches");

    let a = send(&client, "a.test", true, "/auth/providers", "", "").await;
    assert_eq!(providers(&a), ["credentials"]);
    let b = send(&client, "b.test", true, "/auth/providers", "", "").await;
    assert_eq!(providers(&b), ["credentials", "github"]);

    let session = sign_in(&client, "a.test").await;
    let r = send(&client, "a.test", true, "/auth/session", &session, "").await;
    assert_eq!(r.json()["user"]["email"], "alice@example.com");
    for uri in ["/", "/me"] {
        let r = send(&client, "a.test", true, uri, &session, "").await;
        assert_eq!(r.body, "alice@example.com", "{uri}");
    }
    // Host A's cookie is no session on host B, for the Auth.js routes and the guards.
    let r = send(&client, "b.test", true, "/auth/session", &session, "").await;
    assert_eq!(r.json(), Value::Null);
    let r = send(&client, "b.test", true, "/", &session, "").await;
    assert_eq!(r.body, "anonymous");
    let r = send(&client, "b.test", true, "/me", &session, "").await;
    assert_eq!(r.status, Status::Unauthorized);

    // `RequestAuth` is the tenant's: the sign-out redirects to its own origin.
    let r = send(&client, "a.test", false, "/logout", &session, "").await;
    assert_eq!(r.status, Status::SeeOther);
    assert_eq!(r.location.as_deref(), Some("http://a.test/"));

    // No tenant: 400 from the Auth.js routes and the guards.
    for (get, uri) in [(true, "/auth/session"), (true, "/me"), (false, "/logout")] {
        let r = send(&client, "c.test", get, uri, "", "").await;
        assert_eq!(r.status, Status::BadRequest, "{uri}");
        assert_eq!(r.body, "\"Bad request.\"", "{uri}");
    }
    // An optional guard has no session there.
    let r = send(&client, "c.test", true, "/", "", "").await;
    assert_eq!(r.body, "anonymous");
    assert_eq!(builds.load(Ordering::SeqCst), 2, "built once per host");
}
