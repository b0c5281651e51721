//! Identity servers at an issuer the deployer supplies (`AUTH_<ID>_ISSUER`): Asgardeo, Auth0,
//! authentik, Azure AD B2C, Battle.net, Beyond Identity, Amazon Cognito, Descope, Duende
//! IdentityServer, Frontegg, FusionAuth, IdentityServer4, Keycloak, Kinde, Logto, Okta,
//! OneLogin, Ory Hydra, Passage, PingOne, United Effects and ZITADEL. All are OpenID Connect
//! with discovery, the scope `openid profile email` (unless noted) and the standard claims as
//! the profile (`sub`, `name` or `nickname` or `preferred_username`, `email`, `picture`), unless
//! noted.
//!
//! Without an issuer (neither `AUTH_<ID>_ISSUER` nor [`OAuthProvider::issuer`]),
//! [`AuthConfig::build`](crate::AuthConfig::build) fails with
//! [`InvalidEndpoints`](crate::ConfigError::InvalidEndpoints).

use serde_json::Value;

use super::{
    Checks, OAuthProvider, TokenSet, User, account_id, checks, joined, oidc, oidc_profile,
    set_param, style, text,
};
use crate::Result;

/// Auth0 ([Auth0 authentication](https://auth0.com/docs/authenticate)).
///
/// * Callback URL to register ("Allowed Callback URLs"): `<origin><base path>/callback/auth0`,
///   e.g. `https://app.example.com/auth/callback/auth0`.
/// * Environment: `AUTH_AUTH0_ID`, `AUTH_AUTH0_SECRET`, `AUTH_AUTH0_ISSUER` — the tenant's
///   domain as a URL, e.g. `https://example.eu.auth0.com` (or your custom domain).
/// * Checks: PKCE.
pub fn auth0() -> OAuthProvider {
    oidc("auth0", "Auth0").style(style(Some("#EB5424"), Some("#fff")))
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
    oidc("authentik", "Authentik").style(style(None, None))
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
        .style(style(Some("#C17B9E"), Some("#fff")))
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
    oidc("keycloak", "Keycloak").style(style(Some("#428bca"), Some("#fff")))
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
        .style(style(Some("#000"), Some("#fff")))
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
    oidc("zitadel", "ZITADEL").style(style(None, None))
}

/// A hosted OpenID Connect preset as Auth.js declares it: discovery, the default scope, PKCE,
/// Auth.js's default profile.
fn discovered(id: &'static str, name: &str) -> OAuthProvider {
    OAuthProvider::oidc(id, name).profile(super::standard_profile(id))
}

/// Asgardeo by WSO2 ([OIDC](https://wso2.com/asgardeo/docs/guides/authentication/oidc/)).
///
/// * Environment: `AUTH_ASGARDEO_ID`, `AUTH_ASGARDEO_SECRET`, `AUTH_ASGARDEO_ISSUER` — the
///   issuer of the organisation's token endpoint, `https://api.asgardeo.io/t/<org>/oauth2/token`.
///   Discovery is at `<issuer>/.well-known/openid-configuration`, as in Auth.js 0.41.3 (whose
///   preset's `wellKnown` is never read).
/// * Checks: PKCE.
pub fn asgardeo() -> OAuthProvider {
    discovered("asgardeo", "Asgardeo").style(style(Some("#000"), Some("#fff")))
}

/// Azure AD B2C ([OpenID Connect](https://learn.microsoft.com/en-us/azure/active-directory-b2c/openid-connect)).
///
/// * Environment: `AUTH_AZURE_AD_B2C_ID`, `AUTH_AZURE_AD_B2C_SECRET`, `AUTH_AZURE_AD_B2C_ISSUER` —
///   the user flow's issuer, e.g.
///   `https://<tenant>.b2clogin.com/<tenant id>/v2.0/` (see the flow's discovery document).
/// * Checks: PKCE. Profile: `sub`, `name` (or `preferred_username`), the first of `emails`; no
///   image.
pub fn azure_ad_b2c() -> OAuthProvider {
    OAuthProvider::oidc("azure-ad-b2c", "Azure AD B2C")
        .profile(|p, _| {
            Ok(User {
                id: account_id("azure-ad-b2c", p, "/sub")?,
                name: text(p, "/name").or_else(|| text(p, "/preferred_username")),
                email: text(p, "/emails/0"),
                image: None,
            })
        })
        .style(style(Some("#0072c6"), Some("#fff")))
}

/// Battle.net ([OAuth APIs](https://develop.battle.net/documentation/guides/using-oauth)).
///
/// * Environment: `AUTH_BATTLENET_ID`, `AUTH_BATTLENET_SECRET`, `AUTH_BATTLENET_ISSUER` — the
///   region's issuer: `https://oauth.battle.net` (or `https://oauth.battlenet.com.cn`).
/// * Checks: PKCE. Profile: `sub`, `battle_tag`; no email, no image.
pub fn battlenet() -> OAuthProvider {
    OAuthProvider::oidc("battlenet", "Battle.net")
        .profile(|p, _| {
            Ok(User {
                id: account_id("battlenet", p, "/sub")?,
                name: text(p, "/battle_tag"),
                email: None,
                image: None,
            })
        })
        .style(style(Some("#148eff"), Some("#fff")))
}

