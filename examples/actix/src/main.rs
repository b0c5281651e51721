//! The demo app on actix-web.
//!
//! ```text
//! cargo run -p example-actix         # http://127.0.0.1:3000, PORT to change it
//! ```
//!
//! Sign in at <http://127.0.0.1:3000/auth/signin> as `alice` / `wonderland`.

use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use auth_actix::{ActionResponse, AuthGate, AuthSession, RequireSession};
use auth_core::Auth;
use example_demo::limits;

fn html(page: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page)
}

async fn home(session: Option<AuthSession>) -> HttpResponse {
    html(example_demo::home_page(session.as_ref().map(|s| &s.0)))
}

async fn protected(AuthSession(session): AuthSession) -> HttpResponse {
    html(example_demo::protected_page(&session))
}

async fn admin(session: Option<AuthSession>) -> HttpResponse {
    html(example_demo::admin_page(session.as_ref().map(|s| &s.0)))
}

/// The home page's sign-out button: signs out server-side and goes home.
async fn logout(auth: web::Data<Auth>, request: HttpRequest) -> ActionResponse {
    let headers = auth_actix::headers(&request);
    ActionResponse(example_demo::logout(&auth, &headers).await)
}

/// The app: home, a protected page, the admins' page, `POST /logout`, and the Auth.js routes
/// under `/auth`.
fn app(auth: Auth) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        let admins = AuthGate::new(example_demo::admin_gate(auth.clone()));
        config
            .configure(auth_actix::configure(auth.clone()))
            .service(
                web::resource("/admin")
                    .wrap(admins)
                    .route(web::get().to(admin)),
            )
            .route("/logout", web::post().to(logout))
            .service(
                web::resource("/protected")
                    .wrap(RequireSession::new(auth))
                    .route(web::get().to(protected)),
            )
            .route("/", web::get().to(home));
    }
}

fn main() {
    example_demo::init_tracing();
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], example_demo::port()));
    let served = actix_web::rt::System::new().block_on(async move {
        if example_demo::bare() {
            let bare = || {
                App::new().route(
                    "/",
                    web::get().to(|| async { HttpResponse::Ok().body(example_demo::BARE_BODY) }),
                )
            };
            let server = HttpServer::new(bare)
                .bind(address)
                .inspect_err(|error| tracing::error!(%error, %address, "cannot listen"))?;
            tracing::info!("example-actix (bare) listening on http://{address}");
            return server.run().await;
        }
        let auth = match example_demo::auth().await {
            Ok(auth) => auth,
            Err(error) => {
                tracing::error!(%error, "cannot start");
                std::process::exit(2);
            }
        };
        let server = HttpServer::new(move || App::new().configure(app(auth.clone())))
            // Slow clients: the request head must arrive in time, idle connections close, and
            // each worker holds a bounded number of connections.
            .client_request_timeout(limits::HEADER_READ_TIMEOUT)
            .client_disconnect_timeout(Duration::from_secs(5))
            .keep_alive(limits::KEEP_ALIVE)
            .max_connections(limits::MAX_CONNECTIONS)
            .max_connection_rate(256)
            .bind(address)
            .inspect_err(|error| tracing::error!(%error, %address, "cannot listen"))?;
        tracing::info!("example-actix listening on http://{address}");
        server.run().await
    });
    if let Err(error) = served {
        tracing::error!(%error, "server error");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{App, http::StatusCode, test};

    use super::app;

    #[test]
    fn serves_the_demo() {
        actix_web::rt::System::new().block_on(serve_the_demo());
    }

    async fn serve_the_demo() {
        let auth = example_demo::config_from(|_| None).build().expect("config");
        let service = test::init_service(App::new().configure(app(auth))).await;
        let get = |uri: &str, accept: &str| {
            test::TestRequest::get()
                .uri(uri)
                .insert_header(("host", "127.0.0.1:3000"))
                .insert_header(("accept", accept))
                .to_request()
        };

        let response = test::call_service(&service, get("/", "text/html")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = test::read_body(response).await;
        assert!(String::from_utf8_lossy(&body).contains("You are not signed in"));

        let response = test::call_service(&service, get("/protected", "text/html")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers().get("location").map(|l| l.as_bytes()),
            Some(&b"http://127.0.0.1:3000/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fprotected"[..])
        );
        let response = test::call_service(&service, get("/protected", "*/*")).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

        let response = test::call_service(&service, get("/auth/providers", "*/*")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = test::read_body(response).await;
        assert!(String::from_utf8_lossy(&body).contains(r#""id":"credentials""#));
    }
}
