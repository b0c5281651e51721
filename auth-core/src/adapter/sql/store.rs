//! Every adapter method in SQL, written once and compiled once per dialect (see `sql/mod.rs`).
//!
//! The including module provides `Db`, `Store` (the adapter, with a `pool` field),
//! `begin_write`, and the macros `ts_in!` / `ts_out!`. Placeholders are `$1`, `$2`, ... which
//! both SQLite and PostgreSQL accept.

use async_trait::async_trait;
use sqlx::{Executor, Row};

use super::super::{db_error, is_unique_violation, parse_kind};
use super::{Db, Store, begin_write};
use crate::{
    Result,
    adapter::{
        Adapter, AdapterAccount, AdapterSession, AdapterUser, Authenticator, LinkOutcome,
        SessionUpdate, Timestamp, UserUpdate, VerificationToken, adapter_error,
    },
};

type DbRow = <Db as sqlx::Database>::Row;

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

/// The account columns in the order [`account`] reads them.
macro_rules! account_cols {
    () => {
        "\"userId\", type, provider, \"providerAccountId\", refresh_token, access_token, \
         expires_at, token_type, scope, id_token, session_state"
    };
}

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

/// The authenticator columns in the order [`authenticator`] reads them.
macro_rules! authenticator_cols {
    () => {
        "\"credentialID\", \"userId\", \"providerAccountId\", \"credentialPublicKey\", counter, \
         \"credentialDeviceType\", \"credentialBackedUp\", transports"
    };
}

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

const INSERT_ACCOUNT: &str = concat!(
    "INSERT INTO accounts (",
    account_cols!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
);
const DELETE_ACCOUNT: &str =
    "DELETE FROM accounts WHERE provider = $1 AND \"providerAccountId\" = $2";
const GET_ACCOUNT: &str = concat!(
    "SELECT ",
    account_cols!(),
    " FROM accounts WHERE provider = $1 AND \"providerAccountId\" = $2"
);

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

/// Reads [`user_cols!`] starting at column `at`.
fn user(row: &DbRow, at: usize) -> sqlx::Result<AdapterUser> {
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

/// Reads [`account_cols!`].
fn account(row: &DbRow) -> sqlx::Result<AdapterAccount> {
    Ok(AdapterAccount {
        user_id: row.try_get(0)?,
        kind: parse_kind(row.try_get(1)?)?,
        provider: row.try_get(2)?,
        provider_account_id: row.try_get(3)?,
        refresh_token: row.try_get(4)?,
        access_token: row.try_get(5)?,
        expires_at: row.try_get(6)?,
        token_type: row.try_get(7)?,
        scope: row.try_get(8)?,
        id_token: row.try_get(9)?,
        session_state: row.try_get(10)?,
    })
}

/// Reads [`session_cols!`].
fn session(row: &DbRow) -> sqlx::Result<AdapterSession> {
    Ok(AdapterSession {
        session_token: row.try_get(0)?,
        user_id: row.try_get(1)?,
        expires: Timestamp::from_millis(row.try_get(2)?),
    })
}

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

async fn insert_user<'e>(
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

async fn insert_account<'e>(
    executor: impl Executor<'e, Database = Db>,
    account: &AdapterAccount,
) -> sqlx::Result<()> {
    sqlx::query(INSERT_ACCOUNT)
        .bind(account.user_id.as_str())
        .bind(account.kind.as_str())
        .bind(account.provider.as_str())
        .bind(account.provider_account_id.as_str())
        .bind(account.refresh_token.as_deref())
        .bind(account.access_token.as_deref())
        .bind(account.expires_at)
        .bind(account.token_type.as_deref())
        .bind(account.scope.as_deref())
        .bind(account.id_token.as_deref())
        .bind(account.session_state.as_deref())
        .execute(executor)
        .await?;
    Ok(())
}

async fn user_by_account<'e>(
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

/// What the first sign-in's transaction found.
enum FirstSignIn {
    /// The user and the account were written.
    Created,
    /// The account already existed; nothing was written.
    Exists(AdapterUser),
}

impl Store {
    /// The first sign-in's writes, in one transaction.
    async fn try_create_user_and_link_account(
        &self,
        user: &AdapterUser,
        account: &AdapterAccount,
    ) -> sqlx::Result<FirstSignIn> {
        let mut tx = begin_write(&self.pool).await?;
        if let Some(existing) =
            user_by_account(&mut *tx, &account.provider, &account.provider_account_id).await?
        {
            tx.rollback().await?;
            return Ok(FirstSignIn::Exists(existing));
        }
        let written = async {
            insert_user(&mut *tx, user).await?;
            insert_account(&mut *tx, account).await
        }
        .await;
        match written {
            Ok(()) => {
                tx.commit().await?;
                Ok(FirstSignIn::Created)
            }
            Err(e) => {
                // The insert's error is the one worth reporting; a failed rollback leaves the
                // connection closed, which rolls back as well.
                tx.rollback().await.ok();
                Err(e)
            }
        }
    }
}

