//! `Auth` as a `tower::Service`, for servers built on tower or hyper without a framework crate.

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::Full;

use super::Auth;

/// `Auth` is a `tower::Service` for any request body; answers carry a [`Full`] body.
impl<B> tower_service::Service<Request<B>> for Auth
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let auth = self.clone();
        Box::pin(async move { Ok(auth.handle(request).await.map(Full::new)) })
    }
}
