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
/// use std::time::Duration;
/// use auth_core::{mail::OutboxMailer, providers::EmailProvider};
///
/// let provider = EmailProvider::new(OutboxMailer::new("outbox.jsonl"))
///     .max_age(Duration::from_secs(15 * 60)) // links live 15 minutes
///     .confirm_before_sign_in(); // link scanners cannot use them up
/// # let _ = provider;
/// ```
#[derive(Clone)]
pub struct EmailProvider {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) max_age: Duration,
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
            max_age: Duration::from_secs(24 * 60 * 60),
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

    /// How long a link works (default 24 hours).
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
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

/// The longest address accepted: a forward-path of 256 octets, less the angle brackets
/// (RFC 5321 §4.5.3.1.3).
const MAX_ADDRESS: usize = 254;
/// The longest local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL: usize = 64;

/// Auth.js's default normaliser, made strict: Unicode NFKC (as Auth.js, so fullwidth `ｂｏｂ`
/// is `bob`), trimmed and lower-cased; only the first of comma-separated domains is kept
/// (`a@b.com,evil.com` → `a@b.com`, as Auth.js does). Then the address must be one an SMTP
/// envelope reads exactly as written, so the stored identifier is the recipient: exactly one
/// `@`; a local part of letters, digits and ``!#$%&*+-/=?^_{|}~`` in dot-separated runs; a
/// domain of letters, digits and `-` in dot-separated labels; nothing else: no `<` `>`,
/// quotes, whitespace, control, format (zero-width) or other characters; at most 64 bytes
/// before the `@` and 254 in all.
pub fn default_normalize(input: &str) -> Result<String, String> {
    use unicode_normalization::UnicodeNormalization;

    let folded: String = input.nfkc().collect();
    let trimmed = folded.trim();
    if trimmed.is_empty() {
        return Err("Missing email from request body.".into());
    }
    let lower = trimmed.to_lowercase();
    let mut parts = lower.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("the email address must hold exactly one @".into());
    };
    let domain = domain.split(',').next().unwrap_or_default();
    if !valid_local(local) || !valid_domain(domain) {
        return Err("the email address is not valid".into());
    }
    let address = format!("{local}@{domain}");
    if local.len() > MAX_LOCAL || address.len() > MAX_ADDRESS {
        return Err("the email address is too long".into());
    }
    Ok(address)
}

/// A letter or digit of any script (never a format, control, space or symbol character).
fn alphanumeric(c: char) -> bool {
    c.is_alphanumeric()
}

/// A dot-atom local part without quotes (RFC 5322 §3.2.3, less `'` and `` ` ``).
fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local.split('.').all(|run| {
            !run.is_empty()
                && run
                    .chars()
                    .all(|c| alphanumeric(c) || "!#$%&*+-/=?^_{|}~".contains(c))
        })
}

/// A host name: dot-separated labels of letters, digits and inner `-`.
fn valid_domain(domain: &str) -> bool {
    domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| alphanumeric(c) || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::default_normalize;

    #[test]
    fn normalises_like_auth_js() {
        let ok = |s: &str| default_normalize(s).expect("valid");
        assert_eq!(ok(" Foo@Example.COM "), "foo@example.com");
        assert_eq!(ok("foo@example.com,evil.com"), "foo@example.com");
        // NFKC folds fullwidth letters, as Auth.js does: one account, not two.
        assert_eq!(
            ok("\u{FF42}\u{FF4F}\u{FF42}@example.com"),
            "bob@example.com"
        );
        assert_eq!(ok("bob+tag@sub.example.co.uk"), "bob+tag@sub.example.co.uk");
        assert_eq!(ok("bob@localhost"), "bob@localhost");
        assert_eq!(
            ok("jos\u{E9}@b\u{FC}cher.example"),
            "jos\u{E9}@b\u{FC}cher.example"
        );
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(default_normalize(&long).is_err());
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
            // Issue 12, finding 7: what a mailer would read differently from what is stored.
            "x<victim@evil.test>",
            "victim@evil.test>",
            "bob@example.com\u{200B}",
            "bo\u{200B}b@example.com",
            "bob\u{0}@example.com",
            "bob@exa\u{0}mple.com",
            "'bob'@example.com",
            "bob(comment)@example.com",
            "bob@[127.0.0.1]",
            "bob@example..com",
            ".bob@example.com",
            "bo..b@example.com",
            "bob@-example.com",
            "bob\\@example.com",
            "bob@example.com\r\nRCPT TO:<x@evil.test>",
        ] {
            assert!(default_normalize(bad).is_err(), "{bad:?}");
        }
    }
}
