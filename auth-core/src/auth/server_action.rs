//! Server-side actions (Auth.js's `signIn`, `signOut`, `unstable_update` on the server): the
//! same `init` + `dispatch` as HTTP requests, answering a [`ServerAction`] instead.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Response, Uri};
use serde_json::{Map, Value};

use super::Auth;
use crate::{
    actions,
    context::RequestParts,
    cookies::SetCookie,
    error::{Error, ErrorKind},
    providers::PreparedProvider,
    request::{Action, Method},
    response,
};

/// The outcome of a server-side action ([`Auth::sign_in`], [`Auth::sign_out`],
/// [`Auth::update_session`]): where to send the user, the cookies to set, and the JSON body.
///
/// `Debug` shows no cookie value and only the top-level keys of the body (a session may carry
/// a token a `session` callback put there).
#[derive(Clone)]
#[non_exhaustive]
pub struct ServerAction {
    /// Where the user should go next, if anywhere.
    pub redirect: Option<String>,
    /// Cookies to set on the application's response.
    pub cookies: Vec<SetCookie>,
    /// The JSON body of the action (the session after an update).
    pub body: Option<Value>,
    /// Answer the redirect as `{"url": …}` instead of following it (a sign-in with
    /// [`SignInOptions::no_redirect`]).
    pub no_redirect: bool,
}

impl fmt::Debug for ServerAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.body.as_ref().map(crate::secret::RedactedJson);
        f.debug_struct("ServerAction")
            .field("redirect", &self.redirect)
            .field("cookies", &self.cookies)
            .field("body", &body)
            .field("no_redirect", &self.no_redirect)
            .finish()
    }
}

impl ServerAction {
    /// The `Set-Cookie` header values, ready to append to a response.
    pub fn set_cookie_headers(&self) -> impl Iterator<Item = http::HeaderValue> + '_ {
        self.cookies.iter().filter_map(SetCookie::to_header)
    }

    /// The application's answer to the action, with every `Set-Cookie`: `303 See Other` to
    /// the redirect; with [`no_redirect`](Self::no_redirect) (or no redirect) `200` with
    /// `{"url": …}`, the body, or `null` as JSON. Each framework crate converts it into its own
    /// response type.
    pub fn to_response(&self) -> Response<Bytes> {
        let mut response = match (&self.redirect, self.no_redirect) {
            (Some(url), false) => {
                let mut response = Response::new(Bytes::new());
                *response.status_mut() = http::StatusCode::SEE_OTHER;
                if let Ok(location) = http::HeaderValue::from_str(url) {
                    response
                        .headers_mut()
                        .insert(http::header::LOCATION, location);
                }
                response
            }
            (redirect, _) => {
                let body = match (redirect, &self.body) {
                    (Some(url), _) => serde_json::json!({ "url": url }),
                    (None, Some(body)) => body.clone(),
                    (None, None) => Value::Null,
                };
                let mut response = Response::new(Bytes::from(body.to_string()));
                response.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json"),
                );
                response
            }
        };
        let headers = response.headers_mut();
        for cookie in self.set_cookie_headers() {
            headers.append(http::header::SET_COOKIE, cookie);
        }
        headers.insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-cache, no-store"),
        );
        response
    }
}

/// No authorization parameters, for [`Auth::sign_in`].
pub const NO_PARAMS: [(String, String); 0] = [];

/// How a server-side sign-in ([`Auth::sign_in`]) goes: the form fields for a credentials
/// provider (or `email` for the email provider), where to go afterwards, and whether to
/// redirect at all (Auth.js's `signIn(provider, { redirectTo, redirect, ...fields })`).
#[derive(Clone, Default)]
pub struct SignInOptions {
    fields: Vec<(String, String)>,
    redirect_to: Option<String>,
    no_redirect: bool,
}

impl fmt::Debug for SignInOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.fields.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("SignInOptions")
            .field("fields", &names)
            .field("redirect_to", &self.redirect_to)
            .field("no_redirect", &self.no_redirect)
            .finish()
    }
}

impl SignInOptions {
    /// No fields, back to the origin afterwards, redirecting.
    pub fn new() -> Self {
        Self::default()
    }

    /// Options with these form fields (credentials: handed to `authorize`).
    pub fn with_fields<K, V>(fields: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self::new().fields(fields)
    }

