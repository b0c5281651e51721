//! `POST /signin/:email-provider`: mails a magic link (spec §9.2). The token is 32 random bytes
//! in hex; only `sha256(token + secret)` is stored, as Auth.js does, so links stay compatible.

use serde_json::Value;

use super::login::{self, Verified};
use crate::{
    adapter::{RateLimiter, Timestamp, VerificationToken},
    context::RequestContext,
    csrf,
    error::{Error, ErrorKind},
    mail::VerificationMessage,
    model::{Account, User},
    providers::{EmailSignIn, ProviderKind},
    random,
    response::AuthResponse,
};

/// The rate-limit key of an address: the provider, then the address with any `+tag` of the
/// local part folded away (`bob+1@x` counts as `bob@x`).
pub(crate) fn rate_limit_key(provider_id: &str, email: &str) -> String {
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let local = local.split_once('+').map_or(local, |(base, _)| base);
    format!("{provider_id}:{local}@{domain}")
}

/// Whether `email` asked for too many links in the current window; counts this request in the
/// store's rate limiter (shared by every server on it, kept across restarts), or in this
/// process when the store keeps none. One counter row per address: constant work.
async fn over_limit(
    ctx: &RequestContext<'_>,
    email_provider: &EmailSignIn,
    email: &str,
) -> Result<bool, Error> {
    let provider = &email_provider.provider;
    let Some(limit) = provider.rate_limit else {
        return Ok(false);
    };
    let window = i64::try_from(limit.per.as_millis()).unwrap_or(i64::MAX);
    let key = rate_limit_key(&provider.id, email);
    let limiter: &dyn RateLimiter = match email_provider.adapter.rate_limiter() {
        Some(limiter) => limiter,
        None => &ctx.auth.rate_limits,
    };
    let hits = limiter.hit(&key, window, ctx.now_ms).await?;
    Ok(hits > u64::from(limit.max))
}

pub(super) async fn send_link(
    ctx: &RequestContext<'_>,
    email_provider: &EmailSignIn,
) -> Result<AuthResponse, Error> {
    let provider = &email_provider.provider;
    let adapter = &email_provider.adapter;
    let typed = ctx
        .body
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let email = (provider.normalize)(typed).map_err(|why| {
        Error::new(
            ErrorKind::Configuration,
            format!("invalid email address: {why}"),
        )
        .caused_by_client()
    })?;
    let user = match adapter.get_user_by_email(&email).await? {
        Some(stored) => User::from(&stored),
        None => User::new(random::uuid_v4()).email(email.clone()),
    };
    let verified = Verified {
        user,
        account: Account {
            provider: provider.id.clone(),
            kind: ProviderKind::Email,
            provider_account_id: email.clone(),
            extra: serde_json::Map::new(),
        },
        profile: None,
        credentials: None,
        verification_request: true,
    };
    if let Some(redirect) = login::ask_sign_in(ctx, &verified).await? {
        return Ok(redirect);
    }
    if over_limit(ctx, email_provider, &email).await? {
        ctx.auth.log.warn(
            crate::logger::WarningCode::EmailRateLimited,
            &format!(
                "EmailSignin: too many sign-in links requested for one address (provider \"{}\")",
                provider.id
            ),
        );
        let page = match &ctx.auth.pages.sign_in {
            Some(page) => format!("{}{page}", ctx.origin.url),
            None => ctx.action_url("signin"),
        };
        let separator = if page.contains('?') { '&' } else { '?' };
        return Ok(AuthResponse::redirect(format!(
            "{page}{separator}error=EmailSignin"
        )));
    }

    let token = csrf::hex(&random::bytes::<32>());
    let expires = ctx
        .now_ms
        .saturating_add(crate::clock::whole_secs(provider.max_age).saturating_mul(1000));
    let link = format!(
        "{}?{}",
        ctx.action_url(&format!("callback/{}", provider.id)),
        form_urlencoded::Serializer::new(String::new())
            .append_pair("callbackUrl", &ctx.callback_url)
            .append_pair("token", &token)
            .append_pair("email", &email)
            .finish()
    );
    let hashed = email_provider.hash_token(&token, &ctx.auth.csrf_secret);
    adapter
        .create_verification_token(VerificationToken {
            identifier: email.clone(),
            token: crate::secret::HashedToken::from(hashed.as_str()),
            expires: Timestamp::from_millis(expires),
        })
        .await?;
    let host = ctx
        .origin
        .url
        .split_once("://")
        .map_or(ctx.origin.url.as_str(), |(_, h)| h);
    let message = VerificationMessage::new(&email, &link, expires, host, &ctx.auth.theme);
    if let Err(error) = provider.mailer.send(&message).await {
        // The link never left: its token must not stay usable.
        if let Err(cleanup) = adapter.use_verification_token(&email, &hashed).await {
            ctx.auth.log.error("EmailSignInError", &cleanup);
        }
        return Err(error);
    }
    Ok(AuthResponse::redirect(format!(
        "{}?provider={}&type=email",
        ctx.action_url("verify-request"),
        crate::encoding::encode_component(&provider.id)
    )))
}

#[cfg(test)]
mod tests {
    use super::rate_limit_key;

    #[test]
    fn plus_tags_share_a_key() {
        assert_eq!(rate_limit_key("email", "bob+1@x.test"), "email:bob@x.test");
        assert_eq!(rate_limit_key("email", "bob@x.test"), "email:bob@x.test");
        assert_eq!(
            rate_limit_key("email", "bob++a+b@x.test"),
            "email:bob@x.test"
        );
        assert_ne!(rate_limit_key("email", "bob@y.test"), "email:bob@x.test");
    }
}
