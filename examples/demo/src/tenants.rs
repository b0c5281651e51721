//! Two tenants on one resolver, for the framework crates' per-request configuration tests (and
//! as an example of an [`AuthResolver`]).

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use auth_core::{AuthConfig, providers::presets, resolver::AuthResolver};

/// Hosts `a.test` (credentials) and `b.test` (credentials and GitHub), each with its own
/// secret; any other host is no tenant. `builds` counts the `Auth`s built.
pub fn two_tenants(builds: Arc<AtomicUsize>) -> AuthResolver {
    AuthResolver::by_host(move |host| {
        let secret = match host {
            "a.test" => "tenant-a-secret-0123456789abcdef0123456789abcdef",
            "b.test" => "tenant-b-secret-0123456789abcdef0123456789abcdef",
            _ => return None,
        };
        builds.fetch_add(1, Ordering::SeqCst);
        let mut config = AuthConfig::new()
            .secret(secret)
            .url(format!("http://{host}/auth"))
            .provider(crate::credentials());
        if host == "b.test" {
            config = config.provider(presets::github().client_id("id").client_secret("s"));
        }
        Some(config.build())
    })
}
