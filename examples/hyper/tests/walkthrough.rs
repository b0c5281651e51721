//! The axum example's end-to-end walk-through, run against the real `example-hyper` binary:
//! the README's curl walk-through as written and the demo pages over HTTP. The test file and
//! its helpers are the axum example's, compiled here (one test crate per included file, so
//! each has its own copy of the shared `support` module); their `Server` starts this
//! package's binary.

#[path = "../../axum/tests/walkthrough.rs"]
mod walkthrough;
