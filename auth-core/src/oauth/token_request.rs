//! The shape of a provider's token request when it is not the standard one: what Auth.js
//! presets do with a custom `fetch` (TikTok's `client_key`), `token.params` (WeChat's
//! `appid`/`secret` in the token URL) or `token.conform` (WeChat's missing `token_type`).

use std::fmt;

use crate::secret::Secret;

/// Where the value of an extra token-request parameter comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum TokenParam {
    /// The client id.
    ClientId,
    /// The client secret (sent empty when there is none).
    ClientSecret,
    /// A fixed value.
    Value(String),
}

impl fmt::Debug for TokenParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ClientId => f.write_str("ClientId"),
            Self::ClientSecret => f.write_str("ClientSecret"),
            Self::Value(_) => f.write_str("Value(..)"),
        }
    }
}

/// Additions to the standard authorization-code request (RFC 6749 §4.1.3), for token
/// endpoints that want more than it: extra form fields, extra query parameters on the token
/// URL, and a `token_type` for answers that lack one. The standard fields and the client
/// authentication ([`ClientAuth`](super::ClientAuth)) are sent as usual.
///
/// ```
/// use auth_core::oauth::{TokenParam, TokenRequest};
///
/// // TikTok: the client id once more, as `client_key`.
/// let tiktok = TokenRequest::new().body_param("client_key", TokenParam::ClientId);
/// # let _ = tiktok;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    pub(crate) body: Vec<(String, TokenParam)>,
    pub(crate) query: Vec<(String, TokenParam)>,
    pub(crate) default_token_type: Option<String>,
}

impl TokenRequest {
    /// The standard request, nothing added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a form field to the request body.
    #[must_use]
    pub fn body_param(mut self, name: impl Into<String>, value: TokenParam) -> Self {
        self.body.push((name.into(), value));
        self
    }

    /// Adds a query parameter to the token URL (Auth.js's `token.params`).
    #[must_use]
    pub fn query_param(mut self, name: impl Into<String>, value: TokenParam) -> Self {
        self.query.push((name.into(), value));
        self
    }

    /// The `token_type` assumed when the answer has none (e.g. `bearer`); without it such an
    /// answer is refused, as RFC 6749 §5.1 requires the field.
    #[must_use]
    pub fn default_token_type(mut self, token_type: impl Into<String>) -> Self {
        self.default_token_type = Some(token_type.into());
        self
    }

    /// `params` with their values resolved.
    pub(crate) fn resolve<'a>(
        params: &'a [(String, TokenParam)],
        client_id: &'a str,
        client_secret: Option<&'a Secret>,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        params.iter().map(move |(name, value)| {
            let value = match value {
                TokenParam::ClientId => client_id,
                TokenParam::ClientSecret => client_secret.map(Secret::expose).unwrap_or_default(),
                TokenParam::Value(v) => v.as_str(),
            };
            (name.as_str(), value)
        })
    }
}
