//! The flows, each as a person would go through them on the built-in pages: by typing, clicking
//! and pressing keys, in a fresh browser context.

use std::{
    fs,
    path::Path,
    thread,
    time::{Duration, Instant},
};

use auth_core::{
    jwt::{DecodeParams, decode},
    secret::SecretList,
};
use serde_json::Value;

use crate::{
    Services,
    cdp::{Browser, Page},
    example::{Example, SECRET},
    failure_dir, keep_failure, unique,
};

/// The session cookie's name (plain http: no `__Secure-` prefix).
const SESSION_COOKIE: &str = "authjs.session-token";
/// The credentials form's submit button.
const CREDENTIALS_SUBMIT: &str = "form[action$='/auth/callback/credentials'] button[type=submit]";
/// The banner the sign-in page shows for `error=CredentialsSignin`.
const CREDENTIALS_BANNER: &str = "Sign in failed. Check the details you provided are correct.";

/// What every flow gets.
struct Flow<'a> {
    framework: &'a str,
    example: &'a Example,
    services: &'a Services,
}

type Step = fn(&Flow<'_>, &Page<'_>) -> Result<(), String>;

/// The flows, by name (the name is part of the failure folder).
const FLOWS: &[(&str, Step)] = &[
    ("credentials", credentials),
    ("wrong-password", wrong_password),
    ("sign-out", sign_out),
    ("chunky", chunky),
    ("oidc", oidc),
    ("magic-link", magic_link),
    ("passkey", passkey),
    ("keyboard", keyboard),
];

/// Runs every flow on example-`framework` (its binary at `binary`) in one headless Chromium;
/// panics naming each flow that failed and where its screenshot and HTML are.
pub fn run_suite(framework: &str, binary: &str) {
    let started = Instant::now();
    let services = Services::from_env().unwrap_or_else(|e| panic!("{e}"));
    let port = services.port(framework).unwrap_or_else(|e| panic!("{e}"));
    let env = vec![
        ("AUTH_PASSKEY".to_owned(), "1".to_owned()),
        ("AUTH_EMAIL_SERVER".to_owned(), services.smtp_url.clone()),
        (
            "AUTH_EMAIL_FROM".to_owned(),
            "Auth Browser Test <auth@example.test>".to_owned(),
        ),
        ("AUTH_OIDC_ISSUER".to_owned(), services.issuer.clone()),
        ("AUTH_OIDC_ID".to_owned(), "rust-auth".to_owned()),
        ("AUTH_OIDC_SECRET".to_owned(), "rust-auth-secret".to_owned()),
    ];
    let example = Example::start(framework, binary, port, env).unwrap_or_else(|e| panic!("{e}"));
    let browser = Browser::launch().unwrap_or_else(|e| panic!("{e}"));
    let flow = Flow {
        framework,
        example: &example,
        services: &services,
    };
    let mut failures = Vec::new();
    for (name, step) in FLOWS {
        let began = Instant::now();
        // What an earlier run left of this flow would mislead.
        let _ = fs::remove_dir_all(failure_dir(&format!("{framework}-{name}")));
        let page = match browser.new_page() {
            Ok(page) => page,
            Err(e) => {
                let dir = keep_failure(&format!("{framework}-{name}"), None, &example.log(), &e);
                failures.push(format!("{name}: {e}\n    kept: {}", dir.display()));
                continue;
            }
        };
        // A script error on a built-in page fails the flow even when the flow got through.
        let result = step(&flow, &page).and_then(|()| {
            let uncaught: Vec<String> = page
                .console()
                .into_iter()
                .filter(|line| line.starts_with("uncaught:"))
                .collect();
            check(uncaught.is_empty(), || {
                format!("uncaught script errors: {}", uncaught.join("; "))
            })
        });
        match result {
            Ok(()) => eprintln!(
                "browser {framework}: {name} passed in {:.1?}",
                began.elapsed()
            ),
            Err(error) => {
                let dir = keep_failure(
                    &format!("{framework}-{name}"),
                    Some(&page),
                    &example.log(),
                    &error,
                );
                eprintln!("browser {framework}: {name} FAILED: {error}");
                failures.push(format!(
                    "{name}: {error}\n    screenshot, HTML, console and server log in {}",
                    dir.display()
                ));
            }
        }
    }
    eprintln!(
        "browser {framework}: {} flows in {:.1?}",
        FLOWS.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "browser suite on example-{framework}: {} of {} flows failed:\n  {}\nChromium's stderr (last lines):\n{}",
        failures.len(),
        FLOWS.len(),
        failures.join("\n  "),
        browser.stderr()
    );
}

