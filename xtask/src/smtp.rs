//! A real SMTP server for the email tests: `aiosmtpd` with its `Mailbox` handler, which stores
//! every message it accepts as a file in a Maildir.
//!
//! [`start`] makes sure Debian's `python3-aiosmtpd` is importable by Debian's interpreter
//! `/usr/bin/python3` (installing the package, and `python3` when that interpreter is missing,
//! with apt-get). It runs `/usr/bin/python3` by its path because the `python3` first on `PATH`
//! may be another interpreter that cannot import Debian's packages. It then runs
//! `/usr/bin/python3 -m aiosmtpd -n -d -l 127.0.0.1:<port> -c aiosmtpd.handlers.Mailbox
//! <maildir>` on a free loopback port, with the Maildir in a fresh temporary folder (the
//! handler creates `new/`, `cur/` and `tmp/` itself), and waits until the server logs that it
//! listens and then sends its `220` greeting. The returned [`SmtpSink`] kills the server and
//! deletes the folder when dropped. Its output goes to `target/smtp-sink.log` (`-d`: one line
//! per SMTP command received).
//!
//! The server accepts any sender and recipient without authentication or TLS (it offers no
//! `AUTH` on a plain connection, so clients must not be given credentials). A delivered message
//! appears as one file under `<maildir>/new/`: the message as sent (`\n` line ends), with the
//! headers `X-Peer`, `X-MailFrom: <envelope sender>` and `X-RcptTo: <envelope recipients>`
//! added after the sent ones.

use std::{
    env, fs,
    io::{BufReader, Write as _},
    net::{SocketAddr, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Mutex,
    thread,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

/// Debian's interpreter, the one that sees Debian's `python3-*` packages.
const PYTHON: &str = "/usr/bin/python3";
/// How long [`start`] waits for the greeting.
const READY_TIMEOUT: Duration = Duration::from_secs(15);
/// How often [`start`] tries again when the free port it picked was taken meanwhile.
const SPAWN_ATTEMPTS: usize = 3;

/// Serializes the install step of the tests of one process.
static SETUP: Mutex<()> = Mutex::new(());

/// A running SMTP sink; dropping it kills the server and deletes its Maildir.
#[derive(Debug)]
pub(crate) struct SmtpSink {
    child: Child,
    /// The temporary folder that holds the Maildir.
    base: PathBuf,
    maildir: PathBuf,
    port: u16,
    url: String,
}

impl SmtpSink {
    /// The loopback port the server listens on.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "`ci` passes the URL; the test uses the port")
    )]
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:<port>` (plain SMTP, no TLS, no authentication).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The Maildir the server writes to; delivered messages are files in its `new/`.
    pub(crate) fn maildir(&self) -> &Path {
        &self.maildir
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Err(e) = fs::remove_dir_all(&self.base) {
            eprintln!("xtask: cannot remove {}: {e}", self.base.display());
        }
    }
}

/// Installs (when needed) and starts the server; see the module docs.
pub(crate) fn start() -> Result<SmtpSink, String> {
    let started = Instant::now();
    {
        let _guard = SETUP
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ensure_aiosmtpd()?;
    }
    let target = target_dir();
    fs::create_dir_all(&target)
        .map_err(|e| format!("smtp: cannot create {}: {e}", target.display()))?;
    let log = target.join("smtp-sink.log");

    let base = env::temp_dir().join(format!(
        "authjs-ci-smtp-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    fs::create_dir_all(&base)
        .map_err(|e| format!("smtp: cannot create {}: {e}", base.display()))?;
    let maildir = base.join("Maildir");

    let mut last_error = String::new();
    for _ in 0..SPAWN_ATTEMPTS {
        let port = match crate::system::free_port() {
            Ok(port) => port,
            Err(e) => {
                last_error = e;
                break;
            }
        };
        match spawn(&log, &maildir, port) {
            Ok(Spawned::Ready(child)) => {
                let sink = SmtpSink {
                    child,
                    base,
                    maildir,
                    port,
                    url: format!("smtp://127.0.0.1:{port}"),
                };
                eprintln!(
                    "xtask: SMTP sink ready at {} (Maildir {}) in {:.1?}",
                    sink.url,
                    sink.maildir.display(),
                    started.elapsed()
                );
                return Ok(sink);
            }
            Ok(Spawned::PortTaken(message)) => last_error = message,
            Err(message) => {
                last_error = message;
                break;
            }
        }
    }
    let _ = fs::remove_dir_all(&base);
    Err(last_error)
}

/// Whether Debian's interpreter can import `aiosmtpd`.
fn aiosmtpd_importable() -> bool {
    Command::new(PYTHON)
        .args(["-c", "import aiosmtpd"])
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Makes sure `/usr/bin/python3 -c "import aiosmtpd"` works, installing Debian's packages when
/// it does not.
fn ensure_aiosmtpd() -> Result<(), String> {
    if aiosmtpd_importable() {
        return Ok(());
    }
    let why = "the email tests deliver to an aiosmtpd SMTP sink run by /usr/bin/python3";
    let mut packages = Vec::new();
    if !Path::new(PYTHON).is_file() {
        packages.push("python3");
    }
    packages.push("python3-aiosmtpd");
    let started = Instant::now();
    crate::system::apt_install(&packages, why)?;
    if !aiosmtpd_importable() {
        return Err(format!(
            "smtp: `{PYTHON} -c \"import aiosmtpd\"` still fails after installing {} ({why})",
            packages.join(" ")
        ));
    }
    eprintln!(
        "xtask: installed {} in {:.1?}",
        packages.join(" "),
        started.elapsed()
    );
    Ok(())
}

