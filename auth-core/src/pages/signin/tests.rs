use super::super::ColorScheme;
use super::*;

const EVIL: &str = "<script>\"'&";
const EVIL_ESCAPED: &str = "&lt;script&gt;&quot;&#39;&amp;";

fn fields() -> Vec<CredentialField> {
    vec![
        CredentialField {
            label: Some("Username".into()),
            placeholder: Some("jsmith".into()),
            ..CredentialField::new("username")
        },
        CredentialField {
            input_type: "password".into(),
            ..CredentialField::new("password")
        },
    ]
}

fn providers(fields: &[CredentialField]) -> Vec<SignInProvider<'_>> {
    vec![
        SignInProvider::OAuth {
            id: "github",
            name: "GitHub",
            signin_url: "https://app.test/auth/signin/github",
            logo: None,
            brand_color: Some("#24292f"),
        },
        SignInProvider::Email {
            id: "email",
            name: "Email",
            signin_url: "https://app.test/auth/signin/email",
        },
        SignInProvider::Credentials {
            id: "credentials",
            name: "Credentials",
            callback_url: "https://app.test/auth/callback/credentials",
            fields,
        },
    ]
}

fn b10_theme() -> Theme {
    Theme {
        color_scheme: ColorScheme::Auto,
        logo: Some("https://app.test/logo.png".into()),
        brand_color: Some("#123456".into()),
        button_text: None,
    }
}

#[test]
fn b10_fragment() {
    let theme = b10_theme();
    let fields = fields();
    let providers = providers(&fields);
    let html = render_signin(&SignInPage {
        theme: &theme,
        csrf_token: "tok123",
        callback_url: "https://app.test",
        error: Some("OAuthAccountNotLinked"),
        email: Some("a@b.c"),
        providers: &providers,
    });
    assert!(html.contains("<title>Sign In</title>"));
    assert!(html.contains("<body class=\"__next-auth-theme-auto\">"));
    assert!(html.contains("<style>:root {--brand-color: #123456}</style>"));
    assert!(!html.contains("--button-text-color: "));
    assert!(html.contains(
        "<div class=\"error\"><p>To confirm your identity, sign in with the same account you used originally.</p></div>"
    ));
    assert!(html.contains("<img src=\"https://app.test/logo.png\" alt=\"Logo\" class=\"logo\"/>"));
    // GitHub form.
    assert!(html.contains(
        "<form action=\"https://app.test/auth/signin/github\" method=\"POST\"><input type=\"hidden\" name=\"csrfToken\" value=\"tok123\"/><input type=\"hidden\" name=\"callbackUrl\" value=\"https://app.test\"/>"
    ));
    assert!(html.contains("style=\"--provider-brand-color:#24292f\""));
    // GitHub's logo is shipped with the crate, inline: nothing is loaded from authjs.dev.
    assert!(html.contains("<span>Sign in with GitHub</span><svg "));
    assert!(!html.contains("authjs.dev"));
    // Email form, pre-filled.
    assert!(html.contains(
        "<form action=\"https://app.test/auth/signin/email\" method=\"POST\"><input type=\"hidden\" name=\"csrfToken\" value=\"tok123\"/>"
    ));
    assert!(html.contains(
        "<input id=\"input-email-for-email-provider\" autofocus type=\"email\" name=\"email\" autocomplete=\"email\" value=\"a@b.c\" placeholder=\"email@example.com\" required/>"
    ));
    assert!(html.contains(
        "<label class=\"section-header\" for=\"input-email-for-email-provider\">Email</label>"
    ));
    // Credentials form.
    assert!(html.contains(
        "<form action=\"https://app.test/auth/callback/credentials\" method=\"POST\"><input type=\"hidden\" name=\"csrfToken\" value=\"tok123\"/>"
    ));
    assert!(html.contains(
        "<label class=\"section-header\" for=\"input-username-for-credentials-provider\">Username</label><input name=\"username\" id=\"input-username-for-credentials-provider\" type=\"text\" placeholder=\"jsmith\" autocomplete=\"username\"/>"
    ));
    assert!(html.contains(
        "<label class=\"section-header\" for=\"input-password-for-credentials-provider\">password</label><input name=\"password\" id=\"input-password-for-credentials-provider\" type=\"password\" placeholder=\"\" autocomplete=\"current-password\"/>"
    ));
    assert!(html.contains("<button id=\"submitButton\" type=\"submit\" tabindex=\"0\">Sign in with Credentials</button>"));
    // Order: GitHub, <hr/>, email, <hr/>, credentials.
    let gh = html.find("signin/github").unwrap_or(usize::MAX);
    let em = html.find("signin/email").unwrap_or(usize::MAX);
    let cr = html.find("callback/credentials").unwrap_or(usize::MAX);
    assert!(gh < em && em < cr && cr != usize::MAX);
    assert_eq!(html.matches("<hr/>").count(), 2);
    assert_eq!(html[gh..em].matches("<hr/>").count(), 1);
    assert_eq!(html[em..cr].matches("<hr/>").count(), 1);
    assert!(!html.contains("<script"));
}