/// `Err` with `message` unless `ok`.
fn check(ok: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(message()) }
}

/// `GET /auth/session` from the page (same origin, with its cookies).
fn session(page: &Page<'_>) -> Result<Value, String> {
    page.eval("fetch('/auth/session', {credentials: 'same-origin'}).then(r => r.json())")
}

/// The session's user email, or `None` when signed out.
fn session_email(page: &Page<'_>) -> Result<Option<String>, String> {
    let session = session(page)?;
    Ok(session["user"]["email"].as_str().map(str::to_owned))
}

/// Waits until the page has left the sign-in and callback routes, and has loaded.
fn wait_away_from_signin(page: &Page<'_>) -> Result<String, String> {
    page.wait_for(
        "the sign-in to finish (a page outside /auth/signin and /auth/callback)",
        "document.readyState === 'complete' && location.protocol === 'http:' \
         && !location.pathname.startsWith('/auth/signin') \
         && !location.pathname.startsWith('/auth/callback') && location.href",
    )
    .map(|v| v.as_str().unwrap_or_default().to_owned())
}

/// Signs in on the sign-in page with the credentials form, by typing and clicking; returns the
/// session's email.
fn sign_in(flow: &Flow<'_>, page: &Page<'_>, user: &str, password: &str) -> Result<String, String> {
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    page.type_into("#input-username-for-credentials-provider", user)?;
    page.type_into("#input-password-for-credentials-provider", password)?;
    page.click(CREDENTIALS_SUBMIT)?;
    wait_away_from_signin(page)?;
    session_email(page)?.ok_or_else(|| {
        format!(
            "signed in as {user}, but /auth/session is {}",
            session(page).unwrap_or_default()
        )
    })
}

/// The home page's `#user-name`, or `None` when it shows the anonymous view.
fn home_user(flow: &Flow<'_>, page: &Page<'_>) -> Result<Option<String>, String> {
    page.goto(&format!("{}/", flow.example.base()))?;
    let name = page.eval(
        "(() => { const n = document.getElementById('user-name'); \
         return n ? n.textContent : (document.getElementById('anonymous') ? null : 'neither'); })()",
    )?;
    match name {
        Value::Null => Ok(None),
        Value::String(s) if s == "neither" => Err(format!(
            "the home page shows neither a user nor the anonymous view: {}",
            page.text()?
        )),
        Value::String(s) => Ok(Some(s)),
        other => Err(format!("home page: unexpected {other}")),
    }
}

/// Flow 1: Credentials sign-in by typing and clicking, landing signed in.
fn credentials(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    let email = sign_in(flow, page, "alice", "wonderland")?;
    check(email == "alice@example.com", || {
        format!("signed in as {email}")
    })?;
    let user = home_user(flow, page)?;
    check(user.as_deref() == Some("Alice"), || {
        format!("the home page shows {user:?}, not Alice")
    })
}

/// Flow 2: A wrong password: back on the sign-in page with Auth.js's banner, not signed in.
fn wrong_password(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    page.type_into("#input-username-for-credentials-provider", "alice")?;
    page.type_into(
        "#input-password-for-credentials-provider",
        "not-the-password",
    )?;
    page.click(CREDENTIALS_SUBMIT)?;
    let url = page.wait_for_url(&format!("{}/auth/signin?", flow.example.base()))?;
    check(url.contains("error=CredentialsSignin"), || {
        format!("landed on {url}")
    })?;
    let banner = page.wait_for(
        "the error banner",
        "document.querySelector('.error') && document.querySelector('.error').innerText",
    )?;
    check(
        banner.as_str().map(str::trim) == Some(CREDENTIALS_BANNER),
        || format!("the banner says {banner}"),
    )?;
    let visible = page.eval(
        "(() => { const r = document.querySelector('.error').getBoundingClientRect(); \
         return r.width > 0 && r.height > 0; })()",
    )?;
    check(visible == Value::Bool(true), || {
        "the banner is not visible".to_owned()
    })?;
    let email = session_email(page)?;
    check(email.is_none(), || format!("signed in as {email:?}"))
}

