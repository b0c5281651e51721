//! The end-to-end tests of `example-axum` that concern the server rather than the framework,
//! run against the real `example-hyper` binary: the README's curl walk-through as written, the
//! demo pages over HTTP, and a client that never finishes its headers (hyper's header read
//! timeout). The test files and their helpers are the axum example's, compiled here; their
//! `Server` starts this package's binary.

#[path = "../../axum/tests/slow_clients.rs"]
mod slow_clients;
#[path = "../../axum/tests/walkthrough.rs"]
mod walkthrough;
