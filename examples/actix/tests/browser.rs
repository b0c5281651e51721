//! The real-browser suite (auth-browser) on example-actix: headless Chromium signs in with
//! credentials, OIDC, a magic link and a passkey, signs out, and signs in by keyboard alone.

#[test]
fn browser_flows_on_actix() {
    auth_browser::run_suite("actix", env!("CARGO_BIN_EXE_example-actix"));
}
