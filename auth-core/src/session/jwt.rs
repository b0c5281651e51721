//! The JWT strategy: the session is the token, re-issued (sliding) on every read, or with
//! `jwt_update_age` once the token is that old.

use crate::{
    Result,
    callbacks::{JwtParams, JwtTrigger, SessionEvent, SessionParams, SignOutEvent, log_event},
    clock::iso8601,
    cookies::SetCookie,
    model::{Session, Token},
};

use super::{Presented, Refresh, SessionAnswer, Sessions, SignedIn, codec::Encoded};

/// A session token read and through the callbacks.
struct Resolved {
    session: Session,
    token: Token,
    /// Whether the read keeps the presented cookie (`jwt_update_age`) instead of re-issuing.
    keeps_cookie: bool,
}

impl Sessions {
    /// Decodes `raw` and runs the `jwt` callback (with the update's trigger and data) and the
    /// `session` callback. `Ok(None)` when there is no session or the `jwt` callback ended it.
    async fn resolve_jwt(
        &self,
        secure: bool,
        raw: &str,
        now_ms: i64,
        why: Refresh<'_>,
    ) -> Result<Option<Resolved>> {
        let salt = &self.cookie(secure).name;
        let Some(decoded) = self.codec.decode(salt, secure, raw, now_ms).await? else {
            return Ok(None);
        };
        let (trigger, data) = match why {
            Refresh::Read => (None, None),
            Refresh::Update(data) => (Some(JwtTrigger::Update), data),
        };
        // The cookie's expiry if this read may keep it, with a clone (which shares the claims)
        // that tells afterwards whether the callback changed the token.
        let keepable = match why {
            Refresh::Read => self.kept_cookie_expiry(&decoded, now_ms),
            Refresh::Update(_) => None,
        }
        .map(|expiry| (expiry, decoded.clone()));
        let params = JwtParams {
            token: decoded,
            user: None,
            account: None,
            profile: None,
            is_new_user: None,
            trigger,
            session: data,
        };
        let Some(token) = self.callbacks.jwt(params).await? else {
            return Ok(None);
        };
        let kept =
            keepable.and_then(|(expiry, before)| token.is_shared_with(&before).then_some(expiry));
        let expires_ms = kept.unwrap_or_else(|| self.expires_ms(now_ms));
        let default = Session::from_token(&token, iso8601(expires_ms));
        let session = self
            .callbacks
            .session(SessionParams {
                session: default,
                token: Some(&token),
                user: None,
                new_session: None,
                trigger: None,
            })
            .await?;
        Ok(Some(Resolved {
            session,
            token,
            keeps_cookie: kept.is_some(),
        }))
    }

    /// With `jwt_update_age`, the expiry of the presented cookie when its token was issued
    /// less than that long ago (by its `iat`, which must be numeric and not in the future) and
    /// is valid past then (by its `exp`, if any; `build()` checked the built-in codec's): the
    /// read then need not re-issue it. `None` re-issues.
    fn kept_cookie_expiry(&self, token: &Token, now_ms: i64) -> Option<i64> {
        if self.jwt_update_age_secs <= 0 {
            return None;
        }
        let iat = token.get("iat")?.as_i64()?;
        let due = iat.saturating_add(self.jwt_update_age_secs);
        let now_secs = now_ms.div_euclid(1000);
        let outlives = token
            .get("exp")
            .is_none_or(|exp| exp.as_i64().is_some_and(|exp| due < exp));
        let young = iat <= now_secs && now_secs < due && outlives;
        young.then(|| iat.saturating_mul(1000).saturating_add(self.max_age_ms))
    }

    /// The cookies that hold `token` as the session, expiring after `session.max_age`, and the
    /// encoded token (for [`TokenCodec::remember`](super::codec::TokenCodec::remember)).
    async fn issue(
        &self,
        presented: &Presented<'_>,
        token: &Token,
    ) -> Result<(Vec<SetCookie>, Encoded)> {
        let spec = self.cookie(presented.secure);
        let encoded = self
            .codec
            .encode(&spec.name, presented.secure, token, presented.now_ms)
            .await?;
        let cookies = presented.cookies.write(
            spec,
            &encoded.value,
            self.expires_ms(presented.now_ms),
            &self.log,
        );
        Ok((cookies, encoded))
    }

