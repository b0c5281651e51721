//! The demo app every framework example serves, from one configuration (DESIGN.md, "The
//! examples' contract"): routes under `/auth`, the `credentials` demo accounts, a home page
//! showing the session, a protected page, the admins' page (`/admin`, through a route gate) and
//! `POST /logout` (signing out through the framework crate's server-side helper).

use auth_core::{
    Auth, AuthConfig, Result, Session, SessionStrategy, SignInOptions, Token, User,
    adapter::{PostgresAdapter, SqliteAdapter},
    async_trait,
    callbacks::{Callbacks, JwtParams, JwtTrigger},
    gate::Gate,
    mail::{OutboxMailer, SmtpMailer},
    oauth::{ClientAuth, ClientKey},
    providers::{
        Checks, CredentialInput, CredentialsProvider, EmailProvider, OAuthProvider,
        WebAuthnProvider, env_prefix, presets,
    },
    secret::constant_time_eq,
};

pub mod front;
pub mod slow_client;

/// The SQLite file used when `DATABASE_URL` is unset (created next to the working directory).
pub const DEFAULT_DATABASE_URL: &str = "sqlite:auth-demo.db";

/// The secret used when `AUTH_SECRET` is unset. Development only: anyone can read it here.
pub const DEVELOPMENT_SECRET: &str = "development-only-secret-do-not-use-in-production-0123456789";

pub mod serve;
pub mod tenants;
pub use tenants::two_tenants;

/// The connection settings every example applies with its framework's own options, and the
/// ones we recommend in production (README, "Production settings").
pub mod limits {
    use std::time::Duration;

    /// How long a client may take to send a request's head (request line and headers).
    pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// How long a connection may stay open without activity, between or inside requests.
    pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
    /// The longest a connection may live (bounds a body trickled byte by byte where the
    /// framework has no body timeout).
    pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(60);
    /// How long a kept-alive connection waits for its next request.
    pub const KEEP_ALIVE: Duration = Duration::from_secs(5);
    /// Open connections at once (per worker with actix-web).
    pub const MAX_CONNECTIONS: usize = 1024;
}

/// The port the examples listen on: `$PORT`, default 3000.
pub fn port() -> u16 {
    std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000)
}

/// Whether `EXAMPLE_BARE` is set: the example then serves only `GET /` answering [`BARE_BODY`]
/// on the same server setup, without auth: the baseline of `cargo xtask bench http`.
pub fn bare() -> bool {
    std::env::var_os("EXAMPLE_BARE").is_some_and(|v| !v.is_empty())
}

/// The constant body of the bare route ([`bare`]).
pub const BARE_BODY: &str = "ok";

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// The demo configuration, from the environment (`AUTH_SECRET`, `AUTH_URL`, …).
///
/// Without `AUTH_SECRET` it falls back to [`DEVELOPMENT_SECRET`] with a loud warning; without
/// `AUTH_URL` only loopback hosts are served (`localhost`, `127.0.0.1`), which suits a
/// development server; any other `Host` gets `400`.
pub fn config() -> AuthConfig {
    config_from(|name| std::env::var(name).ok())
}

/// The demo app's `Auth`, from the environment: [`config`], plus the store from `DATABASE_URL`
/// (default [`DEFAULT_DATABASE_URL`], a SQLite file created if missing; `postgres://…` for
/// PostgreSQL), the session strategy from `AUTH_SESSION_STRATEGY` (`jwt`, the default, or
/// `database`), how often database sessions are extended from `AUTH_SESSION_UPDATE_AGE`
/// (seconds, default a day) and how old a JWT must be before a read re-issues it from
/// `AUTH_JWT_UPDATE_AGE` (seconds, default zero: every read, as Auth.js).
pub async fn auth() -> std::result::Result<Auth, String> {
    auth_from(|name| std::env::var(name).ok()).await
}

