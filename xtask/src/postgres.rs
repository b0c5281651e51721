//! A throw-away PostgreSQL server for the tests of `cargo xtask ci`.
//!
//! [`start`] finds PostgreSQL's server programs (`/usr/lib/postgresql/<version>/bin`, installing
//! Debian's `postgresql` package with apt-get when there are none), runs `initdb` into a fresh
//! temporary folder with trust authentication, starts `postgres` on a free loopback port with
//! its socket in that folder, waits until it accepts connections, and creates the database
//! `authjs_test`. `initdb` and `postgres` refuse to run as root, so as root they run as the
//! `postgres` user (`runuser -u postgres --`) on a folder that user owns.
//!
//! The returned [`Postgres`] stops the server (`pg_ctl stop -m fast`, then a kill if that did
//! not work) and removes the folder when dropped, also when a test step failed.

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

/// The database the tests use.
const DATABASE: &str = "authjs_test";
/// The version to prefer when several are installed.
const PREFERRED_VERSION: u32 = 15;
/// How long to wait for the server to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How many free ports to try (another process may take the one picked before the server
/// binds it).
const START_ATTEMPTS: usize = 3;

/// A running server; dropping it stops the server and deletes its files.
#[derive(Debug)]
pub(crate) struct Postgres {
    bin: PathBuf,
    /// The temporary folder: socket, log, and `data/`.
    base: PathBuf,
    as_postgres: bool,
    child: Option<Child>,
    url: String,
}

impl Postgres {
    /// `postgres://postgres@127.0.0.1:<port>/authjs_test`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    fn data(&self) -> PathBuf {
        self.base.join("data")
    }

    /// What a test needs to stop and restart this server itself (the fault tests), as
    /// environment variables with `prefix`: `_URL`, `_DATA` (the data folder), `_SOCKET` (the
    /// socket folder), `_BIN` (the folder of `pg_ctl`) and `_USER` (`postgres` when `pg_ctl`
    /// must run as that user through `runuser`, else empty).
    pub(crate) fn control_env(&self, prefix: &str) -> Vec<(String, String)> {
        let text = |p: &Path| p.to_string_lossy().into_owned();
        vec![
            (format!("{prefix}_URL"), self.url.clone()),
            (format!("{prefix}_DATA"), text(&self.data())),
            (format!("{prefix}_SOCKET"), text(&self.base)),
            (format!("{prefix}_BIN"), text(&self.bin)),
            (
                format!("{prefix}_USER"),
                if self.as_postgres { "postgres" } else { "" }.to_owned(),
            ),
        ]
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            self.stop(&mut child);
        }
        if let Err(e) = fs::remove_dir_all(&self.base) {
            eprintln!("xtask: cannot remove {}: {e}", self.base.display());
        }
    }
}

impl Postgres {
    fn stop(&self, child: &mut Child) {
        // A fault test may have stopped the server and started another one with `pg_ctl`
        // (not our child): its pid file says so.
        let restarted = child.try_wait().ok().flatten().is_some()
            && self.data().join("postmaster.pid").exists();
        if restarted || child.try_wait().ok().flatten().is_none() {
            let data = self.data();
            let stopped = server_command(&self.bin, "pg_ctl", self.as_postgres)
                .arg("stop")
                .arg("-D")
                .arg(&data)
                .args(["-m", "fast", "-w", "-t", "30"])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !stopped {
                eprintln!("xtask: pg_ctl stop failed; killing the PostgreSQL server");
                // The child may be `runuser`, which cannot pass SIGKILL on: kill the postmaster
                // named in its pid file as well.
                if let Some(pid) = fs::read_to_string(data.join("postmaster.pid"))
                    .ok()
                    .and_then(|text| text.lines().next().map(str::trim).map(str::to_owned))
                    .filter(|pid| pid.parse::<u32>().is_ok())
                {
                    Command::new("kill").args(["-KILL", &pid]).status().ok();
                }
                child.kill().ok();
            }
        }
        child.wait().ok();
        eprintln!("xtask: PostgreSQL stopped");
    }
}

