//! The database strategy (spec §6.2): an opaque token in the cookie, the session a row in the
//! store; expired rows are deleted when read, live ones extended once `update_age` has passed.

use std::sync::Arc;

use crate::{
    Result,
    adapter::{Adapter, AdapterSession, AdapterUser, SessionUpdate, Timestamp},
    callbacks::{JwtTrigger, SessionEvent, SessionParams, SignOutEvent, log_event},
    clock::iso8601,
    cookies::SetCookie,
    logger::{Log, WarningCode},
    model::{Session, SessionUser, User},
};

use super::{Presented, Refresh, SessionAnswer, Sessions};

/// The store of database sessions and its timing.
pub(super) struct DatabaseSessions {
    pub(super) adapter: Arc<dyn Adapter>,
    pub(super) max_age_ms: i64,
    pub(super) update_age_ms: i64,
    pub(super) generate_token: Option<Arc<dyn Fn() -> String + Send + Sync>>,
}

impl DatabaseSessions {
    /// The token of a new session: the configured generator's, else (or when it gives an
    /// empty one) a random UUID.
    fn new_token(&self, log: &Log) -> String {
        match self.generate_token.as_ref().map(|generate| generate()) {
            Some(token) if !token.is_empty() => token,
            Some(_) => {
                log.warn(
                    WarningCode::SessionToken,
                    "generate_session_token gave an empty token: a random one is used",
                );
                crate::random::uuid_v4()
            }
            None => crate::random::uuid_v4(),
        }
    }
}

/// What looking up a session found.
enum Lookup {
    /// The session the `session` callback made.
    Found(Box<Session>),
    /// Unknown or expired (and then deleted): the cookie should go.
    Gone,
}

impl DatabaseSessions {
    /// Reads the session of `token`; with `extend`, a row is extended once `update_age` has
    /// passed since its last extension. The `session` callback reports the expiry that was
    /// read, as Auth.js does. Store failures are errors.
    async fn lookup(
        &self,
        sessions: &Sessions,
        token: &str,
        now_ms: i64,
        extend: bool,
        why: Refresh<'_>,
    ) -> Result<Lookup> {
        let Some((row, user)) = self.adapter.get_session_and_user(token).await? else {
            return Ok(Lookup::Gone);
        };
        if row.expires.millis() < now_ms {
            self.adapter.delete_session(token).await?;
            return Ok(Lookup::Gone);
        }
        let due = row.expires.millis() - self.max_age_ms + self.update_age_ms;
        if extend && due <= now_ms {
            self.adapter
                .update_session(SessionUpdate {
                    session_token: token.into(),
                    expires: Timestamp::from_millis(now_ms.saturating_add(self.max_age_ms)),
                })
                .await?;
        }
        let user = User::from(&user);
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
        let (trigger, new_session) = match why {
            Refresh::Read => (None, None),
            Refresh::Update(data) => (Some(JwtTrigger::Update), data),
        };
        let session = sessions
            .callbacks
            .session(SessionParams {
                session: default,
                token: None,
                user: Some(&user),
                new_session,
                trigger,
            })
            .await?;
        Ok(Lookup::Found(Box::new(session)))
    }

    /// Stores the user of a credentials sign-in unless it is known already, so the session row
    /// has a user to point at.
    pub(super) async fn store_user(&self, user: &User) -> Result<()> {
        let id = user.id.clone();
        if self.adapter.get_user(&id).await?.is_none() {
            self.adapter
                .create_user(AdapterUser {
                    id,
                    name: user.name.clone(),
                    email: user.email.clone(),
                    email_verified: None,
                    image: user.image.clone(),
                })
                .await?;
        }
        Ok(())
    }

    /// The user of a live session.
    pub(super) async fn user_of(&self, token: &str, now_ms: i64) -> Option<AdapterUser> {
        self.adapter
            .get_session_and_user(token)
            .await
            .ok()
            .flatten()
            .filter(|(row, _)| row.expires.millis() >= now_ms)
            .map(|(_, user)| user)
    }
}

impl Sessions {
    /// Unknown or expired → `null` and the cookie cleared; a store failure → `null` with the
    /// cookie untouched (`SessionTokenError`); otherwise the callback's session, the row
    /// extended after `update_age`, and the cookie re-set.
    pub(super) async fn respond_database(
        &self,
        db: &DatabaseSessions,
        presented: &Presented<'_>,
        why: Refresh<'_>,
    ) -> SessionAnswer {
        let raw = presented.cookies.token();
        let found = match db.lookup(self, raw, presented.now_ms, true, why).await {
            Ok(Lookup::Found(found)) => found,
            Ok(Lookup::Gone) => {
                let spec = self.cookie(presented.secure);
                return SessionAnswer::none(presented.cookies.clear(spec));
            }
            Err(error) => {
                self.log.error("SessionTokenError", &error);
                return SessionAnswer::none(Vec::new());
            }
        };
        let mut cookie = SetCookie::new(self.cookie(presented.secure), raw);
        cookie.expires = Some(self.expires_ms(presented.now_ms));
        let event = SessionEvent {
            session: &found,
            token: None,
        };
        log_event(&self.log, "session", self.events.session(event).await);
        SessionAnswer {
            session: Some(*found),
            cookies: vec![cookie],
        }
    }

    /// The session of `raw` for the application, without extending it.
    pub(super) async fn peek_database(
        &self,
        db: &DatabaseSessions,
        raw: &str,
        now_ms: i64,
    ) -> Option<Session> {
        match db.lookup(self, raw, now_ms, false, Refresh::Read).await {
            Ok(Lookup::Found(session)) => Some(*session),
            Ok(Lookup::Gone) => None,
            Err(error) => {
                self.log.error("SessionTokenError", &error);
                None
            }
        }
    }

    /// A new row for `user`, replacing the one this browser held; written like a JWT session
    /// so stale chunks of an earlier JWT cookie are cleared.
    pub(super) async fn start_database(
        &self,
        db: &DatabaseSessions,
        presented: &Presented<'_>,
        user: &User,
    ) -> Result<Vec<SetCookie>> {
        let previous = presented.cookies.token();
        if !previous.is_empty()
            && let Err(error) = db.adapter.delete_session(previous).await
        {
            self.log.warn(
                WarningCode::SessionToken,
                &format!(
                    "could not delete the previous session ({})",
                    error.kind().type_name()
                ),
            );
        }
        let row = db
            .adapter
            .create_session(AdapterSession {
                session_token: db.new_token(&self.log).into(),
                user_id: user.id.clone(),
                expires: Timestamp::from_millis(self.expires_ms(presented.now_ms)),
            })
            .await?;
        Ok(presented.cookies.write(
            self.cookie(presented.secure),
            row.session_token.expose(),
            row.expires.millis(),
            &self.log,
        ))
    }

    /// Deletes the row (`sign_out` event with it); a store failure is logged as
    /// `SignOutError`.
    pub(super) async fn end_database(&self, db: &DatabaseSessions, presented: &Presented<'_>) {
        match db.adapter.delete_session(presented.cookies.token()).await {
            Ok(deleted) => {
                let result = self
                    .events
                    .sign_out(SignOutEvent::Session(deleted.as_ref()))
                    .await;
                log_event(&self.log, "sign_out", result);
            }
            Err(error) => {
                self.log.error("SignOutError", &error);
            }
        }
    }
}
