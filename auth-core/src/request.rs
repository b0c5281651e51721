//! Reading an `http::Request`: the action and provider id from the path, the query, and a
//! form or JSON body (Auth.js `lib/utils/web.ts`).

use std::collections::HashMap;

use http::{HeaderMap, header::CONTENT_TYPE};
use serde_json::{Map, Value};

/// The request methods Auth.js serves; anything else is a bad request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

impl Method {
    pub(crate) fn from_http(method: &http::Method) -> Option<Self> {
        match *method {
            http::Method::GET => Some(Self::Get),
            http::Method::POST => Some(Self::Post),
            _ => None,
        }
    }
}

/// An Auth.js action: the first path segment after the base path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `providers`
    Providers,
    /// `session`
    Session,
    /// `csrf`
    Csrf,
    /// `signin`
    SignIn,
    /// `signout`
    SignOut,
    /// `callback`
    Callback,
    /// `verify-request`
    VerifyRequest,
    /// `error`
    Error,
    /// `webauthn-options`
    WebauthnOptions,
    /// `webauthn-script.js`: the sign-in page's WebAuthn script (not in Auth.js, which loads
    /// a script from a CDN).
    WebauthnScript,
}

impl Action {
    fn parse(segment: &str) -> Option<Self> {
        Some(match segment {
            "providers" => Self::Providers,
            "session" => Self::Session,
            "csrf" => Self::Csrf,
            "signin" => Self::SignIn,
            "signout" => Self::SignOut,
            "callback" => Self::Callback,
            "verify-request" => Self::VerifyRequest,
            "error" => Self::Error,
            "webauthn-options" => Self::WebauthnOptions,
            "webauthn-script.js" => Self::WebauthnScript,
            _ => return None,
        })
    }

    /// The URL segment of the action.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Providers => "providers",
            Self::Session => "session",
            Self::Csrf => "csrf",
            Self::SignIn => "signin",
            Self::SignOut => "signout",
            Self::Callback => "callback",
            Self::VerifyRequest => "verify-request",
            Self::Error => "error",
            Self::WebauthnOptions => "webauthn-options",
            Self::WebauthnScript => "webauthn-script.js",
        }
    }

    fn takes_provider(self) -> bool {
        matches!(self, Self::SignIn | Self::Callback | Self::WebauthnOptions)
    }
}

/// Splits `path` into an action and an optional provider id.
///
/// Unlike Auth.js (which matches the base path as an unescaped regex with no segment boundary,
/// so `/authsession` reads as `session`), the base path must be a real path prefix followed by
/// `/`.
pub(crate) fn parse_action(path: &str, base_path: &str) -> Option<(Action, Option<String>)> {
    let rest = path.strip_prefix(base_path)?.strip_prefix('/')?;
    let mut segments = rest.split('/').filter(|s| !s.is_empty());
    let action = Action::parse(segments.next()?)?;
    let provider = segments.next();
    if segments.next().is_some() {
        return None;
    }
    match provider {
        Some(_) if !action.takes_provider() => None,
        Some("undefined") | None => Some((action, None)),
        Some(id) => Some((action, Some(id.to_owned()))),
    }
}

/// Query parameters; for a repeated name the last value wins.
pub(crate) fn parse_query(query: Option<&str>) -> HashMap<String, String> {
    query
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// A POST body that is neither absent nor readable: the request is bad.
#[derive(Debug)]
pub(crate) struct BadBody;

/// Parses a body by its content type: JSON objects and url-encoded forms (last value wins);
/// anything else counts as no body, as in Auth.js.
pub(crate) fn parse_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Map<String, Value>, BadBody> {
    if bytes.is_empty() {
        return Ok(Map::new());
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.contains("application/json") {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) | Err(_) => Err(BadBody),
        }
    } else if content_type.contains("application/x-www-form-urlencoded") {
        Ok(form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect())
    } else {
        Ok(Map::new())
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn parses_the_auth_js_url_table() {
        let ok = |base: &str, path: &str| parse_action(path, base);
        assert_eq!(ok("/auth", "/auuth/signin"), None);
        assert_eq!(ok("/auth", "/api/auth/signin"), None);
        assert_eq!(ok("/auth", "/auth/auth/signin/github"), None);
        assert_eq!(ok("/api/auth", "/api/auth/signinn"), None);
        assert_eq!(
            ok("/api/auth", "/api/auth/signin/github/"),
            Some((Action::SignIn, Some("github".into())))
        );
        assert_eq!(ok("/api/auth", "/api/auth/signin/github/github"), None);
        assert_eq!(
            ok("/auth", "/auth/signin/auth0///"),
            Some((Action::SignIn, Some("auth0".into())))
        );
        assert_eq!(
            ok("/auth", "/auth/signin/undefined"),
            Some((Action::SignIn, None))
        );
        assert_eq!(ok("/auth", "/auth"), None);
        assert_eq!(ok("/auth", "/auth/"), None);
        assert_eq!(ok("/auth", "/auth/session/x"), None);
        // Deliberate fix of Auth.js: the base path is a path prefix, not a regex.
        assert_eq!(ok("/auth", "/authsession"), None);
        assert_eq!(ok("/a.th", "/auth/session"), None);
        assert_eq!(ok("", "/session"), Some((Action::Session, None)));
    }

    #[test]
    fn bodies_follow_their_content_type() {
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let form = parse_body(&h, b"a=1&b=x%7Cy&a=2").expect("form");
        assert_eq!(form.get("a"), Some(&Value::String("2".into())));
        assert_eq!(form.get("b"), Some(&Value::String("x|y".into())));
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert!(parse_body(&h, br#"{"data":{"name":"x"}}"#).is_ok());
        assert!(parse_body(&h, b"{not json").is_err());
        assert!(parse_body(&h, b"[1,2]").is_err());
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data"),
        );
        assert!(parse_body(&h, b"whatever").expect("ignored").is_empty());
    }
}
