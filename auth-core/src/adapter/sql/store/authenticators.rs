//! The `authenticators` table (WebAuthn credentials).

use sqlx::{Pool, Row};

use super::{Db, DbRow, db_error};
use crate::{
    Result,
    adapter::{Authenticator, adapter_error},
};

/// The authenticator columns in the order [`authenticator`] reads them.
macro_rules! authenticator_cols {
    () => {
        "\"credentialID\", \"userId\", \"providerAccountId\", \"credentialPublicKey\", counter, \
         \"credentialDeviceType\", \"credentialBackedUp\", transports"
    };
}

const INSERT_AUTHENTICATOR: &str = concat!(
    "INSERT INTO authenticators (",
    authenticator_cols!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
);
const GET_AUTHENTICATOR: &str = concat!(
    "SELECT ",
    authenticator_cols!(),
    " FROM authenticators WHERE \"credentialID\" = $1"
);
const LIST_AUTHENTICATORS: &str = concat!(
    "SELECT ",
    authenticator_cols!(),
    " FROM authenticators WHERE \"userId\" = $1 ORDER BY \"credentialID\""
);
const UPDATE_AUTHENTICATOR_COUNTER: &str = concat!(
    "UPDATE authenticators SET counter = $2 WHERE \"credentialID\" = $1 RETURNING ",
    authenticator_cols!()
);

/// Reads [`authenticator_cols!`].
fn authenticator(row: &DbRow) -> sqlx::Result<Authenticator> {
    Ok(Authenticator {
        credential_id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        provider_account_id: row.try_get(2)?,
        credential_public_key: row.try_get(3)?,
        counter: row.try_get(4)?,
        credential_device_type: row.try_get(5)?,
        credential_backed_up: row.try_get(6)?,
        transports: row.try_get(7)?,
    })
}

pub(super) async fn get(pool: &Pool<Db>, credential_id: &str) -> Result<Option<Authenticator>> {
    sqlx::query(GET_AUTHENTICATOR)
        .bind(credential_id)
        .fetch_optional(pool)
        .await
        .and_then(|row| row.as_ref().map(authenticator).transpose())
        .map_err(|e| db_error("could not read the authenticator", &e))
}

pub(super) async fn create(pool: &Pool<Db>, authenticator: Authenticator) -> Result<Authenticator> {
    sqlx::query(INSERT_AUTHENTICATOR)
        .bind(authenticator.credential_id.as_str())
        .bind(authenticator.user_id.as_str())
        .bind(authenticator.provider_account_id.as_str())
        .bind(authenticator.credential_public_key.as_str())
        .bind(authenticator.counter)
        .bind(authenticator.credential_device_type.as_str())
        .bind(authenticator.credential_backed_up)
        .bind(authenticator.transports.as_deref())
        .execute(pool)
        .await
        .map_err(|e| db_error("could not create the authenticator", &e))?;
    Ok(authenticator)
}

pub(super) async fn list_by_user(pool: &Pool<Db>, user_id: &str) -> Result<Vec<Authenticator>> {
    sqlx::query(LIST_AUTHENTICATORS)
        .bind(user_id)
        .fetch_all(pool)
        .await
        .and_then(|rows| rows.iter().map(authenticator).collect())
        .map_err(|e| db_error("could not list the authenticators", &e))
}

pub(super) async fn update_counter(
    pool: &Pool<Db>,
    credential_id: &str,
    counter: i64,
) -> Result<Authenticator> {
    let updated = sqlx::query(UPDATE_AUTHENTICATOR_COUNTER)
        .bind(credential_id)
        .bind(counter)
        .fetch_optional(pool)
        .await
        .and_then(|row| row.as_ref().map(authenticator).transpose())
        .map_err(|e| db_error("could not update the authenticator counter", &e))?;
    updated.ok_or_else(|| {
        adapter_error(
            "could not update the authenticator counter",
            "the authenticator does not exist",
        )
    })
}
