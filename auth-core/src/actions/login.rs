//! The end of every sign-in: account handling with an adapter (Auth.js's
//! `handleLoginOrRegister`, the linking table of spec §8.6), the session of either strategy,
//! the `sign_in` event and the final redirect (spec §8.4 steps 15–20).

use serde_json::Value;

use crate::{
    SessionStrategy,
    adapter::{Adapter, AdapterAccount, AdapterUser, Timestamp, UserUpdate},
    callbacks::{
        JwtParams, JwtTrigger, LinkAccountEvent, SignInDecision, SignInEvent, SignInParams,
        log_event,
    },
    context::RequestContext,
    cookies::{CookieKind, SetCookie},
    error::{Error, ErrorKind},
    model::{Account, User},
    providers::{Credentials, Provider},
    response::AuthResponse,
    session::{self, user_of},
};

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
    Ok(owner.as_ref().map(user_of))
}

/// The user signed in before this sign-in: from the JWT's `sub`, or the database session. A
/// session that does not decode counts as none.
async fn current_user(ctx: &RequestContext<'_>, adapter: &dyn Adapter) -> Option<AdapterUser> {
    let present = ctx.session_cookies();
    if present.token().is_empty() {
        return None;
    }
    match ctx.auth.strategy {
        SessionStrategy::Database => adapter
            .get_session_and_user(present.token())
            .await
            .ok()
            .flatten()
            .filter(|(row, _)| row.expires.millis() >= ctx.now_ms)
            .map(|(_, user)| user),
        SessionStrategy::Jwt => {
            let token =
                session::decode_token(ctx.auth, ctx.secure, present.token(), ctx.now_ms).await;
            let sub = token.ok().flatten()?.get("sub")?.as_str()?.to_owned();
            adapter.get_user(&sub).await.ok().flatten()
        }
    }
}

/// The adapter's copy of an account: the token fields Auth.js's SQL adapters keep.
fn stored_account(account: &Account, user_id: &str) -> AdapterAccount {
    let text = |key: &str| {
        account
            .extra
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    AdapterAccount {
        user_id: user_id.to_owned(),
        kind: account.kind,
        provider: account.provider.clone(),
        provider_account_id: account.provider_account_id.clone(),
        refresh_token: text("refresh_token").map(crate::secret::RefreshToken::from),
        access_token: text("access_token").map(crate::secret::AccessToken::from),
        expires_at: account.extra.get("expires_at").and_then(Value::as_i64),
        token_type: text("token_type"),
        scope: text("scope"),
        id_token: text("id_token").map(crate::secret::IdToken::from),
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
        .link_account(stored_account(&verified.account, &user.id))
        .await?;
    link_event(ctx, &user_of(user), verified).await;
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
    log_event("link_account", result);
}

fn not_linked(message: &'static str) -> Error {
    Error::new(ErrorKind::OAuthAccountNotLinked, message)
}

/// Auth.js's `handleLoginOrRegister`: which user signs in, and whether they are new. Without
/// an adapter nothing is stored and the provider's user signs in as is. With one, the account
/// linking table of spec §8.6 applies; a new user and its account are written in one
/// transaction, so a failure leaves neither.
pub(crate) async fn handle_login_or_register(
    ctx: &RequestContext<'_>,
    verified: &Verified<'_>,
) -> Result<(User, Option<bool>), Error> {
    let Some(adapter) = &ctx.auth.adapter else {
        return Ok((verified.user.clone(), None));
    };
    let adapter = adapter.as_ref();
    let account = &verified.account;
    let current = current_user(ctx, adapter).await;
    let owner = adapter
        .get_user_by_account(&account.provider, &account.provider_account_id)
        .await?;
    match (owner, current) {
        (Some(owner), Some(current)) if owner.id == current.id => {
            Ok((user_of(&current), Some(false)))
        }
        (Some(_), Some(_)) => Err(not_linked(
            "The account is already associated with another user",
        )),
        (Some(owner), None) => Ok((user_of(&owner), Some(false))),
        (None, Some(current)) => {
            link(ctx, adapter, &current, verified).await?;
            Ok((user_of(&current), Some(false)))
        }
        (None, None) => {
            let email = verified.user.email.as_deref();
            let same_email = match email {
                Some(email) => adapter.get_user_by_email(email).await?,
                None => None,
            };
            if let Some(existing) = same_email {
                let dangerous = matches!(ctx.provider, Some(Provider::OAuth(p)) if p.allow_dangerous_email_account_linking);
                if !dangerous {
                    return Err(not_linked(
                        "Another account already exists with the same e-mail address",
                    ));
                }
                let user = user_of(&existing);
                // Auth.js fires `create_user` here although nothing is created; we do not.
                link(ctx, adapter, &existing, verified).await?;
                return Ok((user, Some(false)));
            }
            let new_user = AdapterUser {
                id: verified
                    .user
                    .id
                    .clone()
                    .unwrap_or_else(crate::random::uuid_v4),
                name: verified.user.name.clone(),
                email: verified.user.email.clone(),
                email_verified: None,
                image: verified.user.image.clone(),
            };
            let outcome = adapter
                .create_user_and_link_account(
                    new_user.clone(),
                    stored_account(account, &new_user.id),
                )
                .await?;
            let user = user_of(&outcome.user);
            if outcome.created {
                log_event("create_user", ctx.auth.events.create_user(&user).await);
                link_event(ctx, &user, verified).await;
            }
            Ok((user, Some(outcome.created)))
        }
    }
}

/// The email branch of `handleLoginOrRegister`: the address is now verified. A known user gets
/// `email_verified` refreshed (`update_user` event); an unknown one is created verified
/// (`create_user` event). Email sign-ins store no account row.
pub(crate) async fn handle_email_login(
    ctx: &RequestContext<'_>,
    verified: &Verified<'_>,
) -> Result<(User, Option<bool>), Error> {
    let Some(adapter) = &ctx.auth.adapter else {
        return Err(Error::new(
            ErrorKind::MissingAdapter,
            "Email login requires an adapter",
        ));
    };
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
            let user = user_of(&updated);
            log_event("update_user", ctx.auth.events.update_user(&user).await);
            Ok((user, Some(false)))
        }
        None => {
            let created = adapter
                .create_user(AdapterUser {
                    id: verified
                        .user
                        .id
                        .clone()
                        .unwrap_or_else(crate::random::uuid_v4),
                    name: None,
                    email: Some(email),
                    email_verified: now,
                    image: None,
                })
                .await?;
            let user = user_of(&created);
            log_event("create_user", ctx.auth.events.create_user(&user).await);
            Ok((user, Some(true)))
        }
    }
}

