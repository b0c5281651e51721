//! The axum example's slow-client test (`examples/axum/tests/slow_clients.rs`), compiled here
//! against the `example-hyper` binary: a client that never finishes its headers is cut off by
//! hyper's header read timeout.

#[path = "../../axum/tests/slow_clients.rs"]
mod slow_clients;
