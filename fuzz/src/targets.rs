//! The fuzz targets: each turns bytes into one parser's input and checks what it must never do.

use std::{cell::RefCell, sync::OnceLock};

use auth_core::{
    Auth, AuthConfig, SecretList, Token, User,
    adapter::MemoryAdapter,
    callbacks::default_redirect,
    fuzzing::{self, Trust},
    jwt::JwtKeys,
    mail::{Mailer, SendFuture, VerificationMessage},
    providers::{
        CredentialInput, CredentialsProvider, EmailProvider, OAuthProvider, default_normalize,
    },
};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri, header};
use http_body_util::Full;

use crate::{Outcome, Target, fnv};

/// The secret of every target that needs one.
pub const SECRET: &str = "auth-fuzz-secret-0123456789abcdef0123456789abcdef";
/// The session cookie name the JWE target's tokens are salted with.
const SALT: &str = "authjs.session-token";

/// Every target, in the order `cargo xtask fuzz` runs them.
pub fn all() -> Vec<Target> {
    vec![
        Target {
            name: "request",
            seeds: || Vec::new(),
            dictionary: &[
                "/auth/",
                "signin",
                "callback",
                "session",
                "csrf",
                "undefined",
                "//",
                "?",
                "&",
                "=",
                "+",
                "%20",
            ],
            run: request,
        },
        Target {
            name: "body",
            seeds: || Vec::new(),
            dictionary: &[
                "{\"",
                "\":",
                "\"csrfToken\"",
                "\"email\"",
                "[",
                "{",
                "}",
                "]",
                "&",
                "=",
                "%",
                "+",
                "1e400",
                "\\u",
            ],
            run: body,
        },
        Target {
            name: "cookies",
            seeds: cookie_seeds,
            dictionary: &[
                "authjs.session-token",
                ".0",
                ".63",
                ".64",
                ".007",
                "; ",
                "=",
                "%",
                "\"",
                "__Secure-",
            ],
            run: cookies,
        },
        Target {
            name: "origin",
            seeds: || Vec::new(),
            dictionary: &[
                "host: ",
                "x-forwarded-host: ",
                "x-forwarded-proto: ",
                "forwarded: ",
                "for=",
                "host=",
                "proto=",
                "http://",
                "https://",
                "127.0.0.1",
                "localhost",
                "[::1]",
                "app.example.com",
                "evil.test",
                ", ",
                ";",
                ":",
                "@",
            ],
            run: origin,
        },
        Target {
            name: "jwe",
            seeds: jwe_seeds,
            dictionary: &[
                ".",
                "eyJ",
                "A256CBC-HS512",
                "dir",
                "A256GCM",
                "\"kid\"",
                "\"enc\"",
                "==",
            ],
            run: jwe,
        },
        Target {
            name: "redirect",
            seeds: || Vec::new(),
            dictionary: &[
                "http://",
                "https://",
                "127.0.0.1:3100",
                "app.example.com",
                "evil.test",
                "\\",
                "//",
                "/\\",
                "@",
                "#",
                "?",
                ":",
                "javascript:",
                "%2e",
                "\t",
                "\n",
            ],
            run: redirect,
        },
        Target {
            name: "email",
            seeds: || Vec::new(),
            dictionary: &[
                "@",
                ".",
                "+",
                "<",
                ">",
                "\"",
                ",",
                "\u{ff42}",
                "\u{ff20}",
                "\u{200d}",
                "\u{0130}",
                "\u{212a}",
                "xn--",
                "example.com",
            ],
            run: email,
        },
        Target {
            name: "engine",
            seeds: engine_seeds,
            dictionary: &[
                "\r\n",
                "\n\n",
                "POST ",
                "GET ",
                "/auth/",
                "signin/",
                "callback/",
                "credentials",
                "email",
                "github",
                "csrfToken=",
                "callbackUrl=",
                "email=",
                "cookie: ",
                "host: ",
                "content-type: application/json\n",
                "content-type: application/x-www-form-urlencoded\n",
                "x-forwarded-host: ",
                "authjs.session-token",
                "authjs.csrf-token=",
                "%7C",
                "|",
                "error=",
                "token=",
            ],
            run: engine,
        },
    ]
}

