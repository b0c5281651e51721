//! The demo app on axum.
//!
//! ```text
//! cargo run -p example-axum          # http://127.0.0.1:3000, PORT to change it
//! ```
//!
//! Sign in at <http://127.0.0.1:3000/auth/signin> as `alice` / `wonderland`.

use auth_axum::{ActionResponse, AuthGate, AuthRouterExt, AuthSession, RequireSession};
use auth_core::Auth;
use std::sync::Arc;

use axum::{
    Extension, Router,
    http::HeaderMap,
    response::Html,
    routing::{get, post},
};
use example_demo::limits;
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::sync::Semaphore;

async fn admin(session: Option<AuthSession>) -> Html<String> {
    Html(example_demo::admin_page(session.as_ref().map(|s| &s.0)))
}

/// The home page's sign-out button: signs out server-side and goes home.
async fn logout(Extension(auth): Extension<Auth>, headers: HeaderMap) -> ActionResponse {
    ActionResponse(example_demo::logout(&auth, &headers).await)
}

/// The app: home, a protected page, the admins' page, `POST /logout`, and the Auth.js routes
/// under `/auth`.
fn app(auth: Auth) -> Router {
    let admins = AuthGate::new(example_demo::admin_gate(auth.clone()));
    Router::new()
        .route("/admin", get(admin).route_layer(admins))
        .route("/logout", post(logout))
        .route(
            "/protected",
            get(|AuthSession(session): AuthSession| async move {
                Html(example_demo::protected_page(&session))
            }),
        )
        .route_layer(RequireSession::new(auth.clone()))
        .route(
            "/",
            get(|session: Option<AuthSession>| async move {
                Html(example_demo::home_page(session.as_ref().map(|s| &s.0)))
            }),
        )
        .with_auth(auth)
}

#[tokio::main]
async fn main() {
    example_demo::init_tracing();
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], example_demo::port()));
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, %address, "cannot listen");
            std::process::exit(1);
        }
    };
    if example_demo::bare() {
        // `cargo xtask bench http`'s baseline: the same server, one constant route.
        let bare = Router::new().route("/", get(|| async { example_demo::BARE_BODY }));
        serve(listener, bare).await;
        return;
    }
    let auth = match example_demo::auth().await {
        Ok(auth) => auth,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            std::process::exit(2);
        }
    };
    tracing::info!("example-axum listening on http://{address}");
    serve(listener, app(auth)).await;
}

/// `axum::serve` with bounds for slow clients, which it has no settings for: hyper's own
/// header read timeout, a lifetime per connection (a body trickled byte by byte), and at most
/// `MAX_CONNECTIONS` connections (further ones wait in the listen backlog).
async fn serve(listener: tokio::net::TcpListener, app: Router) {
    let permits = Arc::new(Semaphore::new(limits::MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut http = http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits::HEADER_READ_TIMEOUT)
                .keep_alive(true);
            let connection = http.serve_connection(TokioIo::new(stream), service);
            match tokio::time::timeout(limits::CONNECTION_LIFETIME, connection).await {
                Ok(Err(error)) => tracing::debug!(%error, "connection ended"),
                Err(_) => tracing::debug!("connection closed at its lifetime"),
                Ok(Ok(())) => {}
            }
            drop(permit);
        });
    }
}
