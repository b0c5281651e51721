//! Sessions of both strategies: a JWT session cookie turned into a [`Session`] through the
//! `jwt` and `session` callbacks (and a token into cookies), and database sessions read,
//! extended and created through the adapter. Shared by the `session` action, sign-in,
//! sign-out and the application API.

use serde_json::Value;

use crate::{
    Result,
    adapter::{AdapterSession, AdapterUser, SessionUpdate, Timestamp},
    auth::Inner,
    callbacks::{JwtParams, JwtTrigger, SessionEvent, SessionParams, log_event},
    clock::iso8601,
    cookies::{CookieKind, SessionCookies, SetCookie},
    error::{Error, ErrorKind},
    jwt::{CodecDecode, CodecEncode},
    model::{Session, SessionUser, Token, User},
};

/// Encodes a session token with the configured codec (or the built-in JWE with keys derived at
/// build).
pub(crate) async fn encode_token(
    auth: &Inner,
    secure: bool,
    token: &Token,
    now_ms: i64,
) -> Result<String> {
    match &auth.jwt_codec {
        Some(codec) => {
            let salt = &auth.cookie_table(secure).get(CookieKind::SessionToken).name;
            codec
                .encode(CodecEncode {
                    token,
                    secret: &auth.secrets,
                    salt,
                    max_age: auth.jwt_max_age,
                })
                .await
        }
        None => auth
            .session_keys(secure)
            .encode(token, auth.jwt_max_age, now_ms.div_euclid(1000)),
    }
}

/// Decodes a session token; `Ok(None)` when the codec finds no session.
pub(crate) async fn decode_token(
    auth: &Inner,
    secure: bool,
    token: &str,
    now_ms: i64,
) -> Result<Option<Token>> {
    match &auth.jwt_codec {
        Some(codec) => {
            let salt = &auth.cookie_table(secure).get(CookieKind::SessionToken).name;
            codec
                .decode(CodecDecode {
                    token,
                    secret: &auth.secrets,
                    salt,
                })
                .await
        }
        None => auth
            .session_keys(secure)
            .decode(token, now_ms.div_euclid(1000))
            .map(Some)
            .map_err(|e| {
                Error::new(
                    ErrorKind::JwtSessionError,
                    "the session token could not be decoded",
                )
                .with_source(e)
            }),
    }
}

/// The session cookies for `token`: encoded, chunked, expiring after `session.max_age`.
pub(crate) async fn issue_cookies(
    auth: &Inner,
    secure: bool,
    present: &SessionCookies,
    token: &Token,
    now_ms: i64,
) -> Result<Vec<SetCookie>> {
    let value = encode_token(auth, secure, token, now_ms).await?;
    let spec = auth.cookie_table(secure).get(CookieKind::SessionToken);
    Ok(present.write(spec, &value, expires_ms(auth, now_ms)))
}

fn expires_ms(auth: &Inner, now_ms: i64) -> i64 {
    now_ms.saturating_add(auth.session.max_age.saturating_mul(1000))
}

/// A session read from a token.
pub(crate) struct ResolvedSession {
    pub(crate) session: Session,
    pub(crate) token: Token,
}

/// Decodes `raw`, runs the `jwt` callback (with `trigger`/`data` for updates) and the `session`
/// callback. `Ok(None)` when the `jwt` callback ended the session.
pub(crate) async fn resolve(
    auth: &Inner,
    secure: bool,
    raw: &str,
    now_ms: i64,
    trigger: Option<JwtTrigger>,
    data: Option<&Value>,
) -> Result<Option<ResolvedSession>> {
    let Some(decoded) = decode_token(auth, secure, raw, now_ms).await? else {
        return Ok(None);
    };
    let params = JwtParams {
        token: decoded,
        user: None,
        account: None,
        profile: None,
        is_new_user: None,
        trigger,
        session: data,
    };
    let Some(token) = auth.callbacks.jwt(params).await? else {
        return Ok(None);
    };
    let default = Session::from_token(&token, iso8601(expires_ms(auth, now_ms)));
    let session = auth
        .callbacks
        .session(SessionParams {
            session: default,
            token: Some(&token),
            user: None,
            new_session: None,
            trigger: None,
        })
        .await?;
    Ok(Some(ResolvedSession { session, token }))
}

