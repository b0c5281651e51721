//! Error page (GET `/error`, spec §14.5).

use super::{Theme, document, push_escaped, push_logo, push_site_link, push_theme_styles};

/// Renders the complete error page (title "Error") for an `error` query value.
///
/// Returns `(HTTP status, html)`: `Configuration` → 500 "Server error"; `AccessDenied` → 403
/// "Access Denied"; `Verification` → 403 "Unable to sign in"; anything else or `None` → 200
/// "Error" with a link to `origin` showing its host. The "Sign in" buttons link to
/// `signin_url` (the caller passes ORIGIN + BASE + `/signin`, fixing the upstream quirk of
/// appending `/signin` to the current URL).
pub(crate) fn render_error(
    theme: &Theme,
    error: Option<&str>,
    origin: &str,
    signin_url: &str,
) -> (u16, String) {
    let mut b = String::with_capacity(768);
    b.push_str("<div class=\"error\">");
    push_theme_styles(&mut b, theme, false);
    b.push_str("<div class=\"card\">");
    push_logo(&mut b, theme);

    let push_signin_button = |b: &mut String| {
        b.push_str("<a class=\"button\" href=\"");
        push_escaped(b, signin_url);
        b.push_str("\">Sign in</a>");
    };

    let status = match error {
        Some("Configuration") => {
            b.push_str(
                "<h1>Server error</h1><div class=\"message\"><div>\
                 <p>There is a problem with the server configuration.</p>\
                 <p>Check the server logs for more information.</p></div></div>",
            );
            500
        }
        Some("AccessDenied") => {
            b.push_str(
                "<h1>Access Denied</h1><div class=\"message\"><div>\
                 <p>You do not have permission to sign in.</p><p>",
            );
            push_signin_button(&mut b);
            b.push_str("</p></div></div>");
            403
        }
        Some("Verification") => {
            b.push_str(
                "<h1>Unable to sign in</h1><div class=\"message\"><div>\
                 <p>The sign in link is no longer valid.</p>\
                 <p>It may have been used already or it may have expired.</p></div></div>",
            );
            push_signin_button(&mut b);
            403
        }
        _ => {
            b.push_str("<h1>Error</h1><div class=\"message\">");
            push_site_link(&mut b, origin);
            b.push_str("</div>");
            200
        }
    };
    b.push_str("</div></div>");
    (status, document(theme, "Error", &b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://app.test";
    const SIGNIN: &str = "https://app.test/auth/signin";

    fn render(error: Option<&str>) -> (u16, String) {
        render_error(&Theme::default(), error, ORIGIN, SIGNIN)
    }

    #[test]
    fn configuration_is_500() {
        let (status, html) = render(Some("Configuration"));
        assert_eq!(status, 500);
        assert!(html.contains("<title>Error</title>"));
        assert!(html.contains("<h1>Server error</h1>"));
        assert!(html.contains("<p>There is a problem with the server configuration.</p>"));
        assert!(html.contains("<p>Check the server logs for more information.</p>"));
        assert!(!html.contains("Sign in</a>"));
    }

    #[test]
    fn access_denied_is_403_with_signin_link() {
        let (status, html) = render(Some("AccessDenied"));
        assert_eq!(status, 403);
        assert!(html.contains("<h1>Access Denied</h1>"));
        assert!(html.contains("<p>You do not have permission to sign in.</p>"));
        assert!(
            html.contains("<a class=\"button\" href=\"https://app.test/auth/signin\">Sign in</a>")
        );
    }

    #[test]
    fn verification_is_403_with_signin_link() {
        let (status, html) = render(Some("Verification"));
        assert_eq!(status, 403);
        assert!(html.contains("<h1>Unable to sign in</h1>"));
        assert!(html.contains("<p>The sign in link is no longer valid.</p>"));
        assert!(html.contains("<p>It may have been used already or it may have expired.</p>"));
        assert!(html.contains(
            "</div></div><a class=\"button\" href=\"https://app.test/auth/signin\">Sign in</a></div></div>"
        ));
        assert!(!html.contains("error?error=Verification/signin"));
    }

    #[test]
    fn default_is_200_with_site_link() {
        for error in [None, Some("Default"), Some("OAuthSignin"), Some("<script>")] {
            let (status, html) = render(error);
            assert_eq!(status, 200);
            assert!(html.contains("<h1>Error</h1>"));
            assert!(html.contains(
                "<div class=\"message\"><p><a class=\"site\" href=\"https://app.test\">app.test</a></p></div>"
            ));
            assert!(!html.contains("<script"));
        }
    }

    #[test]
    fn error_page_escapes_and_sanitizes() {
        let theme = Theme {
            brand_color: Some("red;}</style><script>".into()),
            ..Theme::default()
        };
        let (_, html) = render_error(
            &theme,
            Some("AccessDenied"),
            ORIGIN,
            "https://app.test/auth/signin?x=\"><script>",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("--brand-color:"));
        assert!(html.contains("href=\"https://app.test/auth/signin?x=&quot;&gt;&lt;script&gt;\""));
        let theme = Theme {
            brand_color: Some("#abc".into()),
            ..Theme::default()
        };
        let (_, html) = render_error(&theme, None, ORIGIN, SIGNIN);
        assert!(html.contains("<style>:root {--brand-color: #abc}</style>"));
    }
}
