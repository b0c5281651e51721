//! The end of every sign-in: account handling, the `jwt` callback, session cookies, the
//! `sign_in` event and the final redirect (spec §8.4 steps 15–20).

use serde_json::Value;

use crate::{
    callbacks::{JwtParams, JwtTrigger, SignInDecision, SignInEvent, SignInParams, log_event},
    context::RequestContext,
    cookies::{CookieKind, SetCookie},
    error::{Error, ErrorKind},
    model::{Account, User},
    providers::Credentials,
    response::AuthResponse,
    session,
};

/// A sign-in that the provider vouched for.
pub(super) struct Verified<'a> {
    pub(super) user: User,
    pub(super) account: Account,
    pub(super) profile: Option<Value>,
    pub(super) credentials: Option<&'a Credentials>,
}

/// Asks the `sign_in` callback. `Ok(Some(response))` when it stops the sign-in with a redirect.
pub(super) async fn ask_sign_in(ctx: &RequestContext<'_>, verified: &Verified<'_>) -> Result<Option<AuthResponse>, Error> {
    let decision = ctx
        .auth
        .callbacks
        .sign_in(SignInParams {
            user: &verified.user,
            account: Some(&verified.account),
            profile: verified.profile.as_ref(),
            credentials: verified.credentials,
            email_verification_request: false,
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

/// Auth.js's `handleLoginOrRegister`: decides which user signs in and whether they are new.
/// Without an adapter nothing is stored: the provider's user signs in as is.
pub(super) async fn handle_login_or_register(
    _ctx: &RequestContext<'_>,
    verified: &Verified<'_>,
) -> Result<(User, Option<bool>), Error> {
    Ok((verified.user.clone(), None))
}

/// Issues the session for `user` and redirects (to `pages.new_user` for new users).
/// `extra` cookies (cleared check cookies) come first.
pub(super) async fn establish_session(
    ctx: &RequestContext<'_>,
    verified: &Verified<'_>,
    user: &User,
    is_new_user: Option<bool>,
    extra: Vec<SetCookie>,
) -> Result<AuthResponse, Error> {
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
    let present = ctx.session_cookies();
    let mut cookies = extra;
    match &token {
        Some(token) => cookies.extend(
            session::issue_cookies(ctx.auth, ctx.secure, &present, token, ctx.now_ms).await?,
        ),
        None => cookies.extend(present.clear(ctx.cookie(CookieKind::SessionToken))),
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