#[async_trait]
impl Adapter for Store {
    async fn create_user(&self, user: AdapterUser) -> Result<AdapterUser> {
        insert_user(&self.pool, &user)
            .await
            .map_err(|e| db_error("could not create the user", &e))?;
        Ok(user)
    }

    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>> {
        sqlx::query(GET_USER)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| row.map(|row| user(&row, 0)).transpose())
            .map_err(|e| db_error("could not read the user", &e))
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>> {
        sqlx::query(GET_USER_BY_EMAIL)
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| row.map(|row| user(&row, 0)).transpose())
            .map_err(|e| db_error("could not read the user by email", &e))
    }

    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser>> {
        user_by_account(&self.pool, provider, provider_account_id)
            .await
            .map_err(|e| db_error("could not read the user by account", &e))
    }

    async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser> {
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
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| row.map(|row| user(&row, 0)).transpose())
            .map_err(|e| db_error("could not update the user", &e))?;
        row.ok_or_else(|| adapter_error("could not update the user", "the user does not exist"))
    }

    async fn delete_user(&self, id: &str) -> Result<()> {
        let run = async {
            let mut tx = begin_write(&self.pool).await?;
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

    async fn link_account(&self, account: AdapterAccount) -> Result<()> {
        insert_account(&self.pool, &account)
            .await
            .map_err(|e| db_error("could not link the account", &e))
    }

    async fn create_user_and_link_account(
        &self,
        user: AdapterUser,
        mut account: AdapterAccount,
    ) -> Result<LinkOutcome> {
        account.user_id.clone_from(&user.id);
        match self.try_create_user_and_link_account(&user, &account).await {
            Ok(FirstSignIn::Created) => {
                return Ok(LinkOutcome {
                    user,
                    created: true,
                });
            }
            Ok(FirstSignIn::Exists(user)) => {
                return Ok(LinkOutcome {
                    user,
                    created: false,
                });
            }
            // A concurrent first sign-in committed the same account (or the same email) first:
            // this transaction was rolled back; the winner's user is read below.
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => {
                return Err(db_error(
                    "could not create the user and link the account",
                    &e,
                ));
            }
        }
        match user_by_account(&self.pool, &account.provider, &account.provider_account_id).await {
            Ok(Some(user)) => Ok(LinkOutcome {
                user,
                created: false,
            }),
            Ok(None) => Err(adapter_error(
                "could not create the user and link the account",
                "the user's email belongs to another user",
            )),
            Err(e) => Err(db_error("could not read the user by account", &e)),
        }
    }

    async fn unlink_account(&self, provider: &str, provider_account_id: &str) -> Result<()> {
        sqlx::query(DELETE_ACCOUNT)
            .bind(provider)
            .bind(provider_account_id)
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("could not unlink the account", &e))?;
        Ok(())
    }

    async fn get_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterAccount>> {
        sqlx::query(GET_ACCOUNT)
            .bind(provider)
            .bind(provider_account_id)
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| row.as_ref().map(account).transpose())
            .map_err(|e| db_error("could not read the account", &e))
    }

    async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession> {
        sqlx::query(INSERT_SESSION)
            .bind(session.session_token.as_str())
            .bind(session.user_id.as_str())
            .bind(session.expires.millis())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("could not create the session", &e))?;
        Ok(session)
    }

    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser)>> {
        sqlx::query(GET_SESSION_AND_USER)
            .bind(session_token)
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| {
                row.map(|row| Ok((session(&row)?, user(&row, 3)?)))
                    .transpose()
            })
            .map_err(|e| db_error("could not read the session", &e))
    }

    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>> {
        sqlx::query(UPDATE_SESSION)
            .bind(update.session_token.as_str())
            .bind(update.expires.millis())
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| row.as_ref().map(session).transpose())
            .map_err(|e| db_error("could not update the session", &e))
    }

    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>> {
        sqlx::query(DELETE_SESSION)
            .bind(session_token)
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| row.as_ref().map(session).transpose())
            .map_err(|e| db_error("could not delete the session", &e))
    }

    async fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> Result<VerificationToken> {
        sqlx::query(INSERT_VERIFICATION_TOKEN)
            .bind(token.identifier.as_str())
            .bind(token.token.as_str())
            .bind(token.expires.millis())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("could not create the verification token", &e))?;
        Ok(token)
    }

    async fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> Result<Option<VerificationToken>> {
        sqlx::query(USE_VERIFICATION_TOKEN)
            .bind(identifier)
            .bind(token)
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| {
                row.map(|row| {
                    Ok(VerificationToken {
                        identifier: row.try_get(0)?,
                        token: row.try_get(1)?,
                        expires: Timestamp::from_millis(row.try_get(2)?),
                    })
                })
                .transpose()
            })
            .map_err(|e| db_error("could not use the verification token", &e))
    }

    async fn get_authenticator(&self, credential_id: &str) -> Result<Option<Authenticator>> {
        sqlx::query(GET_AUTHENTICATOR)
            .bind(credential_id)
            .fetch_optional(&self.pool)
            .await
            .and_then(|row| row.as_ref().map(authenticator).transpose())
            .map_err(|e| db_error("could not read the authenticator", &e))
    }

    async fn create_authenticator(&self, authenticator: Authenticator) -> Result<Authenticator> {
        sqlx::query(INSERT_AUTHENTICATOR)
            .bind(authenticator.credential_id.as_str())
            .bind(authenticator.user_id.as_str())
            .bind(authenticator.provider_account_id.as_str())
            .bind(authenticator.credential_public_key.as_str())
            .bind(authenticator.counter)
            .bind(authenticator.credential_device_type.as_str())
            .bind(authenticator.credential_backed_up)
            .bind(authenticator.transports.as_deref())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("could not create the authenticator", &e))?;
        Ok(authenticator)
    }

    async fn list_authenticators_by_user_id(&self, user_id: &str) -> Result<Vec<Authenticator>> {
        sqlx::query(LIST_AUTHENTICATORS)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .and_then(|rows| rows.iter().map(authenticator).collect())
            .map_err(|e| db_error("could not list the authenticators", &e))
    }

    async fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: i64,
    ) -> Result<Authenticator> {
        let updated = sqlx::query(UPDATE_AUTHENTICATOR_COUNTER)
            .bind(credential_id)
            .bind(counter)
            .fetch_optional(&self.pool)
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
}
