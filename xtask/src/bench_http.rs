//! `cargo xtask bench http`: the examples over real HTTP against a bare route on the same
//! framework and server setup.
//!
//! For each framework (axum, actix-web, poem, Rocket) it builds the example in release mode and
//! starts it four times on loopback: bare (`EXAMPLE_BARE=1`: only `GET /` answering a
//! constant), with JWT sessions, with JWT sessions re-issued at most once an hour
//! (`AUTH_JWT_UPDATE_AGE`, an opt-in deviation from Auth.js), and with database sessions on a
//! fresh SQLite file. It signs in once over HTTP as the demo's credentials user (`alice`) on
//! each of the three real servers, keeps the cookies a browser would then send (CSRF, callback
//! URL, session), and loads each scenario with Debian's `wrk` (installed with apt-get when
//! missing): the bare route, `GET /auth/session`, the home page (which reads the session
//! through the framework's extractor), `GET /auth/csrf`, `GET /auth/session` with the
//! once-an-hour re-issue, and `GET /auth/session` on database sessions. On a machine
//! with two cores or more the servers run on core 0 and `wrk` on core 1 (`taskset`).
//!
//! After one warm-up run per scenario, the scenarios run in interleaved rounds (every
//! framework and scenario once per round) and the table gives the medians over the rounds:
//! requests per second, p50 and p99 latency, the server's peak RSS (`VmHWM`) and the ratio to
//! that framework's bare route. `--soak SECS` then loads `GET /auth/session` of each framework
//! for that long, sampling the server's RSS every few seconds.
//!
//! Options: `--rounds N` (3), `--duration SECS` per run (5), `--warmup SECS` (2),
//! `--connections N` (16), `--frameworks axum,actix,poem,rocket`, `--soak SECS`, `--no-build`,
//! `--bin-dir DIR` (the example binaries of another build), `--against DIR` (compare: the
//! binaries in DIR run as "before", this build's as "after", interleaved scenario by scenario
//! in every round, and the table adds the after/before ratio of req/s).
//!
//! Nothing here asserts a speed: benchmarks are not tests.

use std::{
    env, fs,
    io::{Read as _, Write as _},
    net::TcpStream,
    path::PathBuf,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::{root, step, system};

/// The secret of the bench servers (loopback only, thrown away).
const SECRET: &str = "bench-only-secret-0123456789abcdef0123456789abcdef";
/// How long a server may take to listen.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How often `--soak` samples the RSS.
const SOAK_SAMPLE: Duration = Duration::from_secs(5);
/// The longest single `wrk` run of a soak (shorter than the examples' connection lifetime).
const SOAK_RUN: Duration = Duration::from_secs(10);
/// The `User-Agent` of the requests (a desktop browser's).
const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

struct Options {
    rounds: usize,
    duration: u64,
    warmup: u64,
    connections: u32,
    frameworks: Vec<Framework>,
    soak: Option<u64>,
    build: bool,
    /// Binaries from elsewhere (an earlier build, to compare): no build then.
    bin_dir: Option<PathBuf>,
    /// Binaries to compare with (`--against`): run interleaved with the others, round by round.
    against: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Framework {
    Axum,
    Actix,
    Poem,
    Rocket,
}

impl Framework {
    const ALL: [Framework; 4] = [Self::Axum, Self::Actix, Self::Poem, Self::Rocket];

    fn name(self) -> &'static str {
        match self {
            Self::Axum => "axum",
            Self::Actix => "actix",
            Self::Poem => "poem",
            Self::Rocket => "rocket",
        }
    }

    fn package(self) -> String {
        format!("example-{}", self.name())
    }
}

/// Which of a framework's four servers a scenario loads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bare,
    Jwt,
    /// JWT sessions re-issued at most once an hour (`AUTH_JWT_UPDATE_AGE`, a deviation from
    /// Auth.js, off by default).
    JwtUpdateAge,
    Database,
}

/// The `AUTH_JWT_UPDATE_AGE` of [`Kind::JwtUpdateAge`], in seconds.
const JWT_UPDATE_AGE_SECS: &str = "3600";

struct Scenario {
    label: &'static str,
    kind: Kind,
    path: &'static str,
    /// `Accept` as a browser sends it for this request.
    accept: &'static str,
}

