//! The axum example's slow-client test, run against the real `example-hyper` binary (hyper's
//! header read timeout). The test file and its helpers are the axum example's, compiled here
//! (one test crate per included file, so each has its own copy of the shared `support`
//! module); their `Server` starts this package's binary.

#[path = "../../axum/tests/slow_clients.rs"]
mod slow_clients;
