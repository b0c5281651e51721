//! The `Callbacks` and `Events` traits, with Auth.js's defaults (spec §12).
//!
//! Implement only the methods you need; every method has Auth.js's default behaviour.
//!
//! ```
//! use auth_core::{Result, Token, callbacks::{Callbacks, JwtParams, JwtTrigger}};
//!
//! struct CopyNameOnUpdate;
//!
//! #[async_trait::async_trait]
//! impl Callbacks for CopyNameOnUpdate {
//!     async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
//!         let mut token = params.token;
//!         if params.trigger == Some(JwtTrigger::Update) {
//!             if let Some(name) = params.session.and_then(|s| s.get("name")).and_then(|n| n.as_str()) {
//!                 token.insert("name".into(), name.into());
//!             }
//!         }
//!         Ok(Some(token))
//!     }
//! }
//! ```

pub(crate) mod closures;
mod events;

use async_trait::async_trait;
use serde_json::Value;

pub(crate) use closures::CallbackClosures;
pub use closures::{JwtArgs, SessionArgs, SignInArgs};
pub(crate) use events::log_event;
pub use events::{
    EventResult, Events, LinkAccountEvent, NoEvents, SessionEvent, SignInEvent, SignOutEvent,
};

use crate::{
    Result,
    model::{Account, Session, Token, User},
    providers::Credentials,
};

/// What the `sign_in` callback decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInDecision {
    /// Go on with the sign-in.
    Allow,
    /// Refuse it: the user lands on the error page with `error=AccessDenied`.
    Deny,
    /// Stop and send the user to this URL (checked by the `redirect` callback).
    Redirect(String),
}

/// Arguments of the `sign_in` callback.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SignInParams<'a> {
    /// The user about to sign in.
    pub user: &'a User,
    /// The account used.
    pub account: Option<&'a Account>,
    /// The provider's raw profile (OAuth).
    pub profile: Option<&'a Value>,
    /// The submitted form (credentials).
    pub credentials: Option<&'a Credentials>,
    /// True when an email link is being requested rather than used.
    pub email_verification_request: bool,
}

/// Why the `jwt` callback runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtTrigger {
    /// At sign-in of an existing user.
    SignIn,
    /// At sign-in of a user just created.
    SignUp,
    /// On `POST /session` (a session update).
    Update,
}

/// Arguments of the `jwt` callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JwtParams<'a> {
    /// The token so far.
    pub token: Token,
    /// The user, at sign-in only.
    pub user: Option<&'a User>,
    /// The account, at sign-in only (OAuth tokens live here).
    pub account: Option<&'a Account>,
    /// The provider profile, at OAuth sign-in only.
    pub profile: Option<&'a Value>,
    /// Whether the user was just created, at sign-in only.
    pub is_new_user: Option<bool>,
    /// Why the callback runs; `None` on a plain session read.
    pub trigger: Option<JwtTrigger>,
    /// The `data` sent with a session update.
    pub session: Option<&'a Value>,
}

/// Arguments of the `session` callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionParams<'a> {
    /// The default session.
    pub session: Session,
    /// The JWT (JWT strategy).
    pub token: Option<&'a Token>,
    /// The user (database strategy).
    pub user: Option<&'a User>,
    /// The `data` sent with a session update (database strategy).
    pub new_session: Option<&'a Value>,
    /// `Update` on a session update (database strategy).
    pub trigger: Option<JwtTrigger>,
}

impl<'a> SignInParams<'a> {
    /// The arguments for `user`, with no account, profile or credentials (to unit-test a
    /// callback).
    pub fn new(user: &'a User) -> Self {
        Self {
            user,
            account: None,
            profile: None,
            credentials: None,
            email_verification_request: false,
        }
    }

    /// With the account used.
    #[must_use]
    pub fn with_account(mut self, account: &'a Account) -> Self {
        self.account = Some(account);
        self
    }

    /// With the provider's raw profile.
    #[must_use]
    pub fn with_profile(mut self, profile: &'a Value) -> Self {
        self.profile = Some(profile);
        self
    }

    /// With the submitted form.
    #[must_use]
    pub fn with_credentials(mut self, credentials: &'a Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// As an email link request.
    #[must_use]
    pub fn with_email_verification_request(mut self, request: bool) -> Self {
        self.email_verification_request = request;
        self
    }
}

impl<'a> JwtParams<'a> {
    /// The arguments of a plain session read of `token` (to unit-test a callback).
    pub fn new(token: Token) -> Self {
        Self {
            token,
            user: None,
            account: None,
            profile: None,
            is_new_user: None,
            trigger: None,
            session: None,
        }
    }

