//! The axum example's README walk-through and pages tests (`examples/axum/tests/walkthrough.rs`,
//! with its helpers), compiled here: their `Server` starts this package's `example-hyper`
//! binary, so the README's curl walk-through runs as written against hyper too.

#[path = "../../axum/tests/walkthrough.rs"]
mod walkthrough;
