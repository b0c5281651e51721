//! `GET /signout` (the confirmation page) and `POST /signout` (end the session).

use http::StatusCode;

use crate::{context::RequestContext, error::Error, pages, response::AuthResponse};

/// The built-in sign-out page, or a redirect to `pages.sign_out`.
pub(super) fn page(ctx: &RequestContext<'_>) -> AuthResponse {
    if let Some(custom) = &ctx.auth.pages.sign_out {
        return AuthResponse::redirect(custom.clone());
    }
    let html = pages::render_signout(&ctx.auth.theme, &ctx.url(), &ctx.csrf.token);
    AuthResponse::html(StatusCode::OK, html)
}

/// Ends the session, clears every session cookie and redirects to the callback URL.
pub(super) async fn sign_out(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    ctx.require_csrf()?;
    let cookies = ctx.auth.sessions.sign_out(&ctx.presented()).await;
    Ok(AuthResponse::redirect(ctx.callback_url.clone()).cookies(cookies))
}
