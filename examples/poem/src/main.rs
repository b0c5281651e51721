//! The demo app on poem.
//!
//! ```text
//! cargo run -p example-poem          # http://127.0.0.1:3000, PORT to change it
//! ```
//!
//! Sign in at <http://127.0.0.1:3000/auth/signin> as `alice` / `wonderland`.

use auth_core::Auth;
use auth_poem::{ActionResponse, AuthGate, AuthRouteExt, AuthSession, RequireSession};
use poem::{
    Endpoint, EndpointExt, Route, Server, get, handler,
    http::HeaderMap,
    listener::TcpListener,
    post,
    web::{Data, Html},
};

#[handler]
fn admin(session: Option<AuthSession>) -> Html<String> {
    Html(example_demo::admin_page(session.as_ref().map(|s| &s.0)))
}

/// The home page's sign-out button: signs out server-side and goes home.
#[handler]
async fn logout(auth: Data<&Auth>, headers: &HeaderMap) -> ActionResponse {
    ActionResponse(example_demo::logout(&auth, headers).await)
}

#[handler]
fn home(session: Option<AuthSession>) -> Html<String> {
    Html(example_demo::home_page(session.as_ref().map(|s| &s.0)))
}

/// The constant route of `EXAMPLE_BARE`.
#[handler]
fn bare() -> &'static str {
    example_demo::BARE_BODY
}

#[handler]
fn protected(AuthSession(session): AuthSession) -> Html<String> {
    Html(example_demo::protected_page(&session))
}

/// The app: home, a protected page, the admins' page, `POST /logout`, and the Auth.js routes
/// under `/auth`.
fn app(auth: Auth) -> impl Endpoint {
    let admins = AuthGate::new(example_demo::admin_gate(auth.clone()));
    Route::new()
        .at("/admin", get(admin).with(admins))
        .at("/logout", post(logout))
        .at(
            "/protected",
            get(protected).with(RequireSession::new(auth.clone())),
        )
        .at("/", get(home))
        .with_auth(auth)
}

#[tokio::main]
async fn main() {
    example_demo::init_tracing();
    let public = std::net::SocketAddr::from(([127, 0, 0, 1], example_demo::port()));
    // poem's idle timeout does not cover a request head in progress (half a request line held
    // a connection forever), and poem has no header timeout nor connection cap: the demo's TCP
    // front takes the public port and bounds slow clients, poem serves behind it on a loopback
    // port of its own (in production, a reverse proxy does this; README).
    let address = match example_demo::front::start(public.port()).await {
        Ok(inner) => inner,
        Err(error) => {
            tracing::error!(%error, %public, "cannot listen");
            std::process::exit(1);
        }
    };
    if example_demo::bare() {
        let app = Route::new().at("/", get(bare));
        tracing::info!("example-poem (bare) listening on http://{public}");
        if let Err(error) = Server::new(TcpListener::bind(address)).run(app).await {
            tracing::error!(%error, %address, "server error");
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
    tracing::info!("example-poem listening on http://{public}");
    let server =
        Server::new(TcpListener::bind(address)).idle_timeout(example_demo::limits::IDLE_TIMEOUT);
    if let Err(error) = server.run(app(auth)).await {
        tracing::error!(%error, %address, "server error");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use poem::{Endpoint, Request, http::StatusCode};

    use super::app;

    #[tokio::test]
    async fn serves_the_demo() {
        let auth = example_demo::config_from(|_| None).build().expect("config");
        let app = app(auth);
        let get = |uri: &'static str, accept: &'static str| {
            app.get_response(
                Request::builder()
                    .uri_str(uri)
                    .header("host", "127.0.0.1:3000")
                    .header("accept", accept)
                    .finish(),
            )
        };

        let response = get("/", "text/html").await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().into_string().await.unwrap_or_default();
        assert!(body.contains("You are not signed in"), "{body}");

        let response = get("/protected", "text/html").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok()),
            Some(
                "http://127.0.0.1:3000/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fprotected"
            )
        );
        let response = get("/protected", "*/*").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

        let response = get("/auth/providers", "*/*").await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().into_string().await.unwrap_or_default();
        assert!(body.contains(r#""id":"credentials""#), "{body}");
    }
}
