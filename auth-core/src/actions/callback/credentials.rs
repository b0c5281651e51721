//! Credentials sign-in (spec §10): `authorize`, the `sign_in` callback, then always a JWT
//! session cookie, whatever the session strategy. POST only, CSRF required.

use crate::actions::login::{self, Login, UserStatus, Verified};
use crate::{
    context::RequestContext,
    error::{Error, ErrorKind},
    model::{Account, User},
    providers::{Credentials, CredentialsSignIn, ProviderKind},
    random,
    request::Method,
    response::AuthResponse,
    session::Keep,
};

pub(super) async fn sign_in(
    ctx: &RequestContext<'_>,
    credentials_provider: &CredentialsSignIn,
) -> Result<AuthResponse, Error> {
    let provider = &credentials_provider.provider;
    if ctx.method != Method::Post {
        return Err(Error::new(
            ErrorKind::InvalidProvider,
            "Credentials sign-in accepts POST only",
        ));
    }
    ctx.require_csrf()?;
    let credentials = Credentials {
        fields: ctx.body.clone(),
        headers: ctx.headers.clone(),
        url: ctx.url(),
    };
    let user = credentials_provider
        .authorize
        .authorize(credentials.clone())
        .await?
        .ok_or_else(|| Error::credentials_signin("credentials"))?;
    // Auth.js: the account keeps the id `authorize` gave (none: empty); the user gets a
    // random one when it had none.
    let provider_account_id = user.id.clone();
    let user = if user.id.is_empty() {
        User {
            id: random::uuid_v4(),
            ..user
        }
    } else {
        user
    };
    let account = Account {
        provider: provider.provider_id().to_owned(),
        kind: ProviderKind::Credentials,
        provider_account_id,
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
    // sessions: then the sessions store the user for the session row to point at.
    let keep = Keep::Credentials {
        database_sessions: provider.uses_database_sessions(),
    };
    let login = Login {
        user: verified.user.clone(),
        status: UserStatus::Returning,
    };
    login::establish_session(ctx, &verified, &login, keep, Vec::new()).await
}
