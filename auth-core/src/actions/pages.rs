//! `GET /verify-request` and `GET /error`: built-in pages or redirects to custom ones.

use http::StatusCode;

use crate::{context::RequestContext, encoding::encode_component, pages, response::AuthResponse};

pub(super) fn verify_request(ctx: &RequestContext<'_>) -> AuthResponse {
    if let Some(custom) = &ctx.auth.pages.verify_request {
        let query = ctx.path_and_query.split_once('?').map(|(_, q)| q);
        let location = match query {
            Some(q) => format!("{custom}?{q}"),
            None => custom.clone(),
        };
        return AuthResponse::redirect(location);
    }
    let html = pages::render_verify_request(&ctx.auth.theme, &ctx.origin.url);
    AuthResponse::html(StatusCode::OK, html)
}

pub(super) fn error(ctx: &RequestContext<'_>) -> AuthResponse {
    let error = ctx.query.get("error").map(String::as_str);
    if let Some(custom) = &ctx.auth.pages.error {
        // Auth.js writes the raw value (and `undefined` when absent); we encode it and leave
        // it out when absent.
        let location = match error {
            Some(e) => {
                let separator = if custom.contains('?') { '&' } else { '?' };
                format!("{custom}{separator}error={}", encode_component(e))
            }
            None => custom.clone(),
        };
        return AuthResponse::redirect(location);
    }
    let (status, html) = pages::render_error(
        &ctx.auth.theme,
        error,
        &ctx.origin.url,
        &ctx.action_url("signin"),
    );
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    AuthResponse::html(status, html)
}
