//! Sign-in page (GET `/signin`, spec §14.2).

use super::{
    Theme, document, logos::provider_logo, push_escaped, push_logo, push_theme_styles,
    sanitize_css_value,
};

/// One provider as shown on the sign-in page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignInProvider<'a> {
    /// OAuth / OIDC: POST form to `signin_url`, button `Sign in with <name>`.
    OAuth {
        /// Provider id (picks the logo shipped with the crate).
        id: &'a str,
        /// Display name.
        name: &'a str,
        /// Where the form POSTs (`<base>/signin/<id>`).
        signin_url: &'a str,
        /// Logo URL (`style.logo`), shown as an `<img>`. Without one, the button shows the
        /// logo the crate ships for `id` as inline SVG (Auth.js loads
        /// `https://authjs.dev/img/providers/<id>.svg`), or none.
        logo: Option<&'a str>,
        /// Brand colour (`style.brandColor ?? style.bg`), set as `--provider-brand-color` on
        /// the button (default `#fff`); tints the button on hover. Dropped if unsafe as CSS.
        /// The label keeps the theme's text colour, as in Auth.js.
        brand_color: Option<&'a str>,
    },
    /// Email magic link: POST form to `signin_url` with an email input.
    Email {
        /// Provider id (used for the input id).
        id: &'a str,
        /// Display name.
        name: &'a str,
        /// Where the form POSTs (`<base>/signin/<id>`).
        signin_url: &'a str,
    },
    /// Credentials: POST form to `callback_url` with one input per field.
    Credentials {
        /// Provider id (used for the input ids).
        id: &'a str,
        /// Display name.
        name: &'a str,
        /// Where the form POSTs (`<base>/callback/<id>`).
        callback_url: &'a str,
        /// The inputs, in order.
        fields: &'a [CredentialField],
    },
    /// WebAuthn (passkeys): a form with id `<id>-form` POSTing to `callback_url`, driven by the
    /// core's own script (`script_url`, no CDN): it runs the ceremony and adds the hidden
    /// `action` and `data` inputs.
    WebAuthn {
        /// Provider id (form and input ids, and the script's `data-provider`).
        id: &'a str,
        /// Display name.
        name: &'a str,
        /// Where the form POSTs (`<base>/callback/<id>`).
        callback_url: &'a str,
        /// The inputs, in order.
        fields: &'a [WebAuthnInput],
        /// The script's URL (`<base>/webauthn-script.js`).
        script_url: &'a str,
        /// Whether the script offers passkeys in the browser's autofill (conditional UI).
        conditional_ui: bool,
    },
}

/// One input of a WebAuthn form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebAuthnInput {
    /// Form field name (also sent to `webauthn-options` as a query parameter).
    pub name: String,
    /// Label text.
    pub label: String,
    /// Input `type` (`email` for the default field).
    pub input_type: String,
    /// The `autocomplete` attribute (`username webauthn` for autofill).
    pub autocomplete: Option<String>,
    /// Whether the input is required.
    pub required: bool,
}

impl SignInProvider<'_> {
    /// Whether this provider renders as a form with inputs (email/credentials).
    fn is_form(&self) -> bool {
        !matches!(self, Self::OAuth { .. })
    }
}

/// One input of a credentials form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CredentialField {
    /// Form field name (the credential key); also part of the input id.
    pub name: String,
    /// Label text; defaults to `name`.
    pub label: Option<String>,
    /// Input `type`; `"text"` when empty.
    pub input_type: String,
    /// Placeholder text; defaults to empty.
    pub placeholder: Option<String>,
    /// The `autocomplete` attribute; when `None`, `current-password` for password inputs and
    /// `username` for a text or email input named `username` or `email` (see
    /// [`CredentialField::autocomplete_or_default`]).
    pub autocomplete: Option<String>,
}

impl CredentialField {
    /// A text field with no label (the label falls back to `name`) and no placeholder.
    #[cfg(test)]
    pub(crate) fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            label: None,
            input_type: "text".to_owned(),
            placeholder: None,
            autocomplete: None,
        }
    }

    /// The `autocomplete` the sign-in page gives the input: the field's own, else
    /// `current-password` for a password, `username` for a text or email input named
    /// `username` or `email` (so password managers fill the pair), else none.
    pub(crate) fn autocomplete_or_default(&self) -> Option<&str> {
        if let Some(own) = self.autocomplete.as_deref() {
            return Some(own);
        }
        match self.input_type.as_str() {
            "password" => Some("current-password"),
            "" | "text" | "email" if matches!(self.name.as_str(), "username" | "email") => {
                Some("username")
            }
            _ => None,
        }
    }
}

