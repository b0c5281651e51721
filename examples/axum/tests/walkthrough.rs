//! End-to-end tests against the real `example-axum` binary: it is started on a free loopback
//! port, the README's "A walk-through with curl" is run against it as written (with only the
//! base URL changed), and the demo pages are checked with a tiny HTTP/1.1 client.
//!
//! `curl` and `bash` must be installed: the walk-through test fails (it does not skip)
//! without them.

mod support;

use std::{
    fs,
    process::{Command, Stdio},
};

use support::{BROWSER_ACCEPT, Server};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
const README_BASE_URL: &str = "http://127.0.0.1:3000";

/// The bash block under the README's heading "## A walk-through with curl".
fn readme_walkthrough() -> String {
    let readme = fs::read_to_string(README)
        .unwrap_or_else(|e| panic!("cannot read the README at {README}: {e}"));
    let mut lines = readme
        .lines()
        .skip_while(|l| l.trim() != "## A walk-through with curl")
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .skip_while(|l| l.trim() != "```bash")
        .skip(1);
    let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
    assert!(
        !block.is_empty(),
        "no ```bash block under \"## A walk-through with curl\" in {README}"
    );
    let script = block.join("\n");
    assert!(
        script.contains(README_BASE_URL),
        "the walk-through no longer uses {README_BASE_URL}:\n{script}"
    );
    script
}

/// Fails (never skips) when a tool the walk-through needs is missing.
fn require_tool(tool: &str) {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "`{tool}` is required by the README walk-through test but was not found on PATH \
         (on Debian: apt-get install {tool})"
    );
}

/// The header lines and the body of one `curl -i` answer.
fn split_answer(answer: &str) -> (&str, &str) {
    answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in:\n{answer}"))
}

fn header_values<'a>(head: &'a str, name: &str) -> Vec<&'a str> {
    head.split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

#[test]
fn readme_curl_walkthrough_runs_against_the_example() {
    require_tool("curl");
    require_tool("bash");
    let server = Server::start("walkthrough");
    let base = server.base_url();
    let script = readme_walkthrough().replace(README_BASE_URL, &base);

    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .env("TMPDIR", &server.dir)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the walk-through failed ({}):\nstdout:\n{stdout}\nstderr:\n{}\nserver log:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        server.log()
    );

    // The output: the sign-in answer (`-i`), the session JSON, the sign-out answer (`-i`), and
    // the session JSON again.
    assert!(stdout.starts_with("HTTP/1.1 "), "{stdout}");
    let sign_out_at = stdout[1..]
        .find("HTTP/1.1 ")
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no sign-out answer in:\n{stdout}"));
    let (sign_in, after_sign_in) = stdout.split_at(sign_out_at);

    let (head, session) = split_answer(sign_in);
    assert!(head.starts_with("HTTP/1.1 302"), "sign-in: {head}");
    assert_eq!(
        header_values(head, "location"),
        [format!("{base}/protected")],
        "sign-in: {head}"
    );
    let session_cookies: Vec<&str> = header_values(head, "set-cookie")
        .into_iter()
        .filter(|c| c.starts_with("authjs.session-token="))
        .collect();
    assert_eq!(session_cookies.len(), 1, "sign-in: {head}");
    assert!(
        !session_cookies[0].starts_with("authjs.session-token=;"),
        "the sign-in sets a non-empty session: {head}"
    );
    assert!(session.contains("\"name\":\"Alice\""), "session: {session}");
    assert!(
        session.contains("\"email\":\"alice@example.com\""),
        "session: {session}"
    );
    assert!(session.contains("\"expires\":\""), "session: {session}");

    let (head, rest) = split_answer(after_sign_in);
    assert!(head.starts_with("HTTP/1.1 302"), "sign-out: {head}");
    assert!(
        header_values(head, "set-cookie")
            .iter()
            .any(|c| c.starts_with("authjs.session-token=; Max-Age=0")),
        "the sign-out clears the session cookie: {head}"
    );
    assert_eq!(rest.trim(), "null", "after sign-out: {rest:?}");
    assert_eq!(stdout.lines().last(), Some("null"), "{stdout}");
}

#[test]
fn example_pages_follow_the_session() {
    let server = Server::start("pages");
    let base = server.base_url();

    let home = server.request("GET", "/", &[("Accept", BROWSER_ACCEPT)], "");
    assert_eq!(home.status, 200, "{home:?}");
    assert!(home.body.contains("not signed in"), "{}", home.body);

    // A browser without a session is sent to sign in, and comes back to the page it asked for.
    let protected = server.request(
        "GET",
        "/protected?from=test",
        &[("Accept", BROWSER_ACCEPT)],
        "",
    );
    assert_eq!(protected.status, 303, "{protected:?}");
    let expected = format!(
        "{base}/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A{}%2Fprotected%3Ffrom%3Dtest",
        server.port
    );
    assert_eq!(protected.header("location"), Some(expected.as_str()));
    assert!(!protected.body.contains("Only signed-in users"));
    // An API caller gets 401.
    let api = server.request("GET", "/protected", &[("Accept", "application/json")], "");
    assert_eq!(api.status, 401, "{api:?}");
    assert_eq!(api.body, r#"{"error":"Unauthorized"}"#);

    // Sign in: the CSRF token and cookie, then the credentials form.
    let csrf = server.request("GET", "/auth/csrf", &[], "");
    assert_eq!(csrf.status, 200, "{csrf:?}");
    let token = csrf
        .body
        .split("\"csrfToken\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no csrfToken in {}", csrf.body))
        .to_owned();
    let cookies = csrf.cookie_pairs().join("; ");
    assert!(cookies.contains("authjs.csrf-token="), "{csrf:?}");
    let form =
        format!("csrfToken={token}&username=alice&password=wonderland&callbackUrl=%2Fprotected");
    let sign_in = server.request(
        "POST",
        "/auth/callback/credentials",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookies),
        ],
        &form,
    );
    assert_eq!(sign_in.status, 302, "{sign_in:?}");
    assert_eq!(
        sign_in.header("location"),
        Some(format!("{base}/protected").as_str())
    );
    let session = sign_in
        .cookie_pairs()
        .into_iter()
        .find(|c| c.starts_with("authjs.session-token="))
        .unwrap_or_else(|| panic!("no session cookie in {sign_in:?}"));

    let protected = server.request(
        "GET",
        "/protected",
        &[("Accept", BROWSER_ACCEPT), ("Cookie", &session)],
        "",
    );
    assert_eq!(protected.status, 200, "{protected:?}");
    assert!(
        protected
            .body
            .contains("Only signed-in users see this, Alice."),
        "{}",
        protected.body
    );

    let home = server.request("GET", "/", &[("Cookie", &session)], "");
    assert_eq!(home.status, 200);
    assert!(!home.body.contains("not signed in"), "{}", home.body);
    assert!(home.body.contains("alice@example.com"), "{}", home.body);

    // A wrong password is not a session.
    let wrong = server.request(
        "POST",
        "/auth/callback/credentials",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookies),
        ],
        &format!("csrfToken={token}&username=alice&password=nope"),
    );
    assert_eq!(wrong.status, 302, "{wrong:?}");
    assert_eq!(
        wrong.header("location"),
        Some(format!("{base}/auth/signin?error=CredentialsSignin&code=credentials").as_str())
    );
    assert!(
        wrong
            .cookie_pairs()
            .iter()
            .all(|c| !c.starts_with("authjs.session-token"))
    );
}
