//! The project's automation, run as `cargo xtask <command>` (the xtask pattern).
//!
//! - `ci`: the layering check of auth-core's modules (first: it needs no build), format check,
//!   clippy with `-D warnings`, docs with `-D warnings`, every test (all with
//!   `--all-features`). The tests get real parts, installed when missing: a throw-away
//!   PostgreSQL ([`postgres`]), the `oidc-provider` OpenID provider ([`oidc`]), an `aiosmtpd`
//!   SMTP sink writing to a Maildir ([`smtp`]) and curl; the doctests (each library crate's
//!   README and the workspace README among them); last, `cargo package` of the library crates.
//! - `layers`: the layering check alone ([`layers`]): auth-core's top-level modules must not
//!   depend on each other in a cycle; prints the cycles, or the layers when there is none.
//! - `services [minutes]`: start the real parts the tests use and print the environment that points the
//!   tests at them, then keep them running until interrupted (for running single tests by hand).
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
        _ => {
            eprintln!("usage: cargo xtask <ci|layers|secret|bench [http]|services [minutes]>");
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
    let test_env: Vec<(&str, &str)> = test_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
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
    // The library crates as they would be published, each built from its packaged files
    // alone (a README or file outside the package, a path dependency without a version,
    // fails here). The examples, auth-parity and xtask are `publish = false`: their path
    // dependencies on other unpublished crates cannot be packaged.
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
            "xtask",
            "--locked",
            "--allow-dirty",
        ],
        &[],
    )?;
    eprintln!("\nxtask ci: all steps passed");
    Ok(())
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
    provider: oidc::OidcProvider,
    smtp: smtp::SmtpSink,
    app_port: String,
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
        // The real OpenID provider, with the redirect URI of the example the end-to-end test
        // starts on a port chosen here.
        system::ensure("curl", "curl", "the README walk-through test runs curl")?;
        let app_port = system::free_port()?;
        let provider = oidc::start(
            &root(),
            &[format!("http://127.0.0.1:{app_port}/auth/callback/oidc")],
        )?;
        eprintln!("\n==> oidc: provider at {}", provider.issuer());
        // An SMTP server that stores what the email tests send in a Maildir they can read.
        let smtp = smtp::start()?;
        eprintln!("\n==> smtp: sink at {}", smtp.url());
        Ok(Self {
            _postgres: postgres,
            postgres_url,
            provider,
            smtp,
            app_port: app_port.to_string(),
        })
    }

    /// The variables that point the tests at these services.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AUTH_TEST_POSTGRES_URL", self.postgres_url.clone()),
            ("AUTH_TEST_OIDC_ISSUER", self.provider.issuer().to_owned()),
            ("AUTH_TEST_OIDC_APP_PORT", self.app_port.clone()),
            ("AUTH_TEST_SMTP_URL", self.smtp.url().to_owned()),
            (
                "AUTH_TEST_SMTP_MAILDIR",
                self.smtp.maildir().to_string_lossy().into_owned(),
            ),
        ]
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
