//! Helpers shared by the end-to-end tests of the `example-axum` (and `example-hyper`) binary: a guard that runs the
//! example, a tiny HTTP/1.1 client on `std::net::TcpStream`, a cookie jar, and URL helpers.
//!
//! Each test file uses only part of it.
#![allow(dead_code)]

use std::{
    fs,
    io::{Read, Write},
    net::{Ipv4Addr, TcpListener, TcpStream, ToSocketAddrs},
    path::PathBuf,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

/// The example binary under test: the package's own. These helpers (and the walk-through and
/// slow-client tests) are also compiled into `example-hyper`'s tests, which run its binary.
const EXAMPLE_BIN: Option<&str> = match option_env!("CARGO_BIN_EXE_example-hyper") {
    Some(bin) => Some(bin),
    None => option_env!("CARGO_BIN_EXE_example-axum"),
};

/// The example's name, for messages and scratch folders.
fn example_name() -> &'static str {
    if option_env!("CARGO_BIN_EXE_example-hyper").is_some() {
        "example-hyper"
    } else {
        "example-axum"
    }
}

/// The `AUTH_SECRET` the example runs with.
pub(crate) const SECRET: &str = "walkthrough-test-secret-0123456789abcdef0123456789abcdef";
/// The `Accept` header of a browser.
pub(crate) const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,*/*;q=0.8";

/// How long one connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one read or write may block.
const IO_TIMEOUT: Duration = Duration::from_secs(15);

/// The running example; killed (and its scratch folder removed) when dropped, also on panic.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    /// A scratch folder of its own: the log, the SQLite file, anything else a test needs.
    pub(crate) dir: PathBuf,
}

impl Server {
    /// Starts the example on a free port and waits until it answers `GET /`.
    pub(crate) fn start(name: &str) -> Self {
        Self::start_with(name, free_port(), &[])
    }

    /// Starts the example on `port` with the extra environment `env` and waits until it answers
    /// `GET /`. It always gets `PORT`, `AUTH_SECRET` and a fresh SQLite file in its scratch
    /// folder as `DATABASE_URL` (`env` may override them), and no `AUTH_URL`/`AUTH_TRUST_HOST`.
    pub(crate) fn start_with(name: &str, port: u16, env: &[(&str, &str)]) -> Self {
        wait_until_free(port);
        let dir = std::env::temp_dir().join(format!(
            "{}-{name}-{}-{port}",
            example_name(),
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch folder");
        let log = fs::File::create(dir.join("server.log")).expect("log file");
        let mut command =
            Command::new(EXAMPLE_BIN.expect("the example binary is built for its tests"));
        command
            .env("PORT", port.to_string())
            .env("AUTH_SECRET", SECRET)
            .env(
                "DATABASE_URL",
                format!("sqlite:{}", dir.join("x.db").display()),
            )
            .env("RUST_LOG", "warn")
            // The example's own requests (to a local OpenID provider) must not go to a proxy.
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost")
            .env_remove("AUTH_URL")
            .env_remove("AUTH_TRUST_HOST")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log);
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("the {} binary starts: {e}", example_name()));
        let mut server = Self { child, port, dir };
        server.wait_until_ready();
        server
    }

    /// What the example printed so far.
    pub(crate) fn log(&self) -> String {
        fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn wait_until_ready(&mut self) {
        const TRIES: u32 = 200;
        const PAUSE: Duration = Duration::from_millis(50);
        for _ in 0..TRIES {
            if let Some(status) = self.child.try_wait().expect("child status") {
                panic!(
                    "{} exited early ({status}) instead of serving on port {}; its log:\n{}",
                    example_name(),
                    self.port,
                    self.log()
                );
            }
            if try_get(self.port, "/").is_some_and(|r| r.status == 200) {
                return;
            }
            thread::sleep(PAUSE);
        }
        panic!(
            "{} did not answer GET / on 127.0.0.1:{} after {TRIES} tries ({} s); its log:\n{}",
            example_name(),
            self.port,
            (PAUSE * TRIES).as_secs_f32(),
            self.log()
        );
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// One request to the example; panics (with the example's log) when it cannot be made.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        request(self.port, method, path, headers, body).unwrap_or_else(|e| {
            panic!(
                "{method} {path} on port {} failed: {e}; server log:\n{}",
                self.port,
                self.log()
            )
        })
    }

    /// `GET path` as a browser with `jar`, which keeps what the answer sets.
    pub(crate) fn get_in(&self, jar: &mut Jar, path: &str) -> Reply {
        let reply = self.request("GET", path, &[("cookie", &jar.header(path))], "");
        jar.store(path, &reply);
        reply
    }

    /// A form `POST path` as a browser with `jar`, which keeps what the answer sets.
    pub(crate) fn post_in(&self, jar: &mut Jar, path: &str, fields: &[(&str, &str)]) -> Reply {
        let reply = self.request(
            "POST",
            path,
            &[
                ("cookie", &jar.header(path)),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            &form(fields),
        );
        jar.store(path, &reply);
        reply
    }

    /// The CSRF token of `jar`'s browser (`GET /auth/csrf`).
    pub(crate) fn csrf_in(&self, jar: &mut Jar) -> String {
        json_string(&self.get_in(jar, "/auth/csrf").body, "csrfToken").expect("csrf token")
    }

    /// Signs `jar`'s browser in as the demo's credentials user, alice; the callback's answer.
    pub(crate) fn sign_in_alice(&self, jar: &mut Jar) -> Reply {
        let token = self.csrf_in(jar);
        self.post_in(
            jar,
            "/auth/callback/credentials",
            &[
                ("csrfToken", &token),
                ("username", "alice"),
                ("password", "wonderland"),
            ],
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A port nobody listens on now (the OS's choice for port 0).
pub(crate) fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Waits (at most 15 s) until nothing listens on `port`, so that the example can take it (and a
/// stray server there cannot pass for the example).
fn wait_until_free(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            Ok(_) => return,
            Err(e) if Instant::now() >= deadline => {
                panic!(
                    "port 127.0.0.1:{port} stays taken ({e}): is something else listening there?"
                )
            }
            Err(_) => thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// One HTTP/1.1 answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    /// The first header called `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every `Set-Cookie` header.
    pub(crate) fn set_cookies(&self) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
    }

    /// The `Set-Cookie` header of the cookie `name`, if any.
    pub(crate) fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies().find(|c| cookie_name(c) == name)
    }

    /// The `name=value` pairs of the `Set-Cookie` headers that set (not clear) a cookie.
    pub(crate) fn cookie_pairs(&self) -> Vec<String> {
        self.set_cookies()
            .filter(|c| !c.contains("Max-Age=0"))
            .filter_map(|c| c.split(';').next())
            .map(str::to_owned)
            .collect()
    }
}

fn cookie_name(set_cookie: &str) -> &str {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map_or("", |(name, _)| name.trim())
}

/// `GET path` on the example at `port`, or `None` when it does not answer (yet).
pub(crate) fn try_get(port: u16, path: &str) -> Option<Reply> {
    request(port, "GET", path, &[], "").ok()
}

/// A tiny HTTP/1.1 client for `127.0.0.1:<port>`: one request per connection
/// (`Connection: close`).
pub(crate) fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Reply> {
    request_to("127.0.0.1", port, method, path, headers, body)
}

/// [`request`] to `http://<host>:<port><target>`.
pub(crate) fn request_to(
    host: &str,
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Reply> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let address = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| invalid("the host has no address"))?;
    let mut stream = TcpStream::connect_timeout(&address, CONNECT_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    let body = &raw[end + 4..];
    let body = if chunked {
        dechunk(body).ok_or_else(|| invalid("a broken chunked body"))?
    } else {
        body.to_vec()
    };
    Ok(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// The payload of a `Transfer-Encoding: chunked` body.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_line = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_line.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

/// The parts of an absolute `http://` URL: host, port and request target (path and query).
pub(crate) fn split_url(url: &str) -> (String, u16, String) {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("not an http:// URL: {url}"));
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], rest[i..].to_owned()),
        None => (rest, "/".to_owned()),
    };
    let target = if target.starts_with('?') {
        format!("/{target}")
    } else {
        target
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (
            host,
            port.parse()
                .unwrap_or_else(|_| panic!("bad port in the URL {url}")),
        ),
        None => (authority, 80),
    };
    (host.to_owned(), port, target)
}

/// `http://host:port` of an absolute URL.
pub(crate) fn origin_of(url: &str) -> String {
    let (host, port, _) = split_url(url);
    format!("http://{host}:{port}")
}

/// A `Location` resolved against `origin` (absolute and origin-relative ones only).
pub(crate) fn resolve(origin: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        location.to_owned()
    } else if location.starts_with('/') && !location.starts_with("//") {
        format!("{origin}{location}")
    } else {
        panic!("unsupported relative Location {location:?} (base {origin})")
    }
}

/// The raw (still encoded) query of a URL, without `?` and fragment.
pub(crate) fn raw_query(url: &str) -> &str {
    let url = url.split('#').next().unwrap_or_default();
    url.split_once('?').map_or("", |(_, q)| q)
}

/// The decoded `name=value` pairs of a URL's query, in order.
pub(crate) fn query_pairs(url: &str) -> Vec<(String, String)> {
    raw_query(url)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(n), percent_decode(v))
        })
        .collect()
}

/// The decoded value of the query parameter `name` (the first one).
pub(crate) fn query_param(url: &str, name: &str) -> Option<String> {
    query_pairs(url)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// `url` with its query replaced by `pairs` (encoded here).
pub(crate) fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let base = url.split(['?', '#']).next().unwrap_or_default();
    format!("{base}?{}", form(pairs))
}

/// Decodes `%XX` escapes and `+` (as in `application/x-www-form-urlencoded`).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An `application/x-www-form-urlencoded` body (or query) of `pairs`.
pub(crate) fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(n, v)| format!("{}={}", percent_encode(n), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the `"name":"value"` string member of a JSON text (the first one), without
/// unescaping: enough for tokens and plain ASCII values.
pub(crate) fn json_string(json: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\":\"");
    let start = json.find(&key)? + key.len();
    let rest = &json[start..];
    rest.find('"').map(|end| rest[..end].to_owned())
}

/// One cookie of a [`Jar`].
#[derive(Debug, Clone)]
pub(crate) struct Cookie {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) path: String,
}

/// The cookies of one host: set by `Set-Cookie`, sent back on the paths they match (RFC 6265
/// §5.1.4). Domains, expiry dates and `Secure` are not tracked: a cookie set with an empty value,
/// `Max-Age=0` (or less) or an expiry date in 1970 is removed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Jar {
    cookies: Vec<Cookie>,
}

impl Jar {
    /// Takes the `Set-Cookie` headers of `reply` (the answer to a request for `request_path`,
    /// whose folder is the default cookie path).
    pub(crate) fn store(&mut self, request_path: &str, reply: &Reply) {
        for header in reply.set_cookies() {
            self.store_one(request_path, header);
        }
    }

    fn store_one(&mut self, request_path: &str, header: &str) {
        let mut parts = header.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
        let mut path = None;
        let mut expired = value.is_empty();
        for attribute in parts {
            let (key, val) = attribute.split_once('=').unwrap_or((attribute, ""));
            let (key, val) = (key.trim().to_ascii_lowercase(), val.trim());
            match key.as_str() {
                "path" if val.starts_with('/') => path = Some(val.to_owned()),
                "max-age" => expired |= val.parse::<i64>().is_ok_and(|s| s <= 0),
                "expires" => expired |= val.contains("1970"),
                _ => {}
            }
        }
        let path = path.unwrap_or_else(|| default_path(request_path));
        self.cookies.retain(|c| !(c.name == name && c.path == path));
        if !expired {
            self.cookies.push(Cookie { name, value, path });
        }
    }

    /// The `Cookie` header for a request to `request_path` (empty when no cookie matches).
    pub(crate) fn header(&self, request_path: &str) -> String {
        let path = request_path.split(['?', '#']).next().unwrap_or("/");
        let mut matching: Vec<&Cookie> = self
            .cookies
            .iter()
            .filter(|c| path_matches(path, &c.path))
            .collect();
        // Longer paths first, as browsers do.
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        matching
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The value of the cookie `name` (any path).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.as_str())
    }

    /// The names of the cookies held.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.cookies.iter().map(|c| c.name.as_str()).collect()
    }
}

fn default_path(request_path: &str) -> String {
    let path = request_path.split(['?', '#']).next().unwrap_or("/");
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
    }
}

fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}
