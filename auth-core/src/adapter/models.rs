//! The adapter data model (spec §7.1), shaped like Auth.js's SQL adapters.
//!
//! Tokens are [`secret`](crate::secret) types: `Debug` of any row prints no token, and they
//! serialise as plain strings.

use serde::{Deserialize, Serialize};

use crate::model::{ProviderKind, User};
use crate::secret::{AccessToken, HashedToken, IdToken, RefreshToken, SessionToken};

/// An instant, in milliseconds since the Unix epoch (JavaScript's `Date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// From milliseconds since the epoch.
    pub fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterUser {
    /// The user id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Email address (unique when present).
    pub email: Option<String>,
    /// When the email address was last verified by a magic link.
    pub email_verified: Option<Timestamp>,
    /// Avatar URL.
    pub image: Option<String>,
}

/// A partial update of a user: `None` fields are left unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserUpdate {
    /// The user to change.
    pub id: String,
    /// New display name.
    pub name: Option<Option<String>>,
    /// New email address.
    pub email: Option<Option<String>>,
    /// New verification time.
    pub email_verified: Option<Option<Timestamp>>,
    /// New avatar URL.
    pub image: Option<Option<String>>,
}

/// A provider account linked to a user; unique on (`provider`, `provider_account_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterAccount {
    /// The owning user.
    pub user_id: String,
    /// The provider kind (`oauth`, `oidc`, `email`, `webauthn`).
    pub kind: ProviderKind,
    /// The provider id.
    pub provider: String,
    /// The user's id at the provider.
    pub provider_account_id: String,
    /// OAuth refresh token.
    pub refresh_token: Option<RefreshToken>,
    /// OAuth access token.
    pub access_token: Option<AccessToken>,
    /// When the access token expires, in epoch seconds.
    pub expires_at: Option<i64>,
    /// Token type, lower-case (`bearer`).
    pub token_type: Option<String>,
    /// Granted scopes.
    pub scope: Option<String>,
    /// OpenID Connect id_token.
    pub id_token: Option<IdToken>,
    /// Provider session state.
    pub session_state: Option<String>,
}

/// A database session; unique on `session_token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterSession {
    /// The opaque token stored in the session cookie.
    pub session_token: SessionToken,
    /// The user.
    pub user_id: String,
    /// When the session ends.
    pub expires: Timestamp,
}

/// A new expiry for a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUpdate {
    /// The session to extend.
    pub session_token: SessionToken,
    /// Its new expiry.
    pub expires: Timestamp,
}

/// A magic-link token (stored hashed); unique on (`identifier`, `token`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationToken {
    /// The email address.
    pub identifier: String,
    /// The hashed token.
    pub token: HashedToken,
    /// When it stops working.
    pub expires: Timestamp,
}

/// A WebAuthn authenticator; unique on `credential_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authenticator {
    /// Credential id (standard base64).
    pub credential_id: String,
    /// The owning user.
    pub user_id: String,
    /// The account id at the WebAuthn provider.
    pub provider_account_id: String,
    /// COSE public key (standard base64).
    pub credential_public_key: String,
    /// Signature counter.
    pub counter: i64,
    /// `singleDevice` or `multiDevice`.
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    pub credential_backed_up: bool,
    /// Comma-separated transports (`internal,hybrid`).
    pub transports: Option<String>,
}

/// A stored user as callbacks see users.
impl From<&AdapterUser> for User {
    fn from(user: &AdapterUser) -> Self {
        Self {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            image: user.image.clone(),
        }
    }
}
