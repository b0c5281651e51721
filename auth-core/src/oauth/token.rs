//! The authorization-code exchange, through the `oauth2` crate over our [`HttpClient`], with
//! lenient parsing of the quirks real providers have (numeric fields sent as strings).

use base64::Engine as _;
use jsonwebtoken::Algorithm;
use oauth2::{
    AuthType, AuthorizationCode, Client, ClientId, ClientSecret, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeVerifier, RedirectUrl, RequestTokenError, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
    basic::{
        BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
        BasicTokenType,
    },
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{HttpClient, HttpError, TokenRequest, callback_error, client_key::ClientKey};
use crate::{error::Error, secret::Secret};

/// How the client authenticates at the token endpoint (Auth.js's
/// `client.token_endpoint_auth_method`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with the form-encoded id and secret (default).
    #[default]
    SecretBasic,
    /// `client_secret_post`: id and secret in the form body.
    SecretPost,
    /// `none`: a public client (PKCE only).
    None,
    /// `client_secret_jwt` (RFC 7523): a client assertion signed with the client secret
    /// (HMAC; [`ClientAuth::secret_jwt`] is HS256, as in Auth.js). Needs the client secret.
    SecretJwt(HmacAlgorithm),
    /// `private_key_jwt` (RFC 7523): a client assertion signed with the client's private key
    /// (RS256 for RSA keys by default, ES256 for P-256, …); the provider holds the public key.
    PrivateKeyJwt(ClientKey),
}

impl ClientAuth {
    /// `client_secret_jwt` with HS256.
    pub fn secret_jwt() -> Self {
        Self::SecretJwt(HmacAlgorithm::default())
    }

    /// `private_key_jwt` with `key`.
    pub fn private_key_jwt(key: ClientKey) -> Self {
        Self::PrivateKeyJwt(key)
    }

    /// The registration name (`client_secret_basic`, …, `private_key_jwt`).
    pub fn method(&self) -> &'static str {
        match self {
            Self::SecretBasic => "client_secret_basic",
            Self::SecretPost => "client_secret_post",
            Self::None => "none",
            Self::SecretJwt(_) => "client_secret_jwt",
            Self::PrivateKeyJwt(_) => "private_key_jwt",
        }
    }
}

/// The HMAC algorithm of `client_secret_jwt` assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HmacAlgorithm {
    /// HS256 (default; the only one Auth.js sends).
    #[default]
    Hs256,
    /// HS384.
    Hs384,
    /// HS512.
    Hs512,
}

impl HmacAlgorithm {
    fn jws(self) -> Algorithm {
        match self {
            Self::Hs256 => Algorithm::HS256,
            Self::Hs384 => Algorithm::HS384,
            Self::Hs512 => Algorithm::HS512,
        }
    }
}

/// `client_assertion_type` of RFC 7523 assertions.
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long a client assertion is valid, in seconds (oauth4webapi's 60).
const ASSERTION_LIFETIME_SECS: i64 = 60;

/// A client assertion for `auth` (`None` for the secret-based and public methods): iss = sub =
/// the client id, aud = the token endpoint, a random jti, iat = now, exp = now + 60 s.
fn client_assertion(
    auth: &ClientAuth,
    client_id: &str,
    client_secret: Option<&Secret>,
    token_url: &url::Url,
    now_secs: i64,
) -> Result<Option<String>, Error> {
    let claims = || {
        serde_json::json!({
            "iss": client_id,
            "sub": client_id,
            "aud": token_url.as_str(),
            "jti": base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(crate::random::bytes::<32>()),
            "iat": now_secs,
            "exp": now_secs + ASSERTION_LIFETIME_SECS,
        })
    };
    let signed = match auth {
        ClientAuth::SecretBasic | ClientAuth::SecretPost | ClientAuth::None => return Ok(None),
        ClientAuth::SecretJwt(alg) => {
            let secret = client_secret
                .filter(|s| !s.is_empty())
                .ok_or_else(|| callback_error("client_secret_jwt needs the client secret"))?;
            jsonwebtoken::encode(
                &jsonwebtoken::Header::new(alg.jws()),
                &claims(),
                &jsonwebtoken::EncodingKey::from_secret(secret.expose().as_bytes()),
            )
        }
        ClientAuth::PrivateKeyJwt(key) => key.sign(&claims()),
    };
    signed
        .map(Some)
        .map_err(|e| callback_error(format!("the client assertion could not be signed: {e}")))
}

/// Every field of the token response that is not a standard one (`id_token`, …).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct OtherFields {
    #[serde(flatten)]
    fields: Map<String, Value>,
}

