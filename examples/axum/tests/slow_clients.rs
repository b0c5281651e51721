//! Slow clients against the real `example-axum` binary (issue 12, finding 6): the example set
//! no read timeout, so a client that never finished its headers held a connection forever.

mod support;

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use support::Server;

#[test]
fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let server = Server::start("slow-headers");
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream
        .write_all(b"GET /auth/session HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .expect("write a partial head");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let started = Instant::now();
    let mut buffer = [0_u8; 1024];
    // The server closes the connection (maybe after a 408): a read ends well before 30 s.
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(_) => continue,
        }
    }
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(20),
        "the connection stayed open {waited:?}"
    );
}
