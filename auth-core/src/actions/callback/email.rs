//! `/callback/:email-provider`: a magic link comes back (spec §9.3). With scanner-safe links,
//! the GET only shows a confirmation page and its POST (CSRF-checked) uses the token.

use std::collections::HashMap;

use http::StatusCode;

use crate::{
    actions::login::{self, Verified},
    context::RequestContext,
    error::{Error, ErrorKind},
    model::{Account, User},
    oauth::callback_error,
    pages,
    providers::{EmailSignIn, ProviderKind},
    random,
    request::Method,
    response::AuthResponse,
    session::Keep,
};

fn verification(message: &'static str) -> Error {
    Error::new(ErrorKind::Verification, message)
}

pub(super) async fn callback(
    ctx: &RequestContext<'_>,
    email_provider: &EmailSignIn,
) -> Result<AuthResponse, Error> {
    let provider = &email_provider.provider;
    let adapter = &*email_provider.adapter;
    let params: HashMap<String, String> = match ctx.method {
        Method::Get => ctx.query.clone(),
        Method::Post => ctx
            .body
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect(),
    };
    let token = params
        .get("token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| callback_error("the magic link has no token"))?;
    match (provider.confirm, ctx.method) {
        (true, Method::Get) => {
            let html = pages::render_confirm_email(
                &ctx.auth.theme,
                &ctx.action_url(&format!("callback/{}", provider.id)),
                &ctx.csrf.token,
                token,
                params.get("email").map_or("", String::as_str),
                &ctx.callback_url,
            );
            return Ok(AuthResponse::html(StatusCode::OK, html));
        }
        (true, Method::Post) => ctx.require_csrf()?,
        (false, Method::Post) => {
            return Err(Error::new(
                ErrorKind::InvalidProvider,
                "magic links are opened with GET",
            ));
        }
        (false, Method::Get) => {}
    }
    let email = params
        .get("email")
        .ok_or_else(|| verification("the magic link has no email"))?;
    let hashed = email_provider.hash_token(token, &ctx.auth.csrf_secret);
    let invite = adapter
        .use_verification_token(email, &hashed)
        .await?
        .ok_or_else(|| verification("unknown or already used magic link"))?;
    if invite.expires.millis() < ctx.now_ms {
        return Err(verification("expired magic link"));
    }
    let user = match adapter.get_user_by_email(&invite.identifier).await? {
        Some(stored) => User::from(&stored),
        None => User::new(random::uuid_v4()).email(invite.identifier.clone()),
    };
    let verified = Verified {
        account: Account {
            provider: provider.id.clone(),
            kind: ProviderKind::Email,
            provider_account_id: invite.identifier.clone(),
            extra: serde_json::Map::new(),
        },
        user,
        profile: None,
        credentials: None,
        verification_request: false,
    };
    if let Some(redirect) = login::ask_sign_in(ctx, &verified).await? {
        return Ok(redirect);
    }
    let login = login::handle_email_login(ctx, adapter, &verified).await?;
    login::establish_session(ctx, &verified, &login, Keep::ByStrategy, Vec::new()).await
}