/// Flow 3: The sign-out page's button, then the home page's.
fn sign_out(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    sign_in(flow, page, "alice", "wonderland")?;
    page.goto(&format!("{}/auth/signout", flow.example.base()))?;
    page.click("form[action$='/auth/signout'] button[type=submit]")?;
    page.wait_for(
        "the sign-out to finish",
        "document.readyState === 'complete' && !location.pathname.startsWith('/auth/signout')",
    )?;
    let email = session_email(page)?;
    check(email.is_none(), || {
        format!("still signed in as {email:?} after the sign-out page")
    })?;
    let cookies = page.cookies()?;
    check(
        !cookies.iter().any(|(n, _)| n.starts_with(SESSION_COOKIE)),
        || format!("session cookies left: {cookies:?}"),
    )?;

    // The home page's button (POST /logout, the framework crate's server-side sign-out).
    sign_in(flow, page, "alice", "wonderland")?;
    let user = home_user(flow, page)?;
    check(user.as_deref() == Some("Alice"), || {
        format!("home page shows {user:?}")
    })?;
    page.click("#sign-out")?;
    page.wait_for(
        "the home page's anonymous view",
        "document.readyState === 'complete' && !!document.getElementById('anonymous')",
    )?;
    let email = session_email(page)?;
    check(email.is_none(), || {
        format!("still signed in as {email:?} after the home page's button")
    })
}

/// Flow 4: The `chunky` account: its session spans several cookies, and survives a reload.
fn chunky(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    let email = sign_in(flow, page, "chunky", "chunky-cookie")?;
    check(email == "chunky@example.com", || {
        format!("signed in as {email}")
    })?;
    let cookies = page.cookies()?;
    let chunks: Vec<&str> = cookies
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| {
            n.strip_prefix(SESSION_COOKIE)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|i| i.parse::<u32>().is_ok())
        })
        .collect();
    check(chunks.len() >= 2, || {
        format!("expected several {SESSION_COOKIE}.N cookies, the browser holds {chunks:?}")
    })?;
    check(!cookies.iter().any(|(n, _)| n == SESSION_COOKIE), || {
        format!("an unchunked {SESSION_COOKIE} next to the chunks: {chunks:?}")
    })?;
    page.call("Page.reload", serde_json::json!({}))?;
    thread::sleep(Duration::from_millis(200));
    page.wait_loaded()?;
    let user = home_user(flow, page)?;
    check(user.as_deref() == Some("Chunky"), || {
        format!("after a reload the home page shows {user:?}")
    })?;
    let session = session(page)?;
    let image = session["user"]["image"].as_str().unwrap_or_default();
    check(image == example_image(), || {
        format!(
            "the session's image is {} characters long, not the chunky avatar",
            image.len()
        )
    })
}

/// The `chunky` user's avatar URL (examples/demo `chunky_image`).
fn example_image() -> String {
    format!("http://127.0.0.1/{}.png", "x".repeat(6000))
}

/// Flow 5: OIDC through the real oidc-provider's own login and consent pages.
fn oidc(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    let login = format!("browser-{}", flow.framework);
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    page.click("form[action$='/auth/signin/oidc'] button[type=submit]")?;
    page.wait_for_url(&format!("{}/interaction/", flow.services.issuer))?;
    page.type_into("input[name=login]", &login)?;
    page.type_into("input[name=password]", "any-password")?;
    page.click("button[type=submit]")?;
    page.wait_for(
        "the provider's consent page",
        "document.readyState === 'complete' && !!document.querySelector(\"input[name=prompt][value=consent]\")",
    )?;
    page.click("button[type=submit]")?;
    let url = page.wait_for_url(&flow.example.base())?;
    let email = session_email(page)?;
    check(
        email.as_deref() == Some(format!("{login}@example.com").as_str()),
        || format!("back at {url}, the session's email is {email:?}"),
    )
}

/// Flow 6: A magic link: asked for on the sign-in page, read from the SMTP sink, opened.
fn magic_link(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    let to = format!("browser-{}-{}@example.com", flow.framework, unique());
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    page.type_into("#input-email-for-email-provider", &to)?;
    page.click("form[action$='/auth/signin/email'] button[type=submit]")?;
    page.wait_for_url(&format!("{}/auth/verify-request", flow.example.base()))?;
    let message = delivered(&flow.services.maildir, &to)?;
    let link = link_in(&message, &flow.example.base())?;
    page.goto(&link)?;
    wait_away_from_signin(page)?;
    let email = session_email(page)?;
    check(email.as_deref() == Some(to.as_str()), || {
        format!(
            "after the link ({}), the session's email is {email:?}",
            page.url()
        )
    })
}

