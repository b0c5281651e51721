//! The WebAuthn providers (spec §11): Auth.js's generic `WebAuthn()` and its `Passkey()`.
//!
//! Passkeys are stable here: no experimental flag is needed (see `docs/deviations.md`).

use std::time::Duration;

/// How strongly the authenticator must verify the user (PIN, biometrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserVerification {
    /// The ceremony fails unless the authenticator verified the user.
    Required,
    /// Asked for, not enforced (WebAuthn's default).
    Preferred,
    /// Not asked for.
    Discouraged,
}

impl UserVerification {
    /// The WebAuthn string (`required`, `preferred`, `discouraged`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Preferred => "preferred",
            Self::Discouraged => "discouraged",
        }
    }
}

/// Whether registration asks for a discoverable credential (a "resident key").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidentKey {
    /// A discoverable credential is required (passkeys).
    Required,
    /// Preferred (Auth.js's `WebAuthn()` default).
    Preferred,
    /// Discouraged.
    Discouraged,
}

impl ResidentKey {
    /// The WebAuthn string (`required`, `preferred`, `discouraged`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Preferred => "preferred",
            Self::Discouraged => "discouraged",
        }
    }
}

/// One input of the WebAuthn sign-in form (Auth.js's `formFields`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAuthnField {
    /// The form field name (also the query parameter sent to `webauthn-options`).
    pub name: String,
    /// The label.
    pub label: String,
    /// Whether the input is required.
    pub required: bool,
    /// The `autocomplete` attribute; conditional UI needs one containing `webauthn`.
    pub autocomplete: Option<String>,
}

impl WebAuthnField {
    /// Auth.js's default field: `email`, label "Email", required, `autocomplete="username
    /// webauthn"`.
    pub fn email() -> Self {
        Self {
            name: "email".to_owned(),
            label: "Email".to_owned(),
            required: true,
            autocomplete: Some("username webauthn".to_owned()),
        }
    }
}

/// The relying party: by default the public origin of the deployment (`AUTH_URL`, else the
/// request's trusted origin): id = its host name, name = host with port, origin = itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelyingParty {
    /// The RP id (a registrable domain suffix of the origin's host).
    pub id: Option<String>,
    /// The name shown by authenticators.
    pub name: Option<String>,
    /// The origins allowed in `clientDataJSON` (`https://example.com`).
    pub origins: Vec<String>,
}

/// A WebAuthn provider: registration and sign-in with platform or roaming authenticators.
///
/// ```
/// use auth_core::providers::WebAuthnProvider;
/// let passkey = WebAuthnProvider::passkey().relying_party_name("Example");
/// assert_eq!(passkey.id, "passkey");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WebAuthnProvider {
    /// Provider id (`passkey` or `webauthn` by default).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The relying party; unset parts follow the public origin.
    pub relying_party: RelyingParty,
    /// User verification asked for at registration and sign-in, and enforced when `Required`.
    pub user_verification: UserVerification,
    /// Discoverable credentials at registration.
    pub resident_key: ResidentKey,
    /// Whether the sign-in page offers passkeys in the browser's autofill (conditional UI).
    pub enable_conditional_ui: bool,
    /// The sign-in form's inputs.
    pub form_fields: Vec<WebAuthnField>,
    /// Ceremony timeout (Auth.js: 5 minutes), sent in milliseconds.
    pub timeout: Duration,
}

impl WebAuthnProvider {
    /// Auth.js's `WebAuthn()`: id `webauthn`, name "WebAuthn", user verification and resident
    /// keys preferred, conditional UI on, one `email` field.
    pub fn webauthn() -> Self {
        Self {
            id: "webauthn".to_owned(),
            name: "WebAuthn".to_owned(),
            relying_party: RelyingParty::default(),
            user_verification: UserVerification::Preferred,
            resident_key: ResidentKey::Preferred,
            enable_conditional_ui: true,
            form_fields: vec![WebAuthnField::email()],
            timeout: Duration::from_secs(300),
        }
    }

    /// Auth.js's `Passkey()`: id `passkey`, name "Passkey", resident key and user verification
    /// required.
    pub fn passkey() -> Self {
        Self {
            id: "passkey".to_owned(),
            name: "Passkey".to_owned(),
            user_verification: UserVerification::Required,
            resident_key: ResidentKey::Required,
            ..Self::webauthn()
        }
    }

    /// Sets the provider id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the relying party id (default: the public origin's host name).
    pub fn relying_party_id(mut self, id: impl Into<String>) -> Self {
        self.relying_party.id = Some(id.into());
        self
    }

    /// Sets the relying party name (default: the public origin's host and port).
    pub fn relying_party_name(mut self, name: impl Into<String>) -> Self {
        self.relying_party.name = Some(name.into());
        self
    }

    /// Adds an allowed origin (default: the public origin alone).
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.relying_party.origins.push(origin.into());
        self
    }

    /// Sets the user verification requirement.
    pub fn user_verification(mut self, uv: UserVerification) -> Self {
        self.user_verification = uv;
        self
    }

    /// Sets the resident key requirement.
    pub fn resident_key(mut self, rk: ResidentKey) -> Self {
        self.resident_key = rk;
        self
    }

    /// Turns the autofill (conditional UI) offer on or off.
    pub fn conditional_ui(mut self, enabled: bool) -> Self {
        self.enable_conditional_ui = enabled;
        self
    }

    /// Replaces the form fields.
    pub fn form_fields(mut self, fields: Vec<WebAuthnField>) -> Self {
        self.form_fields = fields;
        self
    }

    /// Sets the ceremony timeout (sent to the browser in milliseconds).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}
