//! Identity servers at an issuer the deployer supplies (`AUTH_<ID>_ISSUER`): Auth0, authentik,
//! Amazon Cognito, Keycloak, Okta and ZITADEL. All are OpenID Connect with discovery, the scope
//! `openid profile email` and the standard claims as the profile (`sub`, `name` or
//! `nickname` or `preferred_username`, `email`, `picture`).
//!
//! Without an issuer (neither `AUTH_<ID>_ISSUER` nor [`OAuthProvider::issuer`]),
//! [`AuthConfig::build`](crate::AuthConfig::build) fails with
//! [`InvalidEndpoints`](crate::ConfigError::InvalidEndpoints).

use serde_json::Value;

use super::{Checks, OAuthProvider, TokenSet, User, oidc, oidc_profile, style, text};
use crate::Result;

/// Auth0 ([Auth0 authentication](https://auth0.com/docs/authenticate)).
///
/// * Callback URL to register ("Allowed Callback URLs"): `<origin><base path>/callback/auth0`,
///   e.g. `https://app.example.com/auth/callback/auth0`.
/// * Environment: `AUTH_AUTH0_ID`, `AUTH_AUTH0_SECRET`, `AUTH_AUTH0_ISSUER` — the tenant's
///   domain as a URL, e.g. `https://example.eu.auth0.com` (or your custom domain).
/// * Checks: PKCE.
pub fn auth0() -> OAuthProvider {
    oidc("auth0", "Auth0").style(style("auth0", Some("#EB5424"), Some("#fff")))
}

/// authentik ([OAuth2/OpenID provider](https://docs.goauthentik.io/docs/add-secure-apps/providers/oauth2/)).
///
/// * Callback URL to register ("Redirect URIs"): `<origin><base path>/callback/authentik`,
///   e.g. `https://app.example.com/auth/callback/authentik`.
/// * Environment: `AUTH_AUTHENTIK_ID`, `AUTH_AUTHENTIK_SECRET`, `AUTH_AUTHENTIK_ISSUER` — the
///   application's issuer, e.g. `https://auth.example.com/application/o/my-app/` (with the
///   trailing slash authentik puts in its `iss`).
/// * Checks: PKCE. Auth.js defines no brand colour for authentik; neither does this preset.
pub fn authentik() -> OAuthProvider {
    oidc("authentik", "Authentik").style(style("authentik", None, None))
}

/// Amazon Cognito user pools ([OIDC endpoints](https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html)).
///
/// * Callback URL to register (the app client's "Allowed callback URLs"):
///   `<origin><base path>/callback/cognito`, e.g. `https://app.example.com/auth/callback/cognito`.
/// * Environment: `AUTH_COGNITO_ID`, `AUTH_COGNITO_SECRET` (the app client's id and secret),
///   `AUTH_COGNITO_ISSUER` — `https://cognito-idp.<region>.amazonaws.com/<user pool id>`
///   (the pool id, not the app client id).
/// * Checks: PKCE. The app client must allow the authorization code grant and the `openid`,
///   `profile` and `email` scopes.
/// * Profile: the standard claims, with `cognito:username` as the name when the pool releases
///   none.
pub fn cognito() -> OAuthProvider {
    oidc("cognito", "Cognito")
        .profile(cognito_profile)
        .style(style("cognito", Some("#C17B9E"), Some("#fff")))
}

fn cognito_profile(profile: &Value, tokens: &TokenSet) -> Result<User> {
    let mut user = oidc_profile("cognito")(profile, tokens)?;
    if user.name.is_none() {
        user.name = text(profile, "/cognito:username");
    }
    Ok(user)
}

/// Keycloak ([securing applications](https://www.keycloak.org/docs/latest/securing_apps/)).
///
/// * Callback URL to register (the client's "Valid redirect URIs"):
///   `<origin><base path>/callback/keycloak`, e.g. `https://app.example.com/auth/callback/keycloak`.
/// * Environment: `AUTH_KEYCLOAK_ID`, `AUTH_KEYCLOAK_SECRET` (a confidential client with
///   "Client authentication" on), `AUTH_KEYCLOAK_ISSUER` — the realm URL, e.g.
///   `https://sso.example.com/realms/main` (Keycloak before 17: `…/auth/realms/main`).
/// * Checks: PKCE.
pub fn keycloak() -> OAuthProvider {
    oidc("keycloak", "Keycloak").style(style("keycloak", Some("#428bca"), Some("#fff")))
}

/// Okta ([OpenID Connect](https://developer.okta.com/docs/concepts/oauth-openid/)).
///
/// * Callback URL to register ("Sign-in redirect URIs"): `<origin><base path>/callback/okta`,
///   e.g. `https://app.example.com/auth/callback/okta`.
/// * Environment: `AUTH_OKTA_ID`, `AUTH_OKTA_SECRET`, `AUTH_OKTA_ISSUER` — the org
///   authorization server `https://<org>.okta.com`, or a custom one such as
///   `https://<org>.okta.com/oauth2/default`.
/// * Checks: PKCE and state.
pub fn okta() -> OAuthProvider {
    oidc("okta", "Okta")
        .checks(Checks {
            pkce: true,
            state: true,
            nonce: false,
        })
        .style(style("okta", Some("#000"), Some("#fff")))
}

/// ZITADEL ([OpenID Connect endpoints](https://zitadel.com/docs/apis/openidoauth/endpoints)).
///
/// * Callback URL to register (the application's "Redirect URIs"; enable development mode for
///   `http://localhost`): `<origin><base path>/callback/zitadel`, e.g.
///   `https://app.example.com/auth/callback/zitadel`.
/// * Environment: `AUTH_ZITADEL_ID`, `AUTH_ZITADEL_SECRET`, `AUTH_ZITADEL_ISSUER` — the instance
///   URL, e.g. `https://example-abc123.zitadel.cloud`.
/// * Checks: PKCE. ZITADEL also releases `email_verified`, for the `sign_in` callback. Auth.js
///   defines no brand colour for ZITADEL; neither does this preset.
pub fn zitadel() -> OAuthProvider {
    oidc("zitadel", "ZITADEL").style(style("zitadel", None, None))
}
