//! A TCP front that bounds slow clients for the servers that cannot (issue 12, finding 6):
//! Rocket 0.5 switches hyper's header read timeout off and has no setting for it, and poem's
//! idle timeout does not cover a request head in progress, so on both a client that sends half
//! a request line holds its connection forever.
//!
//! [`serve`] accepts on the public listener and relays each connection to the framework's
//! server on a loopback port of its own: the first request head must arrive within
//! [`HEADER_READ_TIMEOUT`], the whole connection lives at most [`CONNECTION_LIFETIME`], and at
//! most [`MAX_CONNECTIONS`] are open at once (further ones wait in the listen backlog). In
//! production a reverse proxy does this job (README, "Production settings").

use std::{net::SocketAddr, sync::Arc};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt, copy_bidirectional},
    net::{TcpListener, TcpStream},
    sync::Semaphore,
    time::{Instant, timeout, timeout_at},
};

use crate::limits::{CONNECTION_LIFETIME, HEADER_READ_TIMEOUT, MAX_CONNECTIONS};

/// Binds the public `127.0.0.1:port`, starts relaying it (on the current tokio runtime) and
/// returns the free loopback address the framework's server must listen on instead.
pub async fn start(port: u16) -> std::io::Result<SocketAddr> {
    let public = TcpListener::bind(("127.0.0.1", port)).await?;
    let inner = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    tokio::spawn(serve(public, inner));
    Ok(inner)
}

/// Relays every connection of `public` to `inner`, bounded as the module docs say; runs until
/// the listener fails.
pub async fn serve(public: TcpListener, inner: SocketAddr) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            return;
        };
        let client = match public.accept().await {
            Ok((client, _)) => client,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                continue;
            }
        };
        tokio::spawn(async move {
            if timeout(CONNECTION_LIFETIME, relay(client, inner))
                .await
                .is_err()
            {
                tracing::debug!("connection closed at its lifetime");
            }
            drop(permit);
        });
    }
}

/// One connection: the first head within the header timeout, then bytes both ways.
async fn relay(mut client: TcpStream, inner: SocketAddr) {
    let Ok(mut server) = TcpStream::connect(inner).await else {
        return;
    };
    let deadline = Instant::now() + HEADER_READ_TIMEOUT;
    // The last bytes seen: enough to find the head's end across reads.
    let mut tail: Vec<u8> = Vec::new();
    let mut buffer = [0_u8; 8192];
    loop {
        let n = match timeout_at(deadline, client.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => n,
            Ok(_) => return,
            Err(_) => {
                tracing::debug!("request head not complete within the header read timeout");
                return;
            }
        };
        if server.write_all(&buffer[..n]).await.is_err() {
            return;
        }
        tail.extend_from_slice(&buffer[..n]);
        if tail.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
        let keep = tail.len().saturating_sub(3);
        tail.drain(..keep);
    }
    let _ = copy_bidirectional(&mut client, &mut server).await;
}
