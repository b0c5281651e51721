//! The demo app on Rocket.
//!
//! ```text
//! cargo run -p example-rocket        # http://127.0.0.1:3000, PORT to change it
//! ```
//!
//! Sign in at <http://127.0.0.1:3000/auth/signin> as `alice` / `wonderland`.

use auth_core::Auth;
use auth_rocket::{ActionResponse, AuthRocketExt, AuthSession, Authorized, RequestHeaders};
use rocket::{Build, Rocket, State, figment::Figment, response::content::RawHtml};

/// The marker of the admins' gate.
struct Admins;

/// Through the admins' gate only.
#[rocket::get("/admin")]
fn admin(admin: Authorized<Admins>) -> RawHtml<String> {
    RawHtml(example_demo::admin_page(admin.0.as_ref()))
}

/// The home page's sign-out button: signs out server-side and goes home.
#[rocket::post("/logout")]
async fn logout(auth: &State<Auth>, headers: RequestHeaders) -> ActionResponse {
    ActionResponse(example_demo::logout(auth, &headers.0).await)
}

#[rocket::get("/")]
fn home(session: Option<AuthSession>) -> RawHtml<String> {
    RawHtml(example_demo::home_page(session.as_ref().map(|s| &s.0)))
}

/// The constant route of `EXAMPLE_BARE`.
#[rocket::get("/")]
fn bare() -> &'static str {
    example_demo::BARE_BODY
}

/// Taking `AuthSession` protects the route: browsers are sent to sign in, API callers get 401.
#[rocket::get("/protected")]
fn protected(session: AuthSession) -> RawHtml<String> {
    RawHtml(example_demo::protected_page(&session.0))
}

/// The app: home, a protected page, the admins' page, `POST /logout`, and the Auth.js routes
/// under `/auth`.
fn app(figment: Figment, auth: Auth) -> Rocket<Build> {
    rocket::custom(figment)
        .mount("/", rocket::routes![home, protected, admin, logout])
        .with_gate::<Admins>(example_demo::admin_gate(auth.clone()))
        .with_auth(auth)
}

#[rocket::main]
async fn main() {
    example_demo::init_tracing();
    // Rocket 0.5 switches hyper's header read timeout off and has no connection cap: the
    // demo's TCP front takes the public port and bounds slow clients, and Rocket serves behind
    // it on a loopback port of its own (in production, a reverse proxy does this; README).
    let inner = match example_demo::front::start(example_demo::port()).await {
        Ok(inner) => inner,
        Err(error) => {
            tracing::error!(%error, port = example_demo::port(), "cannot listen");
            std::process::exit(1);
        }
    };
    // Rocket.toml / ROCKET_* as usual, but the address and port of every example.
    let figment = rocket::Config::figment()
        .merge(("address", "127.0.0.1"))
        .merge(("port", inner.port()))
        .merge(("keep_alive", example_demo::limits::KEEP_ALIVE.as_secs()));
    if example_demo::bare() {
        // `cargo xtask bench http`'s baseline: the same server, one constant route.
        let bare = rocket::custom(figment).mount("/", rocket::routes![bare]);
        if let Err(error) = bare.launch().await {
            tracing::error!(%error, "server error");
            std::process::exit(1);
        }
        return;
    }
    let auth = match example_demo::auth().await {
        Ok(auth) => auth,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            std::process::exit(2);
        }
    };
    tracing::info!(
        "example-rocket listening on http://127.0.0.1:{}",
        example_demo::port()
    );
    if let Err(error) = app(figment, auth).launch().await {
        tracing::error!(%error, "server error");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use rocket::{
        http::{Header, Status},
        local::asynchronous::Client,
    };

    use super::app;

    #[rocket::async_test]
    async fn serves_the_demo() {
        let auth = example_demo::config_from(|_| None).build().expect("config");
        let figment = rocket::Config::figment().merge(("log_level", "off"));
        let client = Client::untracked(app(figment, auth)).await.expect("rocket");
        let get = |uri: &'static str, accept: &'static str| {
            client
                .get(uri)
                .header(Header::new("host", "127.0.0.1:3000"))
                .header(Header::new("accept", accept))
                .dispatch()
        };

        let response = get("/", "text/html").await;
        assert_eq!(response.status(), Status::Ok);
        let body = response.into_string().await.unwrap_or_default();
        assert!(body.contains("You are not signed in"), "{body}");

        let response = get("/protected", "text/html").await;
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(
            response.headers().get_one("location"),
            Some(
                "http://127.0.0.1:3000/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fprotected"
            )
        );
        let response = get("/protected", "*/*").await;
        assert_eq!(response.status(), Status::Unauthorized);

        let response = get("/auth/providers", "*/*").await;
        assert_eq!(response.status(), Status::Ok);
        let body = response.into_string().await.unwrap_or_default();
        assert!(body.contains(r#""id":"credentials""#), "{body}");
    }
}
