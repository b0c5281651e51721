//! [`RateLimiter`]: fixed-window counters kept in the store, so every server on one store shares
//! them and they survive restarts (the email provider's link limit); [`MemoryRateLimiter`] for
//! one process.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use async_trait::async_trait;

use crate::Result;

/// The start of the fixed window of `window_ms` milliseconds that holds `now_ms`.
pub fn window_start(now_ms: i64, window_ms: i64) -> i64 {
    let window = window_ms.max(1);
    now_ms - now_ms.rem_euclid(window)
}

/// Fixed-window counters by key: constant work per hit (one atomic upsert of one row in the SQL
/// stores), shared by every server on one store.
#[async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    /// Counts one hit on `key` in the window of `window_ms` milliseconds that holds `now_ms`
    /// (see [`window_start`]) and returns the hits in that window, this one included. A hit in
    /// a later window than the stored one starts the count again at 1; one in an earlier window
    /// (a server whose clock is behind) counts in the stored window.
    async fn hit(&self, key: &str, window_ms: i64, now_ms: i64) -> Result<u64>;
}

/// A [`RateLimiter`] in this process's memory: for [`MemoryAdapter`](super::MemoryAdapter) and
/// for stores that keep none. Clones share the counters; nothing survives the process.
///
/// Expired windows are swept when the map has doubled since the last sweep, so the work per hit
/// stays constant on average and the map stays proportional to the keys of recent windows.
#[derive(Debug, Clone, Default)]
pub struct MemoryRateLimiter {
    state: Arc<Mutex<Counters>>,
}

#[derive(Debug, Default)]
struct Counters {
    /// key → (window start, hits, window length).
    windows: HashMap<String, (i64, u64, i64)>,
    /// The map's size after the last sweep.
    swept_at: usize,
}

#[async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn hit(&self, key: &str, window_ms: i64, now_ms: i64) -> Result<u64> {
        let start = window_start(now_ms, window_ms);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.windows.len() >= (2 * state.swept_at).max(1024) {
            state
                .windows
                .retain(|_, (begun, _, length)| now_ms < begun.saturating_add(*length));
            state.swept_at = state.windows.len();
        }
        let entry = state
            .windows
            .entry(key.to_owned())
            .or_insert((start, 0, window_ms));
        if entry.0 < start {
            *entry = (start, 0, window_ms);
        }
        entry.1 += 1;
        Ok(entry.1)
    }
}