/// Installs (when needed), initialises and starts a server; see the module docs.
pub(crate) fn start() -> Result<Postgres, String> {
    let started = Instant::now();
    let bin = match find_bin() {
        Some(bin) => bin,
        None => {
            install()?;
            find_bin().ok_or_else(|| {
                "postgres: `apt-get install postgresql` ran, but no \
                 /usr/lib/postgresql/*/bin/initdb appeared"
                    .to_owned()
            })?
        }
    };
    let as_postgres = is_root()?;

    let base = env::temp_dir().join(format!(
        "authjs-ci-postgres-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    fs::create_dir_all(&base)
        .map_err(|e| format!("postgres: cannot create {}: {e}", base.display()))?;
    let mut server = Postgres {
        bin,
        base,
        as_postgres,
        child: None,
        url: String::new(),
    };
    if as_postgres {
        run(
            Command::new("chown")
                .arg("postgres:postgres")
                .arg(&server.base),
            "chown the data folder to the postgres user",
        )?;
    }

    let initdb_started = Instant::now();
    run(
        server_command(&server.bin, "initdb", as_postgres)
            .arg("-D")
            .arg(server.data())
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .stdout(Stdio::null()),
        "initdb",
    )?;
    let initdb_time = initdb_started.elapsed();

    let launch_started = Instant::now();
    let port = launch(&mut server)?;
    run(
        Command::new(server.bin.join("createdb")).args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "postgres",
            DATABASE,
        ]),
        "createdb",
    )?;
    server.url = format!("postgres://postgres@127.0.0.1:{port}/{DATABASE}");
    eprintln!(
        "xtask: PostgreSQL ({}) ready at {} in {:.1?} (initdb {:.1?}, start {:.1?})",
        server.bin.display(),
        server.url,
        started.elapsed(),
        initdb_time,
        launch_started.elapsed()
    );
    Ok(server)
}

/// Starts `postgres` on a free port and waits until it accepts connections; returns the port.
fn launch(server: &mut Postgres) -> Result<u16, String> {
    let log_path = server.base.join("postgres.log");
    let mut last_error = String::new();
    for _ in 0..START_ATTEMPTS {
        let port = crate::system::free_port()?;
        let log = fs::File::create(&log_path)
            .map_err(|e| format!("postgres: cannot create {}: {e}", log_path.display()))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("postgres: cannot open the log twice: {e}"))?;
        let child = server_command(&server.bin, "postgres", server.as_postgres)
            .arg("-D")
            .arg(server.data())
            .arg("-k")
            .arg(&server.base)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            // A throw-away server: durability is not wanted, speed and connections are.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off", "-c", "max_connections=300"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("postgres: cannot start the server: {e}"))?;
        server.child = Some(child);
        match wait_ready(server, port) {
            Ok(()) => return Ok(port),
            Err(e) => {
                last_error = format!(
                    "{e}\n--- {} ---\n{}",
                    log_path.display(),
                    log_tail(&log_path)
                );
                if let Some(mut child) = server.child.take() {
                    child.kill().ok();
                    child.wait().ok();
                }
            }
        }
    }
    Err(format!(
        "postgres: the server did not start after {START_ATTEMPTS} attempts: {last_error}"
    ))
}

/// Polls `pg_isready` until the server answers, it exits, or [`READY_TIMEOUT`] passes.
fn wait_ready(server: &mut Postgres, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + READY_TIMEOUT;
    let port = port.to_string();
    loop {
        if let Some(child) = server.child.as_mut()
            && let Ok(Some(status)) = child.try_wait()
        {
            return Err(format!("the server exited ({status})"));
        }
        let ready = Command::new(server.bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port, "-U", "postgres"])
            .status()
            .is_ok_and(|s| s.success());
        if ready {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "the server did not accept connections within {READY_TIMEOUT:?}"
            ));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` with an `initdb`, preferring version 15.
fn find_bin() -> Option<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(root)
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.iter().find(|(v, _)| *v == PREFERRED_VERSION) {
        return Some(bin.clone());
    }
    versions.pop().map(|(_, bin)| bin)
}

fn install() -> Result<(), String> {
    crate::system::apt_install(
        &["postgresql"],
        "PostgreSQL is needed by the adapter tests (or set AUTH_TEST_POSTGRES_URL to a server of yours)",
    )
}

fn is_root() -> Result<bool, String> {
    let output = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("postgres: cannot run `id -u`: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// `bin/<program>`, run as the `postgres` user when we are root.
fn server_command(bin: &Path, program: &str, as_postgres: bool) -> Command {
    if as_postgres {
        let mut command = Command::new("runuser");
        command
            .args(["-u", "postgres", "--"])
            .arg(bin.join(program));
        command
    } else {
        Command::new(bin.join(program))
    }
}

/// Runs `command` to completion; `what` names it in the error.
fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("postgres: cannot run {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("postgres: {what} failed ({status})"))
    }
}

fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_serves_and_cleans_up() {
        let server = start().expect("start a throw-away PostgreSQL");
        let url = server.url().to_owned();
        let port = url
            .rsplit_once(':')
            .and_then(|(_, rest)| rest.split('/').next())
            .expect("a port in the URL")
            .to_owned();
        assert!(url.starts_with("postgres://postgres@127.0.0.1:"));
        let query = |bin: &Path| {
            Command::new(bin.join("psql"))
                .args(["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-tAc"])
                .arg("SELECT current_database()")
                .arg(DATABASE)
                .output()
        };
        let output = query(&server.bin).expect("run psql");
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), DATABASE);

        let (bin, base) = (server.bin.clone(), server.base.clone());
        drop(server);
        assert!(!base.exists(), "the data folder must be removed");
        let after = query(&bin).expect("run psql");
        assert!(!after.status.success(), "the server must be stopped");
    }
}