    /// A sign-in of `user` with `account`: trigger `SignUp` when `is_new_user`, else `SignIn`.
    #[must_use]
    pub fn with_sign_in(mut self, user: &'a User, account: &'a Account, is_new_user: bool) -> Self {
        self.user = Some(user);
        self.account = Some(account);
        self.is_new_user = Some(is_new_user);
        self.trigger = Some(if is_new_user {
            JwtTrigger::SignUp
        } else {
            JwtTrigger::SignIn
        });
        self
    }

    /// With the provider profile.
    #[must_use]
    pub fn with_profile(mut self, profile: &'a Value) -> Self {
        self.profile = Some(profile);
        self
    }

    /// A session update with `data` (trigger `Update`).
    #[must_use]
    pub fn with_update(mut self, data: &'a Value) -> Self {
        self.trigger = Some(JwtTrigger::Update);
        self.session = Some(data);
        self
    }
}

impl<'a> SessionParams<'a> {
    /// The arguments for the default `session` (to unit-test a callback).
    pub fn new(session: Session) -> Self {
        Self {
            session,
            token: None,
            user: None,
            new_session: None,
            trigger: None,
        }
    }

    /// With the JWT (JWT strategy).
    #[must_use]
    pub fn with_token(mut self, token: &'a Token) -> Self {
        self.token = Some(token);
        self
    }

    /// With the user (database strategy).
    #[must_use]
    pub fn with_user(mut self, user: &'a User) -> Self {
        self.user = Some(user);
        self
    }

    /// A session update with `data` (database strategy; trigger `Update`).
    #[must_use]
    pub fn with_update(mut self, data: &'a Value) -> Self {
        self.new_session = Some(data);
        self.trigger = Some(JwtTrigger::Update);
        self
    }
}

/// Auth.js's callbacks. Every method defaults to Auth.js's behaviour.
#[async_trait]
pub trait Callbacks: Send + Sync + 'static {
    /// Decides whether a sign-in may go on. Default: allow.
    async fn sign_in(&self, params: SignInParams<'_>) -> Result<SignInDecision> {
        let _ = params;
        Ok(SignInDecision::Allow)
    }

    /// Decides where to send the user after sign-in or sign-out. `base_url` is the origin.
    /// Default: [`default_redirect`], which only allows the same origin.
    async fn redirect(&self, url: &str, base_url: &str) -> Result<String> {
        Ok(default_redirect(url, base_url))
    }

    /// Shapes the JWT; returning `None` ends the session. Default: the token unchanged.
    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        Ok(Some(params.token))
    }

    /// Shapes the session exposed to the client. Default: the session unchanged.
    async fn session(&self, params: SessionParams<'_>) -> Result<Session> {
        Ok(params.session)
    }
}

/// The callbacks with every default.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultCallbacks;

impl Callbacks for DefaultCallbacks {}

/// Auth.js's default `redirect`, made stricter: a relative path is joined to the origin; an
/// absolute URL is kept only when it has the same origin; anything else (another origin,
/// `//host`, `/\host`, `javascript:`, unparsable text) gives the origin.
///
/// What comes back is the URL as parsed and serialised (WHATWG rules, as a browser reads it:
/// `\` is `/` in http(s) URLs), never the text as given, so clients that parse URLs
/// differently (curl, Python) cannot read another host into it:
/// `http://ORIGIN\@evil.test/` becomes `http://ORIGIN/@evil.test/`.
pub fn default_redirect(url: &str, base_url: &str) -> String {
    // Every request re-checks its callback-url cookie: the origin itself, or a plain URL on
    // it (`ORIGIN/dashboard?tab=2`, which the parser would give back unchanged), is answered
    // without parsing. So is a plain path on a plainly written origin (`/dashboard`), joined
    // as text. `text_shortcuts_give_what_the_parser_gives` holds both to the parser.
    if url == base_url || crate::origin::is_plain_url_under(url, base_url) {
        return url.to_owned();
    }
    if crate::origin::is_plain_path(url) && crate::origin::is_canonical_origin(base_url) {
        return format!("{base_url}{url}");
    }
    parsed_redirect(url, base_url)
}

