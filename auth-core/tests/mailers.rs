//! The six HTTP email services of Auth.js (`resend`, `sendgrid`, `postmark`, `mailgun`,
//! `loops`, `forwardemail`) through `Auth::handle`, each pointed at a recording HTTP server on
//! 127.0.0.1: the request each sends (URL, method, headers, body) is Auth.js's, the key comes
//! from `AUTH_<ID>_KEY` when none is configured, and a refusal (4xx/5xx) fails the sign-in as
//! Auth.js's does (`/auth/error?error=Configuration`).

mod common;

use std::sync::{Arc, Mutex};

use auth_core::{
    AuthConfig, ConfigError,
    adapter::MemoryAdapter,
    clock::FixedClock,
    mail::{HttpMailer, MailgunRegion},
    oauth::ReqwestClient,
    providers::EmailProvider,
};
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
};
use base64::Engine as _;
use common::{Client, ORIGIN, SECRET};
use serde_json::{Value, json};

const NOW: i64 = 1_795_765_449_000;

/// One request the service received.
#[derive(Debug, Clone)]
struct Recorded {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }
}

#[derive(Clone, Default)]
struct Service {
    requests: Arc<Mutex<Vec<Recorded>>>,
    /// The answer's status (200 unless set).
    status: Arc<Mutex<Option<StatusCode>>>,
}

impl Service {
    /// Starts the recorder on a free loopback port; returns it and its base URL.
    async fn start() -> (Self, String) {
        let service = Self::default();
        let app = Router::new().fallback(record).with_state(service.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
        (service, base)
    }

    fn fail_with(&self, status: StatusCode) {
        *self.status.lock().expect("lock") = Some(status);
    }

    fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.requests.lock().expect("lock"))
    }
}

async fn record(
    State(service): State<Service>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    service.requests.lock().expect("lock").push(Recorded {
        method,
        uri,
        headers,
        body: body.to_vec(),
    });
    match *service.status.lock().expect("lock") {
        Some(status) => (
            status,
            r#"{"statusCode":422,"message":"The domain is not verified"}"#.to_owned(),
        ),
        None => (StatusCode::OK, r#"{"id":"sent-1"}"#.to_owned()),
    }
}

fn config(adapter: &MemoryAdapter, provider: EmailProvider) -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(adapter.clone())
        .clock(FixedClock(NOW))
        .http_client(ReqwestClient::new().expect("client"))
        .provider(provider)
}

/// Requests a link for `email` at provider `id`; returns the answer.
async fn request_link(c: &mut Client, id: &str, email: &str) -> common::TestResponse {
    let csrf = c.csrf().await;
    c.post_form(
        &format!("/auth/signin/{id}"),
        &[
            ("csrfToken", &csrf),
            ("email", email),
            ("callbackUrl", "/after"),
        ],
    )
    .await
}

/// Signs in through `provider` once and returns the one request the service received, after
/// checking that the browser lands on the verify-request page.
async fn send_one(service: &Service, provider: EmailProvider) -> Recorded {
    let id = provider.provider_id().to_owned();
    let adapter = MemoryAdapter::default();
    let mut c = Client::new(config(&adapter, provider).build().expect("config"));
    let r = request_link(&mut c, &id, "Bob@Example.com").await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/verify-request?provider={id}&type=email").as_str()),
        "{id}: {r:?}"
    );
    let mut requests = service.take();
    assert_eq!(requests.len(), 1, "{id}: one request");
    let request = requests.remove(0);
    assert_eq!(request.method, Method::POST, "{id}");
    request
}

/// The magic link inside a message text (`Sign in to <host>\n<url>\n\n`).
fn link_in(text: &str) -> &str {
    text.lines().nth(1).expect("the link line")
}

fn assert_link(link: &str, id: &str) {
    assert!(
        link.starts_with(&format!(
            "{ORIGIN}/auth/callback/{id}?callbackUrl=http%3A%2F%2F127.0.0.1%3A3100%2Fafter&token="
        )) && link.ends_with("&email=bob%40example.com"),
        "{link}"
    );
}

fn basic(user_colon_password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user_colon_password)
    )
}

const SUBJECT: &str = "Sign in to 127.0.0.1:3100";

