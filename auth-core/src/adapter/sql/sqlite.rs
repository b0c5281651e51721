//! [`SqliteAdapter`]: the adapter on SQLite, through sqlx.

use std::{str::FromStr, sync::LazyLock, time::Duration};

use sqlx::{
    Pool, Sqlite, Transaction,
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions},
};

use super::{db_error, migrate_error, migrator};
use crate::Result;

/// How long a connection waits for another one's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| {
    migrator(&[
        ("auth.js tables", include_str!("migrations/sqlite.sql")),
        (
            "rate limits",
            include_str!("migrations/sqlite_2_rate_limits.sql"),
        ),
    ])
});

/// An [`Adapter`](crate::adapter::Adapter) on SQLite, with the schema of Auth.js's SQL adapters.
///
/// Timestamps are stored as INTEGER milliseconds since the Unix epoch. Writes that span several
/// statements run in one `BEGIN IMMEDIATE` transaction, so concurrent writers queue on the
/// database lock (up to a busy timeout) instead of failing with `SQLITE_BUSY`.
///
/// Clones share the connection pool.
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
#[derive(Debug, Clone)]
pub struct SqliteAdapter {
    pool: SqlitePool,
}

impl SqliteAdapter {
    /// Opens the database at `url` (`sqlite://path/to/file.db`, `sqlite::memory:`), creating the
    /// file when it is missing, and runs the migrations.
    ///
    /// A file database is switched to WAL journaling, so readers never wait for a writer; a
    /// 30-second busy timeout covers writers waiting for each other. An in-memory database lives
    /// as long as its single pooled connection, which is therefore never closed for idleness.
    pub async fn connect(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| db_error("invalid SQLite URL", &e))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = if in_memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await
        } else {
            SqlitePoolOptions::new()
                .connect_with(options.journal_mode(SqliteJournalMode::Wal))
                .await
        }
        .map_err(|e| db_error("could not open the SQLite database", &e))?;
        let adapter = Self::from_pool(pool);
        adapter.migrate().await?;
        Ok(adapter)
    }

    /// An adapter on an existing pool. Nothing is run: call [`migrate`](Self::migrate) unless
    /// the tables already exist. The pool's connections should enable foreign keys and a busy
    /// timeout (sqlx's defaults do).
    pub fn from_pool(pool: SqlitePool) -> Self {
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
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

type Db = Sqlite;
type Store = SqliteAdapter;

/// A transaction that holds the write lock from its first statement (`BEGIN IMMEDIATE`): a
/// deferred transaction that reads and then writes can fail with `SQLITE_BUSY` when another
/// writer got in between, whatever the busy timeout.
async fn begin_write(pool: &Pool<Db>) -> sqlx::Result<Transaction<'static, Db>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// A bound epoch-millisecond parameter, as stored.
macro_rules! ts_in {
    ($param:expr) => {
        $param
    };
}

/// A stored timestamp, as epoch milliseconds.
macro_rules! ts_out {
    ($column:expr) => {
        $column
    };
}

// Compiled once per dialect on purpose: the SQL and the row mapping are written once.
#[allow(clippy::duplicate_mod)]
#[path = "store/mod.rs"]
mod store;
