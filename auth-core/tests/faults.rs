//! Faults with real parts (issue 12, item 9): a real PostgreSQL stopped in the middle of OAuth
//! and email sign-ins, a real SMTP server that is gone, and an identity provider that answers
//! too slowly. Each sign-in ends with the Auth.js error page, leaves no half-written rows (the
//! tables are read after the restart), and the next attempt after recovery succeeds.
//!
//! The PostgreSQL is a server of its own that these tests stop and restart (`cargo xtask ci`
//! starts it next to the shared one and sets `AUTH_TEST_FAULT_POSTGRES_{URL,DATA,SOCKET,BIN,
//! USER}`); nextest runs this binary's tests one at a time (`.config/nextest.toml`, group
//! `fault-postgres`), and a lock does the same under `cargo test`. Without the variables the
//! tests fail (they never skip).

mod common;

use std::{
    collections::HashMap,
    process::Command,
    str::FromStr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use auth_core::{
    AuthConfig, SessionStrategy,
    adapter::{Adapter, PostgresAdapter},
    mail::{Mailer, SendFuture, SmtpMailer, VerificationMessage},
    oauth::ReqwestClient,
    providers::{Checks, EmailProvider, OAuthProvider},
};
use common::{
    Client, ORIGIN, SECRET, TestResponse,
    idp::{CLIENT_ID, CLIENT_SECRET, Idp, come_back, full_sign_in, start},
};
use http::StatusCode;
use sqlx::{
    Connection, PgConnection,
    postgres::{PgConnectOptions, PgPoolOptions},
};

/// One test at a time may stop the server.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How soon a request must fail when the database is down: sqlx retries a refused
/// connection until the pool's acquire timeout (5 s in `PostgresAdapter::connect`; sqlx's
/// default of 30 s before), then the error page comes.
const DOWN_BOUND: Duration = Duration::from_secs(7);

/// The fault tests' own PostgreSQL, with what it takes to stop and start it.
struct FaultPostgres {
    url: String,
    data: String,
    socket: String,
    bin: String,
    user: String,
}

impl FaultPostgres {
    fn from_env() -> Self {
        let get = |name: &str| {
            std::env::var(format!("AUTH_TEST_FAULT_POSTGRES_{name}")).unwrap_or_else(|_| {
                panic!(
                    "AUTH_TEST_FAULT_POSTGRES_{name} is not set: the fault tests stop and restart \
                     a PostgreSQL of their own. Run `cargo xtask ci` or `cargo xtask services`, \
                     which start one and print the variables."
                )
            })
        };
        Self {
            url: get("URL"),
            data: get("DATA"),
            socket: get("SOCKET"),
            bin: get("BIN"),
            user: get("USER"),
        }
    }

    fn port(&self) -> String {
        self.url
            .rsplit_once(':')
            .and_then(|(_, rest)| rest.split('/').next())
            .expect("a port in the URL")
            .to_owned()
    }

    fn pg_ctl(&self) -> Command {
        let pg_ctl = format!("{}/pg_ctl", self.bin);
        if self.user.is_empty() {
            Command::new(pg_ctl)
        } else {
            let mut command = Command::new("runuser");
            command.args(["-u", &self.user, "--", &pg_ctl]);
            command
        }
    }

    fn stop(&self) {
        let status = self
            .pg_ctl()
            .args(["stop", "-D", &self.data, "-m", "fast", "-w", "-t", "30"])
            .status()
            .expect("run pg_ctl stop");
        assert!(status.success(), "pg_ctl stop: {status}");
    }

    fn start(&self) {
        let options = format!(
            "-h 127.0.0.1 -p {} -k {} -c fsync=off -c synchronous_commit=off -c max_connections=300",
            self.port(),
            self.socket
        );
        let log = format!("{}/restarted.log", self.socket);
        let status = self
            .pg_ctl()
            .args([
                "start", "-D", &self.data, "-w", "-t", "60", "-l", &log, "-o", &options,
            ])
            .status()
            .expect("run pg_ctl start");
        assert!(status.success(), "pg_ctl start: {status}");
    }

    /// Starts the server again if a failed test left it stopped.
    fn ensure_running(&self) {
        let ready = Command::new(format!("{}/pg_isready", self.bin))
            .args(["-q", "-h", "127.0.0.1", "-p", &self.port()])
            .status()
            .is_ok_and(|s| s.success());
        if !ready {
            self.start();
        }
    }
}

/// A fresh schema on the fault server and an adapter on it, migrated.
struct Store {
    pg: FaultPostgres,
    adapter: PostgresAdapter,
    schema: String,
}

impl Store {
    async fn new() -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let pg = FaultPostgres::from_env();
        pg.ensure_running();
        let schema = format!(
            "fault_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect(&pg.url).await.expect("connect");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await
            .expect("CREATE SCHEMA");
        // The adapter as an app makes it (its own pool settings), in the fresh schema.
        let url = format!("{}?options=-c%20search_path%3D{schema}", pg.url);
        let adapter = PostgresAdapter::connect(&url).await.expect("connect");
        Self {
            pg,
            adapter,
            schema,
        }
    }

    /// The number of rows in each table of the store.
    async fn rows(&self) -> HashMap<&'static str, i64> {
        let mut conn = PgConnection::connect(&self.pg.url).await.expect("connect");
        let mut out = HashMap::new();
        for table in ["users", "accounts", "sessions", "verification_token"] {
            let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT count(*) FROM {}.{table}",
                self.schema
            )))
            .fetch_one(&mut conn)
            .await
            .expect("count");
            out.insert(table, count);
        }
        out
    }

    async fn assert_empty(&self, when: &str) {
        let rows = self.rows().await;
        assert!(rows.values().all(|n| *n == 0), "{when}: rows left {rows:?}");
    }
}