/// Fires the `session` event.
pub(crate) async fn session_event(auth: &Inner, resolved: &ResolvedSession) {
    let result = auth
        .events
        .session(SessionEvent {
            session: &resolved.session,
            token: Some(&resolved.token),
        })
        .await;
    log_event("session", result);
}

/// The user of a stored session, as callbacks see users.
pub(crate) fn user_of(user: &AdapterUser) -> User {
    User {
        id: Some(user.id.clone()),
        name: user.name.clone(),
        email: user.email.clone(),
        image: user.image.clone(),
    }
}

/// What looking up a database session found.
pub(crate) enum Lookup {
    /// The session the `session` callback made.
    Found(Box<Session>),
    /// Unknown or expired (and then deleted): the cookie should go.
    Gone,
}

/// Reads a database session (spec §6.2): expired rows are deleted; with `extend`, a row is
/// extended once `update_age` has passed since its last extension. The `session` callback
/// reports the expiry that was read, as Auth.js does. Adapter failures are errors.
pub(crate) async fn resolve_database(
    auth: &Inner,
    token: &str,
    now_ms: i64,
    extend: bool,
    trigger: Option<JwtTrigger>,
    data: Option<&Value>,
) -> Result<Lookup> {
    let Some(adapter) = &auth.adapter else {
        return Err(Error::new(
            ErrorKind::MissingAdapter,
            "database sessions need an adapter",
        ));
    };
    let Some((row, user)) = adapter.get_session_and_user(token).await? else {
        return Ok(Lookup::Gone);
    };
    if row.expires.millis() < now_ms {
        adapter.delete_session(token).await?;
        return Ok(Lookup::Gone);
    }
    let max_age_ms = auth.session.max_age.saturating_mul(1000);
    let due = row.expires.millis() - max_age_ms + auth.session.update_age.saturating_mul(1000);
    if extend && due <= now_ms {
        adapter
            .update_session(SessionUpdate {
                session_token: token.into(),
                expires: Timestamp::from_millis(now_ms.saturating_add(max_age_ms)),
            })
            .await?;
    }
    let user = user_of(&user);
    let default = Session {
        user: Some(SessionUser {
            name: user.name.clone(),
            email: user.email.clone(),
            image: user.image.clone(),
            extra: serde_json::Map::new(),
        }),
        expires: iso8601(row.expires.millis()),
        extra: serde_json::Map::new(),
    };
    let session = auth
        .callbacks
        .session(SessionParams {
            session: default,
            token: None,
            user: Some(&user),
            new_session: data,
            trigger,
        })
        .await?;
    Ok(Lookup::Found(Box::new(session)))
}

/// The session cookie of a database session.
pub(crate) fn database_cookie(
    auth: &Inner,
    secure: bool,
    token: &str,
    expires_ms: i64,
) -> SetCookie {
    let spec = auth.cookie_table(secure).get(CookieKind::SessionToken);
    let mut cookie = SetCookie::new(spec, token);
    cookie.expires = Some(expires_ms);
    cookie
}

/// Creates a database session for `user_id` (expiring after `session.max_age`).
pub(crate) async fn create_database_session(
    auth: &Inner,
    user_id: &str,
    now_ms: i64,
) -> Result<AdapterSession> {
    let Some(adapter) = &auth.adapter else {
        return Err(Error::new(
            ErrorKind::MissingAdapter,
            "database sessions need an adapter",
        ));
    };
    adapter
        .create_session(AdapterSession {
            session_token: crate::random::uuid_v4().into(),
            user_id: user_id.to_owned(),
            expires: Timestamp::from_millis(expires_ms(auth, now_ms)),
        })
        .await
}
