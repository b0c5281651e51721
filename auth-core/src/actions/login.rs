//! The end of every sign-in: account handling with an adapter (Auth.js's
//! `handleLoginOrRegister`, the linking table of spec §8.6), the session of either strategy,
//! the `sign_in` event and the final redirect (spec §8.4 steps 15–20).

use serde_json::Value;

use crate::{
    adapter::{Adapter, AdapterAccount, AdapterUser, Timestamp, UserUpdate},
    callbacks::{LinkAccountEvent, SignInDecision, SignInEvent, SignInParams, log_event},
    context::RequestContext,
    cookies::SetCookie,
    error::{Error, ErrorKind},
    model::{Account, User},
    providers::{Credentials, PreparedProvider},
    response::AuthResponse,
    secret::{AccessToken, IdToken, RefreshToken},
    session::{Keep, SignedIn},
};

/// Whether the user who signs in was just created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserStatus {
    /// Created by this sign-in.
    New,
    /// Known before.
    Returning,
    /// Not stored at all (no adapter): Auth.js's `isNewUser: undefined`.
    Unstored,
}

impl UserStatus {
    /// Auth.js's `isNewUser`.
    pub(crate) fn is_new_user(self) -> Option<bool> {
        match self {
            Self::New => Some(true),
            Self::Returning => Some(false),
            Self::Unstored => None,
        }
    }
}

/// The user a sign-in ends with, and whether they are new.
pub(crate) struct Login {
    pub(crate) user: User,
    pub(crate) status: UserStatus,
}

impl Login {
    fn returning(user: impl Into<User>) -> Self {
        Self {
            user: user.into(),
            status: UserStatus::Returning,
        }
    }
}

/// A sign-in that the provider vouched for.
pub(crate) struct Verified<'a> {
    pub(crate) user: User,
    pub(crate) account: Account,
    pub(crate) profile: Option<Value>,
    pub(crate) credentials: Option<&'a Credentials>,
    /// True when an email link is being requested, not used.
    pub(crate) verification_request: bool,
}

/// Asks the `sign_in` callback. `Ok(Some(response))` when it stops the sign-in with a redirect.
pub(crate) async fn ask_sign_in(
    ctx: &RequestContext<'_>,
    verified: &Verified<'_>,
) -> Result<Option<AuthResponse>, Error> {
    let decision = ctx
        .auth
        .callbacks
        .sign_in(SignInParams {
            user: &verified.user,
            account: Some(&verified.account),
            profile: verified.profile.as_ref(),
            credentials: verified.credentials,
            email_verification_request: verified.verification_request,
        })
        .await?;
    match decision {
        SignInDecision::Allow => Ok(None),
        SignInDecision::Deny => Err(Error::new(ErrorKind::AccessDenied, "AccessDenied")),
        SignInDecision::Redirect(url) => {
            let target = ctx.auth.callbacks.redirect(&url, &ctx.origin.url).await?;
            Ok(Some(AuthResponse::redirect(target)))
        }
    }
}

/// The stored user who owns the account, if any (shown to the `sign_in` callback instead of
/// the provider's user, as in Auth.js).
pub(crate) async fn stored_owner(
    ctx: &RequestContext<'_>,
    account: &Account,
) -> Result<Option<User>, Error> {
    let Some(adapter) = &ctx.auth.adapter else {
        return Ok(None);
    };
    let owner = adapter
        .get_user_by_account(&account.provider, &account.provider_account_id)
        .await?;
    Ok(owner.as_ref().map(User::from))
}

/// The token fields an account stores: the provider's `account(tokens)` of the token response
/// when it has one (Auth.js), else the response itself.
fn stored_fields(
    ctx: &RequestContext<'_>,
    account: &Account,
) -> Option<serde_json::Map<String, Value>> {
    match ctx.provider {
        Some(PreparedProvider::OAuth(p)) => p.account.as_ref().map(|shape| {
            shape(&crate::providers::TokenSet {
                fields: account.extra.clone(),
            })
        }),
        _ => None,
    }
}