/// Lines of the input: `a\nb\nc` → `["a", "b", "c"]` (lossy UTF-8).
fn lines(input: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(input)
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
        .collect()
}

/// `name: value` lines as headers; lines that are no valid header are skipped.
fn headers<'a>(lines: impl Iterator<Item = &'a str>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_bytes(value.trim_start().as_bytes()),
        ) else {
            continue;
        };
        map.append(name, value);
    }
    map
}

/// Path, query and provider routing: line 1 the path, line 2 the query, line 3 the base path.
fn request(input: &[u8]) -> Outcome {
    let lines = lines(input);
    let path = lines.first().map_or("", String::as_str);
    let query = lines.get(1).map(String::as_str);
    let base = lines.get(2).map_or("/auth", String::as_str);
    let action = fuzzing::parse_action(path, base);
    if let Some((_, Some(id))) = &action
        && (id.is_empty() || id.contains('/'))
    {
        return Err(format!("provider id: {id:?} from path {path:?}"));
    }
    let query = fuzzing::parse_query(query);
    let action = action.map(|(name, id)| (name, id.map(|id| id.len().min(3))));
    Ok(fnv(format!("{action:?}{}", query.len().min(4)).as_bytes()))
}

/// JSON and form bodies: the first byte picks the content type, the rest is the body.
fn body(input: &[u8]) -> Outcome {
    let (kind, body) = input.split_first().unwrap_or((&0, &[]));
    let content_type = [
        "application/json",
        "application/x-www-form-urlencoded",
        "application/json; charset=utf-8",
        "APPLICATION/X-WWW-FORM-URLENCODED; charset=latin1",
        "text/plain",
    ][usize::from(*kind) % 5];
    let mut map = HeaderMap::new();
    map.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let fields = fuzzing::parse_body(&map, body);
    Ok(fnv(
        format!("{}{:?}", kind % 5, fields.map(|n| n.min(4))).as_bytes()
    ))
}

fn cookie_seeds() -> Vec<Vec<u8>> {
    let token = jwe_seeds().pop().unwrap_or_default();
    let token = String::from_utf8_lossy(&token).into_owned();
    let (a, b) = token.split_at(token.len() / 2);
    vec![
        format!("authjs.session-token={token}").into_bytes(),
        format!("authjs.session-token.0={a}; authjs.session-token.1={b}; other=1").into_bytes(),
        format!("authjs.session-token.1={b}\nauthjs.session-token.0={a}").into_bytes(),
        b"a=1; b=%E2%82%AC; c=\"quoted\"; authjs.csrf-token=x%7Cy".to_vec(),
    ]
}

/// Cookie parsing and chunk joining: each line one `Cookie` header.
fn cookies(input: &[u8]) -> Outcome {
    let mut map = HeaderMap::new();
    for line in lines(input) {
        if let Ok(value) = HeaderValue::from_bytes(line.as_bytes()) {
            map.append(header::COOKIE, value);
        }
    }
    let read = fuzzing::session_chunks(&map, "");
    // Clearing names each session cookie once: the bare one and chunks .0 to .63.
    if read.clear_headers > 65 {
        return Err(format!("clear headers: {}", read.clear_headers));
    }
    let rewrite = fuzzing::session_chunks(&map, &read.token);
    let needed = read.token.len().div_ceil(1000) + 1;
    if rewrite.write_headers > 65 + needed {
        return Err(format!("rewrite headers: {}", rewrite.write_headers));
    }
    Ok(fnv(format!(
        "{}{}",
        read.token.len().min(8),
        read.clear_headers.min(8)
    )
    .as_bytes()))
}