enum Spawned {
    Ready(Child),
    /// The server exited because its port was taken between choosing it and binding it.
    PortTaken(String),
}

fn spawn(log: &Path, maildir: &Path, port: u16) -> Result<Spawned, String> {
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("smtp: cannot open {}: {e}", log.display()))?;
    let start_offset = file.metadata().map(|m| m.len()).unwrap_or(0);
    let listen = format!("127.0.0.1:{port}");
    let _ = writeln!(
        file,
        "=== xtask: starting aiosmtpd on {listen} (Maildir {}) ===",
        maildir.display()
    );
    let stdout = file
        .try_clone()
        .map_err(|e| format!("smtp: cannot share {}: {e}", log.display()))?;
    let mut child = Command::new(PYTHON)
        .args(["-m", "aiosmtpd", "-n", "-d", "-l", &listen])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .env("PYTHONUNBUFFERED", "1")
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(file))
        .spawn()
        .map_err(|e| format!("smtp: cannot start {PYTHON} -m aiosmtpd: {e}"))?;

    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    // `-d` logs this once the socket is bound: until then the port may still be someone else's.
    let listening = format!("Server is listening on {listen}");
    let started = Instant::now();
    loop {
        let output = log_since(log, start_offset);
        if let Ok(Some(status)) = child.try_wait() {
            let output = log_since(log, start_offset);
            let message = format!(
                "smtp: aiosmtpd exited ({status}) before it was ready; its output ({}):\n{}",
                log.display(),
                tail(&output, 40)
            );
            if output.contains("Errno 98") || output.contains("ddress already in use") {
                return Ok(Spawned::PortTaken(message));
            }
            return Err(message);
        }
        let last_error = if output.contains(&listening) {
            match greeting(addr) {
                Ok(()) => return Ok(Spawned::Ready(child)),
                Err(e) => e,
            }
        } else {
            format!("no {listening:?} in its output yet")
        };
        if started.elapsed() > READY_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "smtp: aiosmtpd did not greet on {addr} within {READY_TIMEOUT:?} ({last_error}); \
                 its output ({}):\n{}",
                log.display(),
                tail(&log_since(log, start_offset), 40)
            ));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// Connects, expects the `220` greeting, and says `QUIT`.
fn greeting(addr: SocketAddr) -> Result<(), String> {
    let timeout = Duration::from_secs(3);
    let mut stream =
        TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("connect {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| format!("{addr}: {e}"))?;
    let mut reader = BufReader::new(
        stream
            .try_clone()
            .map_err(|e| format!("{addr}: cannot share the socket: {e}"))?,
    );
    let (code, text) = read_reply(&mut reader)?;
    if code != 220 {
        return Err(format!("{addr}: greeting {code} {text}"));
    }
    let _ = stream.write_all(b"QUIT\r\n");
    let _ = read_reply(&mut reader);
    Ok(())
}

/// Reads one SMTP reply (all lines of a multi-line one): its code and its text.
fn read_reply(reader: &mut impl std::io::BufRead) -> Result<(u16, String), String> {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| format!("reading an SMTP reply: {e}"))?;
        if read == 0 {
            return Err(format!("the connection closed mid-reply: {text:?}"));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        text.push_str(line);
        text.push('\n');
        let code = line
            .get(..3)
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| format!("not an SMTP reply: {line:?}"))?;
        // `250-…` continues the reply, `250 …` (or a bare `250`) ends it.
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok((code, text));
        }
    }
}

