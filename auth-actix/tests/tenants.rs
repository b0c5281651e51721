//! Per-request configuration on actix-web: one app serving two hosts through an
//! `AuthResolver`, with different providers and secrets; a session of one host is none on
//! the other, and a host of no tenant is answered `400`.

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use actix_web::{
    App, HttpRequest, HttpResponse, body::MessageBody, dev::ServiceResponse, http::StatusCode,
    middleware::from_fn, test, web,
};
use auth_actix::{ActionResponse, AuthSession};
use auth_core::{Auth, resolver::AuthResolver};
use serde_json::Value;

fn tenants(builds: Arc<AtomicUsize>) -> AuthResolver {
    example_demo::two_tenants(builds)
}

async fn home(session: Option<AuthSession>) -> HttpResponse {
    let email = session.and_then(|s| s.0.user).and_then(|u| u.email);
    HttpResponse::Ok().body(email.unwrap_or_else(|| "anonymous".to_owned()))
}

async fn me(AuthSession(session): AuthSession) -> HttpResponse {
    HttpResponse::Ok().body(session.user.and_then(|u| u.email).unwrap_or_default())
}

async fn logout(auth: web::ReqData<Auth>, request: HttpRequest) -> ActionResponse {
    let headers = auth_actix::headers(&request);
    let signed_out = auth.sign_out(&headers, Some("/")).await;
    ActionResponse(auth.action_response(&headers, signed_out))
}

struct Reply {
    status: StatusCode,
    cookies: String,
    location: Option<String>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends a request through `app` (`|request| test::call_service(&app, request.to_request())`).
async fn send<F, Fut, B>(
    app: &F,
    host: &str,
    method: &str,
    uri: &str,
    cookie: &str,
    form: &str,
) -> Reply
where
    F: Fn(test::TestRequest) -> Fut,
    Fut: Future<Output = ServiceResponse<B>>,
    B: MessageBody,
{
    let mut request = test::TestRequest::default()
        .method(method.parse().expect("method"))
        .uri(uri)
        .insert_header(("host", host))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(form.to_owned());
    if !cookie.is_empty() {
        request = request.insert_header(("cookie", cookie));
    }
    let response = app(request).await;
    let status = response.status();
    let headers = response.headers().clone();
    let pairs = headers.get_all("set-cookie");
    let pairs = pairs.filter_map(|v| v.to_str().ok()?.split(';').next());
    Reply {
        status,
        cookies: pairs.collect::<Vec<_>>().join("; "),
        location: headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: String::from_utf8_lossy(&test::read_body(response).await).into_owned(),
    }
}

/// Signs in as alice on `host`; the session cookie.
async fn sign_in<F, Fut, B>(app: &F, host: &str) -> String
where
    F: Fn(test::TestRequest) -> Fut,
    Fut: Future<Output = ServiceResponse<B>>,
    B: MessageBody,
{
    let r = send(app, host, "GET", "/auth/csrf", "", "").await;
    let csrf = r.json()["csrfToken"].as_str().expect("token").to_owned();
    let form = format!("csrfToken={csrf}&username=alice&password=wonderland");
    let callback = "/auth/callback/credentials";
    let r = send(app, host, "POST", callback, &r.cookies, &form).await;
    assert_eq!(r.status, StatusCode::FOUND, "{host}: {}", r.body);
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

fn run(test: impl std::future::Future<Output = ()>) {
    actix_web::rt::System::new().block_on(test);
}

#[test]
fn one_app_serves_two_tenants() {
    run(async {
        let builds = Arc::new(AtomicUsize::new(0));
        let tenants = tenants(Arc::clone(&builds));
        let app = test::init_service(
            App::new()
                .wrap(from_fn(auth_actix::tenant))
                .configure(auth_actix::configure(tenants))
                .route("/", web::get().to(home))
                .route("/me", web::get().to(me))
                .route("/logout", web::post().to(logout)),
        )
        .await;
        let app = |request: test::TestRequest| test::call_service(&app, request.to_request());

        let a = send(&app, "a.test", "GET", "/auth/providers", "", "").await;
        assert_eq!(providers(&a), ["credentials"]);
        let b = send(&app, "b.test", "GET", "/auth/providers", "", "").await;
        assert_eq!(providers(&b), ["credentials", "github"]);

        let session = sign_in(&app, "a.test").await;
        let r = send(&app, "a.test", "GET", "/auth/session", &session, "").await;
        assert_eq!(r.json()["user"]["email"], "alice@example.com");
        for uri in ["/", "/me"] {
            let r = send(&app, "a.test", "GET", uri, &session, "").await;
            assert_eq!(r.body, "alice@example.com", "{uri}");
        }
        // Host A's cookie is no session on host B, for the Auth.js routes and the extractors.
        let r = send(&app, "b.test", "GET", "/auth/session", &session, "").await;
        assert_eq!(r.json(), Value::Null);
        let r = send(&app, "b.test", "GET", "/", &session, "").await;
        assert_eq!(r.body, "anonymous");
        let r = send(&app, "b.test", "GET", "/me", &session, "").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);

        // `web::ReqData<Auth>` is the tenant's: the sign-out redirects to its own origin.
        let r = send(&app, "a.test", "POST", "/logout", &session, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location.as_deref(), Some("http://a.test/"));

        // No tenant: 400 on every route.
        for uri in ["/auth/session", "/", "/me"] {
            let r = send(&app, "c.test", "GET", uri, "", "").await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
            assert_eq!(r.body, "\"Bad request.\"", "{uri}");
        }
        assert_eq!(builds.load(Ordering::SeqCst), 2, "built once per host");
    });
}

#[test]
fn without_the_middleware_the_routes_and_extractors_resolve_the_tenant() {
    run(async {
        let app = test::init_service(
            App::new()
                .configure(auth_actix::configure(tenants(Arc::default())))
                .route("/", web::get().to(home))
                .route("/me", web::get().to(me)),
        )
        .await;
        let app = |request: test::TestRequest| test::call_service(&app, request.to_request());
        let session = sign_in(&app, "b.test").await;
        let r = send(&app, "b.test", "GET", "/me", &session, "").await;
        assert_eq!(r.body, "alice@example.com");
        let r = send(&app, "a.test", "GET", "/", &session, "").await;
        assert_eq!(r.body, "anonymous");
        for uri in ["/auth/session", "/me"] {
            let r = send(&app, "c.test", "GET", uri, "", "").await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        }
    });
}