/// The adapter's copy of an account: the token fields Auth.js's SQL adapters keep, from
/// [`stored_fields`].
fn stored_account(ctx: &RequestContext<'_>, account: &Account, user_id: &str) -> AdapterAccount {
    let shaped = stored_fields(ctx, account);
    let fields = shaped.as_ref().unwrap_or(&account.extra);
    let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_owned);
    AdapterAccount {
        user_id: user_id.to_owned(),
        kind: account.kind,
        provider: account.provider.clone(),
        provider_account_id: account.provider_account_id.clone(),
        refresh_token: text("refresh_token").map(RefreshToken::from),
        access_token: text("access_token").map(AccessToken::from),
        expires_at: fields.get("expires_at").and_then(Value::as_i64),
        token_type: text("token_type"),
        scope: text("scope"),
        id_token: text("id_token").map(IdToken::from),
        session_state: text("session_state"),
    }
}

async fn link(
    ctx: &RequestContext<'_>,
    adapter: &dyn Adapter,
    user: &AdapterUser,
    verified: &Verified<'_>,
) -> Result<(), Error> {
    adapter
        .link_account(stored_account(ctx, &verified.account, &user.id))
        .await?;
    link_event(ctx, &User::from(user), verified).await;
    Ok(())
}

async fn link_event(ctx: &RequestContext<'_>, user: &User, verified: &Verified<'_>) {
    let result = ctx
        .auth
        .events
        .link_account(LinkAccountEvent {
            user,
            account: &verified.account,
            profile: &verified.user,
        })
        .await;
    log_event(&ctx.auth.log, "link_account", result);
}

/// `OAuthAccountNotLinked`, or `AccountNotLinked` for WebAuthn (spec §11.3).
fn not_linked(ctx: &RequestContext<'_>, message: &'static str) -> Error {
    let kind = match ctx.provider {
        Some(PreparedProvider::WebAuthn(_)) => ErrorKind::AccountNotLinked,
        _ => ErrorKind::OAuthAccountNotLinked,
    };
    Error::new(kind, message)
}

/// Auth.js's `handleLoginOrRegister`: which user signs in, and whether they are new. Without
/// an adapter nothing is stored and the provider's user signs in as is. With one, the account
/// linking table of spec §8.6 applies; a new user and its account are written in one
/// transaction, so a failure leaves neither.
pub(crate) async fn handle_login_or_register(
    ctx: &RequestContext<'_>,
    verified: &Verified<'_>,
) -> Result<Login, Error> {
    let Some(adapter) = &ctx.auth.adapter else {
        return Ok(Login {
            user: verified.user.clone(),
            status: UserStatus::Unstored,
        });
    };
    let adapter = adapter.as_ref();
    let account = &verified.account;
    let current = ctx
        .auth
        .sessions
        .current_user(adapter, &ctx.presented())
        .await;
    let owner = adapter
        .get_user_by_account(&account.provider, &account.provider_account_id)
        .await?;
    match (owner, current) {
        (Some(owner), Some(current)) if owner.id == current.id => Ok(Login::returning(&current)),
        (Some(_), Some(_)) => Err(not_linked(
            ctx,
            "The account is already associated with another user",
        )),
        (Some(owner), None) => Ok(Login::returning(&owner)),
        (None, Some(current)) => {
            link(ctx, adapter, &current, verified).await?;
            Ok(Login::returning(&current))
        }
        (None, None) => {
            let email = verified.user.email.as_deref();
            let same_email = match email {
                Some(email) => adapter.get_user_by_email(email).await?,
                None => None,
            };
            if let Some(existing) = same_email {
                let dangerous = matches!(ctx.provider, Some(PreparedProvider::OAuth(p)) if p.allow_dangerous_email_account_linking);
                if !dangerous {
                    return Err(not_linked(
                        ctx,
                        "Another account already exists with the same e-mail address",
                    ));
                }
                // Auth.js fires `create_user` here although nothing is created; we do not.
                link(ctx, adapter, &existing, verified).await?;
                return Ok(Login::returning(&existing));
            }
            let new_user = AdapterUser {
                id: id_or_new(&verified.user),
                name: verified.user.name.clone(),
                email: verified.user.email.clone(),
                email_verified: None,
                image: verified.user.image.clone(),
            };
            let outcome = adapter
                .create_user_and_link_account(
                    new_user.clone(),
                    stored_account(ctx, account, &new_user.id),
                )
                .await?;
            let user = User::from(&outcome.user);
            if outcome.created {
                log_event(
                    &ctx.auth.log,
                    "create_user",
                    ctx.auth.events.create_user(&user).await,
                );
                link_event(ctx, &user, verified).await;
            }
            let status = if outcome.created {
                UserStatus::New
            } else {
                UserStatus::Returning
            };
            Ok(Login { user, status })
        }
    }
}

