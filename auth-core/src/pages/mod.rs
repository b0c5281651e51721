//! Built-in pages of Auth.js (spec §14): server-rendered HTML for sign-in, sign-out,
//! verify-request and error, with the shared document shell, theme and escaping.
//!
//! This module depends only on the standard library. Every dynamic value is HTML-escaped
//! ([`escape_html`]); every value injected into CSS (`<style>` or `style=""`) is first checked
//! against a small safe character set and dropped when it does not pass. The pages contain no
//! inline JavaScript: the sign-in page of a WebAuthn provider loads the core's own script
//! ([`WEBAUTHN_SCRIPT`], served at `<base>/webauthn-script.js`), so a strict CSP
//! (`script-src 'self'`) allows it and no third-party host is involved.

mod confirm_email;
mod error;
mod logos;
mod signin;
mod signout;
mod verify_request;

pub(crate) use confirm_email::render_confirm_email;
pub(crate) use error::render_error;
pub(crate) use signin::{
    CredentialField, SignInPage, SignInProvider, WebAuthnInput, render_signin,
};

/// The browser side of WebAuthn sign-in (served at `<base>/webauthn-script.js`): fetches the
/// options, runs `navigator.credentials.create()`/`get()` (with autofill when asked), and
/// submits the form with SimpleWebAuthn's JSON of the response, as Auth.js's client does.
pub(crate) const WEBAUTHN_SCRIPT: &str = include_str!("signin/webauthn.js");
pub(crate) use signout::render_signout;
pub(crate) use verify_request::render_verify_request;

/// The stylesheet inlined into every page.
const STYLES: &str = include_str!("styles.css");

/// Colour scheme of the built-in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorScheme {
    /// Follows the browser's `prefers-color-scheme` (Auth.js default).
    #[default]
    Auto,
    /// Always dark.
    Dark,
    /// Always light.
    Light,
}

impl ColorScheme {
    /// The Auth.js name of the scheme: `"auto"`, `"dark"` or `"light"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Dark => "dark",
            Self::Light => "light",
        }
    }
}

/// Theme of the built-in pages (Auth.js `theme`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Theme {
    /// Colour scheme; selects the body class `__next-auth-theme-<scheme>`.
    pub color_scheme: ColorScheme,
    /// URL of a logo shown at the top of every card (`<img class="logo" alt="Logo">`).
    pub logo: Option<String>,
    /// Brand colour (CSS `--brand-color`), used by the primary buttons. Dropped if it contains
    /// characters outside `[#A-Za-z0-9(),.% -]`.
    pub brand_color: Option<String>,
    /// Text colour of the primary buttons (CSS `--button-text-color`). Same sanitising rule as
    /// `brand_color`.
    pub button_text: Option<String>,
}

/// HTML-escapes text and attribute values (`&`, `<`, `>`, `"`, `'`).
///
/// The result is safe both as element content and inside a double- or single-quoted
/// attribute value.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Appends `s` to `out`, HTML-escaped. Copies unescaped runs in one go.
pub(crate) fn push_escaped(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // All escaped bytes are ASCII, so `i` is always a char boundary.
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Returns the value if it is safe to inject into CSS (a `<style>` block or a `style`
/// attribute), i.e. non-empty after trimming and made only of `[#A-Za-z0-9(),.% -]`.
/// Anything else (`;`, `{`, `}`, `<`, `/`, quotes, `:`, `\`, …) makes the value unusable.
pub(crate) fn sanitize_css_value(value: &str) -> Option<&str> {
    let value = value.trim();
    let ok = !value.is_empty()
        && value.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'#' | b'(' | b')' | b',' | b'.' | b'%' | b' ' | b'-')
        });
    ok.then_some(value)
}

