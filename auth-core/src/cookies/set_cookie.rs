//! [`SetCookie`]: one cookie to send, and its `Set-Cookie` serialisation.

use std::fmt;

use bytes::Bytes;
use http::HeaderValue;

use crate::clock::push_http_date;

use super::{CookieOptions, CookieSpec};
use crate::encoding::push_component;

/// One `Set-Cookie` to send.
///
/// `Debug` hides the value (a session token, a CSRF token, a sealed check); `to_header_value`
/// is the way to write it out.
#[derive(Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// Cookie name.
    pub name: String,
    /// Cookie value, unencoded.
    pub value: String,
    /// Attributes.
    pub options: CookieOptions,
    /// `Expires`, in milliseconds since the epoch.
    pub expires: Option<i64>,
}

impl SetCookie {
    /// A cookie with `spec`'s name and options.
    pub(crate) fn new(spec: &CookieSpec, value: impl Into<String>) -> Self {
        Self {
            name: spec.name.clone(),
            value: value.into(),
            options: spec.options.clone(),
            expires: None,
        }
    }

    /// The removal of cookie `name` (empty value, `Max-Age=0`), with `spec`'s options.
    pub(crate) fn removal(name: &str, spec: &CookieSpec) -> Self {
        let mut cookie = Self::new(spec, "");
        cookie.name = name.to_owned();
        cookie.options.max_age = Some(0);
        cookie
    }

    /// Serialises in Auth.js's attribute order.
    pub fn to_header_value(&self) -> String {
        use std::fmt::Write as _;
        let o = &self.options;
        let mut out = String::with_capacity(
            self.name.len()
                + self.value.len()
                + o.path.len()
                + o.domain.as_ref().map_or(0, String::len)
                + 96,
        );
        out.push_str(&self.name);
        out.push('=');
        push_component(&mut out, &self.value);
        if let Some(max_age) = o.max_age {
            let _ = write!(out, "; Max-Age={max_age}");
        }
        if let Some(domain) = &o.domain {
            out.push_str("; Domain=");
            out.push_str(domain);
        }
        out.push_str("; Path=");
        out.push_str(&o.path);
        if let Some(expires) = self.expires {
            out.push_str("; Expires=");
            push_http_date(&mut out, expires);
        }
        if o.http_only {
            out.push_str("; HttpOnly");
        }
        if o.secure {
            out.push_str("; Secure");
        }
        out.push_str("; SameSite=");
        out.push_str(o.same_site.as_str());
        out
    }

    /// The `Set-Cookie` header value, serialised once and moved into the header without a
    /// copy; `None` when it is no valid header value.
    pub(crate) fn to_header(&self) -> Option<HeaderValue> {
        HeaderValue::from_maybe_shared(Bytes::from(self.to_header_value())).ok()
    }
}

impl fmt::Debug for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCookie")
            .field("name", &self.name)
            .field("value", &format_args!("[redacted]"))
            .field("options", &self.options)
            .field("expires", &self.expires)
            .finish()
    }
}