/// The email branch of `handleLoginOrRegister`: the address is now verified. A known user gets
/// `email_verified` refreshed (`update_user` event); an unknown one is created verified
/// (`create_user` event). Email sign-ins store no account row.
pub(crate) async fn handle_email_login(
    ctx: &RequestContext<'_>,
    adapter: &dyn Adapter,
    verified: &Verified<'_>,
) -> Result<Login, Error> {
    let email = verified.user.email.clone().unwrap_or_default();
    let now = Some(Timestamp::from_millis(ctx.now_ms));
    match adapter.get_user_by_email(&email).await? {
        Some(existing) => {
            let updated = adapter
                .update_user(UserUpdate {
                    id: existing.id,
                    email_verified: Some(now),
                    ..UserUpdate::default()
                })
                .await?;
            let user = User::from(&updated);
            log_event(
                &ctx.auth.log,
                "update_user",
                ctx.auth.events.update_user(&user).await,
            );
            Ok(Login {
                user,
                status: UserStatus::Returning,
            })
        }
        None => {
            let created = adapter
                .create_user(AdapterUser {
                    id: id_or_new(&verified.user),
                    name: None,
                    email: Some(email),
                    email_verified: now,
                    image: None,
                })
                .await?;
            let user = User::from(&created);
            log_event(
                &ctx.auth.log,
                "create_user",
                ctx.auth.events.create_user(&user).await,
            );
            Ok(Login {
                user,
                status: UserStatus::New,
            })
        }
    }
}

/// Issues the session for the login's user and redirects (to `pages.new_user` for new users).
/// `extra` cookies (cleared check cookies) come first; `keep` says how the session is kept.
pub(crate) async fn establish_session(
    ctx: &RequestContext<'_>,
    verified: &Verified<'_>,
    login: &Login,
    keep: Keep,
    extra: Vec<SetCookie>,
) -> Result<AuthResponse, Error> {
    let user = &login.user;
    let is_new_user = login.status.is_new_user();
    let signed_in = SignedIn {
        user,
        account: &verified.account,
        profile: verified.profile.as_ref(),
        is_new_user,
        keep,
    };
    let mut cookies = extra;
    cookies.extend(
        ctx.auth
            .sessions
            .sign_in(&ctx.presented(), &signed_in)
            .await?,
    );
    let result = ctx
        .auth
        .events
        .sign_in(SignInEvent {
            user,
            account: Some(&verified.account),
            profile: verified.profile.as_ref(),
            is_new_user,
        })
        .await;
    log_event(&ctx.auth.log, "sign_in", result);
    let location = match (&ctx.auth.pages.new_user, login.status) {
        (Some(page), UserStatus::New) => {
            let separator = if page.contains('?') { '&' } else { '?' };
            format!(
                "{page}{separator}callbackUrl={}",
                crate::encoding::encode_component(&ctx.callback_url)
            )
        }
        _ => ctx.callback_url.clone(),
    };
    Ok(AuthResponse::redirect(location).cookies(cookies))
}

/// The user's id, or a new random one when it has none.
fn id_or_new(user: &User) -> String {
    if user.id.is_empty() {
        crate::random::uuid_v4()
    } else {
        user.id.clone()
    }
}
