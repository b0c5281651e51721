//! OAuth 2 servers whose endpoints hang off a URL the deployer supplies as the issuer
//! (`AUTH_<ID>_ISSUER` or [`OAuthProvider::issuer`]): BoxyHQ SAML Jackson, Mastodon,
//! Mattermost, NetSuite, Nextcloud and Osso. The endpoints are placed whenever the issuer is
//! set; without one, [`AuthConfig::build`](crate::AuthConfig::build) fails with
//! [`InvalidEndpoints`](crate::ConfigError::InvalidEndpoints) (Auth.js builds URLs such as
//! `undefined/oauth/authorize` instead).

use std::sync::Arc;

use serde_json::Value;

use super::{
    ClientAuth, OAuthProvider, STATE, User, access_token, account_id, at_issuer, callback_error,
    joined, json_request, send_json, style, text, userinfo_fn,
};

/// BoxyHQ SAML Jackson ([OAuth 2.0 flow](https://boxyhq.com/docs/jackson/sso-flow/)).
///
/// * Environment: `AUTH_BOXYHQ_SAML_ID`, `AUTH_BOXYHQ_SAML_SECRET` (use `dummy` with
///   `tenant`/`product` passed as parameters), `AUTH_BOXYHQ_SAML_ISSUER` — the Jackson URL.
/// * `<issuer>/api/oauth/authorize` with `provider=saml`, token `<issuer>/api/oauth/token`,
///   userinfo `<issuer>/api/oauth/userinfo`. Checks: PKCE.
/// * Profile: `id`, `firstName lastName`, `email`; no image.
pub fn boxyhq_saml() -> OAuthProvider {
    OAuthProvider::oauth("boxyhq-saml", "BoxyHQ SAML")
        .authorization_param("provider", "saml")
        .profile(|p, _| {
            Ok(User {
                id: account_id("boxyhq-saml", p, "/id")?,
                name: joined(p, &["/firstName", "/lastName"]),
                email: text(p, "/email"),
                image: None,
            })
        })
        .style(style(Some("#25c2a0"), None))
        .derive(at_issuer(|p, issuer| {
            p.authorization_url = Some(format!("{issuer}/api/oauth/authorize"));
            p.token_url = Some(format!("{issuer}/api/oauth/token"));
            p.userinfo_url = Some(format!("{issuer}/api/oauth/userinfo"));
        }))
}

/// Mastodon ([OAuth](https://docs.joinmastodon.org/spec/oauth/)).
///
/// * Environment: `AUTH_MASTODON_ID`, `AUTH_MASTODON_SECRET`, `AUTH_MASTODON_ISSUER` — the
///   instance, e.g. `https://mastodon.social`.
/// * `<issuer>/oauth/authorize?scope=read`, token `<issuer>/oauth/token`, userinfo
///   `<issuer>/api/v1/accounts/verify_credentials`. Checks: PKCE.
/// * Profile: `id`, `username`, no email, `avatar_static`.
pub fn mastodon() -> OAuthProvider {
    OAuthProvider::oauth("mastodon", "Mastodon")
        .profile(|p, _| {
            Ok(User {
                id: account_id("mastodon", p, "/id")?,
                name: text(p, "/username"),
                email: None,
                image: text(p, "/avatar_static"),
            })
        })
        .style(style(None, None))
        .derive(at_issuer(|p, issuer| {
            p.authorization_url = Some(format!("{issuer}/oauth/authorize?scope=read"));
            p.token_url = Some(format!("{issuer}/oauth/token"));
            p.userinfo_url = Some(format!("{issuer}/api/v1/accounts/verify_credentials"));
        }))
}

/// Mattermost ([OAuth 2.0 applications](https://developers.mattermost.com/integrate/apps/authentication/oauth2/)).
///
/// * Environment: `AUTH_MATTERMOST_ID`, `AUTH_MATTERMOST_SECRET`, `AUTH_MATTERMOST_ISSUER` —
///   the server, e.g. `https://chat.example.com`.
/// * `<issuer>/oauth/authorize`, token `<issuer>/oauth/access_token` (`client_secret_post`),
///   userinfo `<issuer>/api/v4/users/me`. Checks: PKCE.
/// * Profile: `id`, `username` (or `first_name last_name`), `email`; no image.
pub fn mattermost() -> OAuthProvider {
    OAuthProvider::oauth("mattermost", "Mattermost")
        .client_auth(ClientAuth::SecretPost)
        .profile(|p, _| {
            Ok(User {
                id: account_id("mattermost", p, "/id")?,
                name: text(p, "/username").or_else(|| joined(p, &["/first_name", "/last_name"])),
                email: text(p, "/email"),
                image: None,
            })
        })
        .style(style(Some("#000"), Some("#fff")))
        .derive(at_issuer(|p, issuer| {
            p.authorization_url = Some(format!("{issuer}/oauth/authorize"));
            p.token_url = Some(format!("{issuer}/oauth/access_token"));
            p.userinfo_url = Some(format!("{issuer}/api/v4/users/me"));
        }))
}

