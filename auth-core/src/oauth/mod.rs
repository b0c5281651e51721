//! OAuth 2 / OpenID Connect protocol helpers: outbound HTTP, discovery and JWKS caches, sealed
//! check cookies, token exchange (through the `oauth2` crate) and id_token verification.

pub(crate) mod checks;
mod client_key;
mod http;
pub(crate) mod id_token;
pub(crate) mod metadata;
pub(crate) mod token;
mod token_request;

pub use client_key::ClientKey;
#[cfg(feature = "reqwest")]
pub use http::ReqwestClient;
pub(crate) use http::default_client;
pub use http::{HttpClient, HttpError, HttpFuture, NoHttpClient};
pub use token::{ClientAuth, HmacAlgorithm};
pub use token_request::{TokenParam, TokenRequest};

use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// A callback failure that is the provider's or the configuration's fault: reported to the
/// client as `Configuration`, with the detail in the log.
pub(crate) fn callback_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::CallbackRouteError, message.into())
}

/// GET `url` (with an optional bearer token) and parse a JSON body; non-2xx is an error.
pub(crate) async fn get_json(
    client: &dyn HttpClient,
    url: &str,
    bearer: Option<&str>,
) -> Result<Value, Error> {
    let mut request = ::http::Request::get(url).header(::http::header::ACCEPT, "application/json");
    if let Some(token) = bearer {
        request = request.header(::http::header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = request
        .body(Vec::new())
        .map_err(|e| callback_error(format!("invalid URL {url}: {e}")))?;
    let response = client
        .execute(request)
        .await
        .map_err(|e| callback_error(format!("GET {url}: {e}")))?;
    if !response.status().is_success() {
        return Err(callback_error(format!(
            "GET {url} answered {}",
            response.status()
        )));
    }
    serde_json::from_slice(response.body())
        .map_err(|e| callback_error(format!("GET {url}: the answer is not JSON: {e}")))
}