/// What the sign-in page needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignInPage<'a> {
    /// Page theme.
    pub theme: &'a Theme,
    /// CSRF token for the hidden `csrfToken` inputs.
    pub csrf_token: &'a str,
    /// Value of the hidden `callbackUrl` input of OAuth forms (omitted when empty).
    pub callback_url: &'a str,
    /// The `error` query parameter; shown as a banner (see [`signin_error_message`]).
    pub error: Option<&'a str>,
    /// The `email` query parameter; pre-fills the email input.
    pub email: Option<&'a str>,
    /// Providers to show, in order (the caller filters out those Auth.js would not show).
    pub providers: &'a [SignInProvider<'a>],
}

/// The message shown on the sign-in page for an `error` code (spec §14.2 table).
pub(crate) fn signin_error_message(error: &str) -> &'static str {
    match error {
        "Signin" | "OAuthSignin" | "OAuthCallbackError" | "OAuthCreateAccount"
        | "EmailCreateAccount" | "Callback" => "Try signing in with a different account.",
        "OAuthAccountNotLinked" => {
            "To confirm your identity, sign in with the same account you used originally."
        }
        "EmailSignin" => "The e-mail could not be sent.",
        "CredentialsSignin" => "Sign in failed. Check the details you provided are correct.",
        "SessionRequired" => "Please sign in to access this page.",
        _ => "Unable to sign in.",
    }
}

/// Renders the complete sign-in page (title "Sign In").
pub(crate) fn render_signin(page: &SignInPage<'_>) -> String {
    let mut b = String::with_capacity(1024 + page.providers.len() * 512);
    b.push_str("<div class=\"signin\">");
    push_theme_styles(&mut b, page.theme, true);
    b.push_str("<div class=\"card\">");
    if let Some(error) = page.error.filter(|e| !e.is_empty()) {
        b.push_str("<div class=\"error\"><p>");
        push_escaped(&mut b, signin_error_message(error));
        b.push_str("</p></div>");
    }
    push_logo(&mut b, page.theme);

    let providers = page.providers;
    for (i, provider) in providers.iter().enumerate() {
        b.push_str("<div class=\"provider\">");
        if let SignInProvider::OAuth { .. } = provider {
            push_oauth_form(&mut b, page, provider);
        }
        if provider.is_form() && i > 0 && !providers[i - 1].is_form() {
            b.push_str("<hr/>");
        }
        match provider {
            SignInProvider::OAuth { .. } => {}
            SignInProvider::Email {
                id,
                name,
                signin_url,
            } => push_email_form(&mut b, page, id, name, signin_url),
            SignInProvider::Credentials {
                id,
                name,
                callback_url,
                fields,
            } => push_credentials_form(&mut b, page.csrf_token, id, name, callback_url, fields),
            SignInProvider::WebAuthn { .. } => push_webauthn_form(&mut b, page, provider),
        }
        if provider.is_form() && i + 1 < providers.len() {
            b.push_str("<hr/>");
        }
        b.push_str("</div>");
    }
    b.push_str("</div></div>");
    document(page.theme, "Sign In", &b)
}

fn push_form_start(b: &mut String, action: &str, csrf_token: &str) {
    b.push_str("<form action=\"");
    push_escaped(b, action);
    b.push_str("\" method=\"POST\"><input type=\"hidden\" name=\"csrfToken\" value=\"");
    push_escaped(b, csrf_token);
    b.push_str("\"/>");
}

fn push_oauth_form(b: &mut String, page: &SignInPage<'_>, provider: &SignInProvider<'_>) {
    let SignInProvider::OAuth {
        id,
        name,
        signin_url,
        logo,
        brand_color,
    } = *provider
    else {
        return;
    };
    push_form_start(b, signin_url, page.csrf_token);
    if !page.callback_url.is_empty() {
        b.push_str("<input type=\"hidden\" name=\"callbackUrl\" value=\"");
        push_escaped(b, page.callback_url);
        b.push_str("\"/>");
    }
    let color = brand_color.and_then(sanitize_css_value).unwrap_or("#fff");
    b.push_str("<button type=\"submit\" class=\"button\" style=\"--provider-brand-color:");
    b.push_str(color);
    b.push_str("\" tabindex=\"0\"><span>Sign in with ");
    push_escaped(b, name);
    b.push_str("</span>");
    match logo {
        // The deployer's own logo: decorative, the label names the provider.
        Some(logo) => {
            b.push_str("<img loading=\"lazy\" height=\"24\" width=\"24\" alt=\"\" src=\"");
            push_escaped(b, logo);
            b.push_str("\"/>");
        }
        // Compile-time SVG (`aria-hidden`), trusted markup.
        None => b.push_str(provider_logo(id).unwrap_or("")),
    }
    b.push_str("</button></form>");
}