impl ExtraTokenFields for OtherFields {}

type Response = StandardTokenResponse<OtherFields, BasicTokenType>;

type TokenClient = Client<
    BasicErrorResponse,
    Response,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// One code exchange.
pub(crate) struct CodeExchange<'a> {
    pub(crate) token_url: &'a url::Url,
    pub(crate) client_id: &'a str,
    pub(crate) client_secret: Option<&'a Secret>,
    pub(crate) auth: &'a ClientAuth,
    pub(crate) code: &'a str,
    pub(crate) redirect_uri: &'a str,
    pub(crate) code_verifier: Option<String>,
    /// What the provider wants beyond the standard request.
    pub(crate) shape: &'a TokenRequest,
    /// The time of the request, for client assertions.
    pub(crate) now_secs: i64,
}

/// Rewrites a token response the strict parser would refuse for a harmless quirk:
/// `expires_in` sent as a string, `scope` sent as a list, no `token_type` where the provider
/// has a default one.
fn conform(
    mut response: http::Response<Vec<u8>>,
    default_token_type: Option<&str>,
) -> http::Response<Vec<u8>> {
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(response.body()) else {
        return response;
    };
    let mut changed = false;
    // WeChat answers without one (Auth.js's preset adds `bearer` in `token.conform`).
    if let Some(default) = default_token_type
        && response.status().is_success()
        && !body.contains_key("token_type")
    {
        body.insert("token_type".into(), Value::String(default.to_owned()));
        changed = true;
    }
    if let Some(Value::String(s)) = body.get("expires_in")
        && let Ok(n) = s.trim().parse::<u64>()
    {
        body.insert("expires_in".into(), Value::from(n));
        changed = true;
    }
    // Twitch sends `scope` as a list.
    if let Some(Value::Array(list)) = body.get("scope") {
        let joined: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        body.insert("scope".into(), Value::String(joined.join(" ")));
        changed = true;
    }
    if changed && let Ok(bytes) = serde_json::to_vec(&body) {
        *response.body_mut() = bytes;
    }
    response
}

/// Our [`HttpClient`] as the `oauth2` crate's transport, with [`conform`] applied (and the
/// provider's default `token_type`).
struct Transport<'a>(&'a dyn HttpClient, Option<&'a str>);

impl<'c> oauth2::AsyncHttpClient<'c> for Transport<'_> {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send + 'c>,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.0.execute(request).await?;
            Ok(conform(response, self.1))
        })
    }
}

