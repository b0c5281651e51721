//! The accept loop of the examples served by hyper directly (axum, whose `axum::serve` has no
//! settings for slow clients, and hyper): hyper's own header read timeout, a lifetime per
//! connection (bounds a body trickled byte by byte), and at most
//! [`MAX_CONNECTIONS`](crate::limits::MAX_CONNECTIONS) connections at once (further ones wait in
//! the listen backlog).

use std::{error::Error, sync::Arc};

use http::{Request, Response};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::Semaphore};

use crate::limits;

/// Serves `service` (any `tower::Service` for hyper's requests) on `listener`, HTTP/1.1 with
/// keep-alive, within [`limits`], until accepting fails for good.
pub async fn serve<S, B>(listener: TcpListener, service: S)
where
    S: tower_service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn Error + Send + Sync>>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn Error + Send + Sync>>,
{
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
        let service = TowerToHyperService::new(service.clone());
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

/// Binds `127.0.0.1:`[`port`](crate::port), or logs why not and exits with status 1.
pub async fn bind() -> (TcpListener, std::net::SocketAddr) {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], crate::port()));
    match TcpListener::bind(address).await {
        Ok(listener) => (listener, address),
        Err(error) => {
            tracing::error!(%error, %address, "cannot listen");
            std::process::exit(1);
        }
    }
}