/// [`auth`] with the environment given by `get` (for tests).
pub async fn auth_from(
    get: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> std::result::Result<Auth, String> {
    let get = std::sync::Arc::new(get);
    let strategy = match get("AUTH_SESSION_STRATEGY").as_deref() {
        None | Some("" | "jwt") => SessionStrategy::Jwt,
        Some("database") => SessionStrategy::Database,
        Some(other) => {
            return Err(format!(
                "AUTH_SESSION_STRATEGY must be `jwt` or `database`, not {other:?}"
            ));
        }
    };
    let url = get("DATABASE_URL")
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let env = get.clone();
    let mut config = config_from(move |name| env(name)).session_strategy(strategy);
    if let Some(secs) = seconds(&*get, "AUTH_SESSION_UPDATE_AGE")? {
        config = config.session_update_age(secs);
    }
    if let Some(secs) = seconds(&*get, "AUTH_JWT_UPDATE_AGE")? {
        config = config.jwt_update_age(secs);
    }
    let config = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PostgresAdapter::connect(&url)
            .await
            .map_err(|e| format!("cannot open the PostgreSQL database: {e}"))?;
        config.adapter(store)
    } else {
        let store = SqliteAdapter::connect(&url)
            .await
            .map_err(|e| format!("cannot open the SQLite database {url}: {e}"))?;
        config.adapter(store)
    };
    tracing::info!(database = %redact_url(&url), ?strategy, "demo store and session strategy");
    config.build().map_err(|e| e.to_string())
}

/// The variable `name` as a number of seconds, if set and not empty.
fn seconds(
    get: &dyn Fn(&str) -> Option<String>,
    name: &str,
) -> std::result::Result<Option<std::time::Duration>, String> {
    let Some(value) = get(name).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let secs = value
        .parse()
        .map_err(|_| format!("{name} must be seconds, not {value:?}"))?;
    Ok(Some(std::time::Duration::from_secs(secs)))
}

