//! The email (magic link) provider (spec §9): a sign-in link mailed to the address, stored only
//! as a hash, single use.

use std::{fmt, sync::Arc, time::Duration};

use crate::{
    mail::{HttpMailer, Mailer},
    secret::Secret,
};

/// Normalises the address typed into the form; `Err` refuses it.
pub type NormalizeFn = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

/// How often links may be requested for one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Links allowed per window.
    pub max: u32,
    /// The window.
    pub per: Duration,
}

/// An email provider.
///
/// ```
/// use auth_core::{mail::OutboxMailer, providers::EmailProvider};
///
/// let provider = EmailProvider::new(OutboxMailer::new("outbox.jsonl"))
///     .max_age(15 * 60)          // links live 15 minutes
///     .confirm_before_sign_in(); // link scanners cannot use them up
/// # let _ = provider;
/// ```
#[derive(Clone)]
pub struct EmailProvider {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) max_age: i64,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) normalize: NormalizeFn,
    pub(crate) secret: Option<Secret>,
    pub(crate) confirm: bool,
    pub(crate) rate_limit: Option<RateLimit>,
    /// The API key of an HTTP email service (Auth.js `apiKey`, `AUTH_<ID>_KEY`).
    pub(crate) api_key: Option<Secret>,
    /// An HTTP email service, completed at build with the key, name and HTTP client.
    pub(crate) http_mailer: Option<Box<HttpMailer>>,
}

impl fmt::Debug for EmailProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailProvider")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("max_age", &self.max_age)
            .field("confirm", &self.confirm)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

impl EmailProvider {
    /// A provider with id `email`, name `Email`, links valid 24 hours, delivered by `mailer`.
    pub fn new(mailer: impl Mailer) -> Self {
        Self {
            id: "email".into(),
            name: "Email".into(),
            max_age: 24 * 60 * 60,
            mailer: Arc::new(mailer),
            normalize: Arc::new(default_normalize),
            secret: None,
            confirm: false,
            rate_limit: Some(RateLimit {
                max: 5,
                per: Duration::from_secs(15 * 60),
            }),
            api_key: None,
            http_mailer: None,
        }
    }

    /// A provider sending through an HTTP email service, with that service's Auth.js id and
    /// name (`resend` / `Resend`, …). Its API key comes from [`HttpMailer::api_key`], else
    /// [`EmailProvider::api_key`], else `AUTH_<ID>_KEY` (with this provider's id at build);
    /// `build()` fails without one. It sends with the configuration's
    /// [`HttpClient`](crate::oauth::HttpClient) unless the mailer has its own.
    pub fn http(mailer: HttpMailer) -> Self {
        let service = mailer.service();
        let (id, name) = (service.id(), service.name());
        let mut provider = Self::new(mailer.clone()).id(id).name(name);
        provider.http_mailer = Some(Box::new(mailer));
        provider
    }

    /// Auth.js's Resend provider (`AUTH_RESEND_KEY`).
    pub fn resend() -> Self {
        Self::http(HttpMailer::resend())
    }

    /// Auth.js's SendGrid provider (`AUTH_SENDGRID_KEY`).
    pub fn sendgrid() -> Self {
        Self::http(HttpMailer::sendgrid())
    }

    /// Auth.js's Postmark provider (`AUTH_POSTMARK_KEY`).
    pub fn postmark() -> Self {
        Self::http(HttpMailer::postmark())
    }

    /// Auth.js's Mailgun provider, US region (`AUTH_MAILGUN_KEY`; for the EU use
    /// `EmailProvider::http(HttpMailer::mailgun().region(MailgunRegion::Eu))`).
    pub fn mailgun() -> Self {
        Self::http(HttpMailer::mailgun())
    }

    /// Auth.js's Loops provider, sending the transactional email `transactional_id`
    /// (`AUTH_LOOPS_KEY`).
    pub fn loops(transactional_id: impl Into<String>) -> Self {
        Self::http(HttpMailer::loops(transactional_id))
    }

    /// Auth.js's Forward Email provider (`AUTH_FORWARDEMAIL_KEY`).
    pub fn forwardemail() -> Self {
        Self::http(HttpMailer::forwardemail())
    }