#[tokio::test]
async fn resend_posts_json_with_a_bearer_key() {
    let (service, base) = Service::start().await;
    let provider = EmailProvider::http(
        HttpMailer::resend()
            .api_key("re_key")
            .endpoint(format!("{base}/emails")),
    );
    assert_eq!(provider.provider_id(), "resend");
    let r = send_one(&service, provider).await;
    assert_eq!(r.uri.path(), "/emails");
    assert_eq!(r.header("authorization"), Some("Bearer re_key"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    assert_eq!(body["from"], "Auth.js <no-reply@authjs.dev>");
    assert_eq!(body["to"], "bob@example.com");
    assert_eq!(body["subject"], SUBJECT);
    let text = body["text"].as_str().expect("text");
    assert!(text.starts_with(&format!("{SUBJECT}\n")) && text.ends_with("\n\n"));
    assert_link(link_in(text), "resend");
    let html = body["html"].as_str().expect("html");
    assert!(html.contains("Sign in to <strong>127&#8203;.0&#8203;.0&#8203;.1:3100</strong>"));
    let keys: Vec<&String> = body.as_object().expect("object").keys().collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
}

#[tokio::test]
async fn sendgrid_posts_personalizations_and_content() {
    let (service, base) = Service::start().await;
    let provider = EmailProvider::http(
        HttpMailer::sendgrid()
            .api_key("SG.key")
            .endpoint(format!("{base}/v3/mail/send")),
    )
    .from("login@example.com");
    let r = send_one(&service, provider).await;
    assert_eq!(r.uri.path(), "/v3/mail/send");
    assert_eq!(r.header("authorization"), Some("Bearer SG.key"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    assert_eq!(
        body["personalizations"],
        json!([{ "to": [{ "email": "bob@example.com" }] }])
    );
    assert_eq!(body["from"], json!({ "email": "login@example.com" }));
    assert_eq!(body["subject"], SUBJECT);
    assert_eq!(body["content"][0]["type"], "text/plain");
    assert_link(
        link_in(body["content"][0]["value"].as_str().expect("text")),
        "sendgrid",
    );
    assert_eq!(body["content"][1]["type"], "text/html");
    assert!(
        body["content"][1]["value"]
            .as_str()
            .is_some_and(|h| h.starts_with("<body"))
    );
}

#[tokio::test]
async fn postmark_posts_with_its_server_token() {
    let (service, base) = Service::start().await;
    let provider = EmailProvider::http(
        HttpMailer::postmark()
            .api_key("pm-token")
            .endpoint(format!("{base}/email")),
    );
    let r = send_one(&service, provider).await;
    assert_eq!(r.uri.path(), "/email");
    assert_eq!(r.header("x-postmark-server-token"), Some("pm-token"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("authorization"), None);
    let body = r.json();
    assert_eq!(body["From"], "Auth.js <no-reply@authjs.dev>");
    assert_eq!(body["To"], "bob@example.com");
    assert_eq!(body["Subject"], SUBJECT);
    assert_eq!(body["MessageStream"], "outbound");
    assert_link(
        link_in(body["TextBody"].as_str().expect("text")),
        "postmark",
    );
    assert!(
        body["HtmlBody"]
            .as_str()
            .is_some_and(|h| h.contains("Sign in"))
    );
}

#[tokio::test]
async fn mailgun_posts_a_multipart_form_to_the_senders_domain() {
    let (service, base) = Service::start().await;
    let provider = EmailProvider::http(
        HttpMailer::mailgun()
            .api_key("key-123")
            .region(MailgunRegion::Eu)
            .endpoint(format!("{base}/v3/{{domain}}/messages")),
    )
    .from("login@mg.example.com")
    .name("My App");
    let r = send_one(&service, provider).await;
    assert_eq!(r.uri.path(), "/v3/mg.example.com/messages");
    assert_eq!(
        r.header("authorization"),
        Some(basic("api:key-123").as_str())
    );
    let content_type = r.header("content-type").expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let body = r.text();
    let fields: Vec<(String, String)> = body
        .split(&format!("--{boundary}"))
        .filter_map(|part| {
            let part = part.strip_prefix("\r\n")?;
            let (head, value) = part.split_once("\r\n\r\n")?;
            let name = head.split("name=\"").nth(1)?.split('"').next()?;
            Some((name.to_owned(), value.trim_end_matches("\r\n").to_owned()))
        })
        .collect();
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["from", "to", "subject", "html", "text"]);
    assert_eq!(fields[0].1, "My App <login@mg.example.com>");
    assert_eq!(fields[1].1, "bob@example.com");
    assert_eq!(fields[2].1, SUBJECT);
    assert_link(link_in(&fields[4].1), "mailgun");
    assert!(body.ends_with(&format!("--{boundary}--\r\n")));
}

#[tokio::test]
async fn loops_posts_the_template_and_the_link() {
    let (service, base) = Service::start().await;
    let provider = EmailProvider::http(
        HttpMailer::loops("tmpl-42")
            .api_key("loops-key")
            .endpoint(format!("{base}/api/v1/transactional")),
    );
    let r = send_one(&service, provider).await;
    assert_eq!(r.uri.path(), "/api/v1/transactional");
    assert_eq!(r.header("authorization"), Some("Bearer loops-key"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    assert_eq!(body["transactionalId"], "tmpl-42");
    assert_eq!(body["email"], "bob@example.com");
    assert_link(body["dataVariables"]["url"].as_str().expect("url"), "loops");
    assert_eq!(body.as_object().map(|o| o.len()), Some(3), "{body}");
}

#[tokio::test]
async fn forwardemail_posts_json_with_the_key_as_basic_user() {
    let (service, base) = Service::start().await;
    let provider = EmailProvider::http(
        HttpMailer::forwardemail()
            .api_key("fe-key")
            .endpoint(format!("{base}/v1/emails")),
    );
    assert_eq!(provider.provider_id(), "forwardemail");
    let r = send_one(&service, provider).await;
    assert_eq!(r.uri.path(), "/v1/emails");
    assert_eq!(r.header("authorization"), Some(basic("fe-key:").as_str()));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    assert_eq!(body["from"], "Auth.js <no-reply@authjs.dev>");
    assert_eq!(body["to"], "bob@example.com");
    assert_eq!(body["subject"], SUBJECT);
    assert_link(
        link_in(body["text"].as_str().expect("text")),
        "forwardemail",
    );
}

#[tokio::test]
async fn the_key_comes_from_auth_id_key_unless_configured() {
    let (service, base) = Service::start().await;
    let env = |name: &str| match name {
        "AUTH_RESEND_KEY" => Some("from-env".to_owned()),
        "AUTH_MY_MAIL_KEY" => Some("renamed-env".to_owned()),
        _ => None,
    };
    let recorded = || EmailProvider::http(HttpMailer::resend().endpoint(format!("{base}/emails")));
    for (provider, id, expected) in [
        (recorded(), "resend", "Bearer from-env"),
        (
            recorded().api_key("configured"),
            "resend",
            "Bearer configured",
        ),
        (recorded().id("my-mail"), "my-mail", "Bearer renamed-env"),
    ] {
        let adapter = MemoryAdapter::default();
        let auth = config(&adapter, provider)
            .env_defaults_from(env)
            .build()
            .expect("config");
        let mut c = Client::new(auth);
        let r = request_link(&mut c, id, "bob@example.com").await;
        assert!(
            r.location().is_some_and(|l| l.contains("/verify-request")),
            "{r:?}"
        );
        let requests = service.take();
        assert_eq!(requests[0].header("authorization"), Some(expected), "{id}");
    }

    // No key anywhere: build() says which variable to set.
    let adapter = MemoryAdapter::default();
    let err = config(&adapter, EmailProvider::postmark())
        .env_defaults_from(|_| None)
        .build()
        .expect_err("no key");
    assert_eq!(
        err,
        ConfigError::InvalidProvider(
            "postmark".into(),
            "Postmark needs an API key (set AUTH_POSTMARK_KEY)".into()
        )
    );
    assert!(err.to_string().contains("AUTH_POSTMARK_KEY"), "{err}");
}

#[tokio::test]
async fn a_refusal_fails_the_sign_in_as_in_auth_js() {
    let (service, base) = Service::start().await;
    let services: Vec<HttpMailer> = vec![
        HttpMailer::resend(),
        HttpMailer::sendgrid(),
        HttpMailer::postmark(),
        HttpMailer::mailgun().from("a@mg.example.com"),
        HttpMailer::loops("t"),
        HttpMailer::forwardemail(),
    ];
    for (mailer, status) in services.into_iter().zip([
        StatusCode::UNPROCESSABLE_ENTITY,
        StatusCode::UNAUTHORIZED,
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::FORBIDDEN,
        StatusCode::BAD_REQUEST,
        StatusCode::SERVICE_UNAVAILABLE,
    ]) {
        service.fail_with(status);
        let id = mailer.service().id();
        let endpoint = format!("{base}/{id}");
        let provider = EmailProvider::http(mailer.api_key("k").endpoint(endpoint));
        let adapter = MemoryAdapter::default();
        let mut c = Client::new(config(&adapter, provider).build().expect("config"));
        let r = request_link(&mut c, id, "bob@example.com").await;
        assert_eq!(r.status, StatusCode::FOUND, "{id}");
        assert_eq!(
            r.location(),
            Some(format!("{ORIGIN}/auth/error?error=Configuration").as_str()),
            "{id} answering {status}"
        );
        assert_eq!(service.take().len(), 1, "{id}: one attempt");
    }
}