/// A database URL without its password, for logs.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// [`config`] with the environment given by `get` (for tests).
pub fn config_from(get: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> AuthConfig {
    let mut config = AuthConfig::new()
        .base_path("/auth")
        .provider(credentials())
        .callbacks(DemoCallbacks);
    let set = |name: &str| get(name).is_some_and(|v| !v.is_empty());
    let credential = set("AUTH_OIDC_SECRET") || set("AUTH_OIDC_CLIENT_PRIVATE_KEY");
    if set("AUTH_OIDC_ISSUER") && set("AUTH_OIDC_ID") && credential {
        match oidc_client_auth(&get) {
            Ok(auth) => config = config.provider(oidc().client_auth(auth)),
            Err(error) => tracing::error!(%error, "the oidc provider is off"),
        }
    }
    // Passkeys (`passkey`, name "Passkey") with `AUTH_PASSKEY=1`; like email they need the
    // store that `auth()` adds. The relying party is the public origin (AUTH_URL or Host).
    if matches!(get("AUTH_PASSKEY").as_deref(), Some("1" | "true")) {
        config = config.provider(WebAuthnProvider::passkey());
    }
    match email(&get) {
        Some(Ok(provider)) => config = config.provider(provider),
        Some(Err(error)) => tracing::error!(%error, "the email provider is off"),
        None => {}
    }
    // Every preset whose `AUTH_<ID>_ID` and `AUTH_<ID>_SECRET` are set (plus `_ISSUER` for
    // the ones at a deployer-supplied issuer, and `AUTH_NETSUITE_USERINFO`, the RESTlet NetSuite
    // needs as its userinfo). A preset that derives its issuer from the client id (Descope)
    // needs no `_ISSUER`.
    for preset in presets::all() {
        let prefix = env_prefix(preset.provider_id());
        let Some(client_id) = get(&format!("{prefix}_ID")).filter(|v| !v.is_empty()) else {
            continue;
        };
        let probe = preset.clone().client_id(client_id);
        let needs_issuer = probe.issuer_url().is_none() && probe.authorization_endpoint().is_none();
        if !set(&format!("{prefix}_SECRET")) || (needs_issuer && !set(&format!("{prefix}_ISSUER")))
        {
            continue;
        }
        let preset = if preset.provider_id() == "netsuite" {
            match get("AUTH_NETSUITE_USERINFO").filter(|v| !v.is_empty()) {
                Some(restlet) => preset.userinfo_url(restlet),
                None => {
                    tracing::warn!("netsuite needs AUTH_NETSUITE_USERINFO (its RESTlet URL): off");
                    continue;
                }
            }
        } else {
            preset
        };
        tracing::info!(
            provider = preset.provider_id(),
            "preset enabled from the environment"
        );
        config = config.provider(preset);
    }
    if get("AUTH_SECRET").is_none_or(|s| s.is_empty()) {
        tracing::warn!(
            "\n\n  !!! AUTH_SECRET is not set: using a PUBLIC development secret.\n  !!! Anyone can forge sessions. Run `cargo xtask secret` and set AUTH_SECRET.\n"
        );
        config = config.secret(DEVELOPMENT_SECRET);
    }
    // No host trust is forced on: without AUTH_URL the core serves loopback hosts only
    // (localhost, 127.0.0.0/8, [::1]), which is where the demo runs; deployed, set AUTH_URL.
    config.env_defaults_from(get)
}

/// The long avatar URL of the `chunky` demo user: its session needs several cookies.
pub fn chunky_image() -> String {
    format!("http://127.0.0.1/{}.png", "x".repeat(6000))
}

/// The `email` provider (name "Email"), when `AUTH_EMAIL_SERVER` (an SMTP URL such as
/// `smtp://user:pass@host:587`) and `AUTH_EMAIL_FROM` are set, or `AUTH_EMAIL_OUTBOX` names a
/// development outbox file (one JSON line per link). `AUTH_EMAIL_MAX_AGE` sets the links'
/// lifetime in seconds (default a day).
pub fn email(
    get: impl Fn(&str) -> Option<String>,
) -> Option<std::result::Result<EmailProvider, String>> {
    let value = |name: &str| get(name).filter(|v| !v.is_empty());
    let provider = match (
        value("AUTH_EMAIL_SERVER"),
        value("AUTH_EMAIL_FROM"),
        value("AUTH_EMAIL_OUTBOX"),
    ) {
        (Some(server), Some(from), _) => match SmtpMailer::new(&server, &from) {
            Ok(mailer) => EmailProvider::new(mailer),
            Err(error) => return Some(Err(error.to_string())),
        },
        (_, _, Some(outbox)) => EmailProvider::new(OutboxMailer::new(outbox)),
        _ => return None,
    };
    Some(
        match value("AUTH_EMAIL_MAX_AGE").map(|v| v.parse::<u64>()) {
            None => Ok(provider),
            Some(Ok(seconds)) => Ok(provider.max_age(std::time::Duration::from_secs(seconds))),
            Some(Err(_)) => Err("AUTH_EMAIL_MAX_AGE must be seconds".to_owned()),
        },
    )
}

/// The `oidc` provider (name "Local OIDC"), with PKCE, state and nonce; its issuer, client id
/// and secret come from `AUTH_OIDC_ISSUER`, `AUTH_OIDC_ID` and `AUTH_OIDC_SECRET`.
pub fn oidc() -> OAuthProvider {
    OAuthProvider::oidc("oidc", "Local OIDC").checks(Checks::all())
}

/// How the `oidc` provider authenticates at the token endpoint: `AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD`
/// (`client_secret_basic`, the default, `client_secret_post`, `client_secret_jwt`,
/// `private_key_jwt` or `none`), with `AUTH_OIDC_CLIENT_PRIVATE_KEY` (a PEM or a private JWK,
/// as text) for `private_key_jwt`.
pub fn oidc_client_auth(
    get: impl Fn(&str) -> Option<String>,
) -> std::result::Result<ClientAuth, String> {
    let value = |name: &str| get(name).filter(|v| !v.trim().is_empty());
    let method = value("AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD");
    Ok(match method.as_deref().map(str::trim) {
        None | Some("client_secret_basic") => ClientAuth::SecretBasic,
        Some("client_secret_post") => ClientAuth::SecretPost,
        Some("client_secret_jwt") => ClientAuth::secret_jwt(),
        Some("none") => ClientAuth::None,
        Some("private_key_jwt") => {
            let key = value("AUTH_OIDC_CLIENT_PRIVATE_KEY").ok_or(
                "private_key_jwt needs AUTH_OIDC_CLIENT_PRIVATE_KEY (a PEM or a private JWK)",
            )?;
            let key = if key.trim_start().starts_with('{') {
                ClientKey::from_jwk(&key)
            } else {
                ClientKey::from_pem(&key)
            };
            ClientAuth::private_key_jwt(key.map_err(|e| e.to_string())?)
        }
        Some(other) => {
            return Err(format!(
                "AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD {other:?} is not a client authentication method"
            ));
        }
    })
}

/// The `credentials` provider with the two demo accounts. With database sessions, its
/// sign-ins get database sessions too (an opt-in; Auth.js would give them JWTs).
pub fn credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .id("credentials")
        .database_sessions(true)
        .name("Credentials")
        .field(
            "username",
            CredentialInput::text("Username").placeholder("alice"),
        )
        .field("password", CredentialInput::password("Password"))
        .authorize(|credentials| async move {
            let username = credentials.get("username").unwrap_or_default();
            let password = credentials.get("password").unwrap_or_default();
            let matches = |u: &str, p: &str| {
                constant_time_eq(username.as_bytes(), u.as_bytes())
                    & constant_time_eq(password.as_bytes(), p.as_bytes())
            };
            Ok(if matches("alice", "wonderland") {
                Some(User::new("1").name("Alice").email("alice@example.com"))
            } else if matches("chunky", "chunky-cookie") {
                Some(
                    User::new("2")
                        .name("Chunky")
                        .email("chunky@example.com")
                        .image(chunky_image()),
                )
            } else {
                None
            })
        })
}