fn push_email_form(b: &mut String, page: &SignInPage<'_>, id: &str, name: &str, action: &str) {
    push_form_start(b, action, page.csrf_token);
    b.push_str("<label class=\"section-header\" for=\"input-email-for-");
    push_escaped(b, id);
    b.push_str("-provider\">Email</label><input id=\"input-email-for-");
    push_escaped(b, id);
    b.push_str("-provider\" autofocus type=\"email\" name=\"email\" autocomplete=\"email\"");
    if let Some(email) = page.email {
        b.push_str(" value=\"");
        push_escaped(b, email);
        b.push('"');
    }
    b.push_str(" placeholder=\"email@example.com\" required/>");
    push_submit_button(b, name);
    b.push_str("</form>");
}

fn push_credentials_form(
    b: &mut String,
    csrf_token: &str,
    id: &str,
    name: &str,
    action: &str,
    fields: &[CredentialField],
) {
    push_form_start(b, action, csrf_token);
    for field in fields {
        let input_type = match field.input_type.as_str() {
            "" => "text",
            t => t,
        };
        b.push_str("<div><label class=\"section-header\" for=\"input-");
        push_escaped(b, &field.name);
        b.push_str("-for-");
        push_escaped(b, id);
        b.push_str("-provider\">");
        push_escaped(b, field.label.as_deref().unwrap_or(&field.name));
        b.push_str("</label><input name=\"");
        push_escaped(b, &field.name);
        b.push_str("\" id=\"input-");
        push_escaped(b, &field.name);
        b.push_str("-for-");
        push_escaped(b, id);
        b.push_str("-provider\" type=\"");
        push_escaped(b, input_type);
        b.push_str("\" placeholder=\"");
        push_escaped(b, field.placeholder.as_deref().unwrap_or(""));
        b.push('"');
        if let Some(autocomplete) = field.autocomplete_or_default() {
            b.push_str(" autocomplete=\"");
            push_escaped(b, autocomplete);
            b.push('"');
        }
        b.push_str("/></div>");
    }
    push_submit_button(b, name);
    b.push_str("</form>");
}

fn push_webauthn_form(b: &mut String, page: &SignInPage<'_>, provider: &SignInProvider<'_>) {
    let SignInProvider::WebAuthn {
        id,
        name,
        callback_url,
        fields,
        script_url,
        conditional_ui,
    } = *provider
    else {
        return;
    };
    b.push_str("<form action=\"");
    push_escaped(b, callback_url);
    b.push_str("\" method=\"POST\" id=\"");
    push_escaped(b, id);
    b.push_str("-form\"><input type=\"hidden\" name=\"csrfToken\" value=\"");
    push_escaped(b, page.csrf_token);
    b.push_str("\"/>");
    for field in fields {
        b.push_str("<div><label class=\"section-header\" for=\"input-");
        push_escaped(b, &field.name);
        b.push_str("-for-");
        push_escaped(b, id);
        b.push_str("-provider\">");
        push_escaped(b, &field.label);
        b.push_str("</label><input name=\"");
        push_escaped(b, &field.name);
        b.push_str("\" data-form-field=\"\" id=\"input-");
        push_escaped(b, &field.name);
        b.push_str("-for-");
        push_escaped(b, id);
        b.push_str("-provider\" type=\"");
        push_escaped(
            b,
            if field.input_type.is_empty() {
                "text"
            } else {
                &field.input_type
            },
        );
        b.push('"');
        if let Some(autocomplete) = &field.autocomplete {
            b.push_str(" autocomplete=\"");
            push_escaped(b, autocomplete);
            b.push('"');
        }
        if let Some(email) = page.email.filter(|_| field.name == "email") {
            b.push_str(" value=\"");
            push_escaped(b, email);
            b.push('"');
        }
        if field.required {
            b.push_str(" required");
        }
        b.push_str("/></div>");
    }
    b.push_str("<button id=\"submitButton-");
    push_escaped(b, id);
    b.push_str("\" type=\"submit\" tabindex=\"0\">Sign in with ");
    push_escaped(b, name);
    b.push_str("</button></form><script src=\"");
    push_escaped(b, script_url);
    b.push_str("\" data-provider=\"");
    push_escaped(b, id);
    b.push_str("\" data-autofill=\"");
    b.push_str(if conditional_ui { "true" } else { "false" });
    b.push_str("\" defer></script>");
}

fn push_submit_button(b: &mut String, provider_name: &str) {
    b.push_str("<button id=\"submitButton\" type=\"submit\" tabindex=\"0\">Sign in with ");
    push_escaped(b, provider_name);
    b.push_str("</button>");
}

#[cfg(test)]
mod tests;