/// Origin resolution: line 1 the request target, then headers; the first byte of line 1
/// picks the trust (loopback, any, a list) and the proxy hops.
fn origin(input: &[u8]) -> Outcome {
    let lines = lines(input);
    let first = lines.first().cloned().unwrap_or_default();
    let selector = first.bytes().next().unwrap_or(0);
    let uri: Uri = first
        .get(1..)
        .unwrap_or("/")
        .parse()
        .unwrap_or_else(|_| Uri::from_static("/"));
    let headers = headers(lines.iter().skip(1).map(String::as_str));
    let trust = match selector % 3 {
        0 => Trust::Loopback,
        1 => Trust::Any,
        _ => Trust::List(vec!["app.example.com".into(), "[::1]:3000".into()]),
    };
    let hops = 1 + usize::from(selector / 3) % 3;
    let result = fuzzing::resolve_origin(&uri, &headers, &trust, hops);
    if let Ok(origin) = &result {
        let url = url::Url::parse(origin).map_err(|e| format!("origin no URL: {origin:?} {e}"))?;
        let authority = origin.split_once("://").map_or("", |(_, a)| a);
        let fine = matches!(url.scheme(), "http" | "https")
            && url.username().is_empty()
            && url.path() == "/"
            && !origin.ends_with('/')
            && match &trust {
                Trust::Loopback => fuzzing::is_loopback(authority),
                Trust::Any => true,
                Trust::List(_) => {
                    url.host_str() == Some("app.example.com") || authority == "[::1]:3000"
                }
            };
        if !fine {
            return Err(format!("origin untrusted: {origin:?} under {trust:?}"));
        }
    }
    let outcome = result.map_or_else(
        |e| e.split('(').next().unwrap_or_default().to_owned(),
        |_| "ok".to_owned(),
    );
    Ok(fnv(format!("{}{hops}{outcome}", selector % 3).as_bytes()))
}

fn jwt_keys() -> &'static JwtKeys {
    static KEYS: OnceLock<JwtKeys> = OnceLock::new();
    KEYS.get_or_init(|| JwtKeys::new(&SecretList::single(SECRET), SALT))
}

/// Real tokens: a small one, one with a large claim, one from another secret.
fn jwe_seeds() -> Vec<Vec<u8>> {
    let now = 1_800_000_000;
    let mut small = serde_json::Map::new();
    small.insert("sub".into(), "1".into());
    small.insert("email".into(), "alice@example.com".into());
    let mut large = small.clone();
    large.insert("picture".into(), "x".repeat(3000).into());
    let other = JwtKeys::new(
        &SecretList::single("another secret of the same length....."),
        SALT,
    );
    let mut out = Vec::new();
    for claims in [small, large] {
        let token = Token::from(claims);
        if let Ok(t) = other.encode(&token, 3600, now) {
            out.push(t.into_bytes());
        }
        if let Ok(t) = jwt_keys().encode(&token, 3600, now) {
            out.push(t.into_bytes());
        }
    }
    out
}

/// JWE decoding (and the claims inside) of a token from the bytes.
fn jwe(input: &[u8]) -> Outcome {
    let token = String::from_utf8_lossy(input);
    let result = jwt_keys().decode(&token, 1_800_000_100);
    let signature = match &result {
        Ok(claims) => format!("ok{}", claims.len().min(8)),
        Err(e) => format!("{e:?}").chars().take(24).collect(),
    };
    Ok(fnv(signature.as_bytes()))
}

