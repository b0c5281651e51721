//! One scenario suite, written once, run against the core and every framework adapter.
//!
//! [`scenarios::all`] lists the scenarios as data. Each [`Framework`] (the [`Core`] reference,
//! which calls [`Auth::handle`] directly and states the protected-route rule itself, and the
//! in-process axum, actix-web, Rocket, poem and hyper apps of [`frameworks`]) answers every request of
//! every scenario; [`check`] compares each answer with the core reference's and lists the
//! differences: status, every header the reference sets (`Location`, `Content-Type`, …), the
//! `Set-Cookie` lines (names and attributes exactly; values exactly, except the random CSRF
//! cookie, checked by shape, and session JWEs, compared by length and by their decrypted
//! claims), and the body (byte for byte once the run's CSRF token is replaced by `{csrf}`).
//!
//! Every framework serves the same app, the examples' one: `/` with `Option<AuthSession>`,
//! `/protected` behind `RequireSession` (on Rocket, the `AuthSession` guard), `/me` behind the
//! `AuthSession` extractor alone, and the Auth.js routes under `/auth`, all with the same
//! [`auth`] (the demo configuration, a fixed secret and a fixed clock).

/// The workspace README's Rust snippets, compiled (and run unless `no_run`) as doctests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub mod frameworks;
pub mod hostile;
mod observe;
pub mod scenarios;

use std::future::Future;

use auth_core::{
    Auth, SessionStrategy,
    adapter::MemoryAdapter,
    clock::FixedClock,
    mail::{Mailer, SendFuture, VerificationMessage},
    providers::EmailProvider,
};
use http::{Request, Response};

pub use frameworks::Core;
pub use observe::{Mismatch, Observed, check, observe_all, report};

/// The secret of every framework's `Auth`.
pub const SECRET: &str = "auth-parity-secret-0123456789abcdef0123456789abcdef";
/// The fixed time of every framework's clock (2026-01-01T00:00:00Z).
pub const NOW_SECS: i64 = 1_767_225_600;
/// The `Host` every request carries.
pub const HOST: &str = "127.0.0.1:3000";
/// The origin the core derives from [`HOST`].
pub const ORIGIN: &str = "http://127.0.0.1:3000";
/// A browser's `Accept`.
pub const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
/// The body limit of [`auth`] (the core's default).
pub const MAX_BODY_BYTES: usize = auth_core::DEFAULT_MAX_BODY_BYTES;

/// Drops every message (the hostile table's email sign-ins need a mailer, not a mail).
#[derive(Debug, Clone, Copy)]
struct Discard;

impl Mailer for Discard {
    fn send<'a>(&'a self, _message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

/// The one configuration every framework serves: the demo's, with [`SECRET`] and a clock
/// stopped at [`NOW_SECS`], plus an email provider on a memory store (JWT sessions still) for
/// the hostile table's address rows.
pub fn auth() -> Auth {
    example_demo::config_from(|name| (name == "AUTH_SECRET").then(|| SECRET.to_owned()))
        .adapter(MemoryAdapter::default())
        .session_strategy(SessionStrategy::Jwt)
        .provider(EmailProvider::new(Discard))
        .clock(FixedClock::at_secs(NOW_SECS))
        .build()
        .unwrap_or_else(|error| panic!("the parity configuration builds: {error}"))
}

/// A web app driven in-process.
pub trait Framework {
    /// The name shown in mismatch reports.
    fn name(&self) -> &'static str;

    /// Serves one request.
    fn send(&self, request: Request<Vec<u8>>) -> impl Future<Output = Response<Vec<u8>>>;
}