const SCENARIOS: [Scenario; 6] = [
    Scenario {
        label: "bare GET /",
        kind: Kind::Bare,
        path: "/",
        accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    },
    Scenario {
        label: "GET /auth/session",
        kind: Kind::Jwt,
        path: "/auth/session",
        accept: "*/*",
    },
    Scenario {
        label: "home (extractor)",
        kind: Kind::Jwt,
        path: "/",
        accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    },
    Scenario {
        label: "GET /auth/csrf",
        kind: Kind::Jwt,
        path: "/auth/csrf",
        accept: "*/*",
    },
    Scenario {
        label: "  jwt_update_age 1 h",
        kind: Kind::JwtUpdateAge,
        path: "/auth/session",
        accept: "*/*",
    },
    Scenario {
        label: "db GET /auth/session",
        kind: Kind::Database,
        path: "/auth/session",
        accept: "*/*",
    },
];

/// The four servers of one framework from one set of binaries.
struct Servers {
    framework: Framework,
    /// `""`, or `"before"`/`"after"` with `--against`.
    variant: &'static str,
    /// Bare, JWT, JWT with `jwt_update_age`, and database sessions.
    by_kind: [Server; 4],
}

impl Servers {
    fn of(&self, kind: Kind) -> &Server {
        &self.by_kind[match kind {
            Kind::Bare => 0,
            Kind::Jwt => 1,
            Kind::JwtUpdateAge => 2,
            Kind::Database => 3,
        }]
    }
}

