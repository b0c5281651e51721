//! `GET /csrf`: the CSRF token for clients that post forms themselves.

use http::StatusCode;
use serde_json::json;

use crate::{
    context::RequestContext,
    cookies::{CookieKind, SetCookie},
    response::AuthResponse,
};

pub(super) fn get(ctx: &RequestContext<'_>) -> AuthResponse {
    if ctx.auth.skip_csrf_check {
        ctx.auth.log.warn(
            crate::logger::WarningCode::CsrfDisabled,
            "CSRF checks are turned off",
        );
        let spec = ctx.cookie(CookieKind::CsrfToken);
        return AuthResponse::empty(StatusCode::NOT_FOUND)
            .cookies([SetCookie::removal(&spec.name, spec)]);
    }
    AuthResponse::json(json!({ "csrfToken": ctx.csrf.token })).no_cache()
}
