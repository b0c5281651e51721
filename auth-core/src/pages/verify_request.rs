//! Verify-request page (GET `/verify-request`, spec §14.4).

use super::{Theme, document, push_logo, push_site_link, push_theme_styles};

/// Renders the complete verify-request page (title "Verify Request"): "Check your email",
/// "A sign in link has been sent to your email address." and a link to `origin` (e.g.
/// `http://127.0.0.1:3000`) showing its host.
pub(crate) fn render_verify_request(theme: &Theme, origin: &str) -> String {
    let mut b = String::with_capacity(512);
    b.push_str("<div class=\"verify-request\">");
    push_theme_styles(&mut b, theme, false);
    b.push_str("<div class=\"card\">");
    push_logo(&mut b, theme);
    b.push_str(
        "<h1>Check your email</h1><p>A sign in link has been sent to your email address.</p>",
    );
    push_site_link(&mut b, origin);
    b.push_str("</div></div>");
    document(theme, "Verify Request", &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_request_page() {
        let html = render_verify_request(&Theme::default(), "http://127.0.0.1:3000");
        assert!(html.contains("<title>Verify Request</title>"));
        assert!(html.contains("<body class=\"__next-auth-theme-auto\">"));
        assert!(html.contains(
            "<h1>Check your email</h1><p>A sign in link has been sent to your email address.</p>"
        ));
        assert!(html.contains(
            "<p><a class=\"site\" href=\"http://127.0.0.1:3000\">127.0.0.1:3000</a></p>"
        ));
    }

    #[test]
    fn verify_request_escapes_origin() {
        let html = render_verify_request(&Theme::default(), "http://a\"><script>x");
        assert!(!html.contains("<script"));
        assert!(html.contains("href=\"http://a&quot;&gt;&lt;script&gt;x\""));
    }
}
