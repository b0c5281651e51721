//! `GET /signout` (the confirmation page) and `POST /signout` (end the session).

use http::StatusCode;

use crate::{
    SessionStrategy,
    callbacks::{SignOutEvent, log_event},
    context::RequestContext,
    cookies::CookieKind,
    error::Error,
    pages,
    response::AuthResponse,
    session,
};

/// The built-in sign-out page, or a redirect to `pages.sign_out`.
pub(super) fn page(ctx: &RequestContext<'_>) -> AuthResponse {
    if let Some(custom) = &ctx.auth.pages.sign_out {
        return AuthResponse::redirect(custom.clone());
    }
    let html = pages::render_signout(&ctx.auth.theme, &ctx.url, &ctx.csrf.token);
    AuthResponse::html(StatusCode::OK, html)
}

/// Clears every session cookie and redirects to the callback URL. A token that does not decode
/// is logged as `SignOutError`; the cookies are cleared all the same.
pub(super) async fn sign_out(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    ctx.require_csrf()?;
    let present = ctx.session_cookies();
    let response = AuthResponse::redirect(ctx.callback_url.clone());
    if present.token().is_empty() {
        return Ok(response);
    }
    if ctx.auth.strategy == SessionStrategy::Database
        && let Some(adapter) = &ctx.auth.adapter
    {
        match adapter.delete_session(present.token()).await {
            Ok(deleted) => {
                let result = ctx
                    .auth
                    .events
                    .sign_out(SignOutEvent::Session(deleted.as_ref()))
                    .await;
                log_event("sign_out", result);
            }
            Err(error) => {
                tracing::error!(target: "auth_core", kind = error.kind().type_name(), message = error.message(), "[auth][error] SignOutError");
            }
        }
        return Ok(response.cookies(present.clear(ctx.cookie(CookieKind::SessionToken))));
    }
    match session::decode_token(ctx.auth, ctx.secure, present.token(), ctx.now_ms).await {
        Ok(Some(token)) => {
            let result = ctx.auth.events.sign_out(SignOutEvent::Token(&token)).await;
            log_event("sign_out", result);
        }
        Ok(None) => {}
        Err(error) => {
            tracing::warn!(target: "auth_core", kind = error.kind().type_name(), message = error.message(), "[auth][error] SignOutError");
        }
    }
    Ok(response.cookies(present.clear(ctx.cookie(CookieKind::SessionToken))))
}
