//! The `verification_token` table (magic links).

use sqlx::{Pool, Row};

use super::{Db, db_error};
use crate::{
    Result,
    adapter::{Timestamp, VerificationToken},
    secret::HashedToken,
};

const INSERT_VERIFICATION_TOKEN: &str = concat!(
    "INSERT INTO verification_token (identifier, token, expires) VALUES ($1, $2, ",
    ts_in!("$3"),
    ")"
);
/// One statement: the token is found and deleted atomically, so it works once even under
/// concurrent use.
const USE_VERIFICATION_TOKEN: &str = concat!(
    "DELETE FROM verification_token WHERE identifier = $1 AND token = $2 \
     RETURNING identifier, token, ",
    ts_out!("expires")
);

pub(super) async fn create(pool: &Pool<Db>, token: VerificationToken) -> Result<VerificationToken> {
    sqlx::query(INSERT_VERIFICATION_TOKEN)
        .bind(token.identifier.as_str())
        .bind(token.token.expose())
        .bind(token.expires.millis())
        .execute(pool)
        .await
        .map_err(|e| db_error("could not create the verification token", &e))?;
    Ok(token)
}

/// `use_verification_token`: the row, deleted, or `None`.
pub(super) async fn take(
    pool: &Pool<Db>,
    identifier: &str,
    token: &str,
) -> Result<Option<VerificationToken>> {
    sqlx::query(USE_VERIFICATION_TOKEN)
        .bind(identifier)
        .bind(token)
        .fetch_optional(pool)
        .await
        .and_then(|row| {
            row.map(|row| {
                Ok(VerificationToken {
                    identifier: row.try_get(0)?,
                    token: HashedToken::from(row.try_get::<String, _>(1)?),
                    expires: Timestamp::from_millis(row.try_get(2)?),
                })
            })
            .transpose()
        })
        .map_err(|e| db_error("could not use the verification token", &e))
}
