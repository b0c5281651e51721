//! The HTTP email services Auth.js ships (`@auth/core/providers/{resend,sendgrid,postmark,
//! mailgun,loops,forwardemail}`), as one [`HttpMailer`] over the configuration's
//! [`HttpClient`]. Each sends the request its Auth.js provider sends: the same URL, method,
//! headers, authentication and body.

use std::{fmt, sync::Arc};

use serde_json::Value;

mod request;

use super::{Mailer, SendFuture, VerificationMessage, send_error};
use crate::{oauth::HttpClient, secret::Secret};

/// The sender Auth.js's email providers default to.
pub const DEFAULT_FROM: &str = "Auth.js <no-reply@authjs.dev>";

/// Where Mailgun's API lives for the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MailgunRegion {
    /// `api.mailgun.net` (default).
    #[default]
    Us,
    /// `api.eu.mailgun.net`.
    Eu,
}

/// One of the HTTP email services.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailService {
    /// Resend: `POST https://api.resend.com/emails`, Bearer key, JSON.
    Resend,
    /// SendGrid: `POST https://api.sendgrid.com/v3/mail/send`, Bearer key, JSON.
    SendGrid,
    /// Postmark: `POST https://api.postmarkapp.com/email`, `X-Postmark-Server-Token`, JSON.
    Postmark,
    /// Mailgun: `POST https://api.mailgun.net/v3/<sender domain>/messages`, Basic `api:<key>`,
    /// multipart form.
    Mailgun(MailgunRegion),
    /// Loops: `POST https://app.loops.so/api/v1/transactional`, Bearer key, JSON naming a
    /// transactional template (the link is its `url` data variable).
    Loops {
        /// The transactional email's id at Loops.
        transactional_id: String,
    },
    /// Forward Email: `POST https://api.forwardemail.net/v1/emails`, Basic `<key>:`, JSON.
    ForwardEmail,
}

impl EmailService {
    /// The Auth.js provider id (`resend`, `sendgrid`, `postmark`, `mailgun`, `loops`,
    /// `forwardemail`).
    pub fn id(&self) -> &'static str {
        match self {
            Self::Resend => "resend",
            Self::SendGrid => "sendgrid",
            Self::Postmark => "postmark",
            Self::Mailgun(_) => "mailgun",
            Self::Loops { .. } => "loops",
            Self::ForwardEmail => "forwardemail",
        }
    }

    /// The Auth.js provider name (`Resend`, `SendGrid`, …, `Forward Email`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Resend => "Resend",
            Self::SendGrid => "SendGrid",
            Self::Postmark => "Postmark",
            Self::Mailgun(_) => "Mailgun",
            Self::Loops { .. } => "Loops",
            Self::ForwardEmail => "Forward Email",
        }
    }

    /// The endpoint Auth.js posts to (Mailgun's with a `{domain}` placeholder).
    pub fn default_endpoint(&self) -> &'static str {
        match self {
            Self::Resend => "https://api.resend.com/emails",
            Self::SendGrid => "https://api.sendgrid.com/v3/mail/send",
            Self::Postmark => "https://api.postmarkapp.com/email",
            Self::Mailgun(MailgunRegion::Us) => "https://api.mailgun.net/v3/{domain}/messages",
            Self::Mailgun(MailgunRegion::Eu) => "https://api.eu.mailgun.net/v3/{domain}/messages",
            Self::Loops { .. } => "https://app.loops.so/api/v1/transactional",
            Self::ForwardEmail => "https://api.forwardemail.net/v1/emails",
        }
    }

    /// The prefix of the error Auth.js throws when the service refuses the message.
    fn error_prefix(&self) -> &'static str {
        match self {
            Self::Resend => "Resend error: ",
            Self::SendGrid => "Sendgrid error: ",
            Self::Postmark => "Postmark error: ",
            Self::Mailgun(_) => "Mailgun error: ",
            Self::Loops { .. } => "Loops Send Error: ",
            Self::ForwardEmail => "Forward Email error: ",
        }
    }
}

