//! `/callback/:provider`: where a sign-in completes, split by provider kind (the shared ending
//! is `actions/login.rs`).

mod credentials;
mod email;
mod oauth;

use crate::{
    context::RequestContext,
    error::{Error, ErrorKind},
    providers::Provider,
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
        Provider::Credentials(p) => credentials::sign_in(ctx, p).await,
        Provider::OAuth(p) => oauth::callback(ctx, p).await,
        Provider::Email(p) => email::callback(ctx, p).await,
    }
}
