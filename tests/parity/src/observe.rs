//! Running the scenarios against a framework, normalising the answers, and comparing them
//! with the core reference's.

use std::{collections::BTreeMap, fmt};

use auth_core::{jwt::JwtKeys, secret::SecretList};
use http::{Request, Response, header};
use serde_json::Value;

use crate::{
    Core, Framework, HOST, NOW_SECS, SECRET, auth,
    scenarios::{self, Body, Cookies, Scenario, Step},
};

const CSRF_COOKIE: &str = "authjs.csrf-token";
const SESSION_COOKIE: &str = "authjs.session-token";

/// One answer, normalised so that two runs of the same scenario compare equal.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// `METHOD uri` of the request.
    pub label: String,
    /// The status code.
    pub status: u16,
    /// Every header but `Set-Cookie`, by lower-case name, each value in order.
    pub headers: BTreeMap<String, Vec<String>>,
    /// The `Set-Cookie` lines in order, with random values replaced: the CSRF cookie by
    /// `{csrf-cookie}` (once its shape is checked), session JWEs and their chunks by
    /// `{jwe:<length>}`.
    pub set_cookies: Vec<String>,
    /// When the answer set session cookies: the claims of the client's session token
    /// afterwards (decrypted, without the random `jti`), or `null` if it has none.
    pub session: Option<Value>,
    /// The body as text, with the client's CSRF token replaced by `{csrf}`.
    pub body: String,
}

/// The client of one scenario: a cookie jar, and the CSRF token it holds.
#[derive(Debug, Default)]
struct Jar {
    cookies: BTreeMap<String, String>,
}

impl Jar {
    /// The token half of the `authjs.csrf-token` cookie (`token|hash`, `|` maybe encoded).
    fn csrf_token(&self) -> Option<String> {
        self.cookies.get(CSRF_COOKIE).and_then(|v| csrf_token_of(v))
    }

    fn substitute(&self, text: &str) -> String {
        text.replace("{csrf}", &self.csrf_token().unwrap_or_default())
    }