/// One `wrk` run.
#[derive(Clone, Copy)]
struct Run {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// A server the bench started; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    /// The cookies of a signed-in browser (empty for the bare server).
    cookie: String,
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    if !present("wrk") {
        system::apt_install(
            &["wrk"],
            "`cargo xtask bench http` loads the servers with wrk",
        )?;
        if !present("wrk") {
            return Err("wrk does not run after installing it".into());
        }
    }
    let pin = present("taskset") && thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    let target = target_dir();
    if options.build {
        let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut args = vec!["build".to_owned(), "--release".to_owned()];
        for framework in &options.frameworks {
            args.push("-p".into());
            args.push(framework.package());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        step("build", &cargo, &args, &[])?;
    }
    let data = target.join("bench-http");
    fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;

    println!("load before: {}", load());
    println!(
        "pinning: {}",
        if pin {
            "servers on core 0, wrk on core 1"
        } else {
            "none (fewer than two cores or no taskset)"
        }
    );

    // The binaries measured: this build's (or `--bin-dir`), and `--against`'s to compare with.
    let ours = options
        .bin_dir
        .clone()
        .unwrap_or_else(|| target.join("release"));
    let variants = match &options.against {
        Some(against) => vec![("before", against.clone()), ("after", ours)],
        None => vec![("", ours)],
    };

    // Every server of every framework and variant, started once.
    let mut servers: Vec<Servers> = Vec::new();
    for &framework in &options.frameworks {
        for (variant, dir) in &variants {
            let binary = dir.join(framework.package());
            if !binary.exists() {
                return Err(format!("{} is not built", binary.display()));
            }
            let start = |kind: Kind| start_server(&binary, framework, kind, &data, pin);
            let bare = start(Kind::Bare)?;
            let mut jwt = start(Kind::Jwt)?;
            let mut throttled = start(Kind::JwtUpdateAge)?;
            let mut db = start(Kind::Database)?;
            jwt.cookie = sign_in(jwt.port, "jwt")?;
            throttled.cookie = sign_in(throttled.port, "jwt")?;
            db.cookie = sign_in(db.port, "database")?;
            servers.push(Servers {
                framework,
                variant,
                by_kind: [bare, jwt, throttled, db],
            });
        }
    }

    eprintln!("\n==> warm-up: {} s per scenario", options.warmup);
    for set in &servers {
        for scenario in &SCENARIOS {
            wrk(
                set.of(scenario.kind),
                scenario,
                options.warmup,
                options.connections,
                pin,
            )?;
        }
    }

    // Runs of each (server set, scenario); a round visits every one, the variants of a
    // framework and scenario one after the other, so drift hits them alike.
    let mut results: Vec<Vec<Run>> = vec![Vec::new(); servers.len() * SCENARIOS.len()];
    for round in 1..=options.rounds {
        eprintln!("\n==> round {round}/{}", options.rounds);
        for &framework in &options.frameworks {
            for (si, scenario) in SCENARIOS.iter().enumerate() {
                for (index, set) in servers.iter().enumerate() {
                    if set.framework != framework {
                        continue;
                    }
                    let run = wrk(
                        set.of(scenario.kind),
                        scenario,
                        options.duration,
                        options.connections,
                        pin,
                    )?;
                    eprintln!(
                        "    {:<7} {:<6} {:<22} {:>9.0} req/s  p50 {:>6.3} ms  p99 {:>6.3} ms",
                        framework.name(),
                        set.variant,
                        scenario.label,
                        run.rps,
                        run.p50_ms,
                        run.p99_ms
                    );
                    results[index * SCENARIOS.len() + si].push(run);
                }
            }
        }
    }

    println!(
        "\nmedians of {} interleaved rounds of {} s, {} connections (load after: {})\n",
        options.rounds,
        options.duration,
        options.connections,
        load()
    );
    let compare = variants.len() > 1;
    println!(
        "{:<7} {:<6} {:<22} {:>9} {:>9} {:>9} {:>10} {:>7}{}",
        "",
        "",
        "scenario",
        "req/s",
        "p50 ms",
        "p99 ms",
        "peak RSS",
        "× bare",
        if compare { "  after/before" } else { "" }
    );
    let rps_of = |index: usize, si: usize| {
        median(results[index * SCENARIOS.len() + si].iter().map(|r| r.rps))
    };
    for (index, set) in servers.iter().enumerate() {
        let bare_rps = rps_of(index, 0);
        for (si, scenario) in SCENARIOS.iter().enumerate() {
            let runs = &results[index * SCENARIOS.len() + si];
            let rps = rps_of(index, si);
            let hwm = status_kib(set.of(scenario.kind).pid(), "VmHWM:").map_or("?".to_owned(), mib);
            // The "after" row also gives its ratio to the "before" row of the same scenario.
            let change = servers
                .iter()
                .position(|other| other.framework == set.framework && other.variant == "before")
                .filter(|_| set.variant == "after")
                .map_or(String::new(), |before| {
                    format!("  {:>12.2}", rps / rps_of(before, si))
                });
            println!(
                "{:<7} {:<6} {:<22} {:>9.0} {:>9.3} {:>9.3} {:>10} {:>7.2}{change}",
                set.framework.name(),
                set.variant,
                scenario.label,
                rps,
                median(runs.iter().map(|r| r.p50_ms)),
                median(runs.iter().map(|r| r.p99_ms)),
                hwm,
                rps / bare_rps
            );
        }
    }

    if let Some(seconds) = options.soak {
        // The soak is of this build only, not of the binaries compared with.
        for set in servers.iter().filter(|s| s.variant != "before") {
            soak(set, seconds, options.connections, pin)?;
        }
    }
    drop(servers);
    Ok(())
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        rounds: 3,
        duration: 5,
        warmup: 2,
        connections: 16,
        frameworks: Framework::ALL.to_vec(),
        soak: None,
        build: true,
        bin_dir: None,
        against: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value"))
                .cloned()
        };
        let number = |name: &str, text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("{name} takes a number, not {text:?}"))
        };
        match arg.as_str() {
            "--rounds" => options.rounds = number(arg, value(arg)?)?.max(1) as usize,
            "--duration" => options.duration = number(arg, value(arg)?)?.max(1),
            "--warmup" => options.warmup = number(arg, value(arg)?)?.max(1),
            "--connections" => {
                options.connections = u32::try_from(number(arg, value(arg)?)?.max(1))
                    .map_err(|_| "--connections is too large".to_owned())?;
            }
            "--soak" => options.soak = Some(number(arg, value(arg)?)?.max(1)),
            "--no-build" => options.build = false,
            "--bin-dir" => {
                options.bin_dir = Some(PathBuf::from(value(arg)?));
                options.build = false;
            }
            "--against" => options.against = Some(PathBuf::from(value(arg)?)),
            "--frameworks" => {
                let list = value(arg)?;
                options.frameworks = list
                    .split(',')
                    .map(|name| {
                        Framework::ALL
                            .into_iter()
                            .find(|f| f.name() == name.trim())
                            .ok_or_else(|| format!("unknown framework {name:?}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(format!("bench http: unknown option {other:?}")),
        }
    }
    Ok(options)
}

/// Whether `program` can be started at all (`wrk --version` exits with 1).
fn present(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| root().join("target"), |p| root().join(p))
}

/// `/proc/loadavg`'s three load averages.
fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn start_server(
    binary: &PathBuf,
    framework: Framework,
    kind: Kind,
    data: &std::path::Path,
    pin: bool,
) -> Result<Server, String> {
    let port = system::free_port()?;
    let label = match kind {
        Kind::Bare => "bare",
        Kind::Jwt => "jwt",
        Kind::JwtUpdateAge => "jwt-update-age",
        Kind::Database => "database",
    };
    let database = data.join(format!("{}-{label}.db", framework.name()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", database.display()));
    }
    let log = data.join(format!("{}-{label}.log", framework.name()));
    let log =
        fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let log2 = log.try_clone().map_err(|e| e.to_string())?;
    let mut command = if pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(binary);
        c
    } else {
        Command::new(binary)
    };
    command
        .env("PORT", port.to_string())
        .env("AUTH_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .env("ROCKET_LOG_LEVEL", "critical")
        .env("DATABASE_URL", format!("sqlite:{}", database.display()))
        .env_remove("AUTH_URL")
        .env_remove("EXAMPLE_BARE")
        .env_remove("AUTH_SESSION_STRATEGY")
        .env_remove("AUTH_JWT_UPDATE_AGE")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2);
    match kind {
        Kind::Bare => {
            command.env("EXAMPLE_BARE", "1");
        }
        Kind::Database => {
            command.env("AUTH_SESSION_STRATEGY", "database");
        }
        Kind::JwtUpdateAge => {
            command.env("AUTH_JWT_UPDATE_AGE", JWT_UPDATE_AGE_SECS);
        }
        Kind::Jwt => {}
    }
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut server = Server {
        child,
        port,
        cookie: String::new(),
    };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > READY_TIMEOUT {
            return Err(format!("{} ({label}) did not listen", framework.name()));
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!(
                "{} ({label}) exited with {status}; see {}",
                framework.name(),
                data.display()
            ));
        }
        thread::sleep(Duration::from_millis(50));
    }
    Ok(server)
}

