//! The sqlx stores: `SqliteAdapter` (feature `sqlite`) and `PostgresAdapter` (feature
//! `postgres`).
//!
//! The two share one implementation, `store/`, compiled once per dialect: each dialect module
//! defines its `Db`, its adapter type (`Store`), how a write transaction begins, and two macros
//! that convert timestamps (`ts_in!` for a bound epoch-millisecond parameter, `ts_out!` for a
//! column read back as epoch milliseconds), then includes `store/mod.rs` as a child module (its
//! own children, one per table, come along). The SQL text is therefore written once, and each
//! statement is a `&'static str` built by `concat!`.
//!
//! The schema follows Auth.js's SQL adapters (`@auth/pg-adapter`): tables `users`, `accounts`,
//! `sessions`, `verification_token`, plus `authenticators` as in Auth.js's WebAuthn docs and
//! `authjs_rate_limits` (fixed-window counters, migration 2), with
//! camelCase columns quoted (`"userId"`, `"sessionToken"`, ...). Migrations are embedded and
//! tracked in their own table, `_authjs_migrations`, so they do not collide with an
//! application's own sqlx migrations in the same database.

#[cfg(feature = "postgres")]
pub(super) mod postgres;
#[cfg(feature = "sqlite")]
pub(super) mod sqlite;

use std::{borrow::Cow, fmt};

use serde::{Deserialize, de::IntoDeserializer};
use sqlx::{
    SqlSafeStr,
    migrate::{Migration, MigrationType, Migrator},
};

use crate::{Error, adapter::adapter_error, model::ProviderKind};

/// The table that records which of our migrations ran.
const MIGRATIONS_TABLE: &str = "_authjs_migrations";

/// The migrator for one dialect: its migrations in order, each `(description, sql)`, numbered
/// from 1. A migration that ran is never edited (its checksum is recorded): changes are new
/// migrations appended here.
fn migrator(migrations: &[(&'static str, &'static str)]) -> Migrator {
    let migrations = migrations
        .iter()
        .zip(1..)
        .map(|(&(description, sql), version)| {
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    let mut migrator = Migrator::with_migrations(migrations);
    migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
    migrator
}

/// A database failure with everything that could carry row data removed.
///
/// sqlx's own errors are not kept: PostgreSQL's `detail` field (shown by their `Debug`) repeats
/// the conflicting key, which may be a session or verification token. What is kept is the
/// SQLSTATE code, the constraint name and the server's primary message, none of which contain
/// bound values for the statements this module runs.
struct DbError(String);

impl DbError {
    fn from_sqlx(error: &sqlx::Error) -> Self {
        Self(match error {
            sqlx::Error::Database(e) => {
                let mut text = format!("database error {:?}", e.kind());
                if let Some(code) = e.code() {
                    text.push_str(&format!(" (SQLSTATE {code})"));
                }
                if let Some(constraint) = e.constraint() {
                    text.push_str(&format!(" on constraint {constraint}"));
                }
                text.push_str(": ");
                text.push_str(e.message());
                text
            }
            other => other.to_string(),
        })
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DbError").field(&self.0).finish()
    }
}

impl std::error::Error for DbError {}

/// An `AdapterError` for a failed sqlx call.
fn db_error(message: &'static str, error: &sqlx::Error) -> Error {
    adapter_error(message, DbError::from_sqlx(error))
}

/// An `AdapterError` for a failed migration.
fn migrate_error(error: &sqlx::migrate::MigrateError) -> Error {
    adapter_error("the database migration failed", DbError(error.to_string()))
}

/// Whether `error` is a unique-constraint violation.
fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Reads an account `type` column.
fn parse_kind(text: &str) -> Result<ProviderKind, sqlx::Error> {
    let deserializer: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        text.into_deserializer();
    ProviderKind::deserialize(deserializer).map_err(|e| sqlx::Error::ColumnDecode {
        index: "type".into(),
        source: Box::new(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_types_read_back() {
        for kind in [
            ProviderKind::OAuth,
            ProviderKind::Oidc,
            ProviderKind::Email,
            ProviderKind::Credentials,
            ProviderKind::WebAuthn,
        ] {
            assert_eq!(parse_kind(kind.as_str()).expect("a known type"), kind);
        }
        assert!(parse_kind("saml").is_err());
    }

    #[test]
    fn database_errors_keep_no_row_data() {
        let error = sqlx::Error::Protocol("bad frame".into());
        let wrapped = db_error("could not read", &error);
        assert_eq!(wrapped.kind(), crate::ErrorKind::AdapterError);
        let source = std::error::Error::source(&wrapped).expect("a source");
        assert_eq!(source.to_string(), error.to_string());
    }
}
