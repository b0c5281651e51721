//! The adapter conformance suite (`auth_core::adapter::testing`) against every store: memory,
//! SQLite (a fresh temporary file per test) and PostgreSQL (a fresh schema per test, in the
//! database named by `AUTH_TEST_POSTGRES_URL`, which `cargo xtask ci` starts and sets).

use std::{
    str::FromStr,
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use auth_core::adapter::{
    Adapter, AdapterSession, AdapterUser, MemoryAdapter, PostgresAdapter, SqliteAdapter, Timestamp,
    testing,
};
use sqlx::{
    Connection, PgConnection,
    postgres::{PgConnectOptions, PgPoolOptions},
};

/// A name no other test (in this process or another) uses.
fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

struct MemoryStore {
    adapter: MemoryAdapter,
}

impl MemoryStore {
    async fn new() -> Self {
        Self {
            adapter: MemoryAdapter::new(),
        }
    }

    async fn finish(self) {}
}

struct SqliteStore {
    adapter: SqliteAdapter,
    path: std::path::PathBuf,
}

impl SqliteStore {
    async fn new() -> Self {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name("auth_core_adapters")));
        let url = format!("sqlite://{}", path.display());
        let adapter = SqliteAdapter::connect(&url)
            .await
            .expect("SqliteAdapter::connect on a fresh file");
        Self { adapter, path }
    }

    async fn finish(self) {
        self.adapter.pool().close().await;
    }
}

/// Removes the database files, also when a check panicked.
impl Drop for SqliteStore {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = self.path.clone().into_os_string();
            name.push(suffix);
            // Already gone is fine: only the main file always exists.
            std::fs::remove_file(name).ok();
        }
    }
}

fn postgres_url() -> String {
    std::env::var("AUTH_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "AUTH_TEST_POSTGRES_URL is not set: the PostgreSQL adapter tests need a server. \
             Run `cargo xtask ci` (it starts a throw-away PostgreSQL and sets the variable), or \
             set AUTH_TEST_POSTGRES_URL=postgres://user@host:port/database yourself."
        )
    })
}

struct PostgresStore {
    adapter: PostgresAdapter,
    schema: String,
}

impl PostgresStore {
    /// A fresh schema and an adapter whose connections use it, migrated. The pool is small so
    /// that many tests in parallel stay under the server's connection limit.
    async fn new() -> Self {
        let schema = create_schema().await;
        let options = PgConnectOptions::from_str(&postgres_url())
            .expect("AUTH_TEST_POSTGRES_URL must be a PostgreSQL URL")
            .options([("search_path", schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .expect("connect to AUTH_TEST_POSTGRES_URL");
        let adapter = PostgresAdapter::from_pool(pool);
        adapter.migrate().await.expect("migrate a fresh schema");
        Self { adapter, schema }
    }

    async fn finish(self) {
        self.adapter.pool().close().await;
        drop_schema(&self.schema).await;
    }
}

async fn admin() -> PgConnection {
    PgConnection::connect(&postgres_url())
        .await
        .unwrap_or_else(|e| panic!("cannot connect to AUTH_TEST_POSTGRES_URL: {e}"))
}

async fn create_schema() -> String {
    let schema = unique_name("t");
    let mut conn = admin().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("CREATE SCHEMA");
    schema
}

async fn drop_schema(schema: &str) {
    let mut conn = admin().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut conn)
        .await
        .expect("DROP SCHEMA");
}

/// One test per conformance check for the store made by `$store::new()`.
macro_rules! checks {
    ($store:ident: $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let store = $store::new().await;
                testing::$check(&store.adapter).await;
                store.finish().await;
            }
        )*
    };
}

/// The whole suite, as a module per store.
macro_rules! conformance {
    ($($module:ident => $store:ident),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                checks!($store:
                    users,
                    user_uniqueness,
                    update_user,
                    accounts,
                    account_rules,
                    unlink_account,
                    sessions,
                    expired_sessions_are_returned,
                    session_rules,
                    verification_tokens,
                    authenticators,
                    delete_user_cascades,
                    create_user_and_link_account,
                    create_user_and_link_account_is_atomic,
                    timestamps_round_trip,
                    concurrent_first_sign_in,
                    concurrent_first_sign_in_distinct_emails,
                    concurrent_verification_token_use,
                    rate_limits,
                    concurrent_rate_limit_hits,
                );

                /// The store keeps its own rate limiter (the core's in-memory one would not be
                /// shared between servers).
                #[tokio::test]
                async fn keeps_a_rate_limiter() {
                    let store = $store::new().await;
                    assert!(store.adapter.rate_limiter().is_some());
                    store.finish().await;
                }

                /// Every check in turn on one store: the checks do not disturb each other.
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn run_all_on_one_store() {
                    let store = $store::new().await;
                    testing::run_all(&store.adapter).await;
                    store.finish().await;
                }
            }
        )*
    };
}

