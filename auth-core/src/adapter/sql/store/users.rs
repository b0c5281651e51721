//! The `users` table, and `delete_user`, which removes the user's rows in every table.

use sqlx::{Executor, Pool, Row};

use super::{Db, DbRow, begin_write, db_error};
use crate::{
    Result,
    adapter::{AdapterUser, Timestamp, UserUpdate, adapter_error},
};

/// The user columns, optionally qualified by a table alias, in the order [`user`] reads them.
macro_rules! user_cols {
    () => {
        concat!("id, name, email, ", ts_out!("\"emailVerified\""), ", image")
    };
    ($t:literal) => {
        concat!(
            $t,
            ".id, ",
            $t,
            ".name, ",
            $t,
            ".email, ",
            ts_out!(concat!($t, ".\"emailVerified\"")),
            ", ",
            $t,
            ".image"
        )
    };
}
pub(super) use user_cols;

const INSERT_USER: &str = concat!(
    "INSERT INTO users (id, name, email, \"emailVerified\", image) VALUES ($1, $2, $3, ",
    ts_in!("$4"),
    ", $5)"
);
const GET_USER: &str = concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1");
const GET_USER_BY_EMAIL: &str = concat!("SELECT ", user_cols!(), " FROM users WHERE email = $1");
const GET_USER_BY_ACCOUNT: &str = concat!(
    "SELECT ",
    user_cols!(),
    " FROM users WHERE id = (SELECT \"userId\" FROM accounts \
     WHERE provider = $1 AND \"providerAccountId\" = $2)"
);
/// `$2`, `$4`, `$6`, `$8` say whether to set the field; the value follows each flag.
const UPDATE_USER: &str = concat!(
    "UPDATE users SET name = CASE WHEN $2 THEN $3 ELSE name END, \
     email = CASE WHEN $4 THEN $5 ELSE email END, \
     \"emailVerified\" = CASE WHEN $6 THEN ",
    ts_in!("$7"),
    " ELSE \"emailVerified\" END, \
     image = CASE WHEN $8 THEN $9 ELSE image END \
     WHERE id = $1 RETURNING ",
    user_cols!()
);
const DELETE_USER_SESSIONS: &str = "DELETE FROM sessions WHERE \"userId\" = $1";
const DELETE_USER_ACCOUNTS: &str = "DELETE FROM accounts WHERE \"userId\" = $1";
const DELETE_USER_AUTHENTICATORS: &str = "DELETE FROM authenticators WHERE \"userId\" = $1";
const DELETE_USER: &str = "DELETE FROM users WHERE id = $1";

/// Reads [`user_cols!`] starting at column `at`.
pub(super) fn user(row: &DbRow, at: usize) -> sqlx::Result<AdapterUser> {
    Ok(AdapterUser {
        id: row.try_get(at)?,
        name: row.try_get(at + 1)?,
        email: row.try_get(at + 2)?,
        email_verified: row
            .try_get::<Option<i64>, _>(at + 3)?
            .map(Timestamp::from_millis),
        image: row.try_get(at + 4)?,
    })
}

pub(super) async fn insert<'e>(
    executor: impl Executor<'e, Database = Db>,
    user: &AdapterUser,
) -> sqlx::Result<()> {
    sqlx::query(INSERT_USER)
        .bind(user.id.as_str())
        .bind(user.name.as_deref())
        .bind(user.email.as_deref())
        .bind(user.email_verified.map(Timestamp::millis))
        .bind(user.image.as_deref())
        .execute(executor)
        .await?;
    Ok(())
}

pub(super) async fn by_account<'e>(
    executor: impl Executor<'e, Database = Db>,
    provider: &str,
    provider_account_id: &str,
) -> sqlx::Result<Option<AdapterUser>> {
    sqlx::query(GET_USER_BY_ACCOUNT)
        .bind(provider)
        .bind(provider_account_id)
        .fetch_optional(executor)
        .await?
        .map(|row| user(&row, 0))
        .transpose()
}

pub(super) async fn create(pool: &Pool<Db>, user: AdapterUser) -> Result<AdapterUser> {
    insert(pool, &user)
        .await
        .map_err(|e| db_error("could not create the user", &e))?;
    Ok(user)
}

pub(super) async fn get(pool: &Pool<Db>, id: &str) -> Result<Option<AdapterUser>> {
    sqlx::query(GET_USER)
        .bind(id)
        .fetch_optional(pool)
        .await
        .and_then(|row| row.map(|row| user(&row, 0)).transpose())
        .map_err(|e| db_error("could not read the user", &e))
}

pub(super) async fn get_by_email(pool: &Pool<Db>, email: &str) -> Result<Option<AdapterUser>> {
    sqlx::query(GET_USER_BY_EMAIL)
        .bind(email)
        .fetch_optional(pool)
        .await
        .and_then(|row| row.map(|row| user(&row, 0)).transpose())
        .map_err(|e| db_error("could not read the user by email", &e))
}

pub(super) async fn get_by_account(
    pool: &Pool<Db>,
    provider: &str,
    provider_account_id: &str,
) -> Result<Option<AdapterUser>> {
    by_account(pool, provider, provider_account_id)
        .await
        .map_err(|e| db_error("could not read the user by account", &e))
}

pub(super) async fn update(pool: &Pool<Db>, update: UserUpdate) -> Result<AdapterUser> {
    let row = sqlx::query(UPDATE_USER)
        .bind(update.id.as_str())
        .bind(update.name.is_some())
        .bind(update.name.flatten())
        .bind(update.email.is_some())
        .bind(update.email.flatten())
        .bind(update.email_verified.is_some())
        .bind(update.email_verified.flatten().map(Timestamp::millis))
        .bind(update.image.is_some())
        .bind(update.image.flatten())
        .fetch_optional(pool)
        .await
        .and_then(|row| row.map(|row| user(&row, 0)).transpose())
        .map_err(|e| db_error("could not update the user", &e))?;
    row.ok_or_else(|| adapter_error("could not update the user", "the user does not exist"))
}

/// Deletes the user's sessions, accounts and authenticators, then the user, in one transaction.
pub(super) async fn delete(pool: &Pool<Db>, id: &str) -> Result<()> {
    let run = async {
        let mut tx = begin_write(pool).await?;
        for statement in [
            DELETE_USER_SESSIONS,
            DELETE_USER_ACCOUNTS,
            DELETE_USER_AUTHENTICATORS,
            DELETE_USER,
        ] {
            sqlx::query(statement).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await
    };
    run.await
        .map_err(|e| db_error("could not delete the user", &e))
}