/// Beyond Identity ([OIDC](https://developer.beyondidentity.com/)).
///
/// * Environment: `AUTH_BEYONDIDENTITY_ID`, `AUTH_BEYONDIDENTITY_SECRET`,
///   `AUTH_BEYONDIDENTITY_ISSUER` — the application's issuer,
///   `https://auth-<region>.beyondidentity.com/v1/tenants/<t>/realms/<r>/applications/<a>`.
/// * Checks: PKCE. Profile: `sub`, `name`, `email`; no image.
pub fn beyondidentity() -> OAuthProvider {
    OAuthProvider::oidc("beyondidentity", "Beyond Identity")
        .profile(|p, _| {
            Ok(User {
                id: account_id("beyondidentity", p, "/sub")?,
                name: text(p, "/name"),
                email: text(p, "/email"),
                image: None,
            })
        })
        .style(style(Some("#5077c5"), Some("#fff")))
}

/// Descope ([OIDC](https://docs.descope.com/)).
///
/// * Environment: `AUTH_DESCOPE_ID` (the project id), `AUTH_DESCOPE_SECRET`, and optionally
///   `AUTH_DESCOPE_ISSUER`; without it the issuer is `https://api.descope.com/<client id>`,
///   whenever the client id is set (Auth.js derives it only from a client id passed to the
///   preset, and builds `…/undefined` from the environment; see `auth_core::deviations`).
/// * Checks: PKCE and state.
pub fn descope() -> OAuthProvider {
    discovered("descope", "Descope")
        .checks(checks(true, true, false))
        .style(style(Some("#1C1C23"), Some("#ffffff")))
        .derive(|p| {
            if p.issuer.is_none()
                && let Some(id) = &p.client_id
            {
                p.issuer = Some(format!("https://api.descope.com/{id}"));
            }
        })
}

/// Duende IdentityServer 6 ([documentation](https://docs.duendesoftware.com/identityserver/)).
///
/// * Environment: `AUTH_DUENDE_IDENTITY_SERVER6_ID`, `AUTH_DUENDE_IDENTITY_SERVER6_SECRET`,
///   `AUTH_DUENDE_IDENTITY_SERVER6_ISSUER` — the server's URL, e.g. `https://demo.duendesoftware.com`.
/// * Checks: PKCE.
pub fn duende_identity_server6() -> OAuthProvider {
    discovered("duende-identity-server6", "DuendeIdentityServer6").style(style(None, None))
}

/// Frontegg ([hosted login](https://developers.frontegg.com/guides/authentication/hosted-login)).
///
/// * Environment: `AUTH_FRONTEGG_ID`, `AUTH_FRONTEGG_SECRET`, `AUTH_FRONTEGG_ISSUER` — the
///   workspace URL, e.g. `https://<workspace>.frontegg.com`.
/// * Endpoints on the issuer: `<issuer>/oauth/authorize`, `<issuer>/oauth/token`, userinfo
///   `<issuer>/identity/resources/users/v2/me`, keys `<issuer>/.well-known/jwks.json` (so no
///   discovery). Checks: PKCE.
pub fn frontegg() -> OAuthProvider {
    discovered("frontegg", "Frontegg")
        .style(style(None, None))
        .derive(super::at_issuer(|p, issuer| {
            p.authorization_url = Some(format!("{issuer}/oauth/authorize"));
            p.token_url = Some(format!("{issuer}/oauth/token"));
            p.userinfo_url = Some(format!("{issuer}/identity/resources/users/v2/me"));
            p.jwks_url = Some(format!("{issuer}/.well-known/jwks.json"));
        }))
}

/// FusionAuth ([OAuth / OIDC](https://fusionauth.io/docs/lifecycle/authenticate-users/oauth/)).
///
/// * Environment: `AUTH_FUSIONAUTH_ID`, `AUTH_FUSIONAUTH_SECRET`, `AUTH_FUSIONAUTH_ISSUER` — the
///   instance URL, e.g. `https://auth.example.com`. With several tenants add
///   `.authorization_param("tenantId", "…")`.
/// * Scope `openid offline_access email profile`; token `<issuer>/oauth2/token`, userinfo
///   `<issuer>/oauth2/userinfo`, the rest from discovery. Checks: PKCE and state.
/// * Profile: `sub`, `email`, `name` (or `preferred_username`, or the given, middle and family
///   names), `picture`.
pub fn fusionauth() -> OAuthProvider {
    OAuthProvider::oidc("fusionauth", "FusionAuth")
        .authorization_param("scope", "openid offline_access email profile")
        .checks(checks(true, true, false))
        .profile(|p, _| {
            Ok(User {
                id: account_id("fusionauth", p, "/sub")?,
                name: text(p, "/name")
                    .or_else(|| text(p, "/preferred_username"))
                    .or_else(|| joined(p, &["/given_name", "/middle_name", "/family_name"])),
                email: text(p, "/email"),
                image: text(p, "/picture"),
            })
        })
        .style(style(None, None))
        .derive(super::at_issuer(|p, issuer| {
            p.token_url = Some(format!("{issuer}/oauth2/token"));
            p.userinfo_url = Some(format!("{issuer}/oauth2/userinfo"));
        }))
}