fn error_page(kind: &str) -> String {
    format!("{ORIGIN}/auth/error?error={kind}")
}

fn oidc(idp: &Idp) -> OAuthProvider {
    OAuthProvider::oidc("idp", "Test IdP")
        .issuer(&idp.issuer)
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .checks(Checks::all())
}

fn has_session_cookie(r: &TestResponse) -> bool {
    r.set_cookies
        .iter()
        .any(|c| c.starts_with("authjs.session-token=") && !c.contains("Max-Age=0"))
}

/// Starts an OIDC sign-in at the fake provider, runs `meanwhile` once the provider has issued
/// the code, then comes back with it: the callback's answer and how long it took.
async fn come_back_after(
    c: &mut Client,
    idp: &Idp,
    meanwhile: impl FnOnce(),
) -> (TestResponse, Duration) {
    let (_, params) = start(c, "idp", "").await;
    let code = idp.authorize(&params);
    meanwhile();
    let state = params.get("state").cloned().unwrap_or_default();
    let started = Instant::now();
    let r = come_back(
        c,
        "idp",
        &[("code", &code), ("state", &state), ("iss", &idp.issuer)],
    )
    .await;
    (r, started.elapsed())
}

#[tokio::test]
async fn postgres_stopped_between_the_authorization_redirect_and_the_callback() {
    let _serial = SERIAL.lock().await;
    let store = Store::new().await;
    let idp = Idp::start().await;
    let auth = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(store.adapter.clone())
        .session_strategy(SessionStrategy::Database)
        .provider(oidc(&idp))
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    let (r, took) = come_back_after(&mut c, &idp, || store.pg.stop()).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.location(), Some(error_page("Configuration").as_str()));
    assert!(!has_session_cookie(&r));
    assert!(took < DOWN_BOUND, "took {took:?}");
    store.pg.start();

    store.assert_empty("after the failed callback").await;
    // The next sign-in after the restart succeeds and writes one user, account and session.
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    assert!(has_session_cookie(&r));
    let rows = store.rows().await;
    assert_eq!(
        (rows["users"], rows["accounts"], rows["sessions"]),
        (1, 1, 1),
        "{rows:?}"
    );
    let session = c.get("/auth/session").await.json();
    assert_eq!(session["user"]["email"], "octo@example.com");
}

/// Captures the last message and can stop PostgreSQL while "sending" it.
#[derive(Clone)]
struct Outbox {
    sent: Arc<Mutex<Vec<VerificationMessage>>>,
    stop_while_sending: Option<Arc<FaultPostgres>>,
}

impl Outbox {
    fn new(stop_while_sending: Option<Arc<FaultPostgres>>) -> Self {
        Self {
            sent: Arc::default(),
            stop_while_sending,
        }
    }

    fn last_link(&self) -> String {
        let sent = self.sent.lock().expect("lock");
        sent.last().expect("a message").url.clone()
    }
}

impl Mailer for Outbox {
    fn send<'a>(&'a self, message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async move {
            if let Some(pg) = &self.stop_while_sending {
                pg.stop();
            }
            self.sent.lock().expect("lock").push(message.clone());
            Ok(())
        })
    }
}

fn email_app(store: &Store, mailer: impl Mailer) -> auth_core::Auth {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(store.adapter.clone())
        .provider(EmailProvider::new(mailer))
        .build()
        .expect("config")
}

async fn request_link(c: &mut Client, email: &str) -> TestResponse {
    let csrf = c.csrf().await;
    c.post_form(
        "/auth/signin/email",
        &[
            ("csrfToken", &csrf),
            ("email", email),
            ("callbackUrl", "/after"),
        ],
    )
    .await
}

