//! Delivering magic links: the [`Mailer`] trait, the message Auth.js sends (HTML and plain
//! text, following the theme, every value escaped), an SMTP mailer, the HTTP email services
//! of Auth.js ([`HttpMailer`]) and a development outbox.

use std::{fmt, future::Future, io::Write as _, path::PathBuf, pin::Pin, sync::Mutex};

use crate::{
    error::{Error, ErrorKind},
    pages::{Theme, escape_html},
};

mod http;

pub use http::{DEFAULT_FROM, EmailService, HttpMailer, MailgunRegion};

/// One sign-in link to deliver.
#[derive(Clone)]
#[non_exhaustive]
pub struct VerificationMessage {
    /// The recipient (the normalised address).
    pub to: String,
    /// The magic link.
    pub url: String,
    /// When the link stops working, in milliseconds since the epoch.
    pub expires: i64,
    /// The site's host, shown in the message.
    pub host: String,
    /// `Sign in to <host>`.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

impl fmt::Debug for VerificationMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL carries the token: never in logs.
        f.debug_struct("VerificationMessage")
            .field("to", &self.to)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

impl VerificationMessage {
    /// Auth.js's default message for `url`.
    pub(crate) fn new(to: &str, url: &str, expires: i64, host: &str, theme: &Theme) -> Self {
        // A zero-width space after each dot keeps mail clients from turning the host into a link.
        let escaped_host = escape_html(host).replace('.', "&#8203;.");
        let brand = css_color(theme.brand_color.as_deref()).unwrap_or("#346df1");
        let button_text = css_color(theme.button_text.as_deref()).unwrap_or("#fff");
        let url_attr = escape_html(url);
        let html = format!(
            r#"<body style="background: #f9f9f9;"><table width="100%" border="0" cellspacing="20" cellpadding="0" style="background: #fff; max-width: 600px; margin: auto; border-radius: 10px;"><tr><td align="center" style="padding: 10px 0px; font-size: 22px; font-family: Helvetica, Arial, sans-serif; color: #444;">Sign in to <strong>{escaped_host}</strong></td></tr><tr><td align="center" style="padding: 20px 0;"><table border="0" cellspacing="0" cellpadding="0"><tr><td align="center" style="border-radius: 5px;" bgcolor="{brand}"><a href="{url_attr}" target="_blank" style="font-size: 18px; font-family: Helvetica, Arial, sans-serif; color: {button_text}; text-decoration: none; border-radius: 5px; padding: 10px 20px; border: 1px solid {brand}; display: inline-block; font-weight: bold;">Sign in</a></td></tr></table></td></tr><tr><td align="center" style="padding: 0px 0px 10px 0px; font-size: 16px; line-height: 22px; font-family: Helvetica, Arial, sans-serif; color: #444;">If you did not request this email you can safely ignore it.</td></tr></table></body>"#
        );
        Self {
            to: to.to_owned(),
            url: url.to_owned(),
            expires,
            host: host.to_owned(),
            subject: format!("Sign in to {host}"),
            text: format!("Sign in to {host}\n{url}\n\n"),
            html,
        }
    }
}

/// A colour safe to put in a style attribute, or `None`.
fn css_color(value: Option<&str>) -> Option<&str> {
    value.filter(|v| {
        !v.is_empty()
            && v.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '#' | '(' | ')' | ',' | '.' | '%' | ' ')
            })
    })
}

/// A boxed future returned by [`Mailer::send`].
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// Delivers magic links.
pub trait Mailer: Send + Sync + 'static {
    /// Sends `message`; an error fails the sign-in request (and the stored token is removed).
    fn send<'a>(&'a self, message: &'a VerificationMessage) -> SendFuture<'a>;
}

fn send_error(message: impl Into<String>) -> Error {
    Error::new(
        ErrorKind::Configuration,
        format!("EmailSignin: {}", message.into()),
    )
}

/// A development mailer: appends one JSON object per message (`to`, `url`, `expires` as an ISO
/// string) to a file, for reading links without a mail server.
#[derive(Debug)]
pub struct OutboxMailer {
    path: PathBuf,
    lock: Mutex<()>,
}

impl OutboxMailer {
    /// Writes to `path` (created if missing).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }
}