/// Ory Hydra ([OAuth2 and OpenID Connect](https://www.ory.sh/docs/hydra/)), id `hydra`.
///
/// * Environment: `AUTH_HYDRA_ID`, `AUTH_HYDRA_SECRET`, `AUTH_HYDRA_ISSUER` — the public URL,
///   e.g. `https://<project>.projects.oryapis.com`.
/// * Checks: PKCE.
pub fn hydra() -> OAuthProvider {
    discovered("hydra", "Hydra").style(style(Some("#fff"), Some("#0F172A")))
}

/// IdentityServer4 ([documentation](https://identityserver4.readthedocs.io/)).
///
/// * Environment: `AUTH_IDENTITY_SERVER4_ID`, `AUTH_IDENTITY_SERVER4_SECRET`,
///   `AUTH_IDENTITY_SERVER4_ISSUER` — the server's URL.
/// * Checks: PKCE.
pub fn identity_server4() -> OAuthProvider {
    discovered("identity-server4", "IdentityServer4").style(style(None, None))
}

/// Kinde ([OIDC](https://docs.kinde.com/)).
///
/// * Environment: `AUTH_KINDE_ID`, `AUTH_KINDE_SECRET`, `AUTH_KINDE_ISSUER` — the business
///   domain, e.g. `https://<business>.kinde.com`.
/// * Checks: state and PKCE.
pub fn kinde() -> OAuthProvider {
    discovered("kinde", "Kinde")
        .checks(checks(true, true, false))
        .style(style(Some("#fff"), Some("#0F0F0F")))
}

/// Logto ([OIDC](https://docs.logto.io/)).
///
/// * Environment: `AUTH_LOGTO_ID`, `AUTH_LOGTO_SECRET`, `AUTH_LOGTO_ISSUER` — the tenant's
///   issuer, e.g. `https://<tenant>.logto.app/oidc`.
/// * Scope `offline_access openid email profile`; checks: PKCE.
/// * Profile: `sub`, `name` (or `username`), `email`, `picture`.
pub fn logto() -> OAuthProvider {
    OAuthProvider::oidc("logto", "Logto")
        .authorization_param("scope", "offline_access openid email profile")
        .profile(|p, _| {
            Ok(User {
                id: account_id("logto", p, "/sub")?,
                name: text(p, "/name").or_else(|| text(p, "/username")),
                email: text(p, "/email"),
                image: text(p, "/picture"),
            })
        })
        .style(style(None, None))
}

/// OneLogin ([OpenID Connect](https://developers.onelogin.com/openid-connect)).
///
/// * Environment: `AUTH_ONELOGIN_ID`, `AUTH_ONELOGIN_SECRET`, `AUTH_ONELOGIN_ISSUER` — the
///   issuer `https://<subdomain>.onelogin.com/oidc/2` (discovery at
///   `<issuer>/.well-known/openid-configuration`, as in Auth.js 0.41.3, which never reads its
///   preset's `wellKnown`).
/// * Checks: PKCE.
pub fn onelogin() -> OAuthProvider {
    discovered("onelogin", "OneLogin").style(style(None, None))
}

/// Passage by 1Password ([OIDC](https://docs.passage.id/)).
///
/// * Environment: `AUTH_PASSAGE_ID`, `AUTH_PASSAGE_SECRET`, `AUTH_PASSAGE_ISSUER` — the app's
///   issuer, e.g. `https://auth.passage.id/v1/apps/<app id>`.
/// * `client_secret_basic`; checks: PKCE.
pub fn passage() -> OAuthProvider {
    discovered("passage", "Passage").style(style(Some("#3d53f6"), None))
}

/// PingOne ([OpenID Connect](https://docs.pingidentity.com/)), id `ping-id`.
///
/// * Environment: `AUTH_PING_ID_ID`, `AUTH_PING_ID_SECRET`, `AUTH_PING_ID_ISSUER` — the
///   environment's issuer, e.g. `https://auth.pingone.com/<environment id>/as`.
/// * Checks: PKCE.
pub fn ping_id() -> OAuthProvider {
    discovered("ping-id", "Ping Identity").style(style(None, None))
}

/// United Effects ([Core EOS](https://docs.unitedeffects.com/)).
///
/// * Environment: `AUTH_UNITED_EFFECTS_ID`, `AUTH_UNITED_EFFECTS_SECRET`,
///   `AUTH_UNITED_EFFECTS_ISSUER` — `https://auth.unitedeffects.com/<auth group id>`.
/// * Scope `openid email profile`, and `resource` = the issuer; checks: PKCE.
pub fn united_effects() -> OAuthProvider {
    discovered("united-effects", "United Effects")
        .authorization_param("scope", "openid email profile")
        .style(style(None, None))
        .derive(|p| {
            if let Some(issuer) = p.issuer.clone() {
                set_param(p, "resource", issuer);
            }
        })
}