    fn request(&self, step: &Step) -> Request<Vec<u8>> {
        let mut builder = Request::builder().method(step.method).uri(&step.uri);
        // A step may name its own Host (a foreign one); else every request has [`HOST`].
        if !step
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            builder = builder.header(header::HOST, HOST);
        }
        if let Some(accept) = step.accept {
            builder = builder.header(header::ACCEPT, accept);
        }
        for (name, value) in &step.headers {
            builder = builder.header(*name, *value);
        }
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let lines = match &step.cookies {
            Cookies::Jar if pairs.is_empty() => Vec::new(),
            Cookies::Jar => vec![pairs.join("; ")],
            Cookies::SplitLines => pairs,
            Cookies::Lines(lines) => lines.clone(),
        };
        for line in lines {
            builder = builder.header(header::COOKIE, line);
        }
        let form = |fields: &[(&str, String)]| {
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields.iter().map(|(k, v)| (*k, self.substitute(v))))
                .finish()
        };
        let (content_type, body) = match &step.body {
            Body::Empty => (None, Vec::new()),
            Body::Form(fields) => (
                Some("application/x-www-form-urlencoded"),
                form(fields).into_bytes(),
            ),
            Body::PaddedForm(fields, length) => {
                let prefix = format!("{}&pad=", form(fields));
                let pad = length.checked_sub(prefix.len()).unwrap_or_else(|| {
                    panic!("{}: the fields alone are over {length}", step.label())
                });
                (
                    Some("application/x-www-form-urlencoded"),
                    format!("{prefix}{}", "x".repeat(pad)).into_bytes(),
                )
            }
            Body::Json(json) => (Some("application/json"), self.substitute(json).into_bytes()),
            Body::JsonSpaces(length) => (Some("application/json"), vec![b' '; *length]),
        };
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        builder
            .body(body)
            .unwrap_or_else(|e| panic!("{}: not a request: {e}", step.label()))
    }

    /// Normalises `response`, and keeps its cookies.
    fn absorb(&mut self, step: &Step, response: Response<Vec<u8>>) -> Observed {
        let (parts, body) = response.into_parts();
        let old_token = self.csrf_token();
        let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut lines = Vec::new();
        for (name, value) in &parts.headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            if name == header::SET_COOKIE {
                lines.push(value);
            } else {
                headers
                    .entry(name.as_str().to_owned())
                    .or_default()
                    .push(value);
            }
        }
        let mut set_cookies = Vec::new();
        let mut session_touched = false;
        for line in &lines {
            let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let is_session = name == SESSION_COOKIE
                || name
                    .strip_prefix(SESSION_COOKIE)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|n| n.parse::<u32>().is_ok());
            session_touched |= is_session;
            let shown = if name == CSRF_COOKIE && csrf_token_of(value).is_some() {
                "{csrf-cookie}".to_owned()
            } else if is_session && !value.is_empty() {
                format!("{{jwe:{}}}", value.len())
            } else {
                value.to_owned()
            };
            set_cookies.push(format!("{name}={shown};{attributes}"));
            let cleared = value.is_empty() || attributes.to_ascii_lowercase().contains("max-age=0");
            if cleared {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let mut text = String::from_utf8_lossy(&body).into_owned();
        for token in [self.csrf_token(), old_token].into_iter().flatten() {
            text = text.replace(&token, "{csrf}");
        }
        Observed {
            label: step.label(),
            status: parts.status.as_u16(),
            headers,
            set_cookies,
            session: session_touched.then(|| self.session_claims()),
            body: text,
        }
    }

    /// The claims of the session token in the jar (whole or in chunks), without `jti`.
    fn session_claims(&self) -> Value {
        let token = match self.cookies.get(SESSION_COOKIE) {
            Some(token) => token.clone(),
            None => {
                let mut chunks = Vec::new();
                while let Some(chunk) = self
                    .cookies
                    .get(&format!("{SESSION_COOKIE}.{}", chunks.len()))
                {
                    chunks.push(chunk.as_str());
                }
                if chunks.is_empty() {
                    return Value::Null;
                }
                chunks.concat()
            }
        };
        let keys = JwtKeys::new(&SecretList::single(SECRET), SESSION_COOKIE);
        match keys.decode(&token, NOW_SECS) {
            Ok(mut claims) => {
                let jti = claims.remove("jti");
                let jti_ok = jti
                    .as_ref()
                    .and_then(Value::as_str)
                    .is_some_and(|j| j.len() == 36);
                claims.insert("jti".into(), Value::Bool(jti_ok));
                Value::from(claims)
            }
            Err(error) => Value::String(format!("undecodable session token: {error:?}")),
        }
    }
}

/// `token` of a CSRF cookie value `token|hash` (64 hex digits each, `|` maybe as `%7C`).
fn csrf_token_of(value: &str) -> Option<String> {
    let (token, hash) = value
        .split_once("%7C")
        .or_else(|| value.split_once("%7c"))
        .or_else(|| value.split_once('|'))?;
    let hex64 = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex64(token) && hex64(hash)).then(|| token.to_owned())
}

/// Runs one scenario with a fresh client.
async fn observe<F: Framework>(framework: &F, scenario: &Scenario) -> Vec<Observed> {
    let mut jar = Jar::default();
    let mut observed = Vec::with_capacity(scenario.steps.len());
    for step in &scenario.steps {
        let response = framework.send(jar.request(step)).await;
        observed.push(jar.absorb(step, response));
    }
    observed
}

/// Runs every scenario, each with a fresh client.
pub async fn observe_all<F: Framework>(framework: &F) -> Vec<(&'static str, Vec<Observed>)> {
    let mut all = Vec::new();
    for scenario in scenarios::all() {
        all.push((scenario.name, observe(framework, &scenario).await));
    }
    all
}

