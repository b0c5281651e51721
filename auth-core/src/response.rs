//! The internal response of an action and its conversion to `http::Response`, including
//! Auth.js's `X-Auth-Return-Redirect` JSON mode.

use bytes::Bytes;
use http::{
    HeaderMap, HeaderValue, Response, StatusCode,
    header::{
        CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, EXPIRES, LOCATION, PRAGMA,
        SET_COOKIE, X_FRAME_OPTIONS,
    },
};
use serde_json::Value;

use crate::{cookies::SetCookie, model::Session};

/// The body of an internal response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResponseBody {
    Empty,
    Json(Value),
    /// JSON already serialised (the session, written without a `Value` in between).
    JsonBytes(Vec<u8>),
    Html(String),
    /// A static JavaScript file.
    Script(&'static str),
}

/// What an action answers, before it becomes an `http::Response` (Auth.js's `ResponseInternal`).
#[derive(Debug, Clone)]
pub(crate) struct AuthResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) cookies: Vec<SetCookie>,
    pub(crate) body: ResponseBody,
    pub(crate) redirect: Option<String>,
}

impl AuthResponse {
    fn new(status: StatusCode, body: ResponseBody) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body,
            redirect: None,
        }
    }

    pub(crate) fn json(value: Value) -> Self {
        Self::new(StatusCode::OK, ResponseBody::Json(value))
    }

    /// The session as JSON (`null` for none), serialised straight from the struct. A session
    /// whose extra fields repeat `user` or `expires` goes through a `Value`, which keeps one of
    /// each as before.
    pub(crate) fn session(session: Option<&Session>) -> Self {
        let bytes = match session {
            Some(s) if s.extra.contains_key("user") || s.extra.contains_key("expires") => {
                serde_json::to_value(s).and_then(|v| serde_json::to_vec(&v))
            }
            session => {
                // A session's JSON is a few hundred bytes: one allocation rather than growing.
                let mut bytes = Vec::with_capacity(256);
                serde_json::to_writer(&mut bytes, &session).map(|()| bytes)
            }
        };
        let body = bytes.map_or(ResponseBody::Json(Value::Null), ResponseBody::JsonBytes);
        Self::new(StatusCode::OK, body)
    }

    pub(crate) fn html(status: StatusCode, html: String) -> Self {
        Self::new(status, ResponseBody::Html(html))
    }

    pub(crate) fn script(script: &'static str) -> Self {
        let mut response = Self::new(StatusCode::OK, ResponseBody::Script(script));
        response.headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        response
    }

    pub(crate) fn empty(status: StatusCode) -> Self {
        Self::new(status, ResponseBody::Empty)
    }

    pub(crate) fn redirect(url: impl Into<String>) -> Self {
        let mut response = Self::new(StatusCode::FOUND, ResponseBody::Empty);
        response.redirect = Some(url.into());
        response
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Adds the headers Auth.js puts on session and CSRF answers.
    pub(crate) fn no_cache(mut self) -> Self {
        self.headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache, no-store"),
        );
        self.headers.insert(EXPIRES, HeaderValue::from_static("0"));
        self.headers
            .insert(PRAGMA, HeaderValue::from_static("no-cache"));
        self
    }

    pub(crate) fn cookies(mut self, cookies: impl Into<Vec<SetCookie>>) -> Self {
        let cookies = cookies.into();
        if self.cookies.is_empty() {
            // Taken whole: the usual case, which needs no second vector.
            self.cookies = cookies;
        } else {
            self.cookies.extend(cookies);
        }
        self
    }

    /// Serialises the response. With `return_redirect` (the request carried
    /// `X-Auth-Return-Redirect`), a redirect becomes `200 {"url": …}` that keeps every header.
    pub(crate) fn into_http(self, return_redirect: bool) -> Response<Bytes> {
        let mut headers = self.headers;
        let mut status = self.status;
        let mut body = self.body;
        if let Some(location) = &self.redirect {
            match HeaderValue::from_str(location) {
                Ok(value) => {
                    headers.insert(LOCATION, value);
                    status = StatusCode::FOUND;
                    if return_redirect {
                        status = StatusCode::OK;
                        body = ResponseBody::Json(serde_json::json!({ "url": location }));
                    }
                }
                Err(_) => {
                    tracing::error!(target: "auth_core::response", "refusing a redirect URL that is not a valid header value");
                    return bad_request();
                }
            }
        }
        for cookie in &self.cookies {
            match cookie.to_header() {
                Some(value) => {
                    headers.append(SET_COOKIE, value);
                }
                None => {
                    tracing::error!(target: "auth_core::response", cookie = %cookie.name, "dropping a cookie that is not a valid header value");
                }
            }
        }
        let bytes = match body {
            ResponseBody::Empty => Bytes::new(),
            ResponseBody::Json(value) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                Bytes::from(serde_json::to_vec(&value).unwrap_or_else(|_| b"null".to_vec()))
            }
            ResponseBody::JsonBytes(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                Bytes::from(bytes)
            }
            ResponseBody::Html(html) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
                // The built-in pages hold forms (sign in, sign out, confirm a link): no site may
                // frame them to trick a click (beyond Auth.js).
                headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
                if !headers.contains_key(CONTENT_SECURITY_POLICY) {
                    headers.insert(
                        CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static("frame-ancestors 'none'"),
                    );
                }
                Bytes::from(html)
            }
            ResponseBody::Script(script) => {
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/javascript; charset=utf-8"),
                );
                Bytes::from_static(script.as_bytes())
            }
        };
        let mut response = Response::new(bytes);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }
}

/// `400 "Bad request."`, Auth.js's answer to a request it cannot parse.
pub(crate) fn bad_request() -> Response<Bytes> {
    status_json(StatusCode::BAD_REQUEST, "\"Bad request.\"")
}

/// `413`, for a body over the configured limit.
pub(crate) fn payload_too_large() -> Response<Bytes> {
    status_json(StatusCode::PAYLOAD_TOO_LARGE, "\"Payload too large.\"")
}

fn status_json(status: StatusCode, body: &'static str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(body.as_bytes()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_serialise_as_their_value_would() {
        let mut session = Session {
            user: None,
            expires: "2030-01-01T00:00:00.000Z".into(),
            extra: serde_json::Map::new(),
        };
        session.extra.insert("role".into(), "admin".into());
        let body = |s: Option<&Session>| AuthResponse::session(s).into_http(false).into_body();
        let via_value = |s: &Session| {
            serde_json::to_vec(&serde_json::to_value(s).expect("a value")).expect("JSON")
        };
        assert_eq!(body(Some(&session)), via_value(&session));
        assert_eq!(&body(None)[..], b"null");
        // A repeated key takes the Value's path: one `expires`, as before.
        session.extra.insert("expires".into(), "never".into());
        assert_eq!(body(Some(&session)), via_value(&session));
        assert_eq!(
            String::from_utf8_lossy(&body(Some(&session)))
                .matches("expires")
                .count(),
            1
        );
    }

    #[test]
    fn return_redirect_mode_keeps_headers_and_gives_json() {
        let r = AuthResponse::redirect("http://a.test/x").into_http(true);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[LOCATION], "http://a.test/x");
        assert_eq!(r.body().as_ref(), br#"{"url":"http://a.test/x"}"#);
        let r = AuthResponse::redirect("http://a.test/x").into_http(false);
        assert_eq!(r.status(), StatusCode::FOUND);
        assert!(r.body().is_empty());
    }

    #[test]
    fn a_redirect_that_is_no_header_value_is_refused() {
        let r = AuthResponse::redirect("http://a.test/\n").into_http(false);
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
}
