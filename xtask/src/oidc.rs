//! A real OpenID provider for the end-to-end tests: panva's `oidc-provider` (the certified
//! Node.js OP), pinned in `xtask/oidc/package-lock.json` and configured by
//! `xtask/oidc/provider.mjs`.
//!
//! [`start`] makes sure `node` and `npm` exist (installing Debian's packages when they don't),
//! runs `npm ci` when `xtask/oidc/node_modules` is missing or older than the lockfile, starts the
//! provider on a free loopback port and waits until it answers. The returned [`OidcProvider`]
//! stops it when dropped. Its output goes to `target/oidc-provider.log`.
//!
//! The provider has a client [`CLIENT_ID`] / [`CLIENT_SECRET`] (`client_secret_basic`, PKCE
//! S256 required), and two that authenticate with RFC 7523 assertions, `rust-auth-secret-jwt`
//! (`client_secret_jwt`) and `rust-auth-private-key-jwt` (`private_key_jwt`, with the public
//! halves of the test keys in `xtask/oidc/keys/`), all with the same redirect_uris. It accepts
//! any login on its dev login form (the login becomes `sub`, with
//! `<login>@example.com` and the capitalised login as `email` and `name`, also in the id_token),
//! and sends RFC 9207 `iss` in authorization responses. `xtask/oidc/login-flow.md` lists the
//! requests a plain-HTTP client makes to sign in.

use std::{
    env, fs,
    io::{Read as _, Write as _},
    net::{SocketAddr, TcpStream},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    sync::Mutex,
    thread,
    time::{Duration, Instant, SystemTime},
};

/// The client id the provider registers.
pub(crate) const CLIENT_ID: &str = "rust-auth";
/// The secret of [`CLIENT_ID`] (sent with HTTP Basic at the token endpoint).
pub(crate) const CLIENT_SECRET: &str = "rust-auth-secret";

/// How long [`start`] waits for the provider to answer.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How often [`start`] tries again when the free port it picked was taken meanwhile.
const SPAWN_ATTEMPTS: usize = 3;

/// Serializes the install steps of the tests of one process (the cross-process lock is
/// [`InstallLock`]).
static SETUP: Mutex<()> = Mutex::new(());

/// A running provider; dropping it kills the `node` process.
#[derive(Debug)]
pub(crate) struct OidcProvider {
    child: Child,
    /// Held open so that the provider (started with `OIDC_EXIT_ON_STDIN_EOF=1`) also exits when
    /// this process dies without running `Drop`.
    stdin: Option<ChildStdin>,
    issuer: String,
}