/// NetSuite ([OAuth 2.0](https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157771733782.html)).
///
/// * Environment: `AUTH_NETSUITE_ID`, `AUTH_NETSUITE_SECRET`, `AUTH_NETSUITE_ISSUER` — the
///   account's URL `https://<account id>.app.netsuite.com` (sandboxes: `…/1234567-sb1.app…`).
///   Auth.js takes an `accountID` option and, without it, puts `undefined` into both hosts (see
///   `auth_core::deviations`).
/// * `<issuer>/app/login/oauth2/authorize.nl` with scope `restlets rest_webservices`, token
///   `https://<account id>.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token`;
///   checks: state.
/// * Userinfo: NetSuite has none of its own — set your RESTlet or Suitelet returning
///   `runtime.getCurrentUser()` with [`userinfo_url`](OAuthProvider::userinfo_url) (else
///   `build()` fails with `InvalidEndpoints`). Profile: `id`, `name`, `email`; no image.
pub fn netsuite() -> OAuthProvider {
    OAuthProvider::oauth("netsuite", "NetSuite")
        .authorization_param("scope", "restlets rest_webservices")
        .checks(STATE)
        .profile(|p, _| {
            Ok(User {
                id: account_id("netsuite", p, "/id")?,
                name: text(p, "/name"),
                email: text(p, "/email"),
                image: None,
            })
        })
        .style(style(Some("#181a1b"), Some("#fbfbfb")))
        .derive(at_issuer(|p, issuer| {
            let account = url::Url::parse(issuer).ok().and_then(|url| {
                url.host_str()
                    .and_then(|host| host.strip_suffix(".app.netsuite.com"))
                    .filter(|account| !account.is_empty() && !account.contains('.'))
                    .map(str::to_owned)
            });
            // An issuer that is not an account URL leaves the endpoints unset: `build()` refuses.
            p.authorization_url = account
                .as_ref()
                .map(|_| format!("{issuer}/app/login/oauth2/authorize.nl"));
            p.token_url = account.map(|account| {
                format!("https://{account}.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token")
            });
        }))
}

/// Nextcloud ([OAuth2](https://docs.nextcloud.com/server/latest/admin_manual/configuration_server/oauth2.html)).
///
/// * Environment: `AUTH_NEXTCLOUD_ID`, `AUTH_NEXTCLOUD_SECRET`, `AUTH_NEXTCLOUD_ISSUER` — the
///   server, e.g. `https://cloud.example.com`.
/// * `<issuer>/apps/oauth2/authorize`, token `<issuer>/apps/oauth2/api/v1/token`; the profile is
///   the `ocs.data` of `GET <issuer>/ocs/v1.php/cloud/users/<user_id>` (the token response's
///   `user_id`) with `OCS-APIRequest: true`. Checks: PKCE.
/// * Profile: `id`, `displayname`, `email`, and the avatar `<issuer>/avatar/<id>/512`.
pub fn nextcloud() -> OAuthProvider {
    OAuthProvider::oauth("nextcloud", "Nextcloud")
        .profile(nextcloud_profile(None))
        .style(style(Some("#fff"), Some("#0082C9")))
        .derive(at_issuer(|p, issuer| {
            let users = format!("{issuer}/ocs/v1.php/cloud/users");
            p.authorization_url = Some(format!("{issuer}/apps/oauth2/authorize"));
            p.token_url = Some(format!("{issuer}/apps/oauth2/api/v1/token"));
            p.userinfo_url = Some(users.clone());
            p.userinfo = Some(userinfo_fn(move |tokens, client| {
                let users = users.clone();
                Box::pin(async move {
                    let token = access_token("nextcloud", tokens)?;
                    let user = tokens
                        .fields
                        .get("user_id")
                        .and_then(|v| text(v, ""))
                        .ok_or_else(|| {
                            callback_error("the Nextcloud token response has no user_id")
                        })?;
                    let url = format!("{users}/{}", crate::encoding::encode_component(&user));
                    let request = json_request(http::Method::GET, &url)
                        .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
                        .header("OCS-APIRequest", "true");
                    let answer = send_json(client, request, Vec::new()).await?;
                    answer
                        .pointer("/ocs/data")
                        .cloned()
                        .filter(Value::is_object)
                        .ok_or_else(|| callback_error("the Nextcloud answer has no ocs.data"))
                })
            }));
            p.profile = Arc::new(nextcloud_profile(Some(issuer.to_owned())));
        }))
}

/// The Nextcloud profile, with the avatar on `server` once it is known.
fn nextcloud_profile(
    server: Option<String>,
) -> impl Fn(&Value, &super::TokenSet) -> crate::Result<User> + Send + Sync + 'static {
    move |profile, _tokens| {
        let id = account_id("nextcloud", profile, "/id")?;
        Ok(User {
            name: text(profile, "/displayname"),
            email: text(profile, "/email"),
            image: server.as_ref().map(|server| {
                format!(
                    "{server}/avatar/{}/512",
                    crate::encoding::encode_component(&id)
                )
            }),
            id,
        })
    }
}

/// Osso ([OAuth](https://ossoapp.com/docs/)).
///
/// * Environment: `AUTH_OSSO_ID`, `AUTH_OSSO_SECRET`, `AUTH_OSSO_ISSUER` — the Osso instance,
///   e.g. `https://demo.ossoapp.com`.
/// * `<issuer>/oauth/authorize`, token `<issuer>/oauth/token`, userinfo `<issuer>/oauth/me`,
///   joined with exactly one `/` (Auth.js joins without one, so an issuer without a trailing
///   slash yields `https://demo.ossoapp.comoauth/authorize`; see `auth_core::deviations`).
///   Checks: PKCE.
/// * Profile: Auth.js's default one (`id`, `name`, `email`, `picture`).
pub fn osso() -> OAuthProvider {
    OAuthProvider::oauth("osso", "Osso")
        .profile(super::standard_profile("osso"))
        .style(style(None, None))
        .derive(at_issuer(|p, issuer| {
            p.authorization_url = Some(format!("{issuer}/oauth/authorize"));
            p.token_url = Some(format!("{issuer}/oauth/token"));
            p.userinfo_url = Some(format!("{issuer}/oauth/me"));
        }))
}