/// A way in which a framework answered differently from the core reference (or the reference
/// from what its scenario states).
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The framework.
    pub framework: &'static str,
    /// The scenario.
    pub scenario: &'static str,
    /// The request (`#index METHOD uri`).
    pub step: String,
    /// What differs.
    pub what: String,
    /// The reference's (or the scenario's) value.
    pub expected: String,
    /// The framework's value.
    pub actual: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} / {}: {}\n    expected: {}\n    actual:   {}",
            self.framework, self.scenario, self.step, self.what, self.expected, self.actual
        )
    }
}

/// Runs every scenario on the core reference and on `framework`, and lists every difference
/// (and every reference answer that is not what its scenario states).
pub async fn check<F: Framework>(framework: &F) -> Vec<Mismatch> {
    let reference = observe_all(&Core::new(auth())).await;
    let actual = observe_all(framework).await;
    let scenarios = scenarios::all();
    let mut mismatches = Vec::new();
    for ((scenario, (name, expected)), (_, actual)) in scenarios.iter().zip(&reference).zip(&actual)
    {
        for (index, step) in scenario.steps.iter().enumerate() {
            let mut push =
                |framework: &'static str, what: &str, expected: String, actual: String| {
                    mismatches.push(Mismatch {
                        framework,
                        scenario: name,
                        step: format!("#{index} {}", step.label()),
                        what: what.to_owned(),
                        expected,
                        actual,
                    });
                };
            let (Some(expected), Some(actual)) = (expected.get(index), actual.get(index)) else {
                push(
                    framework.name(),
                    "missing answer",
                    String::new(),
                    String::new(),
                );
                continue;
            };
            // The reference does what the scenario says.
            if expected.status != step.status {
                push(
                    "core reference",
                    "status",
                    step.status.to_string(),
                    format!("{} {}", expected.status, expected.body),
                );
            }
            if let Some(prefix) = &step.location {
                let location = expected.headers.get("location").and_then(|l| l.first());
                if !location.is_some_and(|l| l.starts_with(prefix.as_str())) {
                    push(
                        "core reference",
                        "Location prefix",
                        prefix.clone(),
                        format!("{location:?}"),
                    );
                }
            }
            if step.refused_by.contains(&framework.name()) {
                if expected.status != actual.status || !(400..500).contains(&actual.status) {
                    push(
                        framework.name(),
                        "status of its own refusal",
                        expected.status.to_string(),
                        actual.status.to_string(),
                    );
                }
                continue;
            }
            compare(expected, actual, &mut |what, e, a| {
                push(framework.name(), what, e, a)
            });
        }
    }
    mismatches
}

/// Compares one answer with the reference's, reporting each difference to `report`.
fn compare(expected: &Observed, actual: &Observed, report: &mut dyn FnMut(&str, String, String)) {
    if expected.status != actual.status {
        report(
            "status",
            expected.status.to_string(),
            actual.status.to_string(),
        );
    }
    let mut names: Vec<&str> = expected.headers.keys().map(String::as_str).collect();
    for always in ["content-type", "location"] {
        if !names.contains(&always) {
            names.push(always);
        }
    }
    for name in names {
        let e = expected.headers.get(name);
        let a = actual.headers.get(name);
        if e != a {
            report(
                &format!("header {name}"),
                format!("{e:?}"),
                format!("{a:?}"),
            );
        }
    }
    if expected.set_cookies != actual.set_cookies {
        report(
            "Set-Cookie",
            format!("{:#?}", expected.set_cookies),
            format!("{:#?}", actual.set_cookies),
        );
    }
    if expected.session != actual.session {
        report(
            "session claims",
            format!("{:?}", expected.session),
            format!("{:?}", actual.session),
        );
    }
    if expected.body != actual.body {
        let at = expected
            .body
            .bytes()
            .zip(actual.body.bytes())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.body.len().min(actual.body.len()));
        let around = |s: &str| {
            let start = s.floor_char_boundary(at.saturating_sub(40));
            let end = s.ceil_char_boundary((at + 80).min(s.len()));
            format!("{} bytes, at {at}: {:?}", s.len(), &s[start..end])
        };
        report("body", around(&expected.body), around(&actual.body));
    }
}

/// The mismatches as a report, for a failing test.
pub fn report(mismatches: &[Mismatch]) -> String {
    mismatches
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
