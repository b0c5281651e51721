//! [`PostgresAdapter`]: the adapter on PostgreSQL, through sqlx.

use std::sync::LazyLock;

use sqlx::{
    Pool, Postgres, Transaction,
    migrate::Migrator,
    postgres::{PgPool, PgPoolOptions},
};

use super::{db_error, migrate_error, migrator};
use crate::Result;

static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| {
    migrator(&[
        ("auth.js tables", include_str!("migrations/postgres.sql")),
        (
            "rate limits",
            include_str!("migrations/postgres_2_rate_limits.sql"),
        ),
    ])
});

/// How long [`PostgresAdapter::connect`]'s pool waits for a connection (sqlx retries a refused
/// connection until then).
pub(crate) const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// An [`Adapter`](crate::adapter::Adapter) on PostgreSQL, with the schema of
/// `@auth/pg-adapter` (ids as TEXT).
///
/// Timestamps are `TIMESTAMPTZ` columns, converted to and from epoch milliseconds in SQL.
/// Writes that span several statements run in one transaction; a first sign-in that loses a
/// race on the account's (or the email's) unique constraint rolls back and returns the winner's
/// user.
///
/// The tables are created in the connection's `search_path` (normally `public`); to use another
/// schema, set it in the URL (`?options=-c%20search_path%3Dauth`).
///
/// Clones share the connection pool.
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
#[derive(Debug, Clone)]
pub struct PostgresAdapter {
    pool: PgPool,
}

impl PostgresAdapter {
    /// Connects to `url` (`postgres://user:password@host/database`) and runs the migrations.
    ///
    /// A request waits at most 5 s for a connection: with the database down it
    /// fails (the Auth.js error page) after that, not after sqlx's default of 30 s. Build the
    /// pool yourself and use [`from_pool`](Self::from_pool) for other settings.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .map_err(|e| db_error("could not connect to PostgreSQL", &e))?;
        let adapter = Self::from_pool(pool);
        adapter.migrate().await?;
        Ok(adapter)
    }

    /// An adapter on an existing pool. Nothing is run: call [`migrate`](Self::migrate) unless
    /// the tables already exist.
    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Creates or upgrades the tables (the migrations are embedded in the binary and recorded in
    /// `_authjs_migrations`).
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| migrate_error(&e))
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

type Db = Postgres;
type Store = PostgresAdapter;

/// A transaction at the default isolation (read committed): races are settled by the unique
/// constraints.
async fn begin_write(pool: &Pool<Db>) -> sqlx::Result<Transaction<'static, Db>> {
    pool.begin().await
}

/// A bound epoch-millisecond parameter as a `timestamptz`.
macro_rules! ts_in {
    ($param:expr) => {
        concat!("to_timestamp(", $param, "::float8 / 1000)")
    };
}

/// A `timestamptz` column as epoch milliseconds (`int8`).
macro_rules! ts_out {
    ($column:expr) => {
        concat!("(extract(epoch from ", $column, ") * 1000)::int8")
    };
}

// Compiled once per dialect on purpose: the SQL and the row mapping are written once.
#[allow(clippy::duplicate_mod)]
#[path = "store/mod.rs"]
mod store;
