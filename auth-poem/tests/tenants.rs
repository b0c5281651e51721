//! Per-request configuration on poem: one route tree serving two hosts through an
//! `AuthResolver`, with different secrets; a session of one host is none on the other.

use auth_core::{Auth, AuthConfig, resolver::AuthResolver};
use auth_poem::{AuthRouteExt, AuthSession};
use poem::{Endpoint, Request, Route, get, handler, http::StatusCode, web::Data};

#[handler]
fn home(session: Option<AuthSession>, auth: Data<&Auth>) -> String {
    let email = session.and_then(|s| s.0.user).and_then(|u| u.email);
    format!(
        "{} on {}",
        email.as_deref().unwrap_or("anonymous"),
        auth.provider_ids().len()
    )
}

fn app() -> impl Endpoint {
    let tenants = AuthResolver::by_host(|host| {
        let secret = match host {
            "a.test" => "tenant-a-secret-0123456789abcdef0123456789abcdef",
            "b.test" => "tenant-b-secret-0123456789abcdef0123456789abcdef",
            _ => return None,
        };
        let config = AuthConfig::new()
            .secret(secret)
            .url(format!("http://{host}/auth"))
            .provider(example_demo::credentials());
        Some(config.build())
    });
    Route::new().at("/", get(home)).with_auth(tenants)
}

async fn send(
    app: &impl Endpoint,
    host: &str,
    method: &str,
    uri: &str,
    cookie: &str,
    form: &str,
) -> (StatusCode, Vec<String>, String) {
    let request = Request::builder()
        .method(method.parse().expect("method"))
        .uri(uri.parse().expect("uri"))
        .header("host", host)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    let response = app.get_response(request).await;
    let status = response.status();
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| Some(v.to_str().ok()?.split(';').next()?.to_owned()))
        .collect();
    (
        status,
        cookies,
        response.into_body().into_string().await.expect("body"),
    )
}

#[tokio::test]
async fn one_route_tree_serves_two_tenants() {
    let app = app();
    let (_, cookies, body) = send(&app, "a.test", "GET", "/auth/csrf", "", "").await;
    let csrf = body.split('"').nth(3).expect("token").to_owned();
    let form = format!("csrfToken={csrf}&username=alice&password=wonderland");
    let jar = cookies.join("; ");
    let (status, cookies, _) = send(
        &app,
        "a.test",
        "POST",
        "/auth/callback/credentials",
        &jar,
        &form,
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    let session = cookies
        .into_iter()
        .find(|c| c.starts_with("authjs.session-token="))
        .expect("a session cookie");

    let (_, _, body) = send(&app, "a.test", "GET", "/", &session, "").await;
    assert_eq!(body, "alice@example.com on 1");
    let (_, _, body) = send(&app, "b.test", "GET", "/", &session, "").await;
    assert_eq!(body, "anonymous on 1", "host A's session is none on host B");
    let (_, _, body) = send(&app, "b.test", "GET", "/auth/session", &session, "").await;
    assert_eq!(body, "null");
    for uri in ["/", "/auth/session"] {
        let (status, _, _) = send(&app, "c.test", "GET", uri, "", "").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "no tenant: {uri}");
    }
}
