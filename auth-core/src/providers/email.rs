//! The email (magic link) provider (spec §9): a sign-in link mailed to the address, stored only
//! as a hash, single use.

use std::{fmt, sync::Arc, time::Duration};

use crate::{mail::Mailer, secret::Secret};

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
