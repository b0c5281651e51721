//! One example binary as a child process on a chosen port, with a scratch folder of its own (log,
//! SQLite store); killed when dropped.

use std::{
    fs,
    io::{Read as _, Write as _},
    net::{Ipv4Addr, TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

/// The `AUTH_SECRET` the examples run with (the suite decodes session tokens with it).
pub const SECRET: &str = "browser-suite-secret-0123456789abcdef0123456789abcdef01";

/// A running example.
#[derive(Debug)]
pub struct Example {
    child: Option<Child>,
    binary: PathBuf,
    framework: String,
    /// The port it listens on (loopback).
    pub port: u16,
    env: Vec<(String, String)>,
    dir: PathBuf,
}

impl Example {
    /// Starts `binary` (example-`framework`) on `port` with `env` added to the defaults (`PORT`,
    /// `AUTH_SECRET`, a fresh SQLite `DATABASE_URL`, `RUST_LOG=warn`, no `AUTH_URL`), and waits
    /// until it answers `GET /`.
    pub fn start(
        framework: &str,
        binary: &str,
        port: u16,
        env: Vec<(String, String)>,
    ) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!(
            "auth-browser-example-{framework}-{}-{port}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("scratch folder {}: {e}", dir.display()))?;
        let mut example = Self {
            child: None,
            binary: PathBuf::from(binary),
            framework: framework.to_owned(),
            port,
            env,
            dir,
        };
        example.spawn()?;
        Ok(example)
    }

    /// `http://localhost:<port>` (a secure context, and the WebAuthn relying party `localhost`).
    pub fn base(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// What the example printed so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// The example's SQLite store.
    pub fn database(&self) -> PathBuf {
        self.dir.join("store.db")
    }

    /// Runs `sql` on the example's store with the `sqlite3` program (installed by `cargo xtask
    /// ci`), as an operator would.
    pub fn sql(&self, sql: &str) -> Result<String, String> {
        let output = Command::new("sqlite3")
            .arg(self.database())
            .arg(sql)
            .output()
            .map_err(|e| format!("cannot run sqlite3 (Debian package `sqlite3`): {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "sqlite3 {sql:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn spawn(&mut self) -> Result<(), String> {
        wait_until_free(self.port)?;
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("server.log"))
            .map_err(|e| format!("log file: {e}"))?;
        let err = log.try_clone().map_err(|e| format!("log file: {e}"))?;
        let database = self.database();
        let mut command = Command::new(&self.binary);
        command
            .env("PORT", self.port.to_string())
            .env("AUTH_SECRET", SECRET)
            .env("DATABASE_URL", format!("sqlite:{}", database.display()))
            .env("RUST_LOG", "warn")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost")
            .env_remove("AUTH_URL")
            .env_remove("AUTH_TRUST_HOST")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err);
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.binary.display()))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "example-{} exited ({status}) instead of serving on port {}; its log:\n{}",
                    self.framework,
                    self.port,
                    self.log()
                ));
            }
            if get_status(self.port, "/") == Some(200) {
                self.child = Some(child);
                return Ok(());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "example-{} did not answer GET / on port {} within 20 s; its log:\n{}",
                    self.framework,
                    self.port,
                    self.log()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        self.stop();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A port nobody listens on now.
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// Waits (at most 15 s) until `port` can be bound, so that a stray server cannot pass for the
/// example.
fn wait_until_free(port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("port {port} stays taken"));
        }
        thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// The status of a plain `GET path` on the loopback `port`, if it answers.
fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}