/// The default redirect callback: line 1 the callback URL, the first byte of line 2 the base.
fn redirect(input: &[u8]) -> Outcome {
    let lines = lines(input);
    let url = lines.first().map_or("", String::as_str);
    let base = match lines.get(1).and_then(|l| l.bytes().next()).unwrap_or(0) % 3 {
        0 => "http://127.0.0.1:3100",
        1 => "https://app.example.com",
        _ => "https://app.example.com:8443",
    };
    let out = default_redirect(url, base);
    if out != base {
        let parsed = url::Url::parse(&out).map_err(|e| format!("redirect no URL: {out:?} {e}"))?;
        let base_url = url::Url::parse(base).map_err(|e| e.to_string())?;
        if parsed.origin() != base_url.origin()
            || !parsed.username().is_empty()
            || parsed.password().is_some()
            || out.chars().any(|c| c.is_whitespace() || c.is_control())
            || !out.starts_with(&format!("{base}/"))
        {
            return Err(format!(
                "redirect off origin: {url:?} on {base} gave {out:?}"
            ));
        }
    }
    Ok(fnv(
        format!("{}{}", out == base, out.len().min(16)).as_bytes()
    ))
}

/// The default email normaliser.
fn email(input: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(input);
    let result = default_normalize(&text);
    if let Ok(address) = &result {
        let again = default_normalize(address);
        let bad_char = address.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '\'' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '\\' | '`')
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}')
        });
        if again.as_ref() != Ok(address)
            || address.matches('@').count() != 1
            || address.len() > 254
            || bad_char
            || *address != address.to_lowercase()
        {
            return Err(format!("email: {text:?} gave {address:?}, then {again:?}"));
        }
    }
    Ok(fnv(format!(
        "{:?}",
        result.as_ref().map(|a| a.len().min(8)).map_err(|e| e.len())
    )
    .as_bytes()))
}

/// Drops every message.
#[derive(Clone, Default)]
struct NoMail;

impl Mailer for NoMail {
    fn send<'a>(&'a self, _message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

/// An OAuth provider whose endpoints are a closed loopback port (nothing leaves the machine).
fn oauth() -> OAuthProvider {
    OAuthProvider::oauth("github", "GitHub")
        .authorization_url("http://127.0.0.1:9/authorize")
        .token_url("http://127.0.0.1:9/token")
        .userinfo_url("http://127.0.0.1:9/user")
        .client_id("fuzz-client")
        .client_secret("fuzz-secret")
}

fn credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field("username", CredentialInput::text("Username"))
        .field("password", CredentialInput::password("Password"))
        .authorize(|c| async move {
            let ok = c.get("username") == Some("alice") && c.get("password") == Some("wonderland");
            Ok(ok.then(|| User::new("1").name("Alice").email("alice@example.com")))
        })
}

/// The two apps every engine case goes to: JWT sessions with credentials and OAuth, loopback
/// only; database sessions with email and OAuth on a memory store, trusting one host.
fn apps() -> &'static [Auth; 2] {
    static APPS: OnceLock<[Auth; 2]> = OnceLock::new();
    APPS.get_or_init(|| {
        let jwt = AuthConfig::new()
            .secret(SECRET)
            .provider(credentials())
            .provider(oauth())
            .build()
            .expect("the JWT app builds");
        let database = AuthConfig::new()
            .secret(SECRET)
            .trusted_hosts(["app.example.com", "127.0.0.1:3100"])
            .adapter(MemoryAdapter::default())
            .provider(EmailProvider::new(NoMail))
            .provider(oauth())
            .build()
            .expect("the database app builds");
        [jwt, database]
    })
}

thread_local! {
    static RUNTIME: RefCell<Option<tokio::runtime::Runtime>> = const { RefCell::new(None) };
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    RUNTIME.with(|cell| {
        let mut cell = cell.borrow_mut();
        let runtime = cell.get_or_insert_with(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
        });
        runtime.block_on(future)
    })
}

/// A request from text: `METHOD TARGET`, header lines, an empty line, the body.
fn parse_request(input: &[u8]) -> Option<Request<Full<Bytes>>> {
    let split = input
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or((input, &[][..]), |at| (&input[..at], &input[at + 2..]));
    let (head, body) = split;
    let head = lines(head);
    let (method, target) = head.first()?.split_once(' ')?;
    let method = Method::from_bytes(method.as_bytes()).ok()?;
    let uri: Uri = target.parse().ok()?;
    let mut builder = Request::builder().method(method).uri(uri);
    let map = headers(head.iter().skip(1).map(String::as_str));
    if let Some(h) = builder.headers_mut() {
        *h = map;
    }
    builder.body(Full::new(Bytes::copy_from_slice(body))).ok()
}

