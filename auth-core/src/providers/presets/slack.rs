//! Slack (Sign in with Slack, OpenID Connect).

use super::{Checks, OAuthProvider, oidc, style};

/// Sign in with Slack ([OpenID Connect](https://api.slack.com/authentication/sign-in-with-slack)).
///
/// * Callback URL to register ("Redirect URLs"; Slack accepts HTTPS only, even for local
///   development — use a tunnel): `<origin><base path>/callback/slack`, e.g.
///   `https://app.example.com/auth/callback/slack`.
/// * Environment: `AUTH_SLACK_ID`, `AUTH_SLACK_SECRET`.
/// * Issuer `https://slack.com` (endpoints from discovery), scope `openid profile email`,
///   checks: nonce only (as in Auth.js).
/// * Profile: the verified id_token's `sub` (the Slack user id), `name`, `email`, `picture`;
///   the team is in the `https://slack.com/team_id` claim of the profile.
pub fn slack() -> OAuthProvider {
    oidc("slack", "Slack")
        .issuer("https://slack.com")
        .checks(Checks {
            pkce: false,
            state: false,
            nonce: true,
        })
        .style(style(Some("#611f69"), Some("#fff")))
}
