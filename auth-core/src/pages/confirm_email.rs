//! The confirmation page of scanner-safe magic links (beyond Auth.js): opening the link shows
//! this page; only its button, a POST, uses the token up.

use super::{Theme, document, push_escaped, push_logo, push_theme_styles};

/// Renders the page (title "Sign In"): "Sign in as `email`?" and a button posting `token`,
/// `email`, `callbackUrl` and `csrfToken` to `action_url`.
pub(crate) fn render_confirm_email(
    theme: &Theme,
    action_url: &str,
    csrf_token: &str,
    token: &str,
    email: &str,
    callback_url: &str,
) -> String {
    let mut b = String::with_capacity(1024);
    b.push_str("<div class=\"signout\">");
    push_theme_styles(&mut b, theme, true);
    b.push_str("<div class=\"card\">");
    push_logo(&mut b, theme);
    b.push_str("<h1>Sign in</h1><p>Sign in as <strong>");
    push_escaped(&mut b, email);
    b.push_str("</strong>?</p><form action=\"");
    push_escaped(&mut b, action_url);
    b.push_str("\" method=\"POST\">");
    for (name, value) in [
        ("csrfToken", csrf_token),
        ("token", token),
        ("email", email),
        ("callbackUrl", callback_url),
    ] {
        b.push_str("<input type=\"hidden\" name=\"");
        b.push_str(name);
        b.push_str("\" value=\"");
        push_escaped(&mut b, value);
        b.push_str("\"/>");
    }
    b.push_str("<button id=\"submitButton\" type=\"submit\">Sign in</button></form></div></div>");
    document(theme, "Sign In", &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_carries_every_value_escaped() {
        let html = render_confirm_email(
            &Theme::default(),
            "https://app.test/auth/callback/email",
            "csrf",
            "tok\"><script>",
            "a@b.c",
            "https://app.test/after",
        );
        assert!(
            html.contains("<form action=\"https://app.test/auth/callback/email\" method=\"POST\">")
        );
        assert!(html.contains("name=\"token\" value=\"tok&quot;&gt;&lt;script&gt;\""));
        assert!(html.contains("name=\"csrfToken\" value=\"csrf\""));
        assert!(html.contains("Sign in as <strong>a@b.c</strong>?"));
        assert!(!html.contains("<script>"));
    }
}