/// An HTTP/1.1 answer: status, headers, body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// One request over a fresh loopback connection (`Connection: close`).
fn http(port: u16, head: &str, cookie: &str, body: &str) -> Result<Reply, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let mut request = format!("{head} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if !body.is_empty() {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or("an answer without headers")?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("an answer without status")?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Reply {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// Signs in as `alice` through the credentials form, as a browser does, and returns the
/// `Cookie` header the browser then sends: CSRF, callback URL and session cookies.
fn sign_in(port: u16, what: &str) -> Result<String, String> {
    let mut jar: Vec<(String, String)> = Vec::new();
    let keep = |jar: &mut Vec<(String, String)>, reply: &Reply| {
        for (name, value) in &reply.headers {
            if name != "set-cookie" {
                continue;
            }
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((n, v)) = pair.split_once('=') {
                jar.retain(|(m, _)| m != n);
                if !v.is_empty() {
                    jar.push((n.to_owned(), v.to_owned()));
                }
            }
        }
    };
    let header = |jar: &[(String, String)]| {
        jar.iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let csrf = http(port, "GET /auth/csrf", "", "")?;
    keep(&mut jar, &csrf);
    let token = csrf
        .body
        .split("\"csrfToken\":\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .ok_or_else(|| format!("no csrfToken in {:?}", csrf.body))?
        .to_owned();
    let form = format!("username=alice&password=wonderland&csrfToken={token}");
    let signed = http(
        port,
        "POST /auth/callback/credentials",
        &header(&jar),
        &form,
    )?;
    keep(&mut jar, &signed);
    let cookie = header(&jar);
    let check = http(port, "GET /auth/session", &cookie, "")?;
    if check.status != 200 || !check.body.contains("alice@example.com") {
        return Err(format!(
            "signing in ({what} sessions) failed: {} {:?}",
            check.status, check.body
        ));
    }
    Ok(cookie)
}

/// Runs `wrk` against one scenario.
fn wrk(
    server: &Server,
    scenario: &Scenario,
    seconds: u64,
    connections: u32,
    pin: bool,
) -> Result<Run, String> {
    let mut command = if pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "1", "wrk"]);
        c
    } else {
        Command::new("wrk")
    };
    let port = server.port;
    let mut headers = vec![
        format!("User-Agent: {USER_AGENT}"),
        format!("Accept: {}", scenario.accept),
        "Accept-Language: en-GB,en;q=0.9".to_owned(),
        "Accept-Encoding: gzip, deflate".to_owned(),
        format!("Referer: http://127.0.0.1:{port}/"),
    ];
    if scenario.kind != Kind::Bare {
        headers.push(format!("Cookie: {}", server.cookie));
    }
    command.args([
        "-t1",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--latency",
    ]);
    for header in &headers {
        command.args(["-H", header]);
    }
    command.arg(format!("http://127.0.0.1:{port}{}", scenario.path));
    let output = command
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if text.contains("Non-2xx or 3xx responses") || text.contains("Socket errors") {
        return Err(format!("{}: errors under load:\n{text}", scenario.label));
    }
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{text}"))?;
    let percentile = |p: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(p))
            .and_then(|v| millis(v.trim()))
            .ok_or_else(|| format!("no {p} latency in wrk's output:\n{text}"))
    };
    Ok(Run {
        rps,
        p50_ms: percentile("50%")?,
        p99_ms: percentile("99%")?,
    })
}

