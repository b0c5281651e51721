//! The demo app on axum.
//!
//! ```text
//! cargo run -p example-axum          # http://127.0.0.1:3000, PORT to change it
//! ```
//!
//! Sign in at <http://127.0.0.1:3000/auth/signin> as `alice` / `wonderland`.

use auth_axum::{AuthRouterExt, AuthSession, RequireSession};
use auth_core::Auth;
use axum::{Router, response::Html, routing::get};

/// The app: home, a protected page, and the Auth.js routes under `/auth`.
fn app(auth: Auth) -> Router {
    Router::new()
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
    if example_demo::bare() {
        let bare = Router::new().route("/", get(|| async { example_demo::BARE_BODY }));
        serve(address, bare).await;
        return;
    }
    let auth = match example_demo::auth().await {
        Ok(auth) => auth,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            std::process::exit(2);
        }
    };
    serve(address, app(auth)).await;
}

async fn serve(address: std::net::SocketAddr, app: Router) {
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, %address, "cannot listen");
            std::process::exit(1);
        }
    };
    tracing::info!("example-axum listening on http://{address}");
    if let Err(error) = axum::serve(listener, app).await {
        tracing::error!(%error, "server error");
    }
}
