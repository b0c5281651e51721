//! [`Auth`]: the built configuration, and its one entry point [`Auth::handle`].

use std::{
    convert::Infallible,
    fmt,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, Uri, header::HeaderName};
use http_body::Body;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use serde_json::{Map, Value};

use crate::{
    actions,
    config::AuthConfig,
    context::{RequestContext, RequestParts, is_valid_callback_url},
    cookies::SetCookie,
    error::{ConfigError, Error, ErrorKind},
    model::{Session, Token},
    prepared::Prepared,
    providers::PreparedProvider,
    request::{self, Action, Method},
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
            inner: Arc::new(Prepared::new(self)?),
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

/// What a protected route answers a request without a session ([`Auth::session_required`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionRequired {
    /// Redirect the browser to this sign-in URL (it carries `callbackUrl`).
    SignIn(String),
    /// Answer `401 Unauthorized`.
    Unauthorized,
}

/// The outcome of a server-side action ([`Auth::sign_in`], [`Auth::sign_out`],
/// [`Auth::update_session`]): where to send the user, the cookies to set, and the JSON body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerAction {
    /// Where the user should go next, if anywhere.
    pub redirect: Option<String>,
    /// Cookies to set on the application's response.
    pub cookies: Vec<SetCookie>,
    /// The JSON body of the action (the session after an update).
    pub body: Option<Value>,
}

impl ServerAction {
    /// The `Set-Cookie` header values, ready to append to a response.
    pub fn set_cookie_headers(&self) -> impl Iterator<Item = http::HeaderValue> + '_ {
        self.cookies.iter().filter_map(SetCookie::to_header)
    }
}

