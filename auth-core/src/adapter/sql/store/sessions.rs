//! The `sessions` table.

use sqlx::{Pool, Row};

use super::users::{user, user_cols};
use super::{Db, DbRow, db_error};
use crate::{
    Result,
    adapter::{AdapterSession, AdapterUser, SessionUpdate, Timestamp},
    secret::SessionToken,
};

/// The session columns in the order [`session`] reads them.
macro_rules! session_cols {
    ($t:literal) => {
        concat!(
            $t,
            ".\"sessionToken\", ",
            $t,
            ".\"userId\", ",
            ts_out!(concat!($t, ".expires"))
        )
    };
}

const INSERT_SESSION: &str = concat!(
    "INSERT INTO sessions (\"sessionToken\", \"userId\", expires) VALUES ($1, $2, ",
    ts_in!("$3"),
    ")"
);
const GET_SESSION_AND_USER: &str = concat!(
    "SELECT ",
    session_cols!("s"),
    ", ",
    user_cols!("u"),
    " FROM sessions s JOIN users u ON u.id = s.\"userId\" WHERE s.\"sessionToken\" = $1"
);
const UPDATE_SESSION: &str = concat!(
    "UPDATE sessions SET expires = ",
    ts_in!("$2"),
    " WHERE \"sessionToken\" = $1 RETURNING ",
    session_cols!("sessions")
);
const DELETE_SESSION: &str = concat!(
    "DELETE FROM sessions WHERE \"sessionToken\" = $1 RETURNING ",
    session_cols!("sessions")
);

/// Reads [`session_cols!`].
fn session(row: &DbRow) -> sqlx::Result<AdapterSession> {
    Ok(AdapterSession {
        session_token: SessionToken::from(row.try_get::<String, _>(0)?),
        user_id: row.try_get(1)?,
        expires: Timestamp::from_millis(row.try_get(2)?),
    })
}

pub(super) async fn create(pool: &Pool<Db>, session: AdapterSession) -> Result<AdapterSession> {
    sqlx::query(INSERT_SESSION)
        .bind(session.session_token.expose())
        .bind(session.user_id.as_str())
        .bind(session.expires.millis())
        .execute(pool)
        .await
        .map_err(|e| db_error("could not create the session", &e))?;
    Ok(session)
}

/// The session with its user: one join, the user's columns after the session's three.
pub(super) async fn get_with_user(
    pool: &Pool<Db>,
    session_token: &str,
) -> Result<Option<(AdapterSession, AdapterUser)>> {
    sqlx::query(GET_SESSION_AND_USER)
        .bind(session_token)
        .fetch_optional(pool)
        .await
        .and_then(|row| {
            row.map(|row| Ok((session(&row)?, user(&row, 3)?)))
                .transpose()
        })
        .map_err(|e| db_error("could not read the session", &e))
}

pub(super) async fn update(
    pool: &Pool<Db>,
    update: SessionUpdate,
) -> Result<Option<AdapterSession>> {
    sqlx::query(UPDATE_SESSION)
        .bind(update.session_token.expose())
        .bind(update.expires.millis())
        .fetch_optional(pool)
        .await
        .and_then(|row| row.as_ref().map(session).transpose())
        .map_err(|e| db_error("could not update the session", &e))
}

pub(super) async fn delete(pool: &Pool<Db>, session_token: &str) -> Result<Option<AdapterSession>> {
    sqlx::query(DELETE_SESSION)
        .bind(session_token)
        .fetch_optional(pool)
        .await
        .and_then(|row| row.as_ref().map(session).transpose())
        .map_err(|e| db_error("could not delete the session", &e))
}
