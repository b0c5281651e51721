//! Credentials sign-in (spec §10): `authorize`, the `sign_in` callback, then always a JWT
//! session cookie, whatever the session strategy. POST only, CSRF required.

use crate::actions::login::{self, Verified};
use crate::{
    SessionStrategy,
    adapter::AdapterUser,
    context::RequestContext,
    error::{Error, ErrorKind},
    model::{Account, User},
    providers::{Credentials, CredentialsProvider, ProviderKind},
    random,
    request::Method,
    response::AuthResponse,
};

pub(super) async fn sign_in(
    ctx: &RequestContext<'_>,
    provider: &CredentialsProvider,
) -> Result<AuthResponse, Error> {
    if ctx.method != Method::Post {
        return Err(Error::new(
            ErrorKind::InvalidProvider,
            "Credentials sign-in accepts POST only",
        ));
    }
    ctx.require_csrf()?;
    let Some(authorize) = provider.authorizer() else {
        return Err(Error::new(
            ErrorKind::MissingAuthorize,
            "no authorize function",
        ));
    };
    let credentials = Credentials {
        fields: ctx.body.clone(),
        headers: ctx.headers.clone(),
        url: ctx.url.clone(),
    };
    let user = authorize
        .authorize(credentials.clone())
        .await?
        .ok_or_else(|| Error::credentials_signin("credentials"))?;
    let user = User {
        id: Some(user.id.clone().unwrap_or_else(random::uuid_v4)),
        ..user
    };
    let account = Account {
        provider: provider.provider_id().to_owned(),
        kind: ProviderKind::Credentials,
        provider_account_id: user.id.clone().unwrap_or_default(),
        extra: serde_json::Map::new(),
    };
    let verified = Verified {
        user,
        account,
        profile: None,
        credentials: Some(&credentials),
        verification_request: false,
    };
    if let Some(redirect) = login::ask_sign_in(ctx, &verified).await? {
        return Ok(redirect);
    }
    // Credentials never touch the adapter (Auth.js), unless the provider opted into database
    // sessions: then the user must be stored for the session row to point at.
    let database =
        provider.uses_database_sessions() && ctx.auth.strategy == SessionStrategy::Database;
    if database && let Some(adapter) = &ctx.auth.adapter {
        let id = verified.user.id.clone().unwrap_or_default();
        if adapter.get_user(&id).await?.is_none() {
            adapter
                .create_user(AdapterUser {
                    id,
                    name: verified.user.name.clone(),
                    email: verified.user.email.clone(),
                    email_verified: None,
                    image: verified.user.image.clone(),
                })
                .await?;
        }
    }
    login::establish_session(
        ctx,
        &verified,
        &verified.user,
        Some(false),
        database,
        Vec::new(),
    )
    .await
}