/// `wrk`'s `850.00us` / `1.23ms` / `2.00s` in milliseconds.
fn millis(text: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// A `/proc/<pid>/status` field in KiB (`VmRSS:`, `VmHWM:`). With `taskset`, the server is
/// the child of the `taskset` process, which `exec`s it: same pid.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Loads `GET /auth/session` for `seconds`, sampling the server's RSS every few seconds.
fn soak(set: &Servers, seconds: u64, connections: u32, pin: bool) -> Result<(), String> {
    let server = set.of(Kind::Jwt);
    println!(
        "\nsoak: {} {} GET /auth/session for {seconds} s, {connections} connections (load: {})",
        set.framework.name(),
        set.variant,
        load()
    );
    let pid = server.pid();
    let before = status_kib(pid, "VmRSS:");
    let started = Instant::now();
    let samples = thread::scope(|scope| {
        // Runs of at most `SOAK_RUN` back to back: the examples end a connection at its 60 s
        // lifetime (a slow-client limit), which wrk would count as errors.
        let load = scope.spawn(|| -> Result<Vec<Run>, String> {
            let mut runs = Vec::new();
            let mut left = seconds;
            while left > 0 {
                let run = left.min(SOAK_RUN.as_secs());
                runs.push(wrk(server, &SCENARIOS[1], run, connections, pin)?);
                left -= run;
            }
            Ok(runs)
        });
        let mut samples = Vec::new();
        while !load.is_finished() {
            thread::sleep(SOAK_SAMPLE.min(Duration::from_millis(200)));
            let due = samples.len() as u64 * SOAK_SAMPLE.as_secs();
            if started.elapsed().as_secs() >= due
                && let Some(rss) = status_kib(pid, "VmRSS:")
            {
                samples.push((started.elapsed().as_secs(), rss));
            }
        }
        load.join()
            .map_err(|_| "the soak's wrk thread panicked".to_owned())?
            .map(|run| (run, samples))
    });
    let (runs, samples) = samples?;
    let line: Vec<String> = samples
        .iter()
        .map(|(t, kib)| format!("{t}s {}", mib(*kib)))
        .collect();
    println!("  RSS idle {}", before.map_or("?".into(), mib));
    println!("  RSS under load: {}", line.join(", "));
    // Growth after the first 10 s (allocator pools and connection buffers settle by then).
    let settled: Vec<u64> = samples
        .iter()
        .filter(|(t, _)| *t >= 10)
        .map(|(_, k)| *k)
        .collect();
    if let (Some(first), Some(last), Some(max)) =
        (settled.first(), settled.last(), settled.iter().max())
    {
        println!(
            "  after 10 s: first {}, last {}, max {} (growth {:+.1} MiB)",
            mib(*first),
            mib(*last),
            mib(*max),
            (*last as f64 - *first as f64) / 1024.0
        );
    }
    println!(
        "  {} runs: median {:.0} req/s, p50 {:.3} ms, p99 {:.3} ms (worst run's p99 {:.3} ms)",
        runs.len(),
        median(runs.iter().map(|r| r.rps)),
        median(runs.iter().map(|r| r.p50_ms)),
        median(runs.iter().map(|r| r.p99_ms)),
        runs.iter().map(|r| r.p99_ms).fold(0.0, f64::max)
    );
    Ok(())
}
