//! The real-browser suite (auth-browser) on example-rocket: headless Chromium signs in with
//! credentials, OIDC, a magic link and a passkey, signs out, and signs in by keyboard alone.

#[test]
fn browser_flows_on_rocket() {
    auth_browser::run_suite("rocket", env!("CARGO_BIN_EXE_example-rocket"));
}
