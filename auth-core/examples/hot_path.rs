//! A harness for profilers: runs one hot request `N` times in-process, with the headers a
//! browser sends (see `benches/common/mod.rs`), so that instruction counts are repeatable:
//!
//! ```text
//! cargo build --release -p auth-core --features sqlite --example hot_path
//! valgrind --tool=callgrind target/release/examples/hot_path session 2000
//! ```
//!
//! Scenarios: `session` (`GET /auth/session`, JWT), `session-uncached` (the same with the
//! known-token cache off: every read decrypts), `session-update-age` (the same with
//! `jwt_update_age` of an hour: the read keeps the cookie), `session-page` (signed in from a
//! page: the callback-url cookie is a URL on the origin), `check` (`Auth::session`), `csrf`
//! (`GET /auth/csrf`), `database` (`GET /auth/session` on SQLite in memory). The difference of
//! two counts (`N` and `0`) divided by `N` is the cost of one request.

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let scenario = args.next().unwrap_or_else(|| "session".to_owned());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let browser = match scenario.as_str() {
            "database" => {
                let store = auth_core::adapter::SqliteAdapter::connect("sqlite::memory:")
                    .await
                    .expect("sqlite");
                common::sign_in(common::database_auth(store)).await
            }
            "session-page" => common::sign_in_from(common::jwt_auth(), Some(common::PAGE)).await,
            "session-update-age" => {
                let auth = common::jwt_config()
                    .jwt_update_age(std::time::Duration::from_secs(3600))
                    .build()
                    .expect("config");
                common::sign_in(auth).await
            }
            "session-uncached" => {
                let auth = common::jwt_config()
                    .jwt_cache_slots(0)
                    .build()
                    .expect("config");
                common::sign_in(auth).await
            }
            _ => common::sign_in(common::jwt_auth()).await,
        };
        for _ in 0..n {
            match scenario.as_str() {
                "check" => {
                    std::hint::black_box(browser.auth.session(&browser.headers).await);
                }
                "csrf" => {
                    std::hint::black_box(browser.auth.handle(browser.request("/auth/csrf")).await);
                }
                _ => {
                    std::hint::black_box(browser.auth.handle(browser.session_request()).await);
                }
            }
        }
    });
}