impl OidcProvider {
    /// The issuer identifier, `http://127.0.0.1:<port>` (no trailing slash); discovery is at
    /// `<issuer>/.well-known/openid-configuration`.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider with `redirect_uris` registered for [`CLIENT_ID`] (when empty, the
/// provider's default: `http://127.0.0.1:3000/auth/callback/oidc` and the same on `localhost`).
///
/// `root` is the workspace root (the folder that holds `xtask/`).
pub(crate) fn start(root: &Path, redirect_uris: &[String]) -> Result<OidcProvider, String> {
    let dir = root.join("xtask").join("oidc");
    if !dir.join("provider.mjs").is_file() {
        return Err(format!("oidc: {} has no provider.mjs", dir.display()));
    }
    let target = target_dir(root);
    fs::create_dir_all(&target)
        .map_err(|e| format!("oidc: cannot create {}: {e}", target.display()))?;
    {
        let _guard = SETUP
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ensure_node()?;
        let _lock = InstallLock::acquire(&target.join("oidc-provider-npm.lock"))?;
        ensure_node_modules(&dir)?;
    }
    let log = target.join("oidc-provider.log");
    let mut last_error = String::new();
    for _ in 0..SPAWN_ATTEMPTS {
        let port = crate::system::free_port()?;
        match spawn(&dir, &log, port, redirect_uris)? {
            Spawned::Ready(provider) => return Ok(provider),
            Spawned::PortTaken(message) => last_error = message,
        }
    }
    Err(last_error)
}

enum Spawned {
    Ready(OidcProvider),
    /// The provider exited because its port was taken between choosing it and its `listen`.
    PortTaken(String),
}

fn spawn(dir: &Path, log: &Path, port: u16, redirect_uris: &[String]) -> Result<Spawned, String> {
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("oidc: cannot open {}: {e}", log.display()))?;
    let start_offset = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = writeln!(
        file,
        "=== xtask: starting oidc-provider on 127.0.0.1:{port} (redirect_uris: {}) ===",
        redirect_uris.join(",")
    );
    let stdout = file
        .try_clone()
        .map_err(|e| format!("oidc: cannot share {}: {e}", log.display()))?;
    let mut command = Command::new("node");
    command
        .arg("provider.mjs")
        .current_dir(dir)
        .env("PORT", port.to_string())
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .env("OIDC_EXIT_ON_STDIN_EOF", "1")
        .env_remove("NODE_OPTIONS")
        .stdin(Stdio::piped())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(file));
    if redirect_uris.is_empty() {
        command.env_remove("OIDC_REDIRECT_URIS");
    } else {
        command.env("OIDC_REDIRECT_URIS", redirect_uris.join(","));
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("oidc: cannot start node provider.mjs: {e}"))?;
    let stdin = child.stdin.take();
    let issuer = format!("http://127.0.0.1:{port}");
    let mut provider = OidcProvider {
        child,
        stdin,
        issuer,
    };

    let ready_line = format!("READY {}", provider.issuer);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    loop {
        let output = log_since(log, start_offset);
        if output.lines().any(|line| line.trim_end() == ready_line) {
            return Ok(Spawned::Ready(provider));
        }
        if let Ok(Some(status)) = provider.child.try_wait() {
            let message = format!(
                "oidc: the provider exited ({status}) before it was ready; its output ({}):\n{}",
                log.display(),
                tail(&output, 40)
            );
            if output.contains("EADDRINUSE") {
                return Ok(Spawned::PortTaken(message));
            }
            return Err(message);
        }
        if matches!(
            http_get(addr, "/.well-known/openid-configuration"),
            Ok((200, _))
        ) {
            return Ok(Spawned::Ready(provider));
        }
        if started.elapsed() > READY_TIMEOUT {
            return Err(format!(
                "oidc: the provider did not answer on {} within {READY_TIMEOUT:?}; its output ({}):\n{}",
                provider.issuer,
                log.display(),
                tail(&output, 40)
            ));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// The output the provider wrote to `log` after `offset` (lossy, for searching and errors).
fn log_since(log: &Path, offset: u64) -> String {
    let bytes = fs::read(log).unwrap_or_default();
    let from = usize::try_from(offset).unwrap_or(0).min(bytes.len());
    String::from_utf8_lossy(&bytes[from..]).into_owned()
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn target_dir(root: &Path) -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// The major version `node --version` prints, or `None` when `node` does not run.
fn node_major() -> Option<u32> {
    let output = Command::new("node").arg("--version").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let version = String::from_utf8_lossy(&output.stdout);
    version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// Makes sure `node` (20 or later: oidc-provider 9 needs it) and `npm` run, installing Debian's
/// `nodejs` / `npm` packages when they are missing.
fn ensure_node() -> Result<(), String> {
    let why = "the OpenID provider of the tests needs Node.js 20 or later and npm";
    let mut missing = Vec::new();
    if node_major().is_none() {
        missing.push("nodejs");
    }
    if !crate::system::runs("npm") {
        missing.push("npm");
    }
    if !missing.is_empty() {
        crate::system::apt_install(&missing, why)?;
    }
    match node_major() {
        Some(major) if major >= 20 => Ok(()),
        Some(major) => Err(format!(
            "oidc: Node.js {major} is too old for oidc-provider 9 (it needs 20 or later); \
             install a newer Node.js (e.g. from the NodeSource packages) and run again"
        )),
        None => Err(format!("oidc: `node --version` does not run; {why}")),
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs `npm ci` in `dir` unless `node_modules` is there and at least as new as the lockfile.
fn ensure_node_modules(dir: &Path) -> Result<(), String> {
    let lockfile = dir.join("package-lock.json");
    // npm writes node_modules/.package-lock.json at the end of every install.
    let installed = dir.join("node_modules").join(".package-lock.json");
    let fresh = dir
        .join("node_modules")
        .join("oidc-provider")
        .join("package.json")
        .is_file()
        && match (modified(&installed), modified(&lockfile)) {
            (Some(installed), Some(lock)) => installed >= lock,
            _ => false,
        };
    if fresh {
        return Ok(());
    }
    eprintln!("xtask: npm ci in {}", dir.display());
    let started = Instant::now();
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("oidc: cannot run npm: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "oidc: `npm ci` in {} failed ({}):\n{}{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    eprintln!("xtask: npm ci done in {:.1?}", started.elapsed());
    Ok(())
}

/// A lock shared by the processes that may run `npm ci` at once (nextest runs each test in its
/// own process): a folder that only one of them can create.
struct InstallLock(PathBuf);

impl InstallLock {
    fn acquire(path: &Path) -> Result<Self, String> {
        let started = Instant::now();
        loop {
            match fs::create_dir(path) {
                Ok(()) => return Ok(Self(path.to_path_buf())),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // A holder that died leaves the folder behind: an install takes seconds.
                    let stale = modified(path)
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > Duration::from_secs(300));
                    if stale {
                        let _ = fs::remove_dir(path);
                    } else if started.elapsed() > Duration::from_secs(360) {
                        return Err(format!("oidc: {} stays locked", path.display()));
                    } else {
                        thread::sleep(Duration::from_millis(200));
                    }
                }
                Err(e) => return Err(format!("oidc: cannot create {}: {e}", path.display())),
            }
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = fs::remove_dir(&self.0);
    }
}

/// A plain HTTP/1.0 GET on loopback: the status code and the body.
fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String), String> {
    let timeout = Duration::from_secs(2);
    let mut stream =
        TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("connect {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| format!("{addr}: {e}"))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n"
    )
    .map_err(|e| format!("write to {addr}: {e}"))?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| format!("read from {addr}: {e}"))?;
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("{addr}: not an HTTP response: {:?}", tail(head, 1)))?;
    Ok((status, body.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The string value of `"key":"…"` in compact JSON (oidc-provider escapes nothing in these).
    fn json_str<'a>(json: &'a str, key: &str) -> Option<&'a str> {
        let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
        let len = json[start..].find('"')?;
        Some(&json[start..start + len])
    }

    /// The raw text of the array `"key":[…]` in compact JSON.
    fn json_array<'a>(json: &'a str, key: &str) -> Option<&'a str> {
        let start = json.find(&format!("\"{key}\":["))? + key.len() + 4;
        let len = json[start..].find(']')?;
        Some(&json[start..start + len])
    }

    #[test]
    fn starts_and_serves_discovery() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask is inside the workspace");
        let redirect = vec!["http://127.0.0.1:3000/auth/callback/oidc".to_owned()];
        let provider = match start(root, &redirect) {
            Ok(provider) => provider,
            Err(message) => panic!("{message}"),
        };
        let issuer = provider.issuer().to_owned();
        assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");
        let port: u16 = issuer["http://127.0.0.1:".len()..]
            .parse()
            .expect("issuer ends with the port");

        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let (status, body) = match http_get(addr, "/.well-known/openid-configuration") {
            Ok(response) => response,
            Err(message) => panic!("{message}"),
        };
        assert_eq!(status, 200, "{body}");
        assert_eq!(json_str(&body, "issuer"), Some(issuer.as_str()), "{body}");
        assert_eq!(
            json_str(&body, "authorization_endpoint"),
            Some(format!("{issuer}/auth").as_str()),
            "{body}"
        );
        assert_eq!(
            json_str(&body, "token_endpoint"),
            Some(format!("{issuer}/token").as_str()),
            "{body}"
        );
        assert_eq!(
            json_str(&body, "jwks_uri"),
            Some(format!("{issuer}/jwks").as_str()),
            "{body}"
        );
        let methods = json_array(&body, "code_challenge_methods_supported").unwrap_or_default();
        assert!(methods.split(',').any(|m| m == "\"S256\""), "{body}");
        assert!(
            body.contains("\"authorization_response_iss_parameter_supported\":true"),
            "{body}"
        );

        // The guard stops the process: the port no longer answers.
        drop(provider);
        assert!(http_get(addr, "/.well-known/openid-configuration").is_err());
    }
}
