//! Callbacks as closures: [`AuthConfig::jwt_callback`](crate::AuthConfig::jwt_callback) and its
//! neighbours. Each closure takes the callback's arguments as owned values (so
//! `|args| async move { … }` compiles) and is adapted here to the [`Callbacks`] trait: the core
//! calls callbacks one way only. A closure replaces that method of the configured `Callbacks`;
//! the other methods stay the trait's.

use std::{future::Future, pin::Pin, sync::Arc};

use async_trait::async_trait;
use serde_json::Value;

use super::{Callbacks, JwtParams, JwtTrigger, SessionParams, SignInDecision, SignInParams};
use crate::{
    Result,
    model::{Account, Session, Token, User},
    providers::Credentials,
};

type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send>>;
type Closure<A, T> = Arc<dyn Fn(A) -> BoxFuture<T> + Send + Sync>;

/// Boxes a user's closure into the stored form.
pub(crate) fn boxed<A, T, F, Fut>(f: F) -> Closure<A, T>
where
    F: Fn(A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    Arc::new(move |args| Box::pin(f(args)))
}

/// The arguments of a `sign_in` closure: [`SignInParams`], owned.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignInArgs {
    /// The user about to sign in.
    pub user: User,
    /// The account used.
    pub account: Option<Account>,
    /// The provider's raw profile (OAuth).
    pub profile: Option<Value>,
    /// The submitted form (credentials).
    pub credentials: Option<Credentials>,
    /// True when an email link is being requested rather than used.
    pub email_verification_request: bool,
}

impl From<SignInParams<'_>> for SignInArgs {
    fn from(p: SignInParams<'_>) -> Self {
        Self {
            user: p.user.clone(),
            account: p.account.cloned(),
            profile: p.profile.cloned(),
            credentials: p.credentials.cloned(),
            email_verification_request: p.email_verification_request,
        }
    }
}

/// The arguments of a `jwt` closure: [`JwtParams`], owned.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JwtArgs {
    /// The token so far.
    pub token: Token,
    /// The user, at sign-in only.
    pub user: Option<User>,
    /// The account, at sign-in only (OAuth tokens live here).
    pub account: Option<Account>,
    /// The provider profile, at OAuth sign-in only.
    pub profile: Option<Value>,
    /// Whether the user was just created, at sign-in only.
    pub is_new_user: Option<bool>,
    /// Why the callback runs; `None` on a plain session read.
    pub trigger: Option<JwtTrigger>,
    /// The `data` sent with a session update.
    pub session: Option<Value>,
}

impl From<JwtParams<'_>> for JwtArgs {
    fn from(p: JwtParams<'_>) -> Self {
        Self {
            token: p.token,
            user: p.user.cloned(),
            account: p.account.cloned(),
            profile: p.profile.cloned(),
            is_new_user: p.is_new_user,
            trigger: p.trigger,
            session: p.session.cloned(),
        }
    }
}

/// The arguments of a `session` closure: [`SessionParams`], owned.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionArgs {
    /// The default session.
    pub session: Session,
    /// The JWT (JWT strategy).
    pub token: Option<Token>,
    /// The user (database strategy).
    pub user: Option<User>,
    /// The `data` sent with a session update (database strategy).
    pub new_session: Option<Value>,
    /// `Update` on a session update (database strategy).
    pub trigger: Option<JwtTrigger>,
}

impl From<SessionParams<'_>> for SessionArgs {
    fn from(p: SessionParams<'_>) -> Self {
        Self {
            session: p.session,
            token: p.token.cloned(),
            user: p.user.cloned(),
            new_session: p.new_session.cloned(),
            trigger: p.trigger,
        }
    }
}

/// The closures set on a configuration; each replaces one method of its `Callbacks`.
#[derive(Clone, Default)]
pub(crate) struct CallbackClosures {
    pub(crate) sign_in: Option<Closure<SignInArgs, SignInDecision>>,
    pub(crate) redirect: Option<Closure<(String, String), String>>,
    pub(crate) jwt: Option<Closure<JwtArgs, Option<Token>>>,
    pub(crate) session: Option<Closure<SessionArgs, Session>>,
}

impl CallbackClosures {
    /// `base` with these closures in place of its methods (`base` itself when there are none).
    pub(crate) fn over(&self, base: Arc<dyn Callbacks>) -> Arc<dyn Callbacks> {
        let none = self.sign_in.is_none()
            && self.redirect.is_none()
            && self.jwt.is_none()
            && self.session.is_none();
        if none {
            return base;
        }
        Arc::new(WithClosures {
            base,
            closures: self.clone(),
        })
    }
}

struct WithClosures {
    base: Arc<dyn Callbacks>,
    closures: CallbackClosures,
}

#[async_trait]
impl Callbacks for WithClosures {
    async fn sign_in(&self, params: SignInParams<'_>) -> Result<SignInDecision> {
        match &self.closures.sign_in {
            Some(f) => f(params.into()).await,
            None => self.base.sign_in(params).await,
        }
    }

    async fn redirect(&self, url: &str, base_url: &str) -> Result<String> {
        match &self.closures.redirect {
            Some(f) => f((url.to_owned(), base_url.to_owned())).await,
            None => self.base.redirect(url, base_url).await,
        }
    }

    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        match &self.closures.jwt {
            Some(f) => f(params.into()).await,
            None => self.base.jwt(params).await,
        }
    }

    async fn session(&self, params: SessionParams<'_>) -> Result<Session> {
        match &self.closures.session {
            Some(f) => f(params.into()).await,
            None => self.base.session(params).await,
        }
    }
}