/// Sends magic links through an HTTP email service.
///
/// Usually made by [`EmailProvider::resend`](crate::providers::EmailProvider::resend) and its
/// siblings, which take the API key from `AUTH_<ID>_KEY` when none is given and send with the
/// configuration's [`HttpClient`]. Used directly (`EmailProvider::new(mailer)`), it needs its
/// key and, without the `reqwest` feature, a client.
///
/// ```
/// use auth_core::{mail::HttpMailer, providers::EmailProvider};
///
/// let provider = EmailProvider::http(
///     HttpMailer::resend()
///         .api_key("re_123")
///         .from("My App <login@example.com>"),
/// );
/// # let _ = provider;
/// ```
#[derive(Clone)]
pub struct HttpMailer {
    service: EmailService,
    api_key: Option<Secret>,
    from: String,
    /// The display name Mailgun puts before a bare `from` address (the provider's name).
    name: String,
    endpoint: Option<String>,
    http: Option<Arc<dyn HttpClient>>,
}

impl fmt::Debug for HttpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpMailer")
            .field("service", &self.service)
            .field("api_key", &self.api_key)
            .field("from", &self.from)
            .field("endpoint", &self.endpoint_url())
            .finish_non_exhaustive()
    }
}

impl HttpMailer {
    /// A mailer for `service`, sending from [`DEFAULT_FROM`].
    pub fn new(service: EmailService) -> Self {
        Self {
            name: service.name().to_owned(),
            service,
            api_key: None,
            from: DEFAULT_FROM.to_owned(),
            endpoint: None,
            http: None,
        }
    }

    /// Resend (`AUTH_RESEND_KEY`).
    pub fn resend() -> Self {
        Self::new(EmailService::Resend)
    }

    /// SendGrid (`AUTH_SENDGRID_KEY`).
    pub fn sendgrid() -> Self {
        Self::new(EmailService::SendGrid)
    }

    /// Postmark (`AUTH_POSTMARK_KEY`, a server token).
    pub fn postmark() -> Self {
        Self::new(EmailService::Postmark)
    }

    /// Mailgun in its US region (`AUTH_MAILGUN_KEY`); see [`HttpMailer::region`].
    pub fn mailgun() -> Self {
        Self::new(EmailService::Mailgun(MailgunRegion::Us))
    }

    /// Loops, with the id of the transactional email to send (`AUTH_LOOPS_KEY`).
    pub fn loops(transactional_id: impl Into<String>) -> Self {
        Self::new(EmailService::Loops {
            transactional_id: transactional_id.into(),
        })
    }

    /// Forward Email (`AUTH_FORWARDEMAIL_KEY`).
    pub fn forwardemail() -> Self {
        Self::new(EmailService::ForwardEmail)
    }

    /// The API key.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The sender, `address` or `Name <address>` (default [`DEFAULT_FROM`]). Loops ignores it:
    /// the template names its sender.
    #[must_use]
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = from.into();
        self
    }

    /// Mailgun's region (ignored by the other services).
    #[must_use]
    pub fn region(mut self, region: MailgunRegion) -> Self {
        if let EmailService::Mailgun(current) = &mut self.service {
            *current = region;
        }
        self
    }

    /// Posts to `url` instead of the service's endpoint (a regional host, a relay, a test
    /// server). For Mailgun, `{domain}` in it is replaced by the sender's domain.
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Sends with `client` instead of the configuration's (or, used on its own, the default).
    #[must_use]
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        self.http = Some(Arc::new(client));
        self
    }

    /// The service.
    pub fn service(&self) -> &EmailService {
        &self.service
    }

    /// Whether an API key is set.
    pub fn has_api_key(&self) -> bool {
        self.api_key.as_ref().is_some_and(|k| !k.is_empty())
    }

    /// The endpoint requests go to (Mailgun's still with `{domain}`).
    pub fn endpoint_url(&self) -> &str {
        self.endpoint
            .as_deref()
            .unwrap_or_else(|| self.service.default_endpoint())
    }

    /// Completes the mailer for an email provider: its key unless the mailer has one, its name
    /// (Mailgun's display name), and the configuration's client unless the mailer has one.
    pub(crate) fn prepared(
        mut self,
        provider_key: Option<&Secret>,
        provider_name: &str,
        http: &Arc<dyn HttpClient>,
    ) -> Self {
        if !self.has_api_key() {
            self.api_key = provider_key.cloned();
        }
        provider_name.clone_into(&mut self.name);
        if self.http.is_none() {
            self.http = Some(Arc::clone(http));
        }
        self
    }
}

