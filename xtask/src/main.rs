//! The project's automation, run as `cargo xtask <command>` (the xtask pattern).
//!
//! - `ci`: the layering check of auth-core's modules (first: it needs no build), format check,
//!   clippy with `-D warnings`, docs with `-D warnings`, every test (all with
//!   `--all-features`). The tests get real parts, installed when missing: a throw-away
//!   PostgreSQL ([`postgres`]), the `oidc-provider` OpenID provider ([`oidc`]), an `aiosmtpd`
//!   SMTP sink writing to a Maildir ([`smtp`]), curl, and for the browser suite
//!   (`tests/browser`) Debian's `chromium` and `sqlite3`; the doctests (each library crate's
//!   README and the workspace README among them); a short run of every fuzz target; last,
//!   `cargo package` of the library crates.
//! - `layers`: the layering check alone ([`layers`]): auth-core's top-level modules must not
//!   depend on each other in a cycle; prints the cycles, or the layers when there is none.
//! - `services [minutes]`: start the real parts the tests use and print the environment that points the
//!   tests at them, then keep them running until interrupted (for running single tests by hand).
//! - `fuzz [seconds] [target…]`: the fuzz targets of `fuzz/` (package `auth-fuzz`), each for
//!   the given time (default 60 s); prints per target the cases run and the crashes, whose
//!   minimised inputs go to `<target dir>/fuzz-crashes/<target>/`. `ci` runs it for a few
//!   seconds per target.
//! - `secret`: print a fresh random `AUTH_SECRET` (like `npx auth secret`).
//! - `bench`: the criterion benchmarks of auth-core; `bench http`: the examples over HTTP
//!   against a bare route of each framework ([`bench_http`]).

mod bench_http;
mod layers;
mod oidc;
mod postgres;
mod smtp;
mod system;

use std::{
    env,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
    time::Instant,
};

use base64::Engine as _;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("layers") => layers::run(&root()),
        Some("secret") => secret(),
        Some("bench") => bench(&args[1..]),
        Some("services") => services(&args[1..]),
        Some("fuzz") => fuzz(&args[1..], "60"),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|layers|secret|bench [http]|services [minutes]|fuzz [seconds] [target…]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Runs one step, echoing it and its duration; fails the run when the step fails.
fn step(name: &str, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("\n==> {name}: {program} {}", args.join(" "));
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| format!("{name}: cannot start {program}: {e}"))?;
    eprintln!("<== {name}: {status} in {:.1?}", started.elapsed());
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

