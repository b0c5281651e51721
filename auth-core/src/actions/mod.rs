//! The actions, one file each, and the dispatch table (Auth.js `lib/index.ts`).

mod authorization;
mod callback;
mod csrf;
mod login;
mod pages;
mod providers;
mod send_token;
mod session;
mod signin;
mod signout;
mod webauthn_options;

use http::StatusCode;
use serde_json::Value;

use crate::{
    context::RequestContext,
    error::{Error, ErrorKind, ErrorPage},
    origin::Origin,
    prepared::Prepared,
    request::{Action, Method},
    response::AuthResponse,
};

/// Runs the action of `ctx` and attaches the cookies `init` queued (except on `/providers`,
/// which sets none, as in Auth.js).
pub(crate) async fn dispatch(ctx: &mut RequestContext<'_>) -> Result<AuthResponse, Error> {
    // The sign-in, sign-out, callback and passkey actions run on the heap: their futures hold
    // kilobytes of state (OAuth, adapters), and every request's future, the session read's
    // included, would otherwise be as large as the largest and copied at that size.
    let response = match (ctx.method, ctx.action) {
        (Method::Get, Action::Providers) => return Ok(providers::list(ctx)),
        (Method::Get, Action::Csrf) => csrf::get(ctx),
        (Method::Get, Action::Session) => session::get(ctx).await,
        (Method::Post, Action::Session) => session::update(ctx).await?,
        (Method::Get, Action::SignIn) => signin::page(ctx)?,
        (Method::Post, Action::SignIn) => Box::pin(signin::start(ctx)).await?,
        (Method::Get, Action::SignOut) => signout::page(ctx),
        (Method::Post, Action::SignOut) => Box::pin(signout::sign_out(ctx)).await?,
        (_, Action::Callback) => Box::pin(callback::handle(ctx)).await?,
        (Method::Get, Action::VerifyRequest) => pages::verify_request(ctx),
        (Method::Get, Action::Error) => pages::error(ctx),
        (Method::Get, Action::WebauthnOptions) => Box::pin(webauthn_options::options(ctx)).await?,
        (Method::Get, Action::WebauthnScript) => {
            return Ok(AuthResponse::script(crate::pages::WEBAUTHN_SCRIPT));
        }
        (Method::Post, action) => {
            return Err(Error::new(
                ErrorKind::UnknownAction,
                format!("Unsupported action: POST {}", action.as_str()),
            ));
        }
    };
    let mut cookies = ctx.take_queued();
    cookies.extend(response.cookies);
    Ok(AuthResponse {
        cookies,
        ..response
    })
}

/// Logs `error` and turns it into Auth.js's answer (spec §1.7): `400 null` for `POST /session`,
/// else a redirect to the sign-in or error page with `error=<code>` (and `code=` for
/// credentials). Cookies queued by the failed request are dropped.
pub(crate) fn error_response(
    auth: &Prepared,
    origin: &Origin,
    method: Method,
    action: Action,
    error: &Error,
) -> AuthResponse {
    auth.log.error(error.kind().type_name(), error);
    if method == Method::Post && action == Action::Session {
        return AuthResponse::json(Value::Null).with_status(StatusCode::BAD_REQUEST);
    }
    let kind = error.kind();
    let mut query = format!("error={}", kind.client_code());
    if kind == ErrorKind::CredentialsSignin {
        let code = error.code().unwrap_or("credentials");
        query.push_str("&code=");
        query.push_str(&crate::encoding::encode_component(code));
    }
    let (custom, default) = match kind.page() {
        ErrorPage::SignIn => (&auth.pages.sign_in, "signin"),
        ErrorPage::Error => (&auth.pages.error, "error"),
    };
    let path = match custom {
        Some(page) => page.clone(),
        None => format!("{}/{default}", auth.base_path),
    };
    let separator = if path.contains('?') { '&' } else { '?' };
    AuthResponse::redirect(format!("{}{path}{separator}{query}", origin.url))
}
