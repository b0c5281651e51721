//! The client-registration options of an OAuth provider: how it authenticates at the token
//! endpoint, what its token request carries, how its id_tokens are signed.

use super::OAuthProvider;
use crate::oauth::{ClientAuth, TokenRequest};

impl OAuthProvider {
    /// How the client authenticates at the token endpoint.
    #[must_use]
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// What the token request carries beyond the standard one (see [`TokenRequest`]).
    #[must_use]
    pub fn token_request(mut self, shape: TokenRequest) -> Self {
        self.token_request = shape;
        self
    }

    /// The algorithm the provider signs id_tokens with (Auth.js
    /// `client.id_token_signed_response_alg`, e.g. `ES256`): id_tokens signed otherwise are
    /// refused, whatever discovery announces. An asymmetric algorithm, verified with the
    /// provider's JWK set, or `HS256`/`HS384`/`HS512`, verified with the client secret (OIDC
    /// Core §10.1; LINE's web logins); `build()` refuses others, and HMAC without a secret.
    #[must_use]
    pub fn id_token_signed_response_alg(mut self, alg: impl Into<String>) -> Self {
        self.id_token_signed_response_alg = Some(alg.into());
        self
    }
}