fn ci() -> Result<(), String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Reads the sources only, so a cycle fails the run before anything is compiled.
    layers::run(&root())?;
    step("fmt", &cargo, &["fmt", "--all", "--", "--check"], &[])?;
    step(
        "clippy",
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    step(
        "doc",
        &cargo,
        &[
            "doc",
            "--workspace",
            "--all-features",
            "--no-deps",
            "--locked",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    let services = Services::start()?;
    let test_env = services.env();
    let test_env: Vec<(&str, &str)> = test_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let test_env = test_env.as_slice();
    let nextest = Command::new(&cargo)
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if nextest {
        step(
            "test",
            &cargo,
            &[
                "nextest",
                "run",
                "--workspace",
                "--all-features",
                "--locked",
                "--no-fail-fast",
            ],
            test_env,
        )?;
    } else {
        step(
            "test",
            &cargo,
            &[
                "test",
                "--workspace",
                "--all-features",
                "--locked",
                "--lib",
                "--bins",
                "--tests",
            ],
            test_env,
        )?;
    }
    step(
        "doctest",
        &cargo,
        &["test", "--workspace", "--all-features", "--locked", "--doc"],
        test_env,
    )?;
    drop(services);
    // A short bounded run of every fuzz target: 4 s each, 32 s in all plus the build.
    fuzz(&[], "4")?;
    // The library crates as they would be published, each built from its packaged files
    // alone (a README or file outside the package, a path dependency without a version,
    // fails here). The examples, auth-parity, auth-browser, auth-fuzz and xtask are `publish = false`: their path
    // dependencies on other unpublished crates cannot be packaged.
    forget_packaged_builds()?;
    step(
        "package",
        &cargo,
        &[
            "package",
            "--workspace",
            "--exclude",
            "example-*",
            "--exclude",
            "auth-parity",
            "--exclude",
            "auth-browser",
            "--exclude",
            "auth-fuzz",
            "--exclude",
            "xtask",
            "--locked",
            "--allow-dirty",
        ],
        &[],
    )?;
    eprintln!("\nxtask ci: all steps passed");
    Ok(())
}

/// `cargo xtask fuzz [seconds] [target…]`: builds and runs `auth-fuzz` (dev profile, the
/// build the tests already made); fails when a target crashed.
fn fuzz(extra: &[String], default_seconds: &str) -> Result<(), String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec!["run", "--locked", "-q", "-p", "auth-fuzz", "--"];
    let seconds = extra
        .first()
        .filter(|s| s.parse::<f64>().is_ok())
        .map_or(default_seconds, String::as_str);
    args.push(seconds);
    args.extend(
        extra
            .iter()
            .filter(|s| s.parse::<f64>().is_err())
            .map(String::as_str),
    );
    step("fuzz", &cargo, &args, &[])
}

fn secret() -> Result<(), String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    println!(
        "{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    );
    Ok(())
}

fn bench(extra: &[String]) -> Result<(), String> {
    if extra.first().map(String::as_str) == Some("http") {
        return bench_http::run(&extra[1..]);
    }
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec!["bench", "-p", "auth-core", "--bench", "session", "--"];
    // `cargo xtask bench -- --flag` and `cargo xtask bench --flag` both reach criterion.
    let extra = extra.strip_prefix(&["--".to_owned()]).unwrap_or(extra);
    args.extend(extra.iter().map(String::as_str));
    step("bench", &cargo, &args, &[])
}

/// The real parts the tests talk to, running until dropped.
struct Services {
    // Held only for its guard: dropping it stops the throw-away server.
    _postgres: Option<postgres::Postgres>,
    postgres_url: String,
    /// A second server only for the fault tests, which stop and restart it.
    fault_postgres: postgres::Postgres,
    provider: oidc::OidcProvider,
    smtp: smtp::SmtpSink,
    app_port: String,
    /// One port per framework for the browser suite, each registered at the OpenID provider.
    browser_ports: Vec<u16>,
    chromium: String,
}

impl Services {
    /// Installs what is missing and starts PostgreSQL (unless `AUTH_TEST_POSTGRES_URL` names
    /// one), the OpenID provider and the SMTP sink.
    fn start() -> Result<Self, String> {
        // The adapter tests need PostgreSQL: a throw-away server lives as long as `Services`
        // (its guard stops it on every return path), unless the caller named one.
        let postgres = match env::var("AUTH_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => {
                eprintln!("\n==> postgres: using AUTH_TEST_POSTGRES_URL from the environment");
                None
            }
            _ => {
                eprintln!("\n==> postgres: starting a throw-away server");
                Some(postgres::start()?)
            }
        };
        let postgres_url = postgres.as_ref().map_or_else(
            || env::var("AUTH_TEST_POSTGRES_URL").unwrap_or_default(),
            |pg| pg.url().to_owned(),
        );
        // The fault tests stop PostgreSQL in the middle of sign-ins: they get a server of
        // their own, so that the shared one stays up for every other test.
        eprintln!("\n==> postgres: starting a second throw-away server for the fault tests");
        let fault_postgres = postgres::start()?;
        // The real OpenID provider, with the redirect URI of the example the end-to-end test
        // starts on a port chosen here.
        system::ensure("curl", "curl", "the README walk-through test runs curl")?;
        // The browser suite (tests/browser): Debian's Chromium, and sqlite3 to remove a passkey
        // from an example's store as an operator would.
        system::ensure(
            "chromium",
            "chromium",
            "the browser suite drives headless Chromium",
        )?;
        system::ensure(
            "sqlite3",
            "sqlite3",
            "the browser suite edits an example's SQLite store",
        )?;
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| Path::new(p).is_file())
            .unwrap_or("chromium")
            .to_owned();
        let app_port = system::free_port()?;
        // The browser suite uses the examples at http://localhost:PORT (WebAuthn needs a
        // domain), one port per framework.
        let browser_ports = (0..4)
            .map(|_| system::free_port())
            .collect::<Result<Vec<_>, _>>()?;
        let mut redirect_uris = vec![format!("http://127.0.0.1:{app_port}/auth/callback/oidc")];
        redirect_uris.extend(
            browser_ports
                .iter()
                .map(|p| format!("http://localhost:{p}/auth/callback/oidc")),
        );
        let provider = oidc::start(&root(), &redirect_uris)?;
        eprintln!("\n==> oidc: provider at {}", provider.issuer());
        // An SMTP server that stores what the email tests send in a Maildir they can read.
        let smtp = smtp::start()?;
        eprintln!("\n==> smtp: sink at {}", smtp.url());
        Ok(Self {
            _postgres: postgres,
            postgres_url,
            fault_postgres,
            provider,
            smtp,
            app_port: app_port.to_string(),
            browser_ports,
            chromium,
        })
    }

    /// The variables that point the tests at these services.
    fn env(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = vec![
            ("AUTH_TEST_POSTGRES_URL", self.postgres_url.clone()),
            ("AUTH_TEST_OIDC_ISSUER", self.provider.issuer().to_owned()),
            ("AUTH_TEST_OIDC_APP_PORT", self.app_port.clone()),
            ("AUTH_TEST_SMTP_URL", self.smtp.url().to_owned()),
            (
                "AUTH_TEST_SMTP_MAILDIR",
                self.smtp.maildir().to_string_lossy().into_owned(),
            ),
            (
                "AUTH_TEST_BROWSER_PORTS",
                self.browser_ports
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("AUTH_TEST_CHROMIUM", self.chromium.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        env.extend(self.fault_postgres.control_env("AUTH_TEST_FAULT_POSTGRES"));
        env
    }
}

/// `cargo xtask services [minutes]`: the test services for hand-run tests, for the given time
/// (default 180 minutes) or until a line arrives on standard input; then they are stopped
/// cleanly (an interrupt would leave PostgreSQL running).
fn services(extra: &[String]) -> Result<(), String> {
    let minutes: u64 = match extra.first() {
        Some(m) => m
            .parse()
            .map_err(|_| format!("not a number of minutes: {m}"))?,
        None => 180,
    };
    let services = Services::start()?;
    println!("# paste into your shell, then run single tests with cargo nextest / cargo test:");
    for (name, value) in services.env() {
        println!("export {name}='{value}'");
    }
    eprintln!("\n==> services: running for {minutes} min; press Enter to stop them earlier");
    let (done, stopped) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        // EOF (stdin closed or /dev/null) is not a request to stop; a line is.
        if std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            let _ = done.send(());
        }
        // Keeps the sender alive, so that EOF does not end the wait early.
        loop {
            std::thread::park();
        }
    });
    let _ = stopped.recv_timeout(std::time::Duration::from_secs(minutes * 60));
    drop(services);
    eprintln!("==> services: stopped");
    Ok(())
}

