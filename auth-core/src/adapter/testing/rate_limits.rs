//! The checks on the store's rate limiter ([`Adapter::rate_limiter`]).

use std::{collections::BTreeSet, sync::Arc};

use tokio::sync::Barrier;

use super::{CONCURRENCY, ok};
use crate::{
    adapter::{Adapter, window_start},
    random::uuid_v4,
};

/// The window the checks count in: 15 minutes, like the email provider's default.
const WINDOW: i64 = 15 * 60 * 1000;
/// An instant in the middle of a window.
const NOW: i64 = 1_700_000_100_000;

/// `hit` counts per key within one fixed window, restarts at 1 in a later window, adds a hit
/// from an earlier window (a clock behind) to the stored one, and keeps keys apart. A store
/// without a rate limiter (`None`) passes: the core then counts in memory.
pub async fn rate_limits(adapter: &impl Adapter) {
    let Some(limiter) = adapter.rate_limiter() else {
        return;
    };
    let key = format!("email:{}@example.com", uuid_v4());
    let other = format!("email:{}@example.com", uuid_v4());
    let start = window_start(NOW, WINDOW);
    assert_eq!(start % WINDOW, 0);
    for expected in 1..=3 {
        let hits = ok(limiter.hit(&key, WINDOW, NOW).await, "rate_limiter().hit");
        assert_eq!(hits, expected, "hits within one window add up");
    }
    let hits = ok(limiter.hit(&other, WINDOW, NOW).await, "hit on another key");
    assert_eq!(hits, 1, "keys are counted apart");
    let hits = ok(
        limiter.hit(&key, WINDOW, start + WINDOW - 1).await,
        "hit at the window's end",
    );
    assert_eq!(hits, 4, "the last millisecond is still the same window");
    let hits = ok(
        limiter.hit(&key, WINDOW, start + WINDOW).await,
        "hit in the next window",
    );
    assert_eq!(hits, 1, "a later window starts again at 1");
    let hits = ok(
        limiter.hit(&key, WINDOW, NOW).await,
        "hit from a clock behind",
    );
    assert_eq!(hits, 2, "an earlier window adds to the stored one");
}

/// `CONCURRENCY` hits on one key at once all count, each seeing a distinct total: the counter is
/// updated atomically.
pub async fn concurrent_rate_limit_hits<A: Adapter + Clone>(adapter: &A) {
    if adapter.rate_limiter().is_none() {
        return;
    }
    let key = format!("email:{}@example.com", uuid_v4());
    let barrier = Arc::new(Barrier::new(CONCURRENCY));
    let mut tasks = Vec::with_capacity(CONCURRENCY);
    for _ in 0..CONCURRENCY {
        let adapter = adapter.clone();
        let barrier = Arc::clone(&barrier);
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            match adapter.rate_limiter() {
                Some(limiter) => limiter.hit(&key, WINDOW, NOW).await,
                None => Ok(0),
            }
        }));
    }
    let mut seen = BTreeSet::new();
    for task in tasks {
        let hits = ok(task.await.expect("a hit task panicked"), "concurrent hit");
        seen.insert(hits);
    }
    let expected: BTreeSet<u64> = (1..=CONCURRENCY as u64).collect();
    assert_eq!(seen, expected, "concurrent hits must each count once");
}
