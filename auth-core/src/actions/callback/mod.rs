//! `/callback/:provider`: where a sign-in completes, split by provider kind (the shared ending
//! is `actions/login.rs`).

mod credentials;
mod email;
mod oauth;
mod webauthn;

use crate::{
    context::RequestContext,
    error::{Error, ErrorKind},
    providers::PreparedProvider,
    response::AuthResponse,
};

pub(super) async fn handle(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    let Some(provider) = ctx.provider else {
        return Err(Error::new(
            ErrorKind::InvalidProvider,
            "Callback route called without provider",
        ));
    };
    match provider {
        PreparedProvider::Credentials(p) => credentials::sign_in(ctx, p).await,
        PreparedProvider::OAuth(p) => oauth::callback(ctx, p).await,
        PreparedProvider::Email(p) => email::callback(ctx, p).await,
        PreparedProvider::WebAuthn(p) => webauthn::callback(ctx, p).await,
    }
}