/// The `name=value` session cookie of a demo account signed in server-side, as for a request
/// to `host` (`127.0.0.1:3000`): for tests that need a signed-in client.
pub async fn session_cookie(
    auth: &Auth,
    host: &str,
    username: &str,
    password: &str,
) -> std::result::Result<String, String> {
    let headers = auth_core::integration::header_map([("host", host)]);
    let fields = [("username", username), ("password", password)];
    let action = auth
        .sign_in(
            &headers,
            "credentials",
            SignInOptions::with_fields(fields),
            auth_core::NO_PARAMS,
        )
        .await
        .map_err(|error| error.to_string())?;
    action
        .cookies
        .iter()
        .map(|c| c.to_header_value())
        .find(|c| c.starts_with("authjs.session-token="))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .ok_or_else(|| "the sign-in set no session cookie".to_owned())
}

/// The demo callbacks: a string `name` sent with a session update is copied into the token.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoCallbacks;

#[async_trait]
impl Callbacks for DemoCallbacks {
    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        let mut token = params.token;
        if params.trigger == Some(JwtTrigger::Update)
            && let Some(name) = params
                .session
                .and_then(|s| s.get("name"))
                .and_then(|n| n.as_str())
        {
            token.insert("name".into(), name.into());
        }
        Ok(Some(token))
    }
}

fn escape(text: &str) -> String {
    auth_core::escape_html(text)
}

/// The home page: the session, and links to sign in, sign out and the protected page.
pub fn home_page(session: Option<&Session>) -> String {
    let body = match session.and_then(|s| s.user.as_ref()) {
        Some(user) => format!(
            "<p>Signed in as <strong id=\"user-name\">{}</strong> (<span id=\"user-email\">{}</span>).</p>\
             <p><a href=\"/protected\">Protected page</a> · <a href=\"/admin\">Admin page</a></p>\
             <form method=\"post\" action=\"/logout\"><button id=\"sign-out\" type=\"submit\">Sign out</button></form>",
            escape(user.name.as_deref().unwrap_or("")),
            escape(user.email.as_deref().unwrap_or("")),
        ),
        None => "<p id=\"anonymous\">You are not signed in.</p>\
                 <p><a href=\"/auth/signin\">Sign in</a> · <a href=\"/protected\">Protected page</a></p>"
            .to_owned(),
    };
    let json = session
        .and_then(|s| serde_json::to_string_pretty(s).ok())
        .unwrap_or_else(|| "null".into());
    page(
        "Home",
        &format!("{body}<pre id=\"session\">{}</pre>", escape(&json)),
    )
}