#[test]
fn hr_separators_follow_authjs_rules() {
    let fields = fields();
    let all = providers(&fields);
    let render = |ps: &[SignInProvider<'_>]| {
        render_signin(&SignInPage {
            theme: &Theme::default(),
            csrf_token: "t",
            callback_url: "",
            error: None,
            email: None,
            providers: ps,
        })
    };
    // OAuth only: no separator.
    assert_eq!(render(&all[..1]).matches("<hr/>").count(), 0);
    // Email then credentials: one separator between them.
    assert_eq!(render(&all[1..]).matches("<hr/>").count(), 1);
    // Email then OAuth: one separator (after the email form).
    let swapped = [all[1], all[0]];
    assert_eq!(render(&swapped).matches("<hr/>").count(), 1);
    // Credentials alone: none.
    assert_eq!(render(&all[2..]).matches("<hr/>").count(), 0);
    // No callbackUrl input when the callback URL is empty.
    assert!(!render(&all).contains("name=\"callbackUrl\""));
    // No banner without an error.
    assert!(!render(&all).contains("class=\"error\""));
}

#[test]
fn dynamic_values_are_escaped() {
    let fields = vec![CredentialField {
        label: Some(EVIL.into()),
        placeholder: Some(EVIL.into()),
        input_type: EVIL.into(),
        ..CredentialField::new(EVIL)
    }];
    let providers = [
        SignInProvider::OAuth {
            id: EVIL,
            name: EVIL,
            signin_url: EVIL,
            logo: None,
            brand_color: None,
        },
        SignInProvider::Email {
            id: EVIL,
            name: EVIL,
            signin_url: EVIL,
        },
        SignInProvider::Credentials {
            id: EVIL,
            name: EVIL,
            callback_url: EVIL,
            fields: &fields,
        },
    ];
    let theme = Theme {
        logo: Some(EVIL.into()),
        ..Theme::default()
    };
    let html = render_signin(&SignInPage {
        theme: &theme,
        csrf_token: EVIL,
        callback_url: EVIL,
        error: Some(EVIL),
        email: Some(EVIL),
        providers: &providers,
    });
    assert!(!html.contains(EVIL));
    assert!(!html.contains("<script"));
    assert!(html.contains(&format!("name=\"csrfToken\" value=\"{EVIL_ESCAPED}\"")));
    assert!(html.contains(&format!("name=\"callbackUrl\" value=\"{EVIL_ESCAPED}\"")));
    assert!(html.contains(&format!(
        "name=\"email\" autocomplete=\"email\" value=\"{EVIL_ESCAPED}\""
    )));
    assert!(html.contains(&format!("<span>Sign in with {EVIL_ESCAPED}</span>")));
    assert!(html.contains(&format!("<form action=\"{EVIL_ESCAPED}\"")));
    assert!(html.contains(&format!(
        "id=\"input-{EVIL_ESCAPED}-for-{EVIL_ESCAPED}-provider\" type=\"{EVIL_ESCAPED}\""
    )));
    // No logo is shipped for that id, so the button has none.
    assert!(html.contains(&format!(
        "<span>Sign in with {EVIL_ESCAPED}</span></button>"
    )));
    // Unknown error codes map to the default message, never echoing the code.
    assert!(html.contains("<p>Unable to sign in.</p>"));
}

#[test]
fn malicious_colors_are_dropped() {
    let evil_color = "red;}</style><script>alert(1)</script>";
    let providers = [SignInProvider::OAuth {
        id: "x",
        name: "X",
        signin_url: "/s",
        logo: Some("https://x.test/x.svg"),
        brand_color: Some("red\"onmouseover=\"alert(1)"),
    }];
    let theme = Theme {
        brand_color: Some(evil_color.into()),
        button_text: Some("#fff;background:url(x)".into()),
        ..Theme::default()
    };
    let html = render_signin(&SignInPage {
        theme: &theme,
        csrf_token: "t",
        callback_url: "/",
        error: None,
        email: None,
        providers: &providers,
    });
    assert!(!html.contains("<script"));
    assert!(!html.contains("alert"));
    assert!(!html.contains("--brand-color:"));
    assert!(!html.contains("--button-text-color:"));
    assert!(!html.contains("--provider-color:"));
    assert!(html.contains("style=\"--provider-brand-color:#fff\""));
    assert!(html.contains("src=\"https://x.test/x.svg\""));
}

#[test]
fn good_colors_are_kept() {
    let providers = [SignInProvider::OAuth {
        id: "x",
        name: "X",
        signin_url: "/s",
        logo: None,
        brand_color: Some("rgb(1, 2, 3)"),
    }];
    let theme = Theme {
        button_text: Some("white".into()),
        ..Theme::default()
    };
    let html = render_signin(&SignInPage {
        theme: &theme,
        csrf_token: "t",
        callback_url: "/",
        error: None,
        email: None,
        providers: &providers,
    });
    assert!(html.contains("style=\"--provider-brand-color:rgb(1, 2, 3)\""));
    assert!(html.contains("<style>:root {--button-text-color: white}</style>"));
}

