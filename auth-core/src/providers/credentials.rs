//! The credentials provider (spec §10): sign-in with whatever an `authorize` function checks.

use std::{fmt, future::Future, pin::Pin, sync::Arc};

use http::HeaderMap;
use serde_json::{Map, Value};

use crate::{Result, model::User, pages::CredentialField};

/// What the sign-in form submitted, handed to `authorize`.
///
/// As in Auth.js, this is the whole parsed body (so it also holds `csrfToken` and
/// `callbackUrl`), plus the request headers and URL.
#[derive(Clone)]
pub struct Credentials {
    pub(crate) fields: Map<String, Value>,
    pub(crate) headers: HeaderMap,
    pub(crate) url: String,
}

impl Credentials {
    /// Builds credentials by hand (for tests of an `authorize` function).
    pub fn new(fields: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            fields: fields
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
            headers: HeaderMap::new(),
            url: String::new(),
        }
    }

    /// A submitted field as text (`None` when absent or not a string).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }

    /// Every submitted field (JSON bodies may hold non-string values).
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Field values are passwords: show only the names.
        f.debug_struct("Credentials")
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// A boxed future returned by [`Authorize`].
pub type AuthorizeFuture = Pin<Box<dyn Future<Output = Result<Option<User>>> + Send>>;

/// Checks credentials: `Ok(Some(user))` signs in, `Ok(None)` fails with
/// `error=CredentialsSignin&code=credentials`, and `Err(Error::credentials_signin("code"))`
/// fails with that client-safe code. Any other error is reported as `Configuration`.
///
/// Implemented for every `Fn(Credentials) -> impl Future<Output = Result<Option<User>>>`.
pub trait Authorize: Send + Sync + 'static {
    /// Checks `credentials`.
    fn authorize(&self, credentials: Credentials) -> AuthorizeFuture;
}

impl<F, Fut> Authorize for F
where
    F: Fn(Credentials) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<User>>> + Send + 'static,
{
    fn authorize(&self, credentials: Credentials) -> AuthorizeFuture {
        Box::pin(self(credentials))
    }
}

/// One input of the built-in sign-in form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInput {
    /// The label shown (defaults to the field name).
    pub label: Option<String>,
    /// The HTML input type (`text`, `password`, …).
    pub input_type: String,
    /// Placeholder text.
    pub placeholder: Option<String>,
    /// The input's `autocomplete` attribute. When `None`, the page gives a password input
    /// `current-password`, and a text or email input named `username` or `email` `username`.
    pub autocomplete: Option<String>,
}

impl CredentialInput {
    /// A text input with a label.
    pub fn text(label: impl Into<String>) -> Self {
        Self {
            label: Some(label.into()),
            input_type: "text".into(),
            placeholder: None,
            autocomplete: None,
        }
    }

    /// A password input with a label.
    pub fn password(label: impl Into<String>) -> Self {
        Self {
            input_type: "password".into(),
            ..Self::text(label)
        }
    }

    /// Sets the placeholder.
    #[must_use]
    pub fn placeholder(mut self, placeholder: impl Into<String>) -> Self {
        self.placeholder = Some(placeholder.into());
        self
    }

    /// Sets the `autocomplete` attribute (e.g. `one-time-code`, `new-password`).
    #[must_use]
    pub fn autocomplete(mut self, autocomplete: impl Into<String>) -> Self {
        self.autocomplete = Some(autocomplete.into());
        self
    }
}

/// A credentials provider.
///
/// ```
/// use auth_core::{Error, User, providers::{CredentialInput, CredentialsProvider}};
///
/// let provider = CredentialsProvider::new()
///     .field("username", CredentialInput::text("Username"))
///     .field("password", CredentialInput::password("Password"))
///     .authorize(|credentials| async move {
///         match (credentials.get("username"), credentials.get("password")) {
///             (Some("alice"), Some("wonderland")) => Ok(Some(User::new("1").name("Alice"))),
///             (Some("locked"), _) => Err(Error::credentials_signin("account_locked")),
///             _ => Ok(None),
///         }
///     });
/// assert_eq!(auth_core::providers::Provider::from(provider).id(), "credentials");
/// ```
#[derive(Clone)]
pub struct CredentialsProvider {
    id: String,
    name: String,
    fields: Vec<CredentialField>,
    authorize: Option<Arc<dyn Authorize>>,
    database_sessions: bool,
}

impl Default for CredentialsProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CredentialsProvider {
    /// A provider with id `credentials` and name `Credentials`.
    pub fn new() -> Self {
        Self {
            id: "credentials".into(),
            name: "Credentials".into(),
            fields: Vec::new(),
            authorize: None,
            database_sessions: false,
        }
    }

    /// Opts this provider into database sessions when the strategy is `Database`.
    ///
    /// Auth.js always gives credentials sign-ins a JWT, whatever the strategy. With this, a
    /// credentials sign-in creates a database session instead (and the user returned by
    /// `authorize` is stored through the adapter if its id is not known yet), so sessions can
    /// be listed and revoked like any other.
    #[must_use]
    pub fn database_sessions(mut self, enabled: bool) -> Self {
        self.database_sessions = enabled;
        self
    }

    pub(crate) fn uses_database_sessions(&self) -> bool {
        self.database_sessions
    }

    /// Sets the id used in URLs.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets the display name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Adds a form field shown on the built-in sign-in page.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, input: CredentialInput) -> Self {
        self.fields.push(CredentialField {
            name: name.into(),
            label: input.label,
            input_type: input.input_type,
            placeholder: input.placeholder,
            autocomplete: input.autocomplete,
        });
        self
    }

    /// Sets the function that checks credentials (required).
    #[must_use]
    pub fn authorize<F, Fut>(self, authorize: F) -> Self
    where
        F: Fn(Credentials) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<User>>> + Send + 'static,
    {
        self.authorize_with(authorize)
    }

    /// Sets the checker of credentials from any [`Authorize`] implementation.
    #[must_use]
    pub fn authorize_with(mut self, authorize: impl Authorize) -> Self {
        self.authorize = Some(Arc::new(authorize));
        self
    }

    pub(crate) fn provider_id(&self) -> &str {
        &self.id
    }

    pub(crate) fn display_name(&self) -> &str {
        &self.name
    }

    pub(crate) fn form_fields(&self) -> &[CredentialField] {
        &self.fields
    }

    pub(crate) fn authorizer(&self) -> Option<&Arc<dyn Authorize>> {
        self.authorize.as_ref()
    }
}

impl fmt::Debug for CredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsProvider")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("fields", &self.fields)
            .field("authorize", &self.authorize.is_some())
            .finish()
    }
}
