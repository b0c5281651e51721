//! Sign-out page (GET `/signout`, spec §14.3).

use super::{Theme, document, push_escaped, push_logo, push_theme_styles};

/// Renders the complete sign-out page (title "Sign Out"): a card asking "Are you sure you want
/// to sign out?" with a POST form to `action_url` carrying the hidden `csrfToken`, and a
/// "Sign out" button (id `submitButton`).
pub(crate) fn render_signout(theme: &Theme, action_url: &str, csrf_token: &str) -> String {
    let mut b = String::with_capacity(768);
    b.push_str("<div class=\"signout\">");
    push_theme_styles(&mut b, theme, true);
    b.push_str("<div class=\"card\">");
    push_logo(&mut b, theme);
    b.push_str("<h1>Signout</h1><p>Are you sure you want to sign out?</p><form action=\"");
    push_escaped(&mut b, action_url);
    b.push_str("\" method=\"POST\"><input type=\"hidden\" name=\"csrfToken\" value=\"");
    push_escaped(&mut b, csrf_token);
    b.push_str(
        "\"/><button id=\"submitButton\" type=\"submit\">Sign out</button></form></div></div>",
    );
    document(theme, "Sign Out", &b)
}

#[cfg(test)]
mod tests {
    use super::super::ColorScheme;
    use super::*;

    #[test]
    fn signout_page_structure() {
        let theme = Theme {
            color_scheme: ColorScheme::Light,
            brand_color: Some("#123456".into()),
            button_text: Some("#ffffff".into()),
            ..Theme::default()
        };
        let html = render_signout(&theme, "https://app.test/auth/signout", "tok");
        assert!(html.contains("<title>Sign Out</title>"));
        assert!(html.contains("<body class=\"__next-auth-theme-light\">"));
        assert!(html.contains("<h1>Signout</h1><p>Are you sure you want to sign out?</p>"));
        assert!(html.contains(
            "<form action=\"https://app.test/auth/signout\" method=\"POST\"><input type=\"hidden\" name=\"csrfToken\" value=\"tok\"/><button id=\"submitButton\" type=\"submit\">Sign out</button></form>"
        ));
        assert!(html.contains("<style>:root {--brand-color: #123456}</style>"));
        assert!(html.contains("<style>:root {--button-text-color: #ffffff}</style>"));
        assert!(!html.contains("class=\"logo\""));
    }

    #[test]
    fn signout_escapes_and_sanitizes() {
        let theme = Theme {
            brand_color: Some("red;}</style><script>".into()),
            logo: Some("/l.png".into()),
            ..Theme::default()
        };
        let html = render_signout(&theme, "/a?x=\"><script>", "<script>\"'&");
        assert!(!html.contains("<script"));
        assert!(!html.contains("--brand-color:"));
        assert!(html.contains("action=\"/a?x=&quot;&gt;&lt;script&gt;\""));
        assert!(html.contains("value=\"&lt;script&gt;&quot;&#39;&amp;\""));
        assert!(html.contains("<img src=\"/l.png\" alt=\"Logo\" class=\"logo\"/>"));
    }
}
