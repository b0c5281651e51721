//! Installing what the tests need from Debian's packages, once per run.

use std::{
    process::{Command, Stdio},
    sync::atomic::{AtomicBool, Ordering},
};

/// Whether `apt-get update` already ran in this process.
static UPDATED: AtomicBool = AtomicBool::new(false);

/// A loopback port nobody listens on right now (a server started on it may still lose a race
/// for it).
pub(crate) fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// Whether `program --version` runs.
pub(crate) fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Installs Debian `packages` with apt-get (running `apt-get update` first, once). `why` says
/// what needs them, for the error message.
pub(crate) fn apt_install(packages: &[&str], why: &str) -> Result<(), String> {
    eprintln!(
        "xtask: installing {} with apt-get ({why})",
        packages.join(" ")
    );
    if !UPDATED.swap(true, Ordering::SeqCst) {
        apt_get(&["update"], why)?;
    }
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(packages);
    apt_get(&args, why)
}

fn apt_get(args: &[&str], why: &str) -> Result<(), String> {
    let status = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run apt-get ({why}): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`apt-get {}` failed ({status}); {why}: install it yourself (as root) and run again",
            args.join(" ")
        ))
    }
}

/// Makes sure `program` runs, installing `package` when it does not.
pub(crate) fn ensure(program: &str, package: &str, why: &str) -> Result<(), String> {
    if runs(program) {
        return Ok(());
    }
    apt_install(&[package], why)?;
    if runs(program) {
        Ok(())
    } else {
        Err(format!(
            "`{program}` still does not run after installing {package} ({why})"
        ))
    }
}