/// Makes `cargo package` verify our crates as they are now. It builds the packaged crates
/// against a temporary registry in the target folder, and a warm machine keeps two things of
/// an earlier run: the sources cargo extracted from that registry (under `CARGO_HOME`, never
/// extracted again for the same name and version) and their builds (registry crates are
/// fingerprinted by name and version only). Either makes a crate that needs a newer
/// auth-core API fail to verify. Both are removed for our own crates; the dependencies from
/// crates.io keep their builds.
fn forget_packaged_builds() -> Result<(), String> {
    const OURS: [&str; 5] = [
        "auth-core-",
        "auth-axum-",
        "auth-actix-",
        "auth-rocket-",
        "auth-poem-",
    ];
    let target =
        env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_default();
    // The builds of the verification, per profile; the extracted sources and cached `.crate`s
    // of every registry but crates.io (the temporary ones of earlier runs).
    let mut folders: Vec<PathBuf> = Vec::new();
    for (parent, child) in [
        (target.join("package").join("tmp-crate"), ".fingerprint"),
        (cargo_home.join("registry").join("src"), ""),
        (cargo_home.join("registry").join("cache"), ""),
    ] {
        let Ok(entries) = std::fs::read_dir(&parent) else {
            continue; // nothing of an earlier run
        };
        for entry in entries.flatten() {
            if !entry
                .file_name()
                .to_string_lossy()
                .starts_with("index.crates.io")
            {
                folders.push(entry.path().join(child));
            }
        }
    }
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !OURS.iter().any(|p| name.to_string_lossy().starts_with(p)) {
                continue;
            }
            let path = entry.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    Ok(())
}