/// The protected page (only reached with a session).
pub fn protected_page(session: &Session) -> String {
    let name = session
        .user
        .as_ref()
        .and_then(|u| u.name.as_deref())
        .unwrap_or("");
    page(
        "Protected",
        &format!(
            "<h1>Protected</h1><p id=\"protected\">Only signed-in users see this, {}.</p><p><a href=\"/\">Home</a></p>",
            escape(name)
        ),
    )
}

/// The admins' emails: `ADMIN_EMAILS` (comma-separated), default [`DEFAULT_ADMIN_EMAILS`].
pub fn admin_emails(get: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let list = get("ADMIN_EMAILS")
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_ADMIN_EMAILS.to_owned());
    list.split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .collect()
}

/// The admins when `ADMIN_EMAILS` is unset.
pub const DEFAULT_ADMIN_EMAILS: &str = "alice@example.com";

/// The gate of `/admin`, from the environment ([`admin_emails`]).
pub fn admin_gate(auth: Auth) -> Gate {
    admin_gate_from(auth, |name| std::env::var(name).ok())
}

/// [`admin_gate`] with the environment given by `get` (for tests): signed-in users whose
/// email is an admin's; others are refused (`403` signed in; sign-in or `401` anonymous).
/// The session is kept alive as on `GET /auth/session`.
pub fn admin_gate_from(auth: Auth, get: impl Fn(&str) -> Option<String>) -> Gate {
    let admins = admin_emails(get);
    Gate::new(auth).authorized(move |request| {
        request
            .email()
            .is_some_and(|email| admins.contains(&email.to_ascii_lowercase()))
    })
}

/// The admin page (only reached through [`admin_gate`]).
pub fn admin_page(session: Option<&Session>) -> String {
    let email = session
        .and_then(|s| s.user.as_ref())
        .and_then(|u| u.email.as_deref())
        .unwrap_or("");
    page(
        "Admin",
        &format!(
            "<h1>Admin</h1><p id=\"admin\">Only admins see this, {}.</p><p><a href=\"/\">Home</a></p>",
            escape(email)
        ),
    )
}

/// Where `POST /logout` sends the user once signed out.
pub const AFTER_LOGOUT: &str = "/";

