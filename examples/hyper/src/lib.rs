//! The demo app with no web framework: hyper 1 serves [`App`], a `tower::Service` that hands
//! the Auth.js routes to the core's own `tower::Service` (`Auth` is one) and answers the app's
//! pages itself with the core's application API ([`Auth::session`],
//! [`Auth::session_or_rejection`], a route [`Gate`], [`example_demo::logout`]).
//!
//! ```text
//! cargo run -p example-hyper         # http://127.0.0.1:3000, PORT to change it
//! ```

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use auth_core::{
    Auth,
    gate::{Gate, Gated},
};
use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body::Body;
use http_body_util::Full;
use tower_service::Service;

/// The demo app: `/` (the session if any), `/protected` (signed-in users only), `/admin` (the
/// admins' gate), `POST /logout`, and the Auth.js routes under the base path.
#[derive(Debug, Clone)]
pub struct App {
    auth: Auth,
    admins: Gate,
    protected: Vec<&'static str>,
}

impl App {
    /// The app for `auth`, with the admins of `admins` ([`example_demo::admin_gate`]).
    pub fn new(auth: Auth, admins: Gate) -> Self {
        Self {
            auth,
            admins,
            protected: vec!["/protected"],
        }
    }

    /// One more path that serves the protected page (the parity suite's `/me`).
    #[must_use]
    pub fn protect(mut self, path: &'static str) -> Self {
        self.protected.push(path);
        self
    }

    async fn serve<B>(self, request: Request<B>) -> Response<Full<Bytes>>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        if self.auth.is_auth_path(request.uri().path()) {
            let mut auth = self.auth;
            return auth
                .call(request)
                .await
                .unwrap_or_else(|never| match never {});
        }
        let (parts, _body) = request.into_parts();
        let (auth, headers) = (&self.auth, &parts.headers);
        let page = match (&parts.method, parts.uri.path()) {
            (&Method::GET, "/") => example_demo::home_page(auth.session(headers).await.as_ref()),
            (&Method::GET, path) if self.protected.contains(&path) => {
                match auth.session_or_rejection(headers, &parts.uri).await {
                    Ok(session) => example_demo::protected_page(&session),
                    Err(rejection) => return full(rejection.to_response()),
                }
            }
            (&Method::GET, "/admin") => {
                match self.admins.check(&parts.method, &parts.uri, headers).await {
                    Gated::Pass(pass) => {
                        let mut response = html(example_demo::admin_page(pass.session.as_ref()));
                        pass.apply(response.headers_mut());
                        return response;
                    }
                    Gated::Answer(answer) => return full(answer),
                }
            }
            (&Method::POST, "/logout") => return full(example_demo::logout(auth, headers).await),
            _ => {
                return full(
                    Response::builder()
                        .status(StatusCode::NOT_FOUND)
                        .body(Bytes::new())
                        .unwrap_or_default(),
                );
            }
        };
        html(page)
    }
}

fn full(response: Response<Bytes>) -> Response<Full<Bytes>> {
    response.map(Full::new)
}

fn html(page: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(page)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

impl<B> Service<Request<B>> for App
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let app = self.clone();
        Box::pin(async move { Ok(app.serve(request).await) })
    }
}

/// `cargo xtask bench http`'s baseline: the same server, one constant route.
#[derive(Debug, Clone, Copy)]
pub struct Bare;

impl<B> Service<Request<B>> for Bare {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _request: Request<B>) -> Self::Future {
        std::future::ready(Ok(Response::new(Full::new(Bytes::from_static(
            example_demo::BARE_BODY.as_bytes(),
        )))))
    }
}