/// The message the SMTP sink stored for `to` (waits up to 10 s).
fn delivered(maildir: &Path, to: &str) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let marker = format!("X-RcptTo: {to}");
    loop {
        for entry in fs::read_dir(maildir.join("new"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let text = fs::read_to_string(entry.path()).unwrap_or_default();
            if text.contains(&marker) {
                return Ok(text);
            }
        }
        if Instant::now() > deadline {
            return Err(format!("no message for {to} reached {}", maildir.display()));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// The magic link to `base` in a message (undoing quoted-printable).
fn link_in(message: &str, base: &str) -> Result<String, String> {
    let unfolded = message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = unfolded
        .find(&format!("{base}/auth/callback/email?"))
        .ok_or_else(|| format!("no link to {base} in:\n{message}"))?;
    Ok(unfolded[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap_or_default()
        .replace("&amp;", "&"))
}

/// The user id (`sub`) of the page's session token.
fn session_user_id(page: &Page<'_>) -> Result<String, String> {
    let cookies = page.cookies()?;
    let token = cookies
        .iter()
        .find(|(n, _)| n == SESSION_COOKIE)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| format!("no {SESSION_COOKIE} cookie: {cookies:?}"))?;
    let secret = SecretList::single(SECRET);
    let claims = decode(&DecodeParams {
        token: &token,
        secret: &secret,
        salt: SESSION_COOKIE,
    })
    .map_err(|e| format!("the session token does not decode: {e}"))?
    .ok_or("an empty session token")?;
    claims
        .get("sub")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "the session token has no sub".to_owned())
}

/// Types `email` into the passkey form and presses its button; waits for the ceremony's end.
fn passkey_sign_in(flow: &Flow<'_>, page: &Page<'_>, email: &str) -> Result<String, String> {
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    page.type_into("#input-email-for-passkey-provider", email)?;
    page.click("#submitButton-passkey")?;
    wait_away_from_signin(page)
}

/// Signs out on the sign-out page and checks the session is gone.
fn sign_out_page(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    page.goto(&format!("{}/auth/signout", flow.example.base()))?;
    page.click("form[action$='/auth/signout'] button[type=submit]")?;
    page.wait_for(
        "the sign-out",
        "document.readyState === 'complete' && !location.pathname.startsWith('/auth/signout')",
    )?;
    check(session_email(page)?.is_none(), || {
        "still signed in after signing out".to_owned()
    })
}

/// Flow 7: Passkeys with Chromium's virtual authenticator: a new user registers one and lands signed
/// in; signed out, the browser's passkey autofill (conditional UI, which the virtual
/// authenticator answers at once) signs them in again as the same user, and so does the
/// button, while autofill's request still waits and in a browser without autofill; with the passkey gone from the store, sign-in fails
/// cleanly (Auth.js's outcome: the error page, `error=Configuration`); with it gone from the
/// authenticator too, the browser refuses the ceremony and the page stays, signed out.
fn passkey(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    let authenticator = page.add_virtual_authenticator()?;
    let email = format!("passkey-{}-{}@example.com", flow.framework, unique());

    // Registration (the autofill request finds no credential and ends at once).
    passkey_sign_in(flow, page, &email)?;
    let signed_in = session_email(page)?;
    check(signed_in.as_deref() == Some(email.as_str()), || {
        format!("after registering, the session's email is {signed_in:?}")
    })?;
    let registered = page.credentials(&authenticator)?;
    check(registered.len() == 1, || {
        format!("the authenticator holds {} credentials", registered.len())
    })?;
    check(
        registered[0]["isResidentCredential"] == Value::Bool(true),
        || "the passkey is not discoverable".to_owned(),
    )?;
    let user = session_user_id(page)?;
    let stored = flow
        .example
        .sql(&format!("SELECT id FROM users WHERE email = '{email}'"))?;
    check(stored == user, || {
        format!("the session's user {user} is not the stored user {stored:?}")
    })?;
    sign_out_page(flow, page)?;

    // Autofill: opening the sign-in page is enough.
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    wait_away_from_signin(page)?;
    let again = session_user_id(page)?;
    check(again == user, || {
        format!("the autofill sign-in is user {again}, the registration was {user}")
    })?;
    sign_out_page(flow, page)?;

    // The button while autofill's request still waits for the person (no presence yet): the
    // button's ceremony must take over (the script aborts the waiting one; before, Chromium
    // refused it with "A request is already pending" and the button did nothing).
    page.set_presence(&authenticator, false)?;
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    page.wait_for(
        "autofill's options request",
        "performance.getEntriesByType('resource')\
         .some(e => e.name.includes('/webauthn-options/passkey?action=authenticate'))",
    )?;
    thread::sleep(Duration::from_millis(300));
    page.set_presence(&authenticator, true)?;
    page.type_into("#input-email-for-passkey-provider", &email)?;
    page.click("#submitButton-passkey")?;
    wait_away_from_signin(page)?;
    let again = session_user_id(page)?;
    check(again == user, || {
        format!("the button sign-in during autofill is user {again}, the registration was {user}")
    })?;
    sign_out_page(flow, page)?;

    // A browser without autofill: the email and the button.
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source":
            "if (window.PublicKeyCredential) \
             PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);" }),
    )?;
    passkey_sign_in(flow, page, &email)?;
    let again = session_user_id(page)?;
    check(again == user, || {
        format!("the button sign-in is user {again}, the registration was {user}")
    })?;
    let count = flow.example.sql("SELECT count(*) FROM authenticators")?;
    check(count == "1", || format!("{count} authenticators stored"))?;
    sign_out_page(flow, page)?;

    // The passkey removed from the store (the authenticator still offers it).
    flow.example.sql("DELETE FROM authenticators")?;
    let url = passkey_sign_in(flow, page, &email)?;
    check(
        url == format!("{}/auth/error?error=Configuration", flow.example.base()),
        || format!("with the passkey removed, the sign-in ended at {url}"),
    )?;
    let heading = page.text()?;
    check(heading.contains("Server error"), || {
        format!("the error page says {heading:?}")
    })?;
    check(session_email(page)?.is_none(), || {
        "signed in with a removed passkey".to_owned()
    })?;

    // The passkey removed from the authenticator too: the browser finds none to offer, the
    // ceremony ends in the browser (NotAllowedError, logged as Auth.js's client does) and the
    // page stays, signed out.
    page.clear_credentials(&authenticator)?;
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    page.type_into("#input-email-for-passkey-provider", &email)?;
    let before = page.console().len();
    page.click("#submitButton-passkey")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !page.console()[before.min(page.console().len())..]
        .iter()
        .any(|line| line.contains("NotAllowedError"))
    {
        if Instant::now() > deadline {
            return Err(format!(
                "no NotAllowedError within 10 s of pressing the button without a passkey; console: {:?}",
                page.console()
            ));
        }
        // Any command reads the events that came meanwhile.
        page.eval("1")?;
        thread::sleep(Duration::from_millis(100));
    }
    check(
        page.url()
            .starts_with(&format!("{}/auth/signin", flow.example.base())),
        || format!("without a passkey the page went to {}", page.url()),
    )?;
    check(session_email(page)?.is_none(), || {
        "signed in without a passkey".to_owned()
    })
}

/// Flow 8: A keyboard-only sign-in: Tab to the username field, type, Tab, type, Enter.
fn keyboard(flow: &Flow<'_>, page: &Page<'_>) -> Result<(), String> {
    page.goto(&format!("{}/auth/signin", flow.example.base()))?;
    let target = "input-username-for-credentials-provider";
    let mut tabs = 0;
    loop {
        let focused = page.eval("document.activeElement ? document.activeElement.id : ''")?;
        if focused.as_str() == Some(target) {
            break;
        }
        tabs += 1;
        if tabs > 30 {
            return Err(format!(
                "30 presses of Tab never reached #{target} (last focus: {focused})"
            ));
        }
        page.press("Tab")?;
    }
    page.type_text("alice")?;
    page.press("Tab")?;
    let focused = page.eval("document.activeElement.id")?;
    check(
        focused.as_str() == Some("input-password-for-credentials-provider"),
        || format!("Tab after the username went to {focused}"),
    )?;
    page.type_text("wonderland")?;
    page.press("Enter")?;
    wait_away_from_signin(page)?;
    let email = session_email(page)?;
    check(email.as_deref() == Some("alice@example.com"), || {
        format!("after Enter the session's email is {email:?}")
    })
}