conformance! {
    memory => MemoryStore,
    sqlite => SqliteStore,
    postgres => PostgresStore,
}

fn probe_user() -> AdapterUser {
    AdapterUser {
        id: unique_name("user"),
        name: Some("Probe".to_owned()),
        email: None,
        email_verified: None,
        image: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_clones_share_their_data() {
    let adapter = MemoryAdapter::new();
    let user = probe_user();
    adapter
        .clone()
        .create_user(user.clone())
        .await
        .expect("create_user");
    assert_eq!(
        adapter.get_user(&user.id).await.expect("get_user"),
        Some(user)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_connect_creates_the_file_and_keeps_data_across_reopens() {
    let dir = std::env::temp_dir().join(unique_name("auth_core_sqlite_dir"));
    std::fs::create_dir(&dir).expect("create a temporary folder");
    let path = dir.join("auth.db");
    assert!(!path.exists());
    let url = format!("sqlite://{}", path.display());

    let user = probe_user();
    let first = SqliteAdapter::connect(&url)
        .await
        .expect("connect (create)");
    assert!(path.exists(), "connect must create the database file");
    first.create_user(user.clone()).await.expect("create_user");
    let limiter = first.rate_limiter().expect("a rate limiter");
    let hit = limiter.hit("email:bob@example.com", 60_000, 1_000).await;
    assert_eq!(hit.expect("hit"), 1);
    first.pool().close().await;

    let second = SqliteAdapter::connect(&url)
        .await
        .expect("connect (reopen)");
    second.migrate().await.expect("migrate twice is a no-op");
    // Rate-limit counters survive a restart (issue 12, finding 5).
    let limiter = second.rate_limiter().expect("a rate limiter");
    let hit = limiter.hit("email:bob@example.com", 60_000, 2_000).await;
    assert_eq!(hit.expect("hit"), 2, "the count must survive reopening");
    assert_eq!(
        second.get_user(&user.id).await.expect("get_user"),
        Some(user),
        "data must survive reopening, and the migrations must not run again"
    );
    second.pool().close().await;
    std::fs::remove_dir_all(&dir).expect("remove the temporary folder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_in_memory_database_is_shared_by_the_pool() {
    let adapter = SqliteAdapter::connect("sqlite::memory:")
        .await
        .expect("connect to sqlite::memory:");
    testing::users(&adapter).await;
    testing::concurrent_first_sign_in(&adapter).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connect_runs_the_migrations_once() {
    let schema = create_schema().await;
    let separator = if postgres_url().contains('?') {
        '&'
    } else {
        '?'
    };
    let url = format!(
        "{}{separator}options=-c%20search_path%3D{schema}",
        postgres_url()
    );
    let user = probe_user();
    let first = PostgresAdapter::connect(&url).await.expect("connect");
    first.create_user(user.clone()).await.expect("create_user");
    first.pool().close().await;

    let second = PostgresAdapter::connect(&url).await.expect("connect again");
    second.migrate().await.expect("migrate twice is a no-op");
    assert_eq!(
        second.get_user(&user.id).await.expect("get_user"),
        Some(user),
        "the tables must be in the URL's schema and survive a second connect"
    );
    second.pool().close().await;

    let mut conn = admin().await;
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1",
    )
    .bind(&schema)
    .fetch_one(&mut conn)
    .await
    .expect("count the tables");
    assert_eq!(
        tables, 7,
        "users, accounts, sessions, verification_token, authenticators, authjs_rate_limits, \
         _authjs_migrations"
    );
    drop_schema(&schema).await;
}

/// A rejected write's error says what failed without repeating the secret it was given.
async fn errors_do_not_carry_tokens(adapter: &impl Adapter) {
    let user = probe_user();
    adapter
        .create_user(user.clone())
        .await
        .expect("create_user");
    let session = AdapterSession {
        session_token: format!("secret-session-token-{}", unique_name("v")).into(),
        user_id: user.id,
        expires: Timestamp(0),
    };
    adapter
        .create_session(session.clone())
        .await
        .expect("create_session");
    let error = adapter
        .create_session(session.clone())
        .await
        .expect_err("a duplicate session token must be rejected");
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(session.session_token.expose()),
        "the error must not repeat the token: {shown}"
    );
    assert!(
        shown.contains("unique") || shown.contains("UniqueViolation"),
        "the error must say what failed: {shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_errors_do_not_carry_tokens() {
    errors_do_not_carry_tokens(&MemoryAdapter::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_errors_do_not_carry_tokens() {
    let store = SqliteStore::new().await;
    errors_do_not_carry_tokens(&store.adapter).await;
    store.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_errors_do_not_carry_tokens() {
    let store = PostgresStore::new().await;
    errors_do_not_carry_tokens(&store.adapter).await;
    store.finish().await;
}
