//! Per-request state resolved before an action runs (Auth.js `lib/init.ts`): the provider, the
//! origin, the cookie table, CSRF state and the callback URL.

use std::collections::HashMap;

use http::HeaderMap;
use serde_json::{Map, Value};

use crate::{
    cookies::{CookieKind, CookieSpec, CookieTable, RequestCookies, SessionCookies, SetCookie},
    csrf::{self, CsrfState},
    error::{Error, ErrorKind},
    origin::Origin,
    prepared::Prepared,
    providers::PreparedProvider,
    request::{Action, Method},
    session::Presented,
};

/// Everything an action needs to know about its request.
pub(crate) struct RequestContext<'a> {
    pub(crate) auth: &'a Prepared,
    pub(crate) method: Method,
    pub(crate) action: Action,
    pub(crate) provider: Option<&'a PreparedProvider>,
    pub(crate) origin: Origin,
    /// The request's path and query (see [`RequestContext::url`]).
    pub(crate) path_and_query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) cookies: RequestCookies,
    /// The session cookie chunks of the request.
    pub(crate) session: SessionCookies,
    pub(crate) query: HashMap<String, String>,
    pub(crate) body: Map<String, Value>,
    pub(crate) secure: bool,
    pub(crate) csrf: CsrfState,
    pub(crate) callback_url: String,
    /// Cookies `init` wants set (CSRF, callback URL); dropped when the action fails.
    pub(crate) queued: Vec<SetCookie>,
    pub(crate) now_ms: i64,
}

/// What the caller knows before `init`.
pub(crate) struct RequestParts {
    pub(crate) method: Method,
    pub(crate) action: Action,
    pub(crate) provider_id: Option<String>,
    pub(crate) origin: Origin,
    pub(crate) path_and_query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) query: HashMap<String, String>,
    pub(crate) body: Map<String, Value>,
    /// Server-side calls (the application API) are trusted and skip the CSRF check.
    pub(crate) trusted: bool,
}

impl<'a> RequestContext<'a> {
    /// Auth.js's `init`.
    pub(crate) async fn init(auth: &'a Prepared, parts: RequestParts) -> Result<Self, Error> {
        let provider = match &parts.provider_id {
            None => None,
            Some(id) => Some(auth.provider(id).ok_or_else(|| {
                Error::new(
                    ErrorKind::Configuration,
                    format!(
                        "Provider with id \"{}\" not found",
                        crate::origin::shorten(id, 64)
                    ),
                )
                .caused_by_client()
            })?),
        };
        let secure = auth.use_secure_cookies.unwrap_or(parts.origin.https);
        let cookies = RequestCookies::from_headers(&parts.headers);
        let table = auth.cookie_table(secure);
        let now_ms = auth.clock.now_millis();

        let mut queued = Vec::new();
        let csrf = if auth.skip_csrf_check || parts.trusted {
            CsrfState {
                token: String::new(),
                new_cookie: None,
                verified: true,
            }
        } else {
            let spec = table.get(CookieKind::CsrfToken);
            let submitted = parts.body.get("csrfToken").and_then(Value::as_str);
            let state = csrf::resolve(
                cookies.get(&spec.name),
                submitted,
                parts.method == Method::Post,
                &auth.csrf_secret,
            );
            if let Some(value) = &state.new_cookie {
                queued.push(SetCookie::new(spec, value.clone()));
            }
            state
        };

        let callback_spec = table.get(CookieKind::CallbackUrl);
        let cookie_value = cookies.get(&callback_spec.name);
        let requested = parts
            .body
            .get("callbackUrl")
            .and_then(Value::as_str)
            .or_else(|| parts.query.get("callbackUrl").map(String::as_str));
        // A callback-url cookie that is not a valid URL is ignored rather than failing every
        // request until it expires (Auth.js answers 500).
        // The origin itself, or a plain URL on it (the cookies most requests carry), is a
        // valid http(s) URL: only other values are parsed.
        let candidate = requested.or(cookie_value
            .filter(|c| *c == parts.origin.url || is_valid_callback_url(c, &parts.origin.url)));
        let callback_url = match candidate {
            Some(url) => auth.callbacks.redirect(url, &parts.origin.url).await?,
            None => parts.origin.url.clone(),
        };
        if cookie_value != Some(callback_url.as_str()) {
            queued.push(SetCookie::new(callback_spec, callback_url.clone()));
        }

        let session = SessionCookies::read(&cookies, &auth.sessions.cookie(secure).name);
        Ok(Self {
            auth,
            session,
            method: parts.method,
            action: parts.action,
            provider,
            path_and_query: parts.path_and_query,
            origin: parts.origin,
            headers: parts.headers,
            cookies,
            query: parts.query,
            body: parts.body,
            secure,
            csrf,
            callback_url,
            queued,
            now_ms,
        })
    }

    pub(crate) fn cookie_table(&self) -> &'a CookieTable {
        self.auth.cookie_table(self.secure)
    }

    pub(crate) fn cookie(&self, kind: CookieKind) -> &'a CookieSpec {
        self.cookie_table().get(kind)
    }

    /// The session this request presents, for [`Sessions`](crate::session::Sessions).
    pub(crate) fn presented(&self) -> Presented<'_> {
        Presented {
            secure: self.secure,
            cookies: &self.session,
            now_ms: self.now_ms,
        }
    }

    /// The request's own URL (origin, path and query), built only by the actions that show it.
    pub(crate) fn url(&self) -> String {
        format!("{}{}", self.origin.url, self.path_and_query)
    }

    /// `ORIGIN + BASE + "/" + action`.
    pub(crate) fn action_url(&self, action: &str) -> String {
        format!("{}{}/{action}", self.origin.url, self.auth.base_path)
    }

    /// Fails with `MissingCSRF` unless the request carried the right CSRF token.
    pub(crate) fn require_csrf(&self) -> Result<(), Error> {
        if self.csrf.verified {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::MissingCsrf,
                format!(
                    "CSRF token was missing during an action {}",
                    self.action.as_str()
                ),
            ))
        }
    }

    /// The queued cookies, taken for the response.
    pub(crate) fn take_queued(&mut self) -> Vec<SetCookie> {
        std::mem::take(&mut self.queued)
    }
}

/// Auth.js's check of a `callbackUrl` from the query or cookie: a `/`-relative path or an
/// absolute http(s) URL (one plainly under `origin` needs no parse).
pub(crate) fn is_valid_callback_url(value: &str, origin: &str) -> bool {
    if value.starts_with('/') || crate::origin::is_plain_url_under(value, origin) {
        return true;
    }
    url::Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}