impl Mailer for OutboxMailer {
    fn send<'a>(&'a self, message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async move {
            let line = serde_json::json!({
                "to": message.to,
                "url": message.url,
                "expires": crate::clock::iso8601(message.expires),
            });
            let _guard = self
                .lock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(|e| {
                    send_error(format!(
                        "cannot open the outbox {}: {e}",
                        self.path.display()
                    ))
                })?;
            writeln!(file, "{line}")
                .map_err(|e| send_error(format!("cannot write the outbox: {e}")))
        })
    }
}

/// Sends magic links over SMTP (lettre, rustls).
#[cfg(feature = "smtp")]
#[cfg_attr(docsrs, doc(cfg(feature = "smtp")))]
#[derive(Clone)]
pub struct SmtpMailer {
    transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    from: lettre::message::Mailbox,
}

#[cfg(feature = "smtp")]
impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The transport holds the server's credentials.
        f.debug_struct("SmtpMailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "smtp")]
impl SmtpMailer {
    /// A mailer for `server` (`smtp://user:pass@host:587?tls=required`, `smtps://…:465`, or
    /// plain `smtp://host:port`) sending from `from` (`Name <address>` or an address).
    pub fn new(server: &str, from: &str) -> Result<Self, Error> {
        let transport = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(server)
            .map_err(|e| {
                Error::new(ErrorKind::Configuration, "invalid SMTP server URL").with_source(e)
            })?
            .timeout(Some(std::time::Duration::from_secs(15)))
            .build();
        let from = from.parse().map_err(|e| {
            Error::new(ErrorKind::Configuration, "invalid sender address").with_source(e)
        })?;
        Ok(Self { transport, from })
    }

    /// A mailer from `AUTH_EMAIL_SERVER` and `AUTH_EMAIL_FROM`; `None` when either is unset.
    pub fn from_env() -> Option<Result<Self, Error>> {
        let server = std::env::var("AUTH_EMAIL_SERVER")
            .ok()
            .filter(|v| !v.is_empty())?;
        let from = std::env::var("AUTH_EMAIL_FROM")
            .ok()
            .filter(|v| !v.is_empty())?;
        Some(Self::new(&server, &from))
    }
}

#[cfg(feature = "smtp")]
impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async move {
            use lettre::{AsyncTransport as _, message::MultiPart};
            let to = message.to.parse().map_err(|e| {
                Error::new(ErrorKind::Configuration, "invalid recipient").with_source(e)
            })?;
            let email = lettre::Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(&message.subject)
                .multipart(MultiPart::alternative_plain_html(
                    message.text.clone(),
                    message.html.clone(),
                ))
                .map_err(|e| send_error("the message could not be built").with_source(e))?;
            self.transport
                .send(email)
                .await
                .map(|_| ())
                .map_err(|e| send_error("the SMTP server refused the message").with_source(e))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_escapes_and_follows_the_theme() {
        let theme = Theme {
            brand_color: Some("#123456".into()),
            button_text: Some("red;} body{display:none".into()),
            ..Theme::default()
        };
        let m = VerificationMessage::new(
            "a@b.c",
            "http://app.test/auth/callback/email?token=x&email=a%40b.c\"><script>",
            0,
            "app.test",
            &theme,
        );
        assert_eq!(m.subject, "Sign in to app.test");
        assert!(m.text.starts_with("Sign in to app.test\nhttp://app.test/"));
        assert!(m.html.contains("app&#8203;.test"));
        assert!(m.html.contains("bgcolor=\"#123456\""));
        assert!(
            m.html.contains("color: #fff;"),
            "an unsafe colour is dropped"
        );
        assert!(!m.html.contains("<script>"));
        assert!(m.html.contains("token=x&amp;email="));
        assert!(!format!("{m:?}").contains("token"), "Debug hides the link");
    }

    #[tokio::test]
    async fn the_outbox_appends_json_lines() {
        let path = std::env::temp_dir().join(format!("outbox-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let outbox = OutboxMailer::new(&path);
        for to in ["a@b.c", "d@e.f"] {
            let m = VerificationMessage::new(to, "http://x/link", 0, "x", &Theme::default());
            outbox.send(&m).await.expect("written");
        }
        let text = std::fs::read_to_string(&path).expect("outbox");
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["to"], "d@e.f");
        assert_eq!(lines[0]["url"], "http://x/link");
        assert_eq!(lines[0]["expires"], "1970-01-01T00:00:00.000Z");
        let _ = std::fs::remove_file(&path);
    }
}
