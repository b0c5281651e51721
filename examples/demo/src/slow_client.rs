//! The slow-client check every example's tests run against its own binary (issue 12, finding
//! 6): a client that sends half a request line and then nothing must be disconnected within
//! the configured read timeout.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

/// A running example binary, killed when dropped (also on panic).
#[derive(Debug)]
pub struct Example {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    log: PathBuf,
}

impl Example {
    /// Starts `binary` (an example's `CARGO_BIN_EXE_…`) on a free port with a fresh SQLite
    /// file and waits until it answers `GET /`.
    pub fn start(binary: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let dir = std::env::temp_dir().join(format!("slow-client-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        let log = dir.join("server.log");
        let out = std::fs::File::create(&log).expect("log file");
        let child = Command::new(binary)
            .env("PORT", port.to_string())
            .env(
                "AUTH_SECRET",
                "slow-client-test-secret-0123456789abcdef0123456789",
            )
            .env(
                "DATABASE_URL",
                format!("sqlite:{}", dir.join("x.db").display()),
            )
            .env("RUST_LOG", "warn")
            .env_remove("AUTH_URL")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .spawn()
            .expect("the example starts");
        let mut example = Self { child, port, log };
        for _ in 0..600 {
            if let Ok(Some(status)) = example.child.try_wait() {
                panic!("the example exited ({status}):\n{}", example.log());
            }
            if example.answers() {
                return example;
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!("the example did not answer in 30 s:\n{}", example.log());
    }

    /// What the example printed.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn answers(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
        let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        let mut reply = Vec::new();
        stream.write_all(request.as_bytes()).is_ok()
            && stream.read_to_end(&mut reply).is_ok()
            && reply.starts_with(b"HTTP/1.1 200")
    }

    /// Sends half a request line and waits (at most `give_up`) until the server closes the
    /// connection; returns how long that took, or `None` when it stayed open.
    pub fn time_to_cut_half_a_request_line(&self, give_up: Duration) -> Option<Duration> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .write_all(b"GET /auth/sess")
            .expect("write half a request line");
        stream
            .set_read_timeout(Some(give_up))
            .expect("read timeout");
        let started = Instant::now();
        let mut buffer = [0_u8; 1024];
        loop {
            match stream.read(&mut buffer) {
                // Closed, or reset: the server cut the connection (maybe after a 408).
                Ok(0) => return Some(started.elapsed()),
                Err(e)
                    if !matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Some(started.elapsed());
                }
                Err(_) => return None,
                Ok(_) => {}
            }
            if started.elapsed() >= give_up {
                return None;
            }
        }
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