/// `POST /logout`, the home page's sign-out button: a cross-site request is refused (`403`,
/// [`Auth::refuse_cross_site`]: a form on another site cannot sign the user out); else it signs
/// out through [`Auth::sign_out`] and goes to [`AFTER_LOGOUT`] (`303`, the session cookies
/// cleared). Each example hands the answer to its framework crate's `ActionResponse`.
pub async fn logout(auth: &Auth, headers: &http::HeaderMap) -> http::Response<bytes::Bytes> {
    if let Some(refused) = auth.refuse_cross_site(headers) {
        return refused;
    }
    let signed_out = auth.sign_out(headers, Some(AFTER_LOGOUT)).await;
    auth.action_response(headers, signed_out)
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"UTF-8\"><title>{title}</title></head><body>{body}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_the_session() {
        let session: Session = serde_json::from_value(serde_json::json!({
            "user": {"name": "<script>x</script>"}, "expires": "2030-01-01T00:00:00.000Z"
        }))
        .expect("session");
        let html = home_page(Some(&session));
        assert!(!html.contains("<script>x"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(home_page(None).contains("not signed in"));
    }

    #[test]
    fn presets_and_oidc_follow_their_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let ids = |auth: auth_core::Auth| -> Vec<String> {
            auth.provider_ids().map(str::to_owned).collect()
        };
        let auth = config_from(env(&[
            ("AUTH_GITHUB_ID", "gh"),
            ("AUTH_GITHUB_SECRET", "ghs"),
            ("AUTH_GOOGLE_ID", "g"),
            ("AUTH_GOOGLE_SECRET", "gs"),
            ("AUTH_KEYCLOAK_ID", "k"),
            ("AUTH_KEYCLOAK_SECRET", "ks"),
            ("AUTH_OIDC_ISSUER", "http://127.0.0.1:4010"),
            ("AUTH_OIDC_ID", "rust-auth"),
        ]))
        .build()
        .expect("builds");
        // Keycloak has no issuer, and the oidc provider no secret: both stay off.
        assert_eq!(ids(auth), ["credentials", "github", "google"]);
        let auth = config_from(env(&[
            ("AUTH_OIDC_ISSUER", "http://127.0.0.1:4010"),
            ("AUTH_OIDC_ID", "rust-auth"),
            ("AUTH_OIDC_SECRET", "s"),
        ]))
        .build()
        .expect("builds");
        assert_eq!(ids(auth), ["credentials", "oidc"]);
    }

    #[tokio::test]
    async fn auth_passkey_enables_the_passkey_provider() {
        let path = std::env::temp_dir().join(format!("demo-passkey-{}.db", std::process::id()));
        let url = format!("sqlite://{}", path.display());
        let env = |passkey: Option<&'static str>| {
            let url = url.clone();
            move |k: &str| match k {
                "DATABASE_URL" => Some(url.clone()),
                "AUTH_PASSKEY" => passkey.map(str::to_owned),
                _ => None,
            }
        };
        let auth = auth_from(env(Some("1"))).await.expect("builds");
        assert_eq!(
            auth.provider_ids().collect::<Vec<_>>(),
            ["credentials", "passkey"]
        );
        let auth = auth_from(env(None)).await.expect("builds");
        assert_eq!(auth.provider_ids().collect::<Vec<_>>(), ["credentials"]);
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
        }
    }

    #[test]
    fn every_preset_follows_its_variables() {
        // The variables auth-core's parity test configures Auth.js's 93 presets with.
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../../../auth-core/tests/fixtures/providers/authjs-presets.json"
        ))
        .expect("the fixture is JSON");
        let mut vars: std::collections::HashMap<String, String> = fixture["presets"]
            .as_array()
            .expect("presets")
            .iter()
            .flat_map(|p| p["env"].as_object().expect("env").clone())
            .map(|(k, v)| (k, v.as_str().expect("text").to_owned()))
            .collect();
        vars.insert(
            "AUTH_NETSUITE_USERINFO".into(),
            "https://1234567.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=1&deploy=1"
                .into(),
        );
        let all = vars.clone();
        let auth = config_from(move |k| all.get(k).cloned())
            .build()
            .expect("builds");
        assert_eq!(auth.provider_ids().len(), 1 + 93);
        assert_eq!(presets::all().len(), 93);
        // Descope derives its issuer from the client id; NetSuite stays off without its RESTlet.
        vars.remove("AUTH_DESCOPE_ISSUER");
        vars.remove("AUTH_NETSUITE_USERINFO");
        let auth = config_from(move |k| vars.get(k).cloned())
            .build()
            .expect("builds");
        let ids: Vec<&str> = auth.provider_ids().collect();
        assert!(ids.contains(&"descope") && !ids.contains(&"netsuite"));
        assert_eq!(ids.len(), 93);
    }

    #[test]
    fn config_without_secret_falls_back_and_builds() {
        let auth = config_from(|_| None).build().expect("builds");
        assert_eq!(auth.base_path(), "/auth");
        let auth = config_from(|k| (k == "AUTH_SECRET").then(|| "s".to_owned()))
            .build()
            .expect("builds");
        assert_eq!(auth.provider_ids().len(), 1);
    }
}
