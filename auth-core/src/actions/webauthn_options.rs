//! `GET /webauthn-options/:provider` (spec §11.2): whether the browser should register a new
//! passkey or authenticate with one, the ceremony options in SimpleWebAuthn's JSON, and the
//! ceremony state sealed in the challenge cookie (15 minutes, bound to the provider).

use http::StatusCode;
use serde_json::{Value, json};

use crate::{
    context::RequestContext,
    cookies::SetCookie,
    error::{Error, ErrorKind},
    model::User,
    oauth::checks::Check,
    providers::{PreparedProvider, WebAuthnSignIn},
    response::AuthResponse,
    webauthn::{CeremonyState, Party},
};

/// The decision of §11.2's table.
enum Decision {
    Authenticate,
    Register,
}

fn bad_request(error: &str) -> AuthResponse {
    AuthResponse::json(json!({ "error": error })).with_status(StatusCode::BAD_REQUEST)
}

pub(super) async fn options(ctx: &RequestContext<'_>) -> Result<AuthResponse, Error> {
    let Some(PreparedProvider::WebAuthn(provider)) = ctx.provider else {
        return Err(Error::new(
            ErrorKind::InvalidProvider,
            "Provider must be WebAuthn",
        ));
    };
    let action = ctx.query.get("action").map(String::as_str);
    let register = match action {
        None => None,
        Some("register") => Some(true),
        Some("authenticate") => Some(false),
        Some(_) => return Ok(bad_request("Invalid action")),
    };
    let adapter = provider.adapter.as_ref();
    let signed_in = ctx
        .auth
        .sessions
        .current_user(adapter, &ctx.presented())
        .await;
    let logged_in = signed_in.is_some();
    // The user: the signed-in one, else Auth.js's default `getUserInfo` (the `email` query
    // parameter, and whether a user has it).
    let (user, exists) = match &signed_in {
        Some(user) => (Some(User::from(user)), true),
        None => match ctx.query.get("email").filter(|e| !e.is_empty()) {
            None => (None, false),
            Some(email) => match adapter.get_user_by_email(email).await? {
                Some(user) => (Some(User::from(&user)), true),
                None => (
                    Some(User {
                        email: Some(email.clone()),
                        ..User::default()
                    }),
                    false,
                ),
            },
        },
    };
    let decision = match (register, logged_in, user.is_some(), exists) {
        (Some(false), ..) => Decision::Authenticate,
        (Some(true), true, _, true) => Decision::Register,
        (Some(true), false, true, false) => Decision::Register,
        (None, false, true, true) => Decision::Authenticate,
        (None, false, true, false) => Decision::Register,
        (None, false, false, _) => Decision::Authenticate,
        _ => return Ok(bad_request("Invalid request")),
    };
    let party = Party::new(&provider.provider, &ctx.origin)?;
    let user_id = user
        .as_ref()
        .filter(|u| exists && !u.id.is_empty())
        .map(|u| u.id.clone());
    let known = match &user_id {
        Some(id) => Some(adapter.list_authenticators_by_user_id(id).await?),
        None => None,
    };
    let (action, options, state) = match decision {
        Decision::Authenticate => {
            let (options, state) =
                party.start_authentication(&provider.provider, known.as_deref())?;
            (
                "authenticate",
                options,
                CeremonyState::Authenticate { state },
            )
        }
        Decision::Register => {
            let user = user.unwrap_or_default();
            let Some(email) = user.email.clone().filter(|e| !e.is_empty()) else {
                return Err(Error::new(
                    ErrorKind::Configuration,
                    "WebAuthn registration needs the user's email",
                ));
            };
            let display = user.name.clone().unwrap_or_else(|| email.clone());
            let (options, state) = party.start_registration(
                &provider.provider,
                &email,
                &display,
                known.as_deref().unwrap_or_default(),
            )?;
            ("register", options, CeremonyState::Register { state, user })
        }
    };
    let cookie = seal(ctx, provider, &state)?;
    Ok(AuthResponse::json(json!({ "action": action, "options": options })).cookies([cookie]))
}

/// The challenge cookie holding `state`.
fn seal(
    ctx: &RequestContext<'_>,
    provider: &WebAuthnSignIn,
    state: &CeremonyState,
) -> Result<SetCookie, Error> {
    let text = serde_json::to_string(state)
        .map_err(|e| Error::new(ErrorKind::Configuration, "challenge state").with_source(e))?;
    let sealed = ctx.auth.check_keys(ctx.secure).seal(
        Check::Challenge,
        &text,
        &provider.provider.id,
        ctx.now_ms.div_euclid(1000),
    )?;
    Ok(SetCookie::new(
        ctx.cookie(Check::Challenge.cookie()),
        sealed,
    ))
}

/// The ceremony state of the request's challenge cookie, and the cookie's removal.
pub(super) fn unseal(
    ctx: &RequestContext<'_>,
    provider: &WebAuthnSignIn,
) -> Result<(CeremonyState, SetCookie), Error> {
    let spec = ctx.cookie(Check::Challenge.cookie());
    let text = ctx.auth.check_keys(ctx.secure).unseal(
        Check::Challenge,
        ctx.cookies.get(&spec.name),
        &provider.provider.id,
        ctx.now_ms.div_euclid(1000),
    )?;
    let state = serde_json::from_str(&text).map_err(|e| {
        Error::new(ErrorKind::InvalidCheck, "challenge cookie is unreadable").with_source(e)
    })?;
    Ok((state, SetCookie::removal(&spec.name, spec)))
}

/// `data`: the browser's WebAuthn response, a JSON string in form bodies.
pub(super) fn data(ctx: &RequestContext<'_>) -> Result<Value, Error> {
    match ctx.body.get("data") {
        Some(Value::String(text)) => serde_json::from_str(text).map_err(|e| {
            Error::new(ErrorKind::Configuration, "Invalid WebAuthn response data").with_source(e)
        }),
        Some(value @ Value::Object(_)) => Ok(value.clone()),
        _ => Err(Error::new(
            ErrorKind::Configuration,
            "Missing WebAuthn response data",
        )),
    }
}
