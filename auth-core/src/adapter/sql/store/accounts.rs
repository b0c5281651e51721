//! The `accounts` table, and the first sign-in's transaction (a user and their account).

use sqlx::{Executor, Pool, Row};

use super::{Db, DbRow, begin_write, db_error, is_unique_violation, parse_kind, users};
use crate::{
    Result,
    adapter::{AdapterAccount, AdapterUser, LinkOutcome, adapter_error},
    secret::{AccessToken, IdToken, RefreshToken},
};

/// The account columns in the order [`account`] reads them.
macro_rules! account_cols {
    () => {
        "\"userId\", type, provider, \"providerAccountId\", refresh_token, access_token, \
         expires_at, token_type, scope, id_token, session_state"
    };
}

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

/// Reads [`account_cols!`].
fn account(row: &DbRow) -> sqlx::Result<AdapterAccount> {
    Ok(AdapterAccount {
        user_id: row.try_get(0)?,
        kind: parse_kind(row.try_get(1)?)?,
        provider: row.try_get(2)?,
        provider_account_id: row.try_get(3)?,
        refresh_token: row.try_get::<Option<String>, _>(4)?.map(RefreshToken::from),
        access_token: row.try_get::<Option<String>, _>(5)?.map(AccessToken::from),
        expires_at: row.try_get(6)?,
        token_type: row.try_get(7)?,
        scope: row.try_get(8)?,
        id_token: row.try_get::<Option<String>, _>(9)?.map(IdToken::from),
        session_state: row.try_get(10)?,
    })
}

async fn insert<'e>(
    executor: impl Executor<'e, Database = Db>,
    account: &AdapterAccount,
) -> sqlx::Result<()> {
    sqlx::query(INSERT_ACCOUNT)
        .bind(account.user_id.as_str())
        .bind(account.kind.as_str())
        .bind(account.provider.as_str())
        .bind(account.provider_account_id.as_str())
        .bind(account.refresh_token.as_ref().map(RefreshToken::expose))
        .bind(account.access_token.as_ref().map(AccessToken::expose))
        .bind(account.expires_at)
        .bind(account.token_type.as_deref())
        .bind(account.scope.as_deref())
        .bind(account.id_token.as_ref().map(IdToken::expose))
        .bind(account.session_state.as_deref())
        .execute(executor)
        .await?;
    Ok(())
}

pub(super) async fn link(pool: &Pool<Db>, account: AdapterAccount) -> Result<()> {
    insert(pool, &account)
        .await
        .map_err(|e| db_error("could not link the account", &e))
}

pub(super) async fn unlink(
    pool: &Pool<Db>,
    provider: &str,
    provider_account_id: &str,
) -> Result<()> {
    sqlx::query(DELETE_ACCOUNT)
        .bind(provider)
        .bind(provider_account_id)
        .execute(pool)
        .await
        .map_err(|e| db_error("could not unlink the account", &e))?;
    Ok(())
}

pub(super) async fn get(
    pool: &Pool<Db>,
    provider: &str,
    provider_account_id: &str,
) -> Result<Option<AdapterAccount>> {
    sqlx::query(GET_ACCOUNT)
        .bind(provider)
        .bind(provider_account_id)
        .fetch_optional(pool)
        .await
        .and_then(|row| row.as_ref().map(account).transpose())
        .map_err(|e| db_error("could not read the account", &e))
}

/// What the first sign-in's transaction found.
enum FirstSignIn {
    /// The user and the account were written.
    Created,
    /// The account already existed; nothing was written.
    Exists(AdapterUser),
}

/// The first sign-in's writes, in one transaction.
async fn try_create_user_and_link(
    pool: &Pool<Db>,
    user: &AdapterUser,
    account: &AdapterAccount,
) -> sqlx::Result<FirstSignIn> {
    let mut tx = begin_write(pool).await?;
    if let Some(existing) =
        users::by_account(&mut *tx, &account.provider, &account.provider_account_id).await?
    {
        tx.rollback().await?;
        return Ok(FirstSignIn::Exists(existing));
    }
    let written = async {
        users::insert(&mut *tx, user).await?;
        insert(&mut *tx, account).await
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

pub(super) async fn create_user_and_link(
    pool: &Pool<Db>,
    user: AdapterUser,
    mut account: AdapterAccount,
) -> Result<LinkOutcome> {
    account.user_id.clone_from(&user.id);
    match try_create_user_and_link(pool, &user, &account).await {
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
    match users::by_account(pool, &account.provider, &account.provider_account_id).await {
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