fn verify_request() -> String {
    format!("{ORIGIN}/auth/verify-request?provider=email&type=email")
}

#[tokio::test]
async fn postgres_stopped_between_the_link_and_the_click() {
    let _serial = SERIAL.lock().await;
    let store = Store::new().await;
    let outbox = Outbox::new(None);
    let mut c = Client::new(email_app(&store, outbox.clone()));

    // The database is down when the link is asked for: nothing is written, nothing sent.
    store.pg.stop();
    let r = request_link(&mut c, "bob@example.com").await;
    assert_eq!(r.location(), Some(error_page("Configuration").as_str()));
    assert!(outbox.sent.lock().expect("lock").is_empty());
    store.pg.start();
    store
        .assert_empty("after a request with the database down")
        .await;

    // The next request succeeds; then the database stops before the click.
    let r = request_link(&mut c, "bob@example.com").await;
    assert_eq!(r.location(), Some(verify_request().as_str()));
    let rows = store.rows().await;
    assert_eq!(rows["verification_token"], 1, "{rows:?}");
    let link = outbox.last_link();
    let path = link.strip_prefix(ORIGIN).expect("a link to the origin");
    store.pg.stop();
    let r = c.get(path).await;
    assert_eq!(r.location(), Some(error_page("Configuration").as_str()));
    assert!(!has_session_cookie(&r));
    store.pg.start();

    // Nothing was half-written, and the unused link still works once.
    let rows = store.rows().await;
    assert_eq!(
        (rows["users"], rows["sessions"], rows["verification_token"]),
        (0, 0, 1),
        "{rows:?}"
    );
    let r = c.get(path).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    assert!(has_session_cookie(&r));
    let rows = store.rows().await;
    assert_eq!(
        (rows["users"], rows["sessions"], rows["verification_token"]),
        (1, 1, 0),
        "{rows:?}"
    );
    let r = c.get(path).await;
    assert_eq!(r.location(), Some(error_page("Verification").as_str()));
}

#[tokio::test]
async fn postgres_stopped_while_the_link_is_sent() {
    let _serial = SERIAL.lock().await;
    let store = Store::new().await;
    let outbox = Outbox::new(Some(Arc::new(FaultPostgres::from_env())));
    let mut c = Client::new(email_app(&store, outbox.clone()));
    // The token row is written before the send, so a send that goes out while the database
    // stops leaves a complete row behind and the link works after the restart.
    let r = request_link(&mut c, "carol@example.com").await;
    assert_eq!(r.location(), Some(verify_request().as_str()));
    let path = outbox.last_link();
    let path = path.strip_prefix(ORIGIN).expect("own link").to_owned();
    // While the database is down, the click fails and consumes nothing.
    let r = c.get(&path).await;
    assert_eq!(r.location(), Some(error_page("Configuration").as_str()));
    store.pg.start();
    let rows = store.rows().await;
    assert_eq!(
        (rows["users"], rows["sessions"], rows["verification_token"]),
        (0, 0, 1),
        "{rows:?}"
    );
    let r = c.get(&path).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    let session = c.get("/auth/session").await.json();
    assert_eq!(session["user"]["email"], "carol@example.com");
}

/// Collects what the `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

/// A port that accepts connections and drops each at once (an SMTP server dying).
async fn dropping_server() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            drop(stream);
        }
    });
    port
}

/// A port nothing listens on.
fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

#[tokio::test]
async fn a_dead_smtp_server_fails_the_sign_in_leaves_no_token_and_logs_an_error() {
    let _serial = SERIAL.lock().await;
    let store = Store::new().await;
    let smtp = std::env::var("AUTH_TEST_SMTP_URL")
        .expect("AUTH_TEST_SMTP_URL is not set: run `cargo xtask ci` or `cargo xtask services`");
    for (what, port) in [
        ("refused", refused_port()),
        ("dropped", dropping_server().await),
    ] {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let mailer = SmtpMailer::new(&format!("smtp://127.0.0.1:{port}"), "auth@example.test")
            .expect("mailer");
        let mut c = Client::new(email_app(&store, mailer));
        let started = Instant::now();
        let r = request_link(&mut c, "dave@example.com").await;
        let took = started.elapsed();
        // Auth.js throws the mailer's error as is: `error=Configuration` (EmailSignInError is
        // never thrown by Auth.js's core).
        assert_eq!(
            r.location(),
            Some(error_page("Configuration").as_str()),
            "{what}"
        );
        assert!(took < Duration::from_secs(16), "{what}: took {took:?}");
        store.assert_empty(what).await;
        let text = logs.text();
        assert!(
            text.lines()
                .any(|l| l.contains("ERROR") && l.to_lowercase().contains("mail")),
            "{what}: an error-level line about the mail:\n{text}"
        );
    }
    // With the SMTP server back, the next request succeeds.
    let mailer = SmtpMailer::new(&smtp, "auth@example.test").expect("mailer");
    let mut c = Client::new(email_app(&store, mailer));
    let r = request_link(&mut c, "dave@example.com").await;
    assert_eq!(r.location(), Some(verify_request().as_str()));
    assert_eq!(store.rows().await["verification_token"], 1);
}