    /// One more form field.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// More form fields.
    #[must_use]
    pub fn fields<K, V>(mut self, fields: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.fields
            .extend(fields.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Where the user goes after signing in (Auth.js's `redirectTo`), through the `redirect`
    /// callback; default the origin.
    #[must_use]
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.redirect_to = Some(url.into());
        self
    }

    /// Do not redirect: the [`ServerAction`] answers `{"url": …}` (Auth.js's
    /// `redirect: false`, which returns the URL).
    #[must_use]
    pub fn no_redirect(mut self) -> Self {
        self.no_redirect = true;
        self
    }
}

impl Auth {
    /// Signs in server-side, like Auth.js's `signIn(provider, options, authorizationParams)` on
    /// the server. For credentials, the [`SignInOptions`] fields are handed to `authorize`;
    /// for OAuth, `authorization_params` join the authorization URL (the protocol's own ones,
    /// such as `state` or `redirect_uri`, cannot be overridden). No CSRF check applies (the
    /// caller is the application itself); failures come back as errors instead of redirects.
    ///
    /// The [`ServerAction`] redirects to the provider (OAuth), the verify-request page
    /// (email) or `redirect_to` (credentials), or with [`SignInOptions::no_redirect`] answers
    /// the URL.
    pub async fn sign_in<K, V>(
        &self,
        headers: &HeaderMap,
        provider: &str,
        options: SignInOptions,
        authorization_params: impl IntoIterator<Item = (K, V)>,
    ) -> Result<ServerAction, Error>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut body: Map<String, Value> = options
            .fields
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        if let Some(url) = options.redirect_to {
            body.insert("callbackUrl".into(), Value::String(url));
        }
        let action = match self.inner.provider(provider) {
            Some(PreparedProvider::Credentials(_)) => Action::Callback,
            Some(
                PreparedProvider::OAuth(_)
                | PreparedProvider::Email(_)
                | PreparedProvider::WebAuthn(_),
            ) => Action::SignIn,
            None => {
                return Err(Error::new(
                    ErrorKind::Configuration,
                    format!("Provider with id \"{provider}\" not found"),
                ));
            }
        };
        let query = authorization_params
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(k, _): &(String, String)| k != "callbackUrl")
            .collect();
        let mut done = self
            .server_action(headers, action, Some(provider.to_owned()), query, body)
            .await?;
        done.no_redirect = options.no_redirect;
        Ok(done)
    }

    /// Signs out server-side (Auth.js's `signOut({ redirectTo })`): the cookies clear the
    /// session (a database session's row is deleted); `redirect_to` is where to go, through
    /// the `redirect` callback (default the origin).
    pub async fn sign_out(
        &self,
        headers: &HeaderMap,
        redirect_to: Option<&str>,
    ) -> Result<ServerAction, Error> {
        let mut body = Map::new();
        if let Some(url) = redirect_to {
            body.insert("callbackUrl".into(), Value::String(url.to_owned()));
        }
        self.server_action(headers, Action::SignOut, None, Default::default(), body)
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
        self.server_action(headers, Action::Session, None, Default::default(), body)
            .await
    }

    /// The application's answer to a server-side action: on success
    /// [`ServerAction::to_response`]; on failure `303` to the page that shows the error, as
    /// the HTTP action would (the sign-in page with `error=CredentialsSignin`, the error page
    /// with `error=Configuration`, …). Each framework crate converts it into its own type.
    pub fn action_response(
        &self,
        headers: &HeaderMap,
        result: Result<ServerAction, Error>,
    ) -> Response<Bytes> {
        let error = match result {
            Ok(action) => return action.to_response(),
            Err(error) => error,
        };
        let redirect = self
            .inner
            .origin
            .resolve(&Uri::from_static("/"), headers)
            .ok()
            .and_then(|origin| {
                let answer = actions::error_response(
                    &self.inner,
                    &origin,
                    Method::Post,
                    Action::SignIn,
                    &error,
                );
                answer.redirect
            });
        ServerAction {
            redirect,
            cookies: Vec::new(),
            body: None,
            no_redirect: false,
        }
        .to_response()
    }

    async fn server_action(
        &self,
        headers: &HeaderMap,
        action: Action,
        provider_id: Option<String>,
        query: std::collections::HashMap<String, String>,
        body: Map<String, Value>,
    ) -> Result<ServerAction, Error> {
        let origin = self
            .inner
            .origin
            .resolve(&Uri::from_static("/"), headers)
            .map_err(|_| Error::new(ErrorKind::UntrustedHost, "cannot tell the origin"))?;
        let parts = RequestParts {
            method: Method::Post,
            action,
            provider_id,
            path_and_query: format!("{}/{}", self.inner.base_path, action.as_str()),
            origin,
            headers: headers.clone(),
            query,
            body,
            trusted: true,
        };
        let response = self.run(parts).await?;
        let body = match response.body {
            response::ResponseBody::Json(value) => Some(value),
            response::ResponseBody::JsonBytes(bytes) => serde_json::from_slice(&bytes).ok(),
            _ => None,
        };
        Ok(ServerAction {
            redirect: response.redirect,
            cookies: response.cookies,
            body,
            no_redirect: false,
        })
    }
}
