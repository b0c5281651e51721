//! The demo app on hyper alone (no web framework), through the core's `tower::Service`.
//!
//! ```text
//! cargo run -p example-hyper         # http://127.0.0.1:3000, PORT to change it
//! ```
//!
//! Sign in at <http://127.0.0.1:3000/auth/signin> as `alice` / `wonderland`.

use example_demo::serve::{bind, serve};
use example_hyper::{App, Bare};

#[tokio::main]
async fn main() {
    example_demo::init_tracing();
    let (listener, address) = bind().await;
    if example_demo::bare() {
        serve(listener, Bare).await;
        return;
    }
    let auth = match example_demo::auth().await {
        Ok(auth) => auth,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            std::process::exit(2);
        }
    };
    tracing::info!("example-hyper listening on http://{address}");
    let admins = example_demo::admin_gate(auth.clone());
    serve(listener, App::new(auth, admins)).await;
}
