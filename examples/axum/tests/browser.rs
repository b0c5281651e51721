//! The real-browser suite (auth-browser) on example-axum: headless Chromium signs in with
//! credentials, OIDC, a magic link and a passkey, signs out, and signs in by keyboard alone.

#[test]
fn browser_flows_on_axum() {
    auth_browser::run_suite("axum", env!("CARGO_BIN_EXE_example-axum"));
}

/// Every sign-in page button readable in the light and dark themes (the page is auth-core's,
/// the same on every framework: checked once).
#[test]
fn provider_buttons_have_enough_contrast() {
    auth_browser::run_contrast("axum", env!("CARGO_BIN_EXE_example-axum"));
}