impl Auth {
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
    /// configured URL or, with `trust_host`, from the `Host`/`X-Forwarded-*` headers.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<Bytes>
    where
        B: Body + Send,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (parts, body) = request.into_parts();
        let inner = &*self.inner;
        let Some(method) = Method::from_http(&parts.method) else {
            tracing::debug!(target: "auth_core", method = %parts.method, "UnknownAction: unsupported method");
            return response::bad_request();
        };
        let Some((action, provider_id)) = request::parse_action(parts.uri.path(), &inner.base_path)
        else {
            tracing::debug!(target: "auth_core", path = parts.uri.path(), "UnknownAction: not an action");
            return response::bad_request();
        };
        let bytes = if method == Method::Post {
            match Limited::new(body, inner.max_body_bytes).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
                    tracing::warn!(target: "auth_core", limit = inner.max_body_bytes, "request body over the limit");
                    return response::payload_too_large();
                }
                Err(_) => return response::bad_request(),
            }
        } else {
            Bytes::new()
        };
        let Some(origin) = inner.origin.resolve(&parts.uri, &parts.headers) else {
            tracing::warn!(target: "auth_core", "no usable Host: cannot tell the request's origin");
            return response::bad_request();
        };
        let Ok(body) = request::parse_body(&parts.headers, &bytes) else {
            tracing::warn!(target: "auth_core", "unparsable JSON body");
            return response::bad_request();
        };
        let query = request::parse_query(parts.uri.query());
        if let Some(url) = query.get("callbackUrl")
            && !is_valid_callback_url(url)
        {
            tracing::warn!(target: "auth_core", "[auth][error] InvalidCallbackUrl: invalid callbackUrl in the query");
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
        let outcome = self.run(request_parts).await;
        let response = match outcome {
            Ok(response) => response,
            Err(error) => actions::error_response(inner, &origin, method, action, &error),
        };
        response.into_http(return_redirect)
    }

    async fn run(&self, parts: RequestParts) -> Result<AuthResponse, Error> {
        let mut ctx = RequestContext::init(&self.inner, parts).await?;
        actions::dispatch(&mut ctx).await
    }

    /// The session of a request, as `GET /auth/session` would give it, without re-issuing
    /// cookies or extending a database session (Auth.js's `auth()`). Fails closed: any problem
    /// gives `None`.
    pub async fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let (secure, raw) = self.session_token(headers)?;
        let now = self.inner.clock.now_millis();
        self.inner.sessions.peek(secure, &raw, now).await
    }

    /// The decoded JWT of a request's session cookie (after the `jwt` callback), or `None`
    /// (always `None` with database sessions).
    pub async fn token(&self, headers: &HeaderMap) -> Option<Token> {
        let (secure, raw) = self.session_token(headers)?;
        let now = self.inner.clock.now_millis();
        self.inner.sessions.token(secure, &raw, now).await
    }

    /// Whether the request is on secure cookies, and its session token (cookie chunks, else a
    /// bearer token).
    fn session_token(&self, headers: &HeaderMap) -> Option<(bool, String)> {
        let secure = self.is_secure(headers)?;
        let name = &self.inner.sessions.cookie(secure).name;
        Some((secure, crate::jwt::read_token(headers, name)?))
    }

    fn is_secure(&self, headers: &HeaderMap) -> Option<bool> {
        let inner = &*self.inner;
        if let Some(secure) = inner.use_secure_cookies {
            return Some(secure);
        }
        let origin = inner.origin.resolve(&Uri::from_static("/"), headers)?;
        Some(origin.https)
    }

    /// What a route that requires a session answers a request without one: a browser (it
    /// accepts `text/html`) goes to the sign-in page and comes back to `path_and_query` on this
    /// origin afterwards; anything else gets `401`. Every framework crate applies this rule.
    pub fn session_required(&self, headers: &HeaderMap, path_and_query: &str) -> SessionRequired {
        let wants_html = headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
        if wants_html {
            let back = match self.origin(headers) {
                Some(origin) => format!("{origin}{path_and_query}"),
                None => path_and_query.to_owned(),
            };
            if let Some(url) = self.sign_in_url(headers, &back) {
                return SessionRequired::SignIn(url);
            }
        }
        SessionRequired::Unauthorized
    }

    /// The URL of the sign-in page for a request, with `callback_url` to come back to.
    pub fn sign_in_url(&self, headers: &HeaderMap, callback_url: &str) -> Option<String> {
        let origin = self.inner.origin.resolve(&Uri::from_static("/"), headers)?;
        let encoded = crate::encoding::encode_component(callback_url);
        Some(match &self.inner.pages.sign_in {
            Some(page) if page.starts_with('/') => {
                format!("{}{page}?callbackUrl={encoded}", origin.url)
            }
            Some(page) => format!("{page}?callbackUrl={encoded}"),
            None => format!(
                "{}{}/signin?callbackUrl={encoded}",
                origin.url, self.inner.base_path
            ),
        })
    }

    /// The public origin of a request (`scheme://host[:port]`), as the core sees it.
    pub fn origin(&self, headers: &HeaderMap) -> Option<String> {
        self.inner
            .origin
            .resolve(&Uri::from_static("/"), headers)
            .map(|o| o.url)
    }

    /// Signs in server-side, like Auth.js's `signIn()` on the server: for credentials, `params`
    /// are the form fields handed to `authorize`. No CSRF check applies (the caller is the
    /// application itself); failures come back as errors instead of redirects.
    pub async fn sign_in(
        &self,
        headers: &HeaderMap,
        provider: &str,
        params: impl IntoIterator<Item = (String, String)>,
    ) -> Result<ServerAction, Error> {
        let body: Map<String, Value> = params
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let action = match self.inner.provider(provider) {
            Some(PreparedProvider::Credentials(_)) => Action::Callback,
            Some(PreparedProvider::OAuth(_) | PreparedProvider::Email(_)) => Action::SignIn,
            None => {
                return Err(Error::new(
                    ErrorKind::Configuration,
                    format!("Provider with id \"{provider}\" not found"),
                ));
            }
        };
        self.server_action(headers, action, Some(provider.to_owned()), body)
            .await
    }

    /// Signs out server-side: the cookies clear the session; `callback_url` is where to go.
    pub async fn sign_out(
        &self,
        headers: &HeaderMap,
        callback_url: Option<&str>,
    ) -> Result<ServerAction, Error> {
        let mut body = Map::new();
        if let Some(url) = callback_url {
            body.insert("callbackUrl".into(), Value::String(url.to_owned()));
        }
        self.server_action(headers, Action::SignOut, None, body)
            .await
    }

    /// Updates the session server-side (Auth.js's `unstable_update`): `data` reaches the `jwt`
    /// callback with trigger `update`; the body is the new session.
    pub async fn update_session(
        &self,
        headers: &HeaderMap,
        data: Value,
    ) -> Result<ServerAction, Error> {
        let mut body = Map::new();
        body.insert("data".into(), data);
        self.server_action(headers, Action::Session, None, body)
            .await
    }

    async fn server_action(
        &self,
        headers: &HeaderMap,
        action: Action,
        provider_id: Option<String>,
        body: Map<String, Value>,
    ) -> Result<ServerAction, Error> {
        let origin = self
            .inner
            .origin
            .resolve(&Uri::from_static("/"), headers)
            .ok_or_else(|| Error::new(ErrorKind::UntrustedHost, "cannot tell the origin"))?;
        let parts = RequestParts {
            method: Method::Post,
            action,
            provider_id,
            path_and_query: format!("{}/{}", self.inner.base_path, action.as_str()),
            origin,
            headers: headers.clone(),
            query: Default::default(),
            body,
            trusted: true,
        };
        let response = self.run(parts).await?;
        let body = match response.body {
            response::ResponseBody::Json(value) => Some(value),
            _ => None,
        };
        Ok(ServerAction {
            redirect: response.redirect,
            cookies: response.cookies,
            body,
        })
    }
}

fn path_and_query(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}

/// `Auth` is a `tower::Service` for any request body; answers carry a [`Full`] body.
impl<B> tower_service::Service<Request<B>> for Auth
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let auth = self.clone();
        Box::pin(async move { Ok(auth.handle(request).await.map(Full::new)) })
    }
}
