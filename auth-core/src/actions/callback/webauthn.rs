//! `POST /callback/:provider` for WebAuthn (spec §11.3): the browser's registration or
//! authentication response, verified against the ceremony state of the challenge cookie, then
//! the login/registration table and the session. No CSRF check (as in Auth.js): the signed
//! challenge already binds the response to this browser's ceremony.
//!
//! Everything is verified before anything is written, so a failed ceremony leaves the store
//! as it was.

use crate::{
    actions::{
        login::{self, Verified},
        webauthn_options::{data, unseal},
    },
    context::RequestContext,
    error::{Error, ErrorKind},
    model::{Account, ProviderKind, User},
    providers::WebAuthnSignIn,
    response::AuthResponse,
    session::Keep,
    webauthn::{CeremonyState, Party, Registered, parse_authentication},
};

fn auth_error(message: String) -> Error {
    Error::new(ErrorKind::Configuration, message)
}

fn wrong_state() -> Error {
    Error::new(
        ErrorKind::InvalidCheck,
        "the challenge cookie belongs to another WebAuthn ceremony",
    )
}

pub(super) async fn callback(
    ctx: &RequestContext<'_>,
    provider: &WebAuthnSignIn,
) -> Result<AuthResponse, Error> {
    let adapter = provider.adapter.as_ref();
    let register = match ctx.body.get("action").and_then(|v| v.as_str()) {
        Some("register") => true,
        Some("authenticate") => false,
        _ => return Err(auth_error("Invalid action parameter".to_owned())),
    };
    let data = data(ctx)?;
    let party = Party::new(&provider.provider, &ctx.origin)?;
    let account = |provider_account_id: String| Account {
        provider: provider.provider.id.clone(),
        kind: ProviderKind::WebAuthn,
        provider_account_id,
        extra: serde_json::Map::new(),
    };

    let (verified, registered, cleared) = if register {
        let (state, cleared) = unseal(ctx, provider)?;
        let CeremonyState::Register { state, user } = state else {
            return Err(wrong_state());
        };
        let registered = party.finish_registration(&data, &state)?;
        let verified = Verified {
            user,
            account: account(registered.credential_id.clone()),
            profile: None,
            credentials: None,
            verification_request: false,
        };
        (verified, Some(registered), cleared)
    } else {
        let (response, credential_id) = parse_authentication(&data)?;
        let Some(authenticator) = adapter.get_authenticator(&credential_id).await? else {
            return Err(auth_error(format!(
                "WebAuthn authenticator not found in database: {credential_id}"
            )));
        };
        let (state, cleared) = unseal(ctx, provider)?;
        let CeremonyState::Authenticate { state } = state else {
            return Err(wrong_state());
        };
        let counter = party.finish_authentication(&data, &response, &state, &authenticator)?;
        adapter
            .update_authenticator_counter(&credential_id, counter)
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::AdapterError,
                    "Failed to update authenticator counter",
                )
                .with_source(e)
            })?;
        let stored = adapter
            .get_account(&provider.provider.id, &authenticator.provider_account_id)
            .await?
            .ok_or_else(|| auth_error("WebAuthn account not found in database".to_owned()))?;
        let user = adapter
            .get_user(&stored.user_id)
            .await?
            .ok_or_else(|| auth_error("WebAuthn user not found in database".to_owned()))?;
        let verified = Verified {
            user: User::from(&user),
            account: account(authenticator.provider_account_id.clone()),
            profile: None,
            credentials: None,
            verification_request: false,
        };
        (verified, None, cleared)
    };

    // A string returned by `sign_in` is ignored for WebAuthn, as in Auth.js.
    let _ignored = login::ask_sign_in(ctx, &verified).await?;
    let login = login::handle_login_or_register(ctx, &verified).await?;
    if let Some(registered) = &registered {
        store_authenticator(ctx, provider, registered, &login.user).await?;
    }
    login::establish_session(ctx, &verified, &login, Keep::ByStrategy, vec![cleared]).await
}

/// `createAuthenticator` for the user the registration ended with (before the session, so a
/// failure leaves no session behind). A credential already stored for them is kept as is.
async fn store_authenticator(
    _ctx: &RequestContext<'_>,
    provider: &WebAuthnSignIn,
    registered: &Registered,
    user: &User,
) -> Result<(), Error> {
    let adapter = provider.adapter.as_ref();
    let user_id = Some(user.id.as_str())
        .filter(|id| !id.is_empty())
        .ok_or_else(|| auth_error("registered user has no id".to_owned()))?;
    if adapter
        .get_authenticator(&registered.credential_id)
        .await?
        .is_none()
    {
        adapter
            .create_authenticator(registered.authenticator(user_id))
            .await?;
    }
    Ok(())
}