#[test]
fn signin_error_messages_table() {
    for code in [
        "Signin",
        "OAuthSignin",
        "OAuthCallbackError",
        "OAuthCreateAccount",
        "EmailCreateAccount",
        "Callback",
    ] {
        assert_eq!(
            signin_error_message(code),
            "Try signing in with a different account."
        );
    }
    assert_eq!(
        signin_error_message("OAuthAccountNotLinked"),
        "To confirm your identity, sign in with the same account you used originally."
    );
    assert_eq!(
        signin_error_message("EmailSignin"),
        "The e-mail could not be sent."
    );
    assert_eq!(
        signin_error_message("CredentialsSignin"),
        "Sign in failed. Check the details you provided are correct."
    );
    assert_eq!(
        signin_error_message("SessionRequired"),
        "Please sign in to access this page."
    );
    for code in ["MissingCSRF", "AccountNotLinked", "", "signin"] {
        assert_eq!(signin_error_message(code), "Unable to sign in.");
    }
}

#[test]
fn credential_field_defaults() {
    let f = CredentialField::new("otp");
    assert_eq!(f.input_type, "text");
    assert_eq!(f.label, None);
    let empty_type = [CredentialField {
        input_type: String::new(),
        ..CredentialField::new("otp")
    }];
    let providers = [SignInProvider::Credentials {
        id: "c",
        name: "C",
        callback_url: "/cb",
        fields: &empty_type,
    }];
    let html = render_signin(&SignInPage {
        theme: &Theme::default(),
        csrf_token: "t",
        callback_url: "/",
        error: Some(""),
        email: None,
        providers: &providers,
    });
    assert!(html.contains(
        "<input name=\"otp\" id=\"input-otp-for-c-provider\" type=\"text\" placeholder=\"\"/>"
    ));
    assert!(html.contains(">otp</label>"));
    assert!(!html.contains("class=\"error\""));
}

#[test]
fn logos_are_inline_unless_the_deployer_gives_a_url() {
    let oauth = |id, logo| SignInProvider::OAuth {
        id,
        name: "N",
        signin_url: "/s",
        logo,
        brand_color: None,
    };
    let providers = [
        oauth("google", None),
        oauth("github", Some("/static/my-github.png")),
        oauth("keycloak", None),
    ];
    let html = render_signin(&SignInPage {
        theme: &Theme::default(),
        csrf_token: "t",
        callback_url: "/",
        error: None,
        email: None,
        providers: &providers,
    });
    let buttons: Vec<&str> = html.split("<button ").skip(1).collect();
    assert_eq!(buttons.len(), 3);
    // Shipped logo: decorative inline SVG, hidden from assistive technology.
    assert!(buttons[0].contains("</span><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\" focusable=\"false\" fill=\"#4285F4\"><path d="));
    assert!(!buttons[0].contains("<img"));
    // A deployer's logo URL is their choice: an <img> with an empty alt.
    assert!(buttons[1].contains(
        "</span><img loading=\"lazy\" height=\"24\" width=\"24\" alt=\"\" src=\"/static/my-github.png\"/></button>"
    ));
    assert!(!buttons[1].contains("<svg"));
    // No logo shipped for Keycloak (its mark is not under CC0): the label alone.
    assert!(buttons[2].contains("<span>Sign in with N</span></button>"));
}

#[test]
fn inputs_carry_autocomplete() {
    let field = |name: &str, input_type: &str| CredentialField {
        input_type: input_type.into(),
        ..CredentialField::new(name)
    };
    let cases = [
        (field("username", "text"), Some("username")),
        (field("email", "email"), Some("username")),
        (field("email", ""), Some("username")),
        (field("password", "password"), Some("current-password")),
        (field("pin", "password"), Some("current-password")),
        (field("otp", "text"), None),
        (field("username", "number"), None),
        (
            CredentialField {
                autocomplete: Some("one-time-code".into()),
                ..field("otp", "text")
            },
            Some("one-time-code"),
        ),
    ];
    for (f, expected) in &cases {
        assert_eq!(f.autocomplete_or_default(), *expected, "{}", f.name);
    }
    let fields: Vec<CredentialField> = cases.into_iter().map(|(f, _)| f).collect();
    let providers = [SignInProvider::Credentials {
        id: "c",
        name: "C",
        callback_url: "/cb",
        fields: &fields,
    }];
    let html = render_signin(&SignInPage {
        theme: &Theme::default(),
        csrf_token: "t",
        callback_url: "/",
        error: None,
        email: None,
        providers: &providers,
    });
    assert!(html.contains("id=\"input-pin-for-c-provider\" type=\"password\" placeholder=\"\" autocomplete=\"current-password\"/>"));
    assert!(html.contains("id=\"input-otp-for-c-provider\" type=\"text\" placeholder=\"\"/>"));
    assert!(html.contains("placeholder=\"\" autocomplete=\"one-time-code\"/>"));
    assert_eq!(html.matches("autocomplete=").count(), 6);
}
