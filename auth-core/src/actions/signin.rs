//! `GET /signin` (the sign-in page) and `POST /signin/:provider` (start a sign-in).

use http::StatusCode;

use super::{authorization, send_token};
use crate::{
    context::RequestContext,
    encoding::encode_component,
    error::{Error, ErrorKind},
    pages::{self, SignInPage, SignInProvider, WebAuthnInput},
    providers::PreparedProvider,
    response::AuthResponse,
};

/// The built-in sign-in page, or a redirect to `pages.sign_in`.
pub(super) fn page(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    if ctx.provider.is_some() {
        return Err(Error::new(
            ErrorKind::UnknownAction,
            "GET /signin/:provider is not an action; POST to it instead",
        ));
    }
    let error = ctx.query.get("error").map(String::as_str);
    if let Some(custom) = &ctx.auth.pages.sign_in {
        let separator = if custom.contains('?') { '&' } else { '?' };
        let mut location = format!(
            "{custom}{separator}callbackUrl={}",
            encode_component(&ctx.callback_url)
        );
        if let Some(error) = error {
            location.push_str("&error=");
            location.push_str(&encode_component(error));
        }
        return Ok(AuthResponse::redirect(location));
    }
    let urls: Vec<(String, String)> = ctx
        .auth
        .providers
        .iter()
        .map(|p| {
            (
                ctx.action_url(&format!("signin/{}", p.id())),
                ctx.action_url(&format!("callback/{}", p.id())),
            )
        })
        .collect();
    let script_url = ctx.action_url("webauthn-script.js");
    let inputs: Vec<Vec<WebAuthnInput>> = ctx
        .auth
        .providers
        .iter()
        .map(|p| match p {
            PreparedProvider::WebAuthn(w) => w
                .provider
                .form_fields
                .iter()
                .map(|f| WebAuthnInput {
                    name: f.name.clone(),
                    label: f.label.clone(),
                    input_type: if f.name == "email" { "email" } else { "text" }.to_owned(),
                    autocomplete: f.autocomplete.clone(),
                    required: f.required,
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let providers: Vec<SignInProvider<'_>> = ctx
        .auth
        .providers
        .iter()
        .zip(&urls)
        .zip(&inputs)
        .map(|((provider, (signin, callback)), inputs)| match provider {
            PreparedProvider::Credentials(p) => SignInProvider::Credentials {
                id: provider.id(),
                name: provider.name(),
                callback_url: callback,
                fields: p.provider.form_fields(),
            },
            PreparedProvider::Email(_) => SignInProvider::Email {
                id: provider.id(),
                name: provider.name(),
                signin_url: signin,
            },
            PreparedProvider::OAuth(p) => SignInProvider::OAuth {
                id: provider.id(),
                name: provider.name(),
                signin_url: signin,
                logo: p.style.logo.as_deref(),
                brand_color: p.style.brand_color.as_deref(),
            },
            PreparedProvider::WebAuthn(p) => SignInProvider::WebAuthn {
                id: provider.id(),
                name: provider.name(),
                callback_url: callback,
                fields: inputs,
                script_url: &script_url,
                conditional_ui: p.provider.enable_conditional_ui,
            },
        })
        .collect();
    let html = pages::render_signin(&SignInPage {
        theme: &ctx.auth.theme,
        csrf_token: &ctx.csrf.token,
        callback_url: &ctx.callback_url,
        error,
        email: ctx.query.get("email").map(String::as_str),
        providers: &providers,
    });
    Ok(AuthResponse::html(StatusCode::OK, html))
}

/// Starts a sign-in: OAuth providers redirect to the authorization endpoint. Credentials sign
/// in through `POST /callback/:provider`, so for them (and without a provider) this sends the
/// user to the sign-in page, as Auth.js does.
pub(super) async fn start(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    ctx.require_csrf()?;
    match ctx.provider {
        None | Some(PreparedProvider::Credentials(_) | PreparedProvider::WebAuthn(_)) => {
            Ok(AuthResponse::redirect(ctx.action_url("signin")))
        }
        Some(PreparedProvider::OAuth(p)) => authorization::redirect(ctx, p).await,
        Some(PreparedProvider::Email(p)) => send_token::send_link(ctx, p).await,
    }
}