#[tokio::test]
async fn a_slow_identity_provider_is_cut_off_by_the_client_timeout() {
    let _serial = SERIAL.lock().await;
    let store = Store::new().await;
    let idp = Idp::start().await;
    let timeout = Duration::from_secs(2);
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let auth = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(store.adapter.clone())
        .session_strategy(SessionStrategy::Database)
        .provider(oidc(&idp))
        .http_client(ReqwestClient::from_client(client))
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    // Discovery is fetched before the token request slows down.
    let (r, took) = come_back_after(&mut c, &idp, || idp.set_delay(Duration::from_secs(30))).await;
    assert!(
        took >= timeout && took < timeout + Duration::from_secs(3),
        "the answer came after {took:?}, the timeout is {timeout:?}"
    );
    assert_eq!(r.location(), Some(error_page("Configuration").as_str()));
    assert!(!has_session_cookie(&r));
    store.assert_empty("after the timeout").await;

    idp.set_delay(Duration::ZERO);
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    assert_eq!(store.rows().await["sessions"], 1);
}

#[tokio::test]
async fn the_default_client_timeout_bounds_a_provider_that_never_answers() {
    // No database: the bound of the default client (15 s) alone.
    let idp = Idp::start().await;
    let auth = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(oidc(&idp))
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    let (r, took) = come_back_after(&mut c, &idp, || idp.set_delay(Duration::from_secs(60))).await;
    assert!(
        took >= Duration::from_secs(14) && took < Duration::from_secs(20),
        "{took:?}"
    );
    assert_eq!(r.location(), Some(error_page("Configuration").as_str()));
}

#[tokio::test]
async fn two_instances_on_one_postgres_share_sessions_and_the_link_limit() {
    let _serial = SERIAL.lock().await;
    let store = Store::new().await;
    // Two `Auth`s with stores of their own (separate pools) over the same schema, as two
    // servers on one database would be.
    let other = {
        let options = PgConnectOptions::from_str(&store.pg.url)
            .expect("url")
            .options([("search_path", store.schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .expect("pool");
        PostgresAdapter::from_pool(pool)
    };
    let outbox = Outbox::new(None);
    let app = |adapter: PostgresAdapter| {
        AuthConfig::new()
            .secret(SECRET)
            .trust_host(true)
            .adapter(adapter)
            .provider(EmailProvider::new(outbox.clone()))
            .build()
            .expect("config")
    };
    let (a, b) = (app(store.adapter.clone()), app(other.clone()));

    // A session made through A is read through B; signing out through B ends it for A.
    let mut through_a = Client::new(a.clone());
    let r = request_link(&mut through_a, "erin@example.com").await;
    assert_eq!(r.location(), Some(verify_request().as_str()));
    let link = outbox.last_link();
    let r = through_a.get(link.strip_prefix(ORIGIN).expect("own")).await;
    assert!(has_session_cookie(&r));
    let mut through_b = Client::new(b.clone());
    through_b.jar = through_a.jar.clone();
    let session = through_b.get("/auth/session").await.json();
    assert_eq!(session["user"]["email"], "erin@example.com");
    let csrf = through_b.csrf().await;
    let r = through_b
        .post_form("/auth/signout", &[("csrfToken", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert!(
        other
            .get_session_and_user(&session_token(&through_a))
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(
        through_a.get("/auth/session").await.body,
        "null",
        "signed out through B, so A has no session"
    );

    // The link limit (5 per address and window) counts both together.
    let mut answers = Vec::new();
    for i in 0..6 {
        let mut c = Client::new(if i % 2 == 0 { a.clone() } else { b.clone() });
        let r = request_link(&mut c, "frank@example.com").await;
        answers.push(r.location().unwrap_or_default().to_owned());
    }
    let over = format!("{ORIGIN}/auth/signin?error=EmailSignin");
    assert_eq!(
        answers,
        [
            verify_request(),
            verify_request(),
            verify_request(),
            verify_request(),
            verify_request(),
            over
        ]
    );
}

fn session_token(c: &Client) -> String {
    c.jar
        .get("authjs.session-token")
        .cloned()
        .expect("a session cookie")
}