    /// The API key of the HTTP email service (Auth.js `apiKey`; default `AUTH_<ID>_KEY`).
    /// Custom mailers ignore it.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The sender of the HTTP email service, `address` or `Name <address>` (Auth.js `from`,
    /// default `Auth.js <no-reply@authjs.dev>`). Custom mailers ignore it.
    #[must_use]
    pub fn from(mut self, from: impl Into<String>) -> Self {
        if let Some(mailer) = self.http_mailer.take() {
            self.http_mailer = Some(Box::new(mailer.from(from)));
        }
        self
    }

    /// Fills an unset API key from `AUTH_<ID>_KEY` (Auth.js's `setEnvDefaults`).
    pub(crate) fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) {
        if self.api_key.is_none() {
            let name = format!("{}_KEY", super::env_prefix(&self.id));
            self.api_key = env(&name).filter(|v| !v.is_empty()).map(Secret::from);
        }
    }

    /// Changes the id used in URLs.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Changes the display name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// How long a link works, in seconds (default 24 hours).
    #[must_use]
    pub fn max_age(mut self, seconds: i64) -> Self {
        self.max_age = seconds;
        self
    }

    /// Replaces the address normaliser (default: [`default_normalize`]).
    #[must_use]
    pub fn normalize_identifier(
        mut self,
        normalize: impl Fn(&str) -> Result<String, String> + Send + Sync + 'static,
    ) -> Self {
        self.normalize = Arc::new(normalize);
        self
    }

    /// Hashes stored tokens with this secret instead of the configuration's.
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// Scanner-safe links (beyond Auth.js): opening the link shows a confirmation page, and only
    /// its button (a POST) uses the token up. Mail scanners that follow links then cannot sign
    /// the user in or burn the link.
    #[must_use]
    pub fn confirm_before_sign_in(mut self) -> Self {
        self.confirm = true;
        self
    }

    /// Limits how many links one address may request per window (beyond Auth.js; default 5
    /// per 15 minutes; `None` turns the limit off). Over the limit, the sign-in page says the
    /// mail could not be sent.
    #[must_use]
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The provider's id.
    pub fn provider_id(&self) -> &str {
        &self.id
    }
}

/// Auth.js's default normaliser: Unicode NFKC-like folding of full-width `＠` and small `﹫`
/// is refused rather than folded; lower-cases and trims; refuses quotes, a missing or repeated
/// `@`, and keeps only the first of comma-separated domains (`a@b.com,evil.com` → `a@b.com`).
pub fn default_normalize(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Missing email from request body.".into());
    }
    // NFKC would turn these into `@`, smuggling a second address past the split below.
    if trimmed.contains(['＠', '﹫', '"']) {
        return Err("the email address holds a character that is not allowed".into());
    }
    let lower = trimmed.to_lowercase();
    let parts: Vec<&str> = lower.split('@').collect();
    let [local, domain] = parts.as_slice() else {
        return Err("the email address must hold exactly one @".into());
    };
    let domain = domain.split(',').next().unwrap_or_default().trim();
    let local = local.trim();
    if local.is_empty()
        || domain.is_empty()
        || local.contains(char::is_whitespace)
        || domain.contains(char::is_whitespace)
    {
        return Err("the email address is not valid".into());
    }
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::default_normalize;

    #[test]
    fn normalises_like_auth_js() {
        let ok = |s: &str| default_normalize(s).expect("valid");
        assert_eq!(ok(" Foo@Example.COM "), "foo@example.com");
        assert_eq!(ok("foo@example.com,evil.com"), "foo@example.com");
        for bad in [
            "",
            "   ",
            "foo",
            "\"foo@evil.com\"@example.com",
            "foo@evil.com@example.com",
            "attacker@evil.com\u{FF20}victim.company.com",
            "attacker@evil.com\u{FE6B}victim.company.com",
            "@example.com",
            "foo@",
            "foo bar@example.com",
        ] {
            assert!(default_normalize(bad).is_err(), "{bad:?}");
        }
    }
}
