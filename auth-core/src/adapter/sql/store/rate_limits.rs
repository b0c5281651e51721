//! The `authjs_rate_limits` table: one fixed-window counter row per key (the email provider's
//! link limit), so every server on the database shares it and it survives restarts.

use sqlx::Pool;

use super::{Db, db_error};
use crate::{Result, adapter::window_start};

/// One atomic upsert per hit (constant work, no scan): a later window restarts the count, the
/// same or an earlier one (a server whose clock is behind) adds to the stored window.
const HIT: &str = "INSERT INTO authjs_rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
     ON CONFLICT (bucket) DO UPDATE SET \
     hits = CASE WHEN authjs_rate_limits.window_start < excluded.window_start \
       THEN 1 ELSE authjs_rate_limits.hits + 1 END, \
     window_start = CASE WHEN authjs_rate_limits.window_start < excluded.window_start \
       THEN excluded.window_start ELSE authjs_rate_limits.window_start END \
     RETURNING hits";

pub(super) async fn hit(pool: &Pool<Db>, key: &str, window_ms: i64, now_ms: i64) -> Result<u64> {
    let hits: i64 = sqlx::query_scalar(HIT)
        .bind(key)
        .bind(window_start(now_ms, window_ms))
        .fetch_one(pool)
        .await
        .map_err(|e| db_error("could not count the request", &e))?;
    Ok(u64::try_from(hits).unwrap_or(0))
}
