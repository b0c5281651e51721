//! Outbound HTTP for OAuth (discovery, JWKS, token and userinfo requests), behind a trait so
//! tests and unusual deployments can replace it.

use std::{fmt, future::Future, pin::Pin, time::Duration};

/// A failed outbound request (network, TLS, timeout, or an unusable response).
#[derive(Debug)]
pub struct HttpError(pub String);

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "outbound HTTP request failed: {}", self.0)
    }
}

impl std::error::Error for HttpError {}

/// The future returned by [`HttpClient::execute`].
pub type HttpFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Vec<u8>>, HttpError>> + Send + 'a>>;

/// Sends one HTTP request and returns the whole response. It must not follow redirects (the
/// OAuth endpoints never need it, and following them invites SSRF).
pub trait HttpClient: Send + Sync + 'static {
    /// Sends `request`.
    fn execute(&self, request: http::Request<Vec<u8>>) -> HttpFuture<'_>;
}

/// The default client: reqwest with rustls, no redirects, 15 s timeout, 1 MiB response cap.
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
#[derive(Debug, Clone)]
pub struct ReqwestClient {
    client: reqwest::Client,
}

/// Responses larger than this are refused: discovery, JWKS and token answers are small.
#[cfg(feature = "reqwest")]
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

#[cfg(feature = "reqwest")]
impl ReqwestClient {
    /// A client with the defaults above.
    pub fn new() -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("auth-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError(e.to_string()))?;
        Ok(Self { client })
    }

    /// Wraps a configured reqwest client (make sure it does not follow redirects).
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client }
    }
}

#[cfg(feature = "reqwest")]
impl HttpClient for ReqwestClient {
    fn execute(&self, request: http::Request<Vec<u8>>) -> HttpFuture<'_> {
        Box::pin(async move {
            let request =
                reqwest::Request::try_from(request).map_err(|e| HttpError(e.to_string()))?;
            let mut response = self
                .client
                .execute(request)
                .await
                .map_err(|e| HttpError(e.without_url().to_string()))?;
            let mut builder = http::Response::builder().status(response.status());
            if let Some(headers) = builder.headers_mut() {
                *headers = std::mem::take(response.headers_mut());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| HttpError(e.without_url().to_string()))?
            {
                if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                    return Err(HttpError("response larger than 1 MiB".into()));
                }
                body.extend_from_slice(&chunk);
            }
            builder.body(body).map_err(|e| HttpError(e.to_string()))
        })
    }
}

/// No outbound HTTP at all: every request fails. Used when the `reqwest` feature is off and
/// no client was configured.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHttpClient;

impl HttpClient for NoHttpClient {
    fn execute(&self, _request: http::Request<Vec<u8>>) -> HttpFuture<'_> {
        Box::pin(async { Err(HttpError("no HTTP client is configured".into())) })
    }
}

/// The client used when none is configured.
pub(crate) fn default_client() -> std::sync::Arc<dyn HttpClient> {
    #[cfg(feature = "reqwest")]
    if let Ok(client) = ReqwestClient::new() {
        return std::sync::Arc::new(client);
    }
    std::sync::Arc::new(NoHttpClient)
}