/// Sends one request to one app.
fn send(app: &Auth, request: Request<Full<Bytes>>) -> http::Response<Bytes> {
    block_on(app.handle(request))
}

/// Real requests: a CSRF pair fetched from each app, then sign-in, sign-out, session and
/// callback requests that carry it (so mutations start past the CSRF check).
fn engine_seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for (app, host) in apps().iter().zip(["127.0.0.1:3100", "app.example.com"]) {
        let Some(request) = parse_request(format!("GET /auth/csrf\nhost: {host}").as_bytes())
        else {
            continue;
        };
        let response = send(app, request);
        let cookie = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|c| c.split(';').next())
            .collect::<Vec<_>>()
            .join("; ");
        let token = serde_json::from_slice::<serde_json::Value>(response.body())
            .ok()
            .and_then(|v| v["csrfToken"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let form = "content-type: application/x-www-form-urlencoded";
        for (target, fields) in [
            (
                "/auth/callback/credentials",
                "username=alice&password=wonderland",
            ),
            (
                "/auth/signin/email",
                "email=bob%40example.com&callbackUrl=%2Fafter",
            ),
            (
                "/auth/signin/github",
                "callbackUrl=http%3A%2F%2F127.0.0.1%3A3100%2Fx",
            ),
            ("/auth/signout", "callbackUrl=%2F"),
            ("/auth/session", ""),
        ] {
            seeds.push(
                format!("POST {target}\nhost: {host}\ncookie: {cookie}\n{form}\n\ncsrfToken={token}&{fields}")
                    .into_bytes(),
            );
        }
        seeds.push(
            format!(
                "POST /auth/signin/email\nhost: {host}\ncookie: {cookie}\ncontent-type: application/json\n\n{{\"csrfToken\":\"{token}\",\"email\":\"bob@example.com\"}}"
            )
            .into_bytes(),
        );
        for target in [
            "/auth/session",
            "/auth/providers",
            "/auth/signin?callbackUrl=%2Fx&error=OAuthSignin",
            "/auth/error?error=Verification",
            "/auth/verify-request",
            "/auth/callback/email?token=abc&email=bob%40example.com",
            "/auth/callback/github?code=x&state=y",
            "/auth/signin/github",
        ] {
            seeds.push(format!("GET {target}\nhost: {host}\ncookie: {cookie}").into_bytes());
        }
    }
    seeds
}

/// The whole engine: the request from the bytes goes to both apps; a 500 for anything but the
/// `Configuration` error page, or a redirect off the request's host (or the OAuth endpoints),
/// is a crash.
fn engine(input: &[u8]) -> Outcome {
    let mut signature = Vec::new();
    for app in apps() {
        let Some(request) = parse_request(input) else {
            return Ok(0);
        };
        let path = request.uri().path().to_owned();
        let response = send(app, request);
        let status = response.status();
        if status.is_server_error() && !path.trim_end_matches('/').ends_with("/error") {
            return Err(format!("HTTP {status}: for {path}"));
        }
        if let Some(location) = response.headers().get(header::LOCATION) {
            let location = String::from_utf8_lossy(location.as_bytes()).into_owned();
            if let Ok(url) = url::Url::parse(&location) {
                let authority = location.split_once("://").map_or("", |(_, r)| r);
                let authority = authority.split('/').next().unwrap_or_default();
                let allowed =
                    fuzzing::is_loopback(authority) || url.host_str() == Some("app.example.com");
                if !allowed || location.contains('\\') {
                    return Err(format!("foreign redirect: {location:?} for {path}"));
                }
            }
        }
        signature.extend_from_slice(status.as_str().as_bytes());
        signature.push(response.headers().contains_key(header::LOCATION).into());
    }
    Ok(fnv(&signature))
}