/// Issues the session for `user` and redirects (to `pages.new_user` for new users). `extra`
/// cookies (cleared check cookies) come first. `database` says whether this sign-in uses the
/// database strategy.
pub(crate) async fn establish_session(
    ctx: &RequestContext<'_>,
    verified: &Verified<'_>,
    user: &User,
    is_new_user: Option<bool>,
    database: bool,
    extra: Vec<SetCookie>,
) -> Result<AuthResponse, Error> {
    let present = ctx.session_cookies();
    let mut cookies = extra;
    if database {
        if let Some(adapter) = &ctx.auth.adapter
            && !present.token().is_empty()
        {
            // A new session replaces the one this browser held.
            if let Err(error) = adapter.delete_session(present.token()).await {
                tracing::warn!(target: "auth_core", kind = error.kind().type_name(), "could not delete the previous session");
            }
        }
        let user_id = user.id.as_deref().unwrap_or_default();
        let row = session::create_database_session(ctx.auth, user_id, ctx.now_ms).await?;
        // Written like a JWT session so stale chunks of an earlier JWT cookie are cleared.
        cookies.extend(present.write(
            ctx.cookie(CookieKind::SessionToken),
            row.session_token.expose(),
            row.expires.millis(),
        ));
    } else {
        let trigger = if is_new_user == Some(true) {
            JwtTrigger::SignUp
        } else {
            JwtTrigger::SignIn
        };
        let token = ctx
            .auth
            .callbacks
            .jwt(JwtParams {
                token: user.default_token(),
                user: Some(user),
                account: Some(&verified.account),
                profile: verified.profile.as_ref(),
                is_new_user,
                trigger: Some(trigger),
                session: None,
            })
            .await?;
        match &token {
            Some(token) => cookies.extend(
                session::issue_cookies(ctx.auth, ctx.secure, &present, token, ctx.now_ms).await?,
            ),
            None => cookies.extend(present.clear(ctx.cookie(CookieKind::SessionToken))),
        }
    }
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
    log_event("sign_in", result);
    let location = match (&ctx.auth.pages.new_user, is_new_user) {
        (Some(page), Some(true)) => {
            let separator = if page.contains('?') { '&' } else { '?' };
            format!(
                "{page}{separator}callbackUrl={}",
                crate::cookies::encode_component(&ctx.callback_url)
            )
        }
        _ => ctx.callback_url.clone(),
    };
    Ok(AuthResponse::redirect(location).cookies(cookies))
}