/// The host (with port, if any) of an origin such as `http://127.0.0.1:3000`, like the WHATWG
/// `URL.host` Auth.js displays. Falls back to the input when it has no scheme.
pub(crate) fn host_of(origin: &str) -> &str {
    let rest = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // Drop userinfo, should an origin-like string carry any.
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

/// Appends `<style>:root {--<name>: <value>}</style>` if `value` passes [`sanitize_css_value`].
pub(crate) fn push_root_var_style(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value.and_then(sanitize_css_value) {
        out.push_str("<style>:root {--");
        out.push_str(name);
        out.push_str(": ");
        out.push_str(v);
        out.push_str("}</style>");
    }
}

/// Appends the theme's `<style>` overrides: `--brand-color`, and `--button-text-color` when
/// `with_button_text` (Auth.js only sets the latter on the sign-in and sign-out pages).
pub(crate) fn push_theme_styles(out: &mut String, theme: &Theme, with_button_text: bool) {
    push_root_var_style(out, "brand-color", theme.brand_color.as_deref());
    if with_button_text {
        push_root_var_style(out, "button-text-color", theme.button_text.as_deref());
    }
}

/// Appends the theme logo (`<img src="…" alt="Logo" class="logo"/>`), if any.
pub(crate) fn push_logo(out: &mut String, theme: &Theme) {
    if let Some(logo) = theme.logo.as_deref().filter(|l| !l.is_empty()) {
        out.push_str("<img src=\"");
        push_escaped(out, logo);
        out.push_str("\" alt=\"Logo\" class=\"logo\"/>");
    }
}

/// Appends `<p><a class="site" href="ORIGIN">HOST</a></p>`.
pub(crate) fn push_site_link(out: &mut String, origin: &str) {
    out.push_str("<p><a class=\"site\" href=\"");
    push_escaped(out, origin);
    out.push_str("\">");
    push_escaped(out, host_of(origin));
    out.push_str("</a></p>");
}

/// Wraps a page body in the common document shell (spec §14.1). `title` is a fixed,
/// trusted string; `body` is already-escaped HTML.
pub(crate) fn document(theme: &Theme, title: &str, body: &str) -> String {
    let mut out = String::with_capacity(STYLES.len() + body.len() + 512);
    out.push_str(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"UTF-8\">\
         <meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\"><style>",
    );
    out.push_str(STYLES);
    out.push_str("</style><title>");
    push_escaped(&mut out, title);
    out.push_str("</title></head><body class=\"__next-auth-theme-");
    out.push_str(theme.color_scheme.as_str());
    out.push_str("\"><div class=\"page\">");
    out.push_str(body);
    out.push_str("</div></body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_escapes_all_five() {
        assert_eq!(
            escape_html(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn escape_html_passes_plain_and_unicode_text() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain text"), "plain text");
        assert_eq!(escape_html("héllo→<ü>"), "héllo→&lt;ü&gt;");
    }

    #[test]
    fn css_values_are_sanitized() {
        assert_eq!(sanitize_css_value("#123456"), Some("#123456"));
        assert_eq!(sanitize_css_value(" rgb(1, 2, 3) "), Some("rgb(1, 2, 3)"));
        assert_eq!(sanitize_css_value("hsl(10 20% 30% / 50%)"), None);
        assert_eq!(sanitize_css_value("rebeccapurple"), Some("rebeccapurple"));
        assert_eq!(sanitize_css_value("red;}</style><script>"), None);
        assert_eq!(sanitize_css_value("red\"onload=x"), None);
        assert_eq!(sanitize_css_value("url(javascript:x)"), None);
        assert_eq!(sanitize_css_value("\\72 ed"), None);
        assert_eq!(sanitize_css_value("   "), None);
    }

    #[test]
    fn host_of_origins() {
        assert_eq!(host_of("http://127.0.0.1:3000"), "127.0.0.1:3000");
        assert_eq!(host_of("https://app.test"), "app.test");
        assert_eq!(host_of("https://app.test/auth?x=1"), "app.test");
        assert_eq!(host_of("app.test"), "app.test");
    }

    #[test]
    fn shell_has_title_body_class_and_styles() {
        let theme = Theme {
            color_scheme: ColorScheme::Dark,
            ..Theme::default()
        };
        let html = document(&theme, "Sign In", "<p>x</p>");
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"UTF-8\">")
        );
        assert!(html.contains("<title>Sign In</title>"));
        assert!(html.contains("<body class=\"__next-auth-theme-dark\"><div class=\"page\"><p>x</p></div></body></html>"));
        assert!(html.contains(".__next-auth-theme-dark"));
        assert!(!html.contains("<script"));
        assert_eq!(ColorScheme::default().as_str(), "auto");
        assert_eq!(ColorScheme::Light.as_str(), "light");
    }

    #[test]
    fn malicious_theme_values_are_dropped_or_escaped() {
        let theme = Theme {
            color_scheme: ColorScheme::Auto,
            logo: Some("https://x.test/l.png\"><script>alert(1)</script>".into()),
            brand_color: Some("red;}</style><script>alert(1)</script>".into()),
            button_text: Some("#fff".into()),
        };
        let mut out = String::new();
        push_theme_styles(&mut out, &theme, true);
        push_logo(&mut out, &theme);
        assert!(!out.contains("<script"));
        assert!(!out.contains("--brand-color"));
        assert!(out.contains("<style>:root {--button-text-color: #fff}</style>"));
        assert!(out.contains(
            "<img src=\"https://x.test/l.png&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\" alt=\"Logo\" class=\"logo\"/>"
        ));
    }
}
