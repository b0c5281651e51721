#![doc = include_str!("../README.md")]
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
#[doc(hidden)]
pub mod fuzzing;
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
pub mod resolver;
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
