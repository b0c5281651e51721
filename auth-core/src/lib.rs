//! The framework-agnostic core of the Rust port of [Auth.js](https://authjs.dev).
//!
//! An [`Auth`], built once from an [`AuthConfig`], turns an `http::Request` into an
//! `http::Response` for every Auth.js action (`providers`, `session`, `csrf`, `signin`,
//! `signout`, `callback`, `verify-request`, `error`, `webauthn-options`) with Auth.js's wire
//! behaviour: the same routes, cookie names, CSRF double-submit, and encrypted JWT sessions that
//! an Auth.js app with the same secret can read, and the reverse.
//!
//! Framework crates (`auth-axum`, …) only translate requests and responses; everything else
//! lives here.
//!
//! ```
//! use auth_core::{AuthConfig, User, providers::{CredentialInput, CredentialsProvider}};
//! use http::{Request, StatusCode};
//! use http_body_util::Full;
//! use bytes::Bytes;
//!
//! # tokio_test();
//! # fn tokio_test() { tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let auth = AuthConfig::new()
//!     .secret("use `cargo xtask secret` to make one")
//!     .url("http://localhost:3000/auth")
//!     .provider(
//!         CredentialsProvider::new()
//!             .field("username", CredentialInput::text("Username"))
//!             .field("password", CredentialInput::password("Password"))
//!             .authorize(|c| async move {
//!                 let ok = c.get("username") == Some("alice") && c.get("password") == Some("wonderland");
//!                 Ok(ok.then(|| User::new("1").name("Alice")))
//!             }),
//!     )
//!     .build()
//!     .expect("valid configuration");
//!
//! let request = Request::get("/auth/providers").body(Full::new(Bytes::new())).unwrap();
//! let response = auth.handle(request).await;
//! assert_eq!(response.status(), StatusCode::OK);
//! assert!(std::str::from_utf8(response.body()).unwrap().contains("\"credentials\""));
//! # }) }
//! ```
//!
//! Deliberate differences from Auth.js are listed in the crate's `docs/deviations.md`.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod actions;
pub mod adapter;
mod auth;
pub mod callbacks;
pub mod clock;
mod config;
mod context;
pub mod cookies;
mod csrf;
mod encoding;
mod error;
pub mod gate;
pub mod integration;
pub mod jwt;
pub mod logger;
pub mod mail;
mod model;
pub mod oauth;
mod origin;
mod pages;
mod prepared;
pub mod providers;
mod random;
mod request;
mod response;
pub mod secret;
mod session;
mod webauthn;

/// The attribute for implementing [`callbacks::Callbacks`], [`callbacks::Events`] and the other
/// async traits, re-exported so apps need no dependency of their own.
pub use async_trait::async_trait;
pub use auth::{Auth, KeptAlive, NO_PARAMS, ServerAction, SessionRequired, SignInOptions};
pub use config::{AuthConfig, DEFAULT_MAX_BODY_BYTES, DEFAULT_UPDATE_AGE, Pages, SessionStrategy};
pub use error::{CheckFailure, ConfigError, Error, ErrorKind, ErrorPage, Result};
pub use jwt::DEFAULT_MAX_AGE;
pub use model::{Account, Session, SessionUser, Token, User};
pub use pages::{ColorScheme, Theme, escape_html};
pub use request::Action;
pub use secret::{Secret, SecretList};

#[doc = include_str!("../docs/deviations.md")]
pub mod deviations {}

#[doc = include_str!("../docs/refresh-token-rotation.md")]
pub mod refresh_token_rotation {}