/// The output the server wrote to `log` after `offset` (lossy, for searching and errors).
fn log_since(log: &Path, offset: u64) -> String {
    let bytes = fs::read(log).unwrap_or_default();
    let from = usize::try_from(offset).unwrap_or(0).min(bytes.len());
    String::from_utf8_lossy(&bytes[from..]).into_owned()
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// `target/` of the workspace, or `CARGO_TARGET_DIR` when set.
fn target_dir() -> PathBuf {
    let root = crate::root();
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends `command` (without CRLF) and checks the reply code.
    fn say(
        stream: &mut TcpStream,
        reader: &mut BufReader<TcpStream>,
        command: &str,
        expected: u16,
    ) {
        if let Err(e) = stream.write_all(format!("{command}\r\n").as_bytes()) {
            panic!("writing {command:?}: {e}");
        }
        expect(reader, command, expected);
    }

    fn expect(reader: &mut BufReader<TcpStream>, after: &str, expected: u16) {
        match read_reply(reader) {
            Ok((code, text)) => assert_eq!(code, expected, "after {after:?}: {text}"),
            Err(e) => panic!("after {after:?}: {e}"),
        }
    }

    #[test]
    fn stores_a_delivered_message_in_the_maildir() {
        let sink = match start() {
            Ok(sink) => sink,
            Err(message) => panic!("{message}"),
        };
        let port = sink.port();
        assert_eq!(sink.url(), format!("smtp://127.0.0.1:{port}"));
        let subject = format!("xtask smtp sink test {}", std::process::id());

        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut stream = match TcpStream::connect(addr) {
            Ok(stream) => stream,
            Err(e) => panic!("connect {addr}: {e}"),
        };
        let timeout = Some(Duration::from_secs(10));
        if let Err(e) = stream
            .set_read_timeout(timeout)
            .and_then(|()| stream.set_write_timeout(timeout))
        {
            panic!("{e}");
        }
        let mut reader = match stream.try_clone() {
            Ok(clone) => BufReader::new(clone),
            Err(e) => panic!("{e}"),
        };
        expect(&mut reader, "connecting", 220);
        say(&mut stream, &mut reader, "EHLO xtask.test", 250);
        say(
            &mut stream,
            &mut reader,
            "MAIL FROM:<sender@example.com>",
            250,
        );
        say(
            &mut stream,
            &mut reader,
            "RCPT TO:<someone@example.com>",
            250,
        );
        say(&mut stream, &mut reader, "DATA", 354);
        let message = format!(
            "From: sender@example.com\r\n\
             To: someone@example.com\r\n\
             Subject: {subject}\r\n\
             \r\n\
             Sign in with this link.\r\n\
             ..a line that starts with a dot\r\n\
             ."
        );
        say(&mut stream, &mut reader, &message, 250);
        say(&mut stream, &mut reader, "QUIT", 221);

        let new = sink.maildir().join("new");
        let files: Vec<PathBuf> = match fs::read_dir(&new) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => panic!("reading {}: {e}", new.display()),
        };
        assert_eq!(files.len(), 1, "{files:?}");
        let stored = match fs::read_to_string(&files[0]) {
            Ok(text) => text,
            Err(e) => panic!("reading {}: {e}", files[0].display()),
        };
        assert!(stored.contains(&format!("Subject: {subject}")), "{stored}");
        assert!(stored.contains("Sign in with this link."), "{stored}");
        assert!(stored.contains("X-RcptTo: someone@example.com"), "{stored}");
        assert!(
            stored.contains("\n.a line that starts with a dot"),
            "dot-unstuffing: {stored}"
        );

        // The guard stops the server and removes its folder.
        let maildir = sink.maildir().to_path_buf();
        drop(sink);
        assert!(!maildir.exists(), "{}", maildir.display());
        assert!(TcpStream::connect(addr).is_err());
    }
}
