//! `/callback/:provider`: where a sign-in completes. Credentials sign in here with a POST.

use serde_json::Value;

use crate::{
    callbacks::{JwtParams, JwtTrigger, SignInDecision, SignInEvent, SignInParams, log_event},
    context::RequestContext,
    cookies::CookieKind,
    error::{Error, ErrorKind},
    model::{Account, User},
    providers::{Credentials, CredentialsProvider, Provider, ProviderKind},
    random,
    request::Method,
    response::AuthResponse,
    session,
};

pub(super) async fn handle(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    let Some(provider) = ctx.provider else {
        return Err(Error::new(
            ErrorKind::InvalidProvider,
            "Callback route called without provider",
        ));
    };
    match provider {
        Provider::Credentials(p) => credentials(ctx, p).await,
    }
}

/// Credentials sign-in (spec §10): `authorize`, the `sign_in` callback, then always a JWT
/// session cookie, whatever the session strategy.
async fn credentials(
    ctx: &RequestContext<'_>,
    provider: &CredentialsProvider,
) -> Result<AuthResponse, Error> {
    if ctx.method != Method::Post {
        return Err(Error::new(
            ErrorKind::InvalidProvider,
            "Credentials sign-in accepts POST only",
        ));
    }
    ctx.require_csrf()?;
    let Some(authorize) = provider.authorizer() else {
        return Err(Error::new(
            ErrorKind::MissingAuthorize,
            "no authorize function",
        ));
    };
    let credentials = Credentials {
        fields: ctx.body.clone(),
        headers: ctx.headers.clone(),
        url: ctx.url.clone(),
    };
    let user = authorize
        .authorize(credentials.clone())
        .await?
        .ok_or_else(|| Error::credentials_signin("credentials"))?;
    let user = User {
        id: Some(user.id.clone().unwrap_or_else(random::uuid_v4)),
        ..user
    };
    let account = Account {
        provider: provider.provider_id().to_owned(),
        kind: ProviderKind::Credentials,
        provider_account_id: user.id.clone().unwrap_or_default(),
        extra: serde_json::Map::new(),
    };

    let decision = ctx
        .auth
        .callbacks
        .sign_in(SignInParams {
            user: &user,
            account: Some(&account),
            profile: None,
            credentials: Some(&credentials),
            email_verification_request: false,
        })
        .await?;
    match decision {
        SignInDecision::Allow => {}
        SignInDecision::Deny => {
            return Err(Error::new(ErrorKind::AccessDenied, "AccessDenied"));
        }
        SignInDecision::Redirect(url) => {
            let target = ctx.auth.callbacks.redirect(&url, &ctx.origin.url).await?;
            return Ok(AuthResponse::redirect(target));
        }
    }

    let token = ctx
        .auth
        .callbacks
        .jwt(JwtParams {
            token: user.default_token(),
            user: Some(&user),
            account: Some(&account),
            profile: None,
            is_new_user: Some(false),
            trigger: Some(JwtTrigger::SignIn),
            session: None,
        })
        .await?;
    let present = ctx.session_cookies();
    let cookies = match &token {
        Some(token) => {
            session::issue_cookies(ctx.auth, ctx.secure, &present, token, ctx.now_ms).await?
        }
        None => present.clear(ctx.cookie(CookieKind::SessionToken)),
    };

    let result = ctx
        .auth
        .events
        .sign_in(SignInEvent {
            user: &user,
            account: Some(&account),
            profile: None::<&Value>,
            is_new_user: None,
        })
        .await;
    log_event("sign_in", result);
    Ok(AuthResponse::redirect(ctx.callback_url.clone()).cookies(cookies))
}
