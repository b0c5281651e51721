//! The demo app on axum.
//!
//! ```text
//! cargo run -p example-axum          # http://127.0.0.1:3000, PORT to change it
//! ```
//!
//! Sign in at <http://127.0.0.1:3000/auth/signin> as `alice` / `wonderland`.

use auth_axum::{ActionResponse, AuthGate, AuthRouterExt, AuthSession, RequireSession};
use auth_core::Auth;

use axum::{
    Extension, Router,
    http::HeaderMap,
    response::Html,
    routing::{get, post},
};
use example_demo::serve::{bind, serve};

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
    let (listener, address) = bind().await;
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
    // `axum::serve` has no settings for slow clients: the demo's hyper loop bounds them.
    serve(listener, app(auth)).await;
}
