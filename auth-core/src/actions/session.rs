//! `GET /session` (read, sliding expiry) and `POST /session` (update through the `jwt`
//! callback with trigger `update`).

use serde_json::Value;

use crate::{
    SessionStrategy,
    callbacks::{JwtTrigger, SessionEvent, log_event},
    context::RequestContext,
    cookies::CookieKind,
    error::Error,
    response::AuthResponse,
    session::{self, ResolvedSession},
};

/// Reads the session, sliding its expiry.
pub(super) async fn get(ctx: &RequestContext<'_>) -> AuthResponse {
    respond(ctx, None, None).await.no_cache()
}

/// Updates the session with the body's `data` (CSRF required: else `400 null`).
pub(super) async fn update(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    ctx.require_csrf()?;
    Ok(respond(ctx, Some(JwtTrigger::Update), ctx.body.get("data")).await)
}

/// Never fails: a token that does not decode, or a callback error, is logged as
/// `JWTSessionError`, answered with `null` and its cookies cleared.
async fn respond(
    ctx: &RequestContext<'_>,
    trigger: Option<JwtTrigger>,
    data: Option<&Value>,
) -> AuthResponse {
    if ctx.auth.strategy == SessionStrategy::Database {
        return respond_database(ctx, trigger, data).await;
    }
    match refresh(ctx, trigger, data).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(target: "auth_core", kind = error.kind().type_name(), message = error.message(), "[auth][error] JWTSessionError");
            let spec = ctx.cookie(CookieKind::SessionToken);
            AuthResponse::json(Value::Null).cookies(ctx.session_cookies().clear(spec))
        }
    }
}

async fn refresh(
    ctx: &RequestContext<'_>,
    trigger: Option<JwtTrigger>,
    data: Option<&Value>,
) -> Result<AuthResponse, Error> {
    let present = ctx.session_cookies();
    if present.token().is_empty() {
        return Ok(AuthResponse::json(Value::Null));
    }
    let spec = ctx.cookie(CookieKind::SessionToken);
    let resolved = session::resolve(
        ctx.auth,
        ctx.secure,
        present.token(),
        ctx.now_ms,
        trigger,
        data,
    )
    .await?;
    let Some(resolved) = resolved else {
        return Ok(AuthResponse::json(Value::Null).cookies(present.clear(spec)));
    };
    let ResolvedSession { session, token } = &resolved;
    let cookies = session::issue_cookies(ctx.auth, ctx.secure, &present, token, ctx.now_ms).await?;
    let body = serde_json::to_value(session).map_err(|e| {
        Error::new(
            crate::error::ErrorKind::JwtSessionError,
            "the session is not JSON",
        )
        .with_source(e)
    })?;
    session::session_event(ctx.auth, &resolved).await;
    Ok(AuthResponse::json(body).cookies(cookies))
}

/// Database sessions (spec §6.2): unknown or expired → `null` and the cookie cleared; an
/// adapter failure → `null` with the cookie untouched (`SessionTokenError`); otherwise the
/// callback's session, the row extended after `update_age`, and the cookie re-set.
async fn respond_database(
    ctx: &RequestContext<'_>,
    trigger: Option<JwtTrigger>,
    data: Option<&Value>,
) -> AuthResponse {
    let present = ctx.session_cookies();
    if present.token().is_empty() {
        return AuthResponse::json(Value::Null);
    }
    let lookup =
        session::resolve_database(ctx.auth, present.token(), ctx.now_ms, true, trigger, data).await;
    let found = match lookup {
        Ok(session::Lookup::Found(found)) => found,
        Ok(session::Lookup::Gone) => {
            let spec = ctx.cookie(CookieKind::SessionToken);
            return AuthResponse::json(Value::Null).cookies(present.clear(spec));
        }
        Err(error) => {
            tracing::error!(target: "auth_core", kind = error.kind().type_name(), message = error.message(), "[auth][error] SessionTokenError");
            return AuthResponse::json(Value::Null);
        }
    };
    let Ok(body) = serde_json::to_value(&*found) else {
        return AuthResponse::json(Value::Null);
    };
    let expires = ctx
        .now_ms
        .saturating_add(ctx.auth.session.max_age.saturating_mul(1000));
    let cookie = session::database_cookie(ctx.auth, ctx.secure, present.token(), expires);
    let result = ctx
        .auth
        .events
        .session(SessionEvent {
            session: &found,
            token: None,
        })
        .await;
    log_event("session", result);
    AuthResponse::json(body).cookies([cookie])
}