/// At most this much of a refusal's body goes into the log.
const MAX_LOGGED_BODY: usize = 500;

impl Mailer for HttpMailer {
    fn send<'a>(&'a self, message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async move {
            let request = self.request(message).map_err(send_error)?;
            let default_client;
            let client: &dyn HttpClient = match &self.http {
                Some(client) => client.as_ref(),
                None => {
                    default_client = crate::oauth::default_client();
                    default_client.as_ref()
                }
            };
            let response = client.execute(request).await.map_err(|e| {
                send_error(format!("{}{e}", self.service.error_prefix())).with_source(e)
            })?;
            if response.status().is_success() {
                return Ok(());
            }
            let text = String::from_utf8_lossy(response.body());
            // Auth.js logs the service's JSON answer (or its text for SendGrid and Mailgun).
            let detail = match serde_json::from_str::<Value>(&text) {
                Ok(json) => json.to_string(),
                Err(_) => text.into_owned(),
            };
            let mut detail: String = detail.chars().take(MAX_LOGGED_BODY).collect();
            if detail.is_empty() {
                detail = format!("HTTP {}", response.status());
            }
            Err(send_error(format!(
                "{}{detail} (HTTP {})",
                self.service.error_prefix(),
                response.status().as_u16()
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::request::sender_address;
    use super::*;
    use crate::pages::Theme;

    fn message() -> VerificationMessage {
        VerificationMessage::new(
            "to@example.com",
            "http://app.test/auth/callback/x?token=t",
            0,
            "app.test",
            &Theme::default(),
        )
    }

    #[test]
    fn sender_addresses_are_read_from_either_form() {
        assert_eq!(
            sender_address("Auth.js <no-reply@authjs.dev>"),
            "no-reply@authjs.dev"
        );
        assert_eq!(sender_address(" a@b.c "), "a@b.c");
    }

    #[test]
    fn a_missing_key_or_template_is_refused_before_any_request() {
        let err = HttpMailer::postmark()
            .request(&message())
            .expect_err("no key");
        assert_eq!(err, "Missing Postmark API Key");
        let err = HttpMailer::loops("")
            .api_key("k")
            .request(&message())
            .expect_err("no template");
        assert!(err.contains("TransactionalId"), "{err}");
        let err = HttpMailer::mailgun()
            .api_key("k")
            .from("nobody")
            .request(&message())
            .expect_err("no domain");
        assert_eq!(err, "malformed Mailgun domain");
    }

    #[test]
    fn mailgun_posts_to_the_senders_domain_in_its_region() {
        let mailgun = HttpMailer::mailgun()
            .api_key("key-1")
            .from("login@mg.example.com")
            .region(MailgunRegion::Eu);
        let request = mailgun.request(&message()).expect("request");
        assert_eq!(
            request.uri(),
            "https://api.eu.mailgun.net/v3/mg.example.com/messages"
        );
        let body = String::from_utf8(request.body().clone()).expect("utf-8");
        assert!(body.contains("name=\"from\"\r\n\r\nMailgun <login@mg.example.com>\r\n"));
        // The default sender names itself already: its address gives the domain.
        let request = HttpMailer::mailgun()
            .api_key("k")
            .request(&message())
            .expect("request");
        assert_eq!(
            request.uri(),
            "https://api.mailgun.net/v3/authjs.dev/messages"
        );
    }
}
