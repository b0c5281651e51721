//! What the cross-framework suite (`tests/parity`) does not cover: a configured body limit
//! (the core's, the only one), a Rocket without a managed `Auth`, and `rejection_of` for an
//! app's own catcher.

use auth_core::{Auth, AuthConfig};
use auth_rocket::{AuthRocketExt, AuthSession, SessionRejection};
use rocket::{
    Build, Request, Rocket,
    figment::Figment,
    http::{ContentType, Header, Status},
    local::asynchronous::Client,
};

fn config() -> AuthConfig {
    example_demo::config_from(|name| {
        (name == "AUTH_SECRET").then(|| "rocket-test-secret".to_owned())
    })
}

fn auth() -> Auth {
    config().build().expect("config")
}

fn figment() -> Figment {
    Figment::from(rocket::Config::debug_default()).merge(("log_level", "off"))
}

#[rocket::get("/required")]
fn required(session: AuthSession) -> String {
    format!("hello {:?}", session.0.user.and_then(|u| u.name))
}

#[rocket::get("/optional")]
fn optional(session: Option<AuthSession>) -> &'static str {
    if session.is_some() { "some" } else { "none" }
}

async fn launch(rocket: Rocket<Build>) -> Client {
    Client::untracked(rocket)
        .await
        .expect("the rocket launches")
}

async fn post_signout(client: &Client, size: usize) -> (Status, Option<String>, String) {
    let response = client
        .post("/auth/signout")
        .header(Header::new("host", "127.0.0.1:3000"))
        .header(ContentType::Form)
        .body(vec![b'a'; size])
        .dispatch()
        .await;
    let location = response.headers().get_one("location").map(str::to_owned);
    (
        response.status(),
        location,
        response.into_string().await.unwrap_or_default(),
    )
}

#[rocket::async_test]
async fn the_configured_body_limit_is_the_only_one() {
    let limit = 100;
    let client = launch(
        rocket::custom(figment())
            .with_auth(config().max_body_bytes(limit).build().expect("config")),
    )
    .await;
    let (status, location, _) = post_signout(&client, limit).await;
    assert_eq!(status, Status::Found);
    assert_eq!(
        location.as_deref(),
        Some("http://127.0.0.1:3000/auth/signin?error=MissingCSRF")
    );
    let (status, _, body) = post_signout(&client, limit + 1).await;
    assert_eq!(status, Status::PayloadTooLarge);
    assert_eq!(body, "\"Payload too large.\"");

    // Rocket's `limits` are not involved: a lower `limits.auth` changes nothing.
    let client = launch(
        rocket::custom(figment().merge(("limits.auth", 50)))
            .with_auth(config().max_body_bytes(limit).build().expect("config")),
    )
    .await;
    assert_eq!(post_signout(&client, limit).await.0, Status::Found);
    let (status, _, body) = post_signout(&client, limit + 1).await;
    assert_eq!(status, Status::PayloadTooLarge);
    assert_eq!(body, "\"Payload too large.\"");
}

#[rocket::async_test]
async fn without_a_managed_auth_the_guard_is_a_server_error_and_the_option_none() {
    let client =
        launch(rocket::custom(figment()).mount("/", rocket::routes![required, optional])).await;
    let response = client
        .get("/required")
        .header(Header::new("host", "127.0.0.1:3000"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::InternalServerError);
    let response = client
        .get("/optional")
        .header(Header::new("host", "127.0.0.1:3000"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.into_string().await.as_deref(), Some("none"));
}

#[rocket::catch(401)]
fn own_catcher(request: &Request<'_>) -> String {
    match auth_rocket::rejection_of(request) {
        Some(SessionRejection::SignInRedirect(location)) => {
            format!("sign in at {}", location.to_str().unwrap_or(""))
        }
        Some(SessionRejection::Unauthorized) => "who are you?".to_owned(),
        Some(_) | None => "other".to_owned(),
    }
}

#[rocket::async_test]
async fn an_app_with_its_own_catcher_reads_the_rejection() {
    let auth = auth();
    let rocket = rocket::custom(figment())
        .manage(auth.clone())
        .mount(auth.base_path().to_owned(), auth_rocket::routes(auth))
        .mount("/", rocket::routes![required])
        .register("/", rocket::catchers![own_catcher]);
    let client = launch(rocket).await;
    let response = client
        .get("/required?x=1")
        .header(Header::new("host", "127.0.0.1:3000"))
        .header(Header::new("accept", "text/html"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    assert_eq!(
        response.into_string().await.as_deref(),
        Some(
            "sign in at http://127.0.0.1:3000/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Frequired%3Fx%3D1"
        )
    );
    let response = client
        .get("/required")
        .header(Header::new("host", "127.0.0.1:3000"))
        .dispatch()
        .await;
    assert_eq!(
        response.into_string().await.as_deref(),
        Some("who are you?")
    );
}