/// [`default_redirect`] through the URL parser, for what its text checks cannot settle.
fn parsed_redirect(url: &str, base_url: &str) -> String {
    let Ok(base) = url::Url::parse(base_url) else {
        return base_url.to_owned();
    };
    if url.chars().any(char::is_control) {
        return base_url.to_owned();
    }
    let target = if url.starts_with('/') {
        // `//host` and `/\host` are network-path references to another host.
        if matches!(url.as_bytes().get(1), Some(b'/' | b'\\')) {
            return base_url.to_owned();
        }
        url::Url::parse(&format!("{base_url}{url}"))
    } else {
        url::Url::parse(url)
    };
    match target {
        Ok(target)
            if matches!(target.scheme(), "http" | "https")
                && target.origin() == base.origin()
                && target.username().is_empty()
                && target.password().is_none() =>
        {
            // A bare origin stays as written (`http://h`, not `http://h/`), like `base_url`.
            let bare = target.path() == "/"
                && target.query().is_none()
                && target.fragment().is_none()
                && !url.ends_with('/');
            if bare {
                target.origin().ascii_serialization()
            } else {
                target.into()
            }
        }
        _ => base_url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{default_redirect, parsed_redirect};
    use crate::origin::{is_canonical_origin, is_plain_path, is_plain_url_under};

    const BASE: &str = "http://app.test:3000";

    #[test]
    fn redirect_keeps_same_origin_only() {
        let cases = [
            ("/dashboard?a=1", "http://app.test:3000/dashboard?a=1"),
            ("http://app.test:3000/x", "http://app.test:3000/x"),
            ("https://app.test:3000/x", BASE),
            ("http://app.test:3001/x", BASE),
            ("https://evil.test/", BASE),
            ("//evil.test/", BASE),
            ("/\\evil.test/", BASE),
            ("javascript:alert(1)", BASE),
            ("http://app.test:3000@evil.test/", BASE),
            ("/ok\r\nSet-Cookie: x=1", BASE),
            ("not a url", BASE),
            ("", BASE),
            // Issue 12, finding 4: the serialisation, not the text, comes back.
            (
                "http://app.test:3000\\@evil.test/",
                "http://app.test:3000/@evil.test/",
            ),
            ("/a\\@evil.test/", "http://app.test:3000/a/@evil.test/"),
            ("HTTP://APP.test:3000/x y", "http://app.test:3000/x%20y"),
            ("/x/../y", "http://app.test:3000/y"),
            ("http://APP.test:3000", BASE),
        ];
        for (input, expected) in cases {
            assert_eq!(default_redirect(input, BASE), expected, "{input}");
        }
    }

    /// Origins and paths around the edges of the text shortcuts: default and zero-led ports,
    /// numeric and punycode hosts, upper case, dot segments, characters a parser escapes.
    const ORIGINS: [&str; 20] = [
        "http://app.test:3000",
        "http://localhost",
        "https://a-b.example",
        "http://127.0.0.1:3999",
        "http://localhost:80",
        "https://h:443",
        "http://h:080",
        "http://h:",
        "http://h:99999",
        "http://127.1",
        "http://0x7f.0.0.1",
        "http://1.2.3.4.5",
        "http://999.1.1.1",
        "http://2130706433",
        "http://xn--nxasmq6b",
        "http://EXAMPLE.com",
        "http://a..b",
        "http://h.",
        "http://[::1]:3000",
        "http://a_b",
    ];
    const PATHS: [&str; 26] = [
        "/",
        "/x",
        "/a/b?c=d&e",
        "/?",
        "/a/./b",
        "/a/../b",
        "/.",
        "/..",
        "/.a",
        "/a..",
        "/x?y=/../z",
        "//evil.test/",
        "/%2e%2e/",
        "/a b",
        "/a'b?c'd",
        "/a#f",
        "/a\\b",
        "/~user/(x)*+,;=:@!$",
        "/A-Z_0.9",
        "/a?b?c",
        "/a|b",
        "/\u{e9}",
        "/a^b",
        "/a`b",
        "/{x}",
        "/a\tb",
    ];

    #[test]
    fn text_shortcuts_give_what_the_parser_gives() {
        let mut shortcuts = 0;
        for origin in ORIGINS {
            if is_canonical_origin(origin) {
                let parsed = url::Url::parse(origin).expect("a canonical origin parses");
                assert_eq!(parsed.origin().ascii_serialization(), origin);
            }
            for path in PATHS {
                let absolute = format!("{origin}{path}");
                if is_plain_url_under(&absolute, origin) {
                    shortcuts += 1;
                    assert_eq!(parsed_redirect(&absolute, origin), absolute);
                }
                if is_plain_path(path) && is_canonical_origin(origin) {
                    assert_eq!(parsed_redirect(path, origin), absolute);
                }
                for url in [absolute.as_str(), path] {
                    assert_eq!(
                        default_redirect(url, origin),
                        parsed_redirect(url, origin),
                        "{url} on {origin}"
                    );
                }
            }
        }
        // The shortcut is taken for the plain cases (four origins, ten paths).
        assert_eq!(shortcuts, 40);
        assert!(is_plain_url_under(
            "http://127.0.0.1:3999/dashboard?tab=1",
            "http://127.0.0.1:3999"
        ));
    }
}