    /// A token that does not decode, or a callback error, is logged as `JWTSessionError` and
    /// answered with `null`, its cookies cleared.
    pub(super) async fn respond_jwt(
        &self,
        presented: &Presented<'_>,
        why: Refresh<'_>,
    ) -> SessionAnswer {
        match self.refresh_jwt(presented, why).await {
            Ok(answer) => answer,
            Err(error) => {
                // A cookie that does not decode is the client's (logged as a warning by
                // default); a failing callback is not.
                self.log.error("JWTSessionError", &error);
                SessionAnswer::none(presented.cookies.clear(self.cookie(presented.secure)))
            }
        }
    }

    async fn refresh_jwt(
        &self,
        presented: &Presented<'_>,
        why: Refresh<'_>,
    ) -> Result<SessionAnswer> {
        let raw = presented.cookies.token();
        let resolved = self
            .resolve_jwt(presented.secure, raw, presented.now_ms, why)
            .await?;
        let Some(Resolved {
            session,
            token,
            keeps_cookie,
        }) = resolved
        else {
            let spec = self.cookie(presented.secure);
            return Ok(SessionAnswer::none(presented.cookies.clear(spec)));
        };
        let issued = if keeps_cookie {
            None
        } else {
            Some(self.issue(presented, &token).await?)
        };
        let event = SessionEvent {
            session: &session,
            token: Some(&token),
        };
        log_event(&self.log, "session", self.events.session(event).await);
        let cookies = match issued {
            Some((cookies, encoded)) => {
                // The browser presents this token next: its read then skips the decryption.
                self.codec.remember(presented.secure, encoded, token);
                cookies
            }
            None => Vec::new(),
        };
        Ok(SessionAnswer {
            session: Some(session),
            cookies,
        })
    }

    /// The session and token of `raw` for the application; problems are logged at debug.
    pub(super) async fn peek_jwt(
        &self,
        secure: bool,
        raw: &str,
        now_ms: i64,
    ) -> Option<(Session, Token)> {
        match self.resolve_jwt(secure, raw, now_ms, Refresh::Read).await {
            Ok(resolved) => resolved.map(|r| (r.session, r.token)),
            Err(error) => {
                self.log.debug("no session", || {
                    serde_json::json!({"kind": error.kind().type_name(), "message": error.message()})
                });
                None
            }
        }
    }

    /// The first token of a sign-in, through the `jwt` callback (`signIn`, or `signUp` for a
    /// new user); a callback that returns no token leaves the request without a session.
    pub(super) async fn start_jwt(
        &self,
        presented: &Presented<'_>,
        signed_in: &SignedIn<'_>,
    ) -> Result<Vec<SetCookie>> {
        let trigger = if signed_in.is_new_user == Some(true) {
            JwtTrigger::SignUp
        } else {
            JwtTrigger::SignIn
        };
        let token = self
            .callbacks
            .jwt(JwtParams {
                token: signed_in.user.default_token(),
                user: Some(signed_in.user),
                account: Some(signed_in.account),
                profile: signed_in.profile,
                is_new_user: signed_in.is_new_user,
                trigger: Some(trigger),
                session: None,
            })
            .await?;
        match token {
            Some(token) => {
                let (cookies, encoded) = self.issue(presented, &token).await?;
                self.codec.remember(presented.secure, encoded, token);
                Ok(cookies)
            }
            None => Ok(presented.cookies.clear(self.cookie(presented.secure))),
        }
    }

    /// The `sign_out` event with the decoded token; one that does not decode is logged as
    /// `SignOutError`.
    pub(super) async fn end_jwt(&self, presented: &Presented<'_>) {
        let salt = &self.cookie(presented.secure).name;
        let raw = presented.cookies.token();
        match self
            .codec
            .decode(salt, presented.secure, raw, presented.now_ms)
            .await
        {
            Ok(Some(token)) => {
                let result = self.events.sign_out(SignOutEvent::Token(&token)).await;
                log_event(&self.log, "sign_out", result);
            }
            Ok(None) => {}
            Err(error) => {
                self.log.error("SignOutError", &error);
            }
        }
    }
}