/// Exchanges the code; returns every field of the token response.
pub(crate) async fn exchange(
    client: &dyn HttpClient,
    request: CodeExchange<'_>,
) -> Result<Map<String, Value>, Error> {
    // Auth.js's `token.params` ride on the token URL.
    let mut url = request.token_url.clone();
    if !request.shape.query.is_empty() {
        url.query_pairs_mut().extend_pairs(TokenRequest::resolve(
            &request.shape.query,
            request.client_id,
            request.client_secret,
        ));
    }
    let token_url = TokenUrl::from_url(url);
    let redirect_url = RedirectUrl::new(request.redirect_uri.to_owned())
        .map_err(|e| callback_error(format!("invalid redirect URI: {e}")))?;
    let mut oauth: TokenClient = Client::new(ClientId::new(request.client_id.to_owned()))
        .set_token_uri(token_url)
        .set_redirect_uri(redirect_url)
        .set_auth_type(match request.auth {
            ClientAuth::SecretBasic => AuthType::BasicAuth,
            _ => AuthType::RequestBody,
        });
    // The secret travels itself only with the two secret methods; the JWT methods send
    // `client_id` and the assertion in the body.
    if matches!(
        request.auth,
        ClientAuth::SecretBasic | ClientAuth::SecretPost
    ) && let Some(secret) = request.client_secret
    {
        oauth = oauth.set_client_secret(ClientSecret::new(secret.expose().to_owned()));
    }
    let assertion = client_assertion(
        request.auth,
        request.client_id,
        request.client_secret,
        request.token_url,
        request.now_secs,
    )?;
    let mut exchange = oauth.exchange_code(AuthorizationCode::new(request.code.to_owned()));
    if let Some(assertion) = assertion {
        exchange = exchange
            .add_extra_param("client_assertion_type", JWT_BEARER)
            .add_extra_param("client_assertion", assertion);
    }
    for (name, value) in TokenRequest::resolve(
        &request.shape.body,
        request.client_id,
        request.client_secret,
    ) {
        exchange = exchange.add_extra_param(name.to_owned(), value.to_owned());
    }
    if let Some(verifier) = request.code_verifier {
        exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(verifier));
    }
    let transport = Transport(client, request.shape.default_token_type.as_deref());
    let response: Response = exchange
        .request_async(&transport)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(error) => callback_error(format!(
                "the token endpoint refused the code: {}",
                error.error()
            )),
            RequestTokenError::Request(error) => {
                callback_error(format!("token request failed: {error}"))
            }
            RequestTokenError::Parse(error, _) => {
                callback_error(format!("the token response is not valid: {error}"))
            }
            RequestTokenError::Other(error) => {
                callback_error(format!("token request failed: {error}"))
            }
        })?;
    let token_type = response.token_type().as_ref().to_ascii_lowercase();
    if token_type != "bearer" && token_type != "dpop" {
        return Err(callback_error(format!(
            "unsupported token_type {token_type:?}"
        )));
    }
    match serde_json::to_value(&response) {
        Ok(Value::Object(mut fields)) => {
            fields.insert("token_type".into(), Value::String(token_type));
            Ok(fields)
        }
        _ => Err(callback_error("the token response could not be read")),
    }
}

impl From<HttpError> for Error {
    fn from(error: HttpError) -> Self {
        callback_error(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_expires_in_is_accepted() {
        let response = http::Response::new(
            br#"{"access_token":"a","token_type":"Bearer","expires_in":"3600"}"#.to_vec(),
        );
        let fixed: Value = serde_json::from_slice(conform(response, None).body()).expect("json");
        assert_eq!(fixed["expires_in"], 3600);
        let listed = http::Response::new(
            br#"{"access_token":"a","token_type":"bearer","scope":["openid","user:read:email"]}"#
                .to_vec(),
        );
        let fixed: Value = serde_json::from_slice(conform(listed, None).body()).expect("json");
        assert_eq!(fixed["scope"], "openid user:read:email");
        let junk = http::Response::new(b"not json".to_vec());
        assert_eq!(conform(junk, None).body(), b"not json");
    }

    #[test]
    fn a_default_token_type_fills_only_a_missing_one() {
        let bare = || http::Response::new(br#"{"access_token":"a","openid":"o"}"#.to_vec());
        let fixed: Value =
            serde_json::from_slice(conform(bare(), Some("bearer")).body()).expect("json");
        assert_eq!(fixed["token_type"], "bearer");
        let kept: Value = serde_json::from_slice(conform(bare(), None).body()).expect("json");
        assert_eq!(kept.get("token_type"), None);
        let own = http::Response::new(br#"{"access_token":"a","token_type":"DPoP"}"#.to_vec());
        let own: Value = serde_json::from_slice(conform(own, Some("bearer")).body()).expect("json");
        assert_eq!(own["token_type"], "DPoP");
    }
}
