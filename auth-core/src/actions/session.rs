//! `GET /session` (read, sliding expiry) and `POST /session` (update through the `jwt`
//! callback with trigger `update`); the strategy's work is [`Sessions::respond`].
//!
//! [`Sessions::respond`]: crate::session::Sessions::respond

use crate::{context::RequestContext, error::Error, response::AuthResponse, session::Refresh};

/// Reads the session, sliding its expiry.
pub(super) async fn get(ctx: &RequestContext<'_>) -> AuthResponse {
    respond(ctx, Refresh::Read).await.no_cache()
}

/// Updates the session with the body's `data` (CSRF required: else `400 null`).
pub(super) async fn update(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    ctx.require_csrf()?;
    Ok(respond(ctx, Refresh::Update(ctx.body.get("data"))).await)
}

async fn respond(ctx: &RequestContext<'_>, why: Refresh<'_>) -> AuthResponse {
    let answer = ctx.auth.sessions.respond(&ctx.presented(), why).await;
    AuthResponse::session(answer.session.as_ref()).cookies(answer.cookies)
}
