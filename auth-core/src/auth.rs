//! [`Auth`]: the built configuration, and its one entry point [`Auth::handle`].

mod server_action;
mod service;
mod session;

pub use server_action::{NO_PARAMS, ServerAction, SignInOptions};
pub use session::{KeptAlive, SessionRequired};

use std::{fmt, sync::Arc};

use bytes::Bytes;
use http::{Request, Response, Uri, header::HeaderName};
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::{
    actions,
    config::AuthConfig,
    context::{RequestContext, RequestParts, is_valid_callback_url},
    error::{ConfigError, Error},
    logger::WarningCode,
    prepared::Prepared,
    providers::PreparedProvider,
    request::{self, Method},
    response::{self, AuthResponse},
};

/// The header with which clients ask for `{"url": …}` instead of a redirect.
const RETURN_REDIRECT: HeaderName = HeaderName::from_static("x-auth-return-redirect");

/// Auth.js for a Rust server: built once from an [`AuthConfig`], cheap to clone, and answering
/// every Auth.js action through [`handle`](Self::handle).
#[derive(Clone)]
pub struct Auth {
    inner: Arc<Prepared>,
}

impl AuthConfig {
    /// Validates the configuration and prepares everything requests need (derived keys, cookie
    /// tables, parsed provider endpoints, the session strategy), so no request does avoidable
    /// work.
    pub fn build(self) -> Result<Auth, ConfigError> {
        Ok(Auth {
            inner: Arc::new(Prepared::new(self.with_env_applied())?),
        })
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("base_path", &self.inner.base_path)
            .field("providers", &self.inner.providers)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Where this `Auth`'s log lines go (the configured [`Logger`](crate::logger::Logger)).
    pub(crate) fn log(&self) -> &crate::logger::Log {
        &self.inner.log
    }

    /// The path the routes live under, e.g. `/auth`.
    pub fn base_path(&self) -> &str {
        &self.inner.base_path
    }

    /// The ids of the configured providers, in order.
    pub fn provider_ids(&self) -> impl ExactSizeIterator<Item = &str> {
        self.inner.providers.iter().map(PreparedProvider::id)
    }

    /// The largest request body [`handle`](Self::handle) reads.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// Answers one Auth.js request. Never panics on input and never answers 500: unparsable
    /// requests get `400 "Bad request."`, bodies over the limit `413`, and failures Auth.js's
    /// redirect to the sign-in or error page.
    ///
    /// The request URI may be origin-form (`/auth/session`): the origin comes from the
    /// configured URL; else, with `trust_host` or `trusted_hosts`, from the
    /// `X-Forwarded-*`/`Forwarded`/`Host` headers; else only a loopback `Host` is served.
    /// An untrusted host gets `400`.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<Bytes>
    where
        B: Body + Send,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (parts, body) = request.into_parts();
        let inner = &*self.inner;
        let Some(method) = Method::from_http(&parts.method) else {
            inner.log.debug(
                "UnknownAction: unsupported method",
                || serde_json::json!({"method": parts.method.as_str()}),
            );
            return response::bad_request();
        };
        let Some((action, provider_id)) = request::parse_action(parts.uri.path(), &inner.base_path)
        else {
            inner.log.debug(
                "UnknownAction: not an action",
                || serde_json::json!({"path": crate::origin::shorten(parts.uri.path(), 100)}),
            );
            return response::bad_request();
        };
        let bytes = if method == Method::Post {
            match Limited::new(body, inner.max_body_bytes).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
                    inner.log.warn(
                        WarningCode::BadRequest,
                        &format!(
                            "request body over the limit of {} bytes",
                            inner.max_body_bytes
                        ),
                    );
                    return response::payload_too_large();
                }
                Err(_) => return response::bad_request(),
            }
        } else {
            Bytes::new()
        };
        let origin = match inner.origin.resolve(&parts.uri, &parts.headers) {
            Ok(origin) => origin,
            Err(refused) => {
                refused.log(&inner.log);
                return response::bad_request();
            }
        };
        let Ok(body) = request::parse_body(&parts.headers, &bytes) else {
            inner
                .log
                .warn(WarningCode::BadRequest, "unparsable JSON body");
            return response::bad_request();
        };
        let query = request::parse_query(parts.uri.query());
        if let Some(url) = query.get("callbackUrl")
            && !is_valid_callback_url(url, &origin.url)
        {
            let error = crate::Error::new(
                crate::ErrorKind::InvalidCallbackUrl,
                "invalid callbackUrl in the query",
            )
            .caused_by_client();
            inner.log.error("InvalidCallbackUrl", &error);
            return response::bad_request();
        }
        let return_redirect = parts.headers.contains_key(RETURN_REDIRECT);
        let request_parts = RequestParts {
            method,
            action,
            provider_id,
            origin: origin.clone(),
            path_and_query: path_and_query(&parts.uri),
            headers: parts.headers,
            query,
            body,
            trusted: false,
        };
        match self.run(request_parts).await {
            Ok(response) => response.into_http(return_redirect),
            Err(error) => {
                let answer = actions::error_response(inner, &origin, method, action, &error);
                let mut answer = answer.into_http(return_redirect);
                if return_redirect {
                    // Auth.js answers a failure in this mode with `{"url": …}` alone.
                    answer.headers_mut().remove(http::header::LOCATION);
                }
                answer
            }
        }
    }

    async fn run(&self, parts: RequestParts) -> Result<AuthResponse, Error> {
        let mut ctx = RequestContext::init(&self.inner, parts).await?;
        actions::dispatch(&mut ctx).await
    }
}

fn path_and_query(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}
