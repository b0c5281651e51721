//! The real-browser end-to-end suite (dev only): headless Debian Chromium, driven over the
//! DevTools protocol ([`cdp`]), uses each example's built-in pages as a person would.
//!
//! Each framework example has a `tests/browser.rs` that hands its binary
//! (`env!("CARGO_BIN_EXE_example-…")`, so cargo builds it first) to [`run_suite`]; the flows run
//! one after the other, each in a fresh browser context, and the test fails naming every flow
//! that failed. On a failure the page's screenshot, HTML and console, and the example's log, are
//! kept under `<target>/browser-failures/<framework>-<flow>/`.
//!
//! It needs (set by `cargo xtask ci`, or by `cargo xtask services` for a run by hand):
//! `AUTH_TEST_CHROMIUM` (the browser), `AUTH_TEST_BROWSER_PORTS` (one port per framework, in the
//! order of [`FRAMEWORKS`], each registered at the OpenID provider as
//! `http://localhost:PORT/auth/callback/oidc`), `AUTH_TEST_OIDC_ISSUER`, `AUTH_TEST_SMTP_URL` and
//! `AUTH_TEST_SMTP_MAILDIR`; and the `sqlite3` program. Without them the test fails and says
//! what is missing.

pub mod cdp;
mod contrast;
pub mod example;
mod scenarios;

use std::{
    fs,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

pub use contrast::run_contrast;
pub use scenarios::run_suite;

/// The frameworks, in the order of the ports of `AUTH_TEST_BROWSER_PORTS`.
pub const FRAMEWORKS: [&str; 4] = ["axum", "actix", "rocket", "poem"];

/// A number no other call in this process gets (for folder names and test users).
fn unique() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    u64::from(nanos) * 1000 + NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The test services, from the environment.
#[derive(Debug, Clone)]
struct Services {
    issuer: String,
    smtp_url: String,
    maildir: PathBuf,
    ports: Vec<u16>,
}

impl Services {
    /// Reads the variables; the error names the missing ones and how to get them.
    fn from_env() -> Result<Self, String> {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let names = [
            "AUTH_TEST_BROWSER_PORTS",
            "AUTH_TEST_OIDC_ISSUER",
            "AUTH_TEST_SMTP_URL",
            "AUTH_TEST_SMTP_MAILDIR",
        ];
        let missing: Vec<&str> = names.into_iter().filter(|n| get(n).is_none()).collect();
        if !missing.is_empty() {
            return Err(format!(
                "the browser suite needs {} (not set): run `cargo xtask ci`, or `cargo xtask \
                 services` and paste the variables it prints",
                missing.join(", ")
            ));
        }
        let ports = get("AUTH_TEST_BROWSER_PORTS")
            .unwrap_or_default()
            .split(',')
            .map(|p| p.trim().parse::<u16>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| "AUTH_TEST_BROWSER_PORTS must be port numbers, comma-separated")?;
        Ok(Self {
            issuer: get("AUTH_TEST_OIDC_ISSUER").unwrap_or_default(),
            smtp_url: get("AUTH_TEST_SMTP_URL").unwrap_or_default(),
            maildir: PathBuf::from(get("AUTH_TEST_SMTP_MAILDIR").unwrap_or_default()),
            ports,
        })
    }

    /// The port registered at the OpenID provider for `framework`.
    fn port(&self, framework: &str) -> Result<u16, String> {
        let index = FRAMEWORKS
            .iter()
            .position(|f| *f == framework)
            .ok_or_else(|| format!("unknown framework {framework}"))?;
        self.ports.get(index).copied().ok_or_else(|| {
            format!(
                "AUTH_TEST_BROWSER_PORTS has {} ports; {framework} needs the {}th",
                self.ports.len(),
                index + 1
            )
        })
    }
}

/// `<target>/browser-failures/<name>`: `CARGO_TARGET_DIR` (relative to the workspace) or the
/// workspace's `target`.
fn failure_dir(name: &str) -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    };
    let dir = target.join("browser-failures").join(name);
    fs::canonicalize(&target)
        .map(|t| t.join("browser-failures").join(name))
        .unwrap_or(dir)
}

/// Keeps what a failed flow left behind: `screenshot.png`, `page.html`, `console.txt` (the
/// page's console and the error) and `server.log`; returns the folder.
fn keep_failure(
    name: &str,
    page: Option<&cdp::Page<'_>>,
    server_log: &str,
    error: &str,
) -> PathBuf {
    let dir = failure_dir(name);
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::create_dir_all(&dir);
    let mut notes = format!("{error}\n\n");
    if let Some(page) = page {
        notes.push_str(&format!("URL: {}\n\nconsole:\n", page.url()));
        for line in page.console() {
            notes.push_str(&line);
            notes.push('\n');
        }
        match page.screenshot() {
            Ok(png) => drop(fs::write(dir.join("screenshot.png"), png)),
            Err(e) => notes.push_str(&format!("no screenshot: {e}\n")),
        }
        match page.html() {
            Ok(html) => drop(fs::write(dir.join("page.html"), html)),
            Err(e) => notes.push_str(&format!("no HTML: {e}\n")),
        }
    }
    let _ = fs::write(dir.join("console.txt"), notes);
    let _ = fs::write(dir.join("server.log"), server_log);
    dir
}
