//! Environment inference (Auth.js's `setEnvDefaults`, spec §15.2). Only unset options are filled.

use std::sync::Arc;

use super::AuthConfig;
use crate::secret::SecretList;

/// A source of `AUTH_*` variables, kept until `build()`.
pub(crate) type EnvSource = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

fn non_empty(get: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    get(name).filter(|v| !v.trim().is_empty())
}

pub(super) fn apply(config: &mut AuthConfig, get: &dyn Fn(&str) -> Option<String>) {
    if config.secrets.is_empty() {
        // The highest-numbered secret encrypts; `AUTH_SECRET` stays readable.
        let names = [
            "AUTH_SECRET_3",
            "AUTH_SECRET_2",
            "AUTH_SECRET_1",
            "AUTH_SECRET",
        ];
        let mut secrets: Vec<String> = names.iter().filter_map(|n| non_empty(get, n)).collect();
        if secrets.is_empty()
            && let Some(secret) = non_empty(get, "NEXTAUTH_SECRET")
        {
            secrets.push(secret);
        }
        config.secrets = secrets.into_iter().collect::<SecretList>();
    }

    let env_url = non_empty(get, "AUTH_URL").or_else(|| non_empty(get, "NEXTAUTH_URL"));
    if let Some(url) = &env_url
        && config.url.is_none()
    {
        config.url = Some(url.clone());
    }

    if config.trust_host.is_none() {
        // Unlike Auth.js, `AUTH_TRUST_HOST=false` means false.
        if let Some(value) = non_empty(get, "AUTH_TRUST_HOST") {
            let value = value.trim().to_ascii_lowercase();
            config.trust_host = Some(!matches!(value.as_str(), "false" | "0" | "no" | "off"));
        } else if env_url.is_some() {
            config.trust_host = Some(true);
        }
    }

    if config.trusted_hosts.is_empty()
        && let Some(list) = non_empty(get, "AUTH_TRUSTED_HOSTS")
    {
        config.trusted_hosts = list
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect();
    }
    if config.trusted_proxy_hops.is_none() {
        config.trusted_proxy_hops =
            non_empty(get, "AUTH_TRUSTED_PROXY_HOPS").and_then(|h| h.trim().parse::<usize>().ok());
    }

    if config.redirect_proxy_url.is_none() {
        config.redirect_proxy_url = non_empty(get, "AUTH_REDIRECT_PROXY_URL");
    }

    for provider in &mut config.providers {
        provider.apply_env(get);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::AuthConfig;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn secrets_rotate_highest_number_first() {
        let c = AuthConfig::new()
            .env_defaults_from(env(&[
                ("AUTH_SECRET", "base"),
                ("AUTH_SECRET_1", "one"),
                ("AUTH_SECRET_3", "three"),
            ]))
            .with_env_applied();
        let list: Vec<&str> = c.secrets.iter().map(|s| s.expose()).collect();
        assert_eq!(list, ["three", "one", "base"]);
        let c = AuthConfig::new()
            .secret("configured")
            .env_defaults_from(env(&[("AUTH_SECRET", "env")]))
            .with_env_applied();
        assert_eq!(
            c.secrets.iter().next().map(|s| s.expose()),
            Some("configured")
        );
        let c = AuthConfig::new()
            .env_defaults_from(env(&[("NEXTAUTH_SECRET", "legacy")]))
            .with_env_applied();
        assert_eq!(c.secrets.iter().next().map(|s| s.expose()), Some("legacy"));
    }

    #[test]
    fn auth_url_sets_url_and_trust() {
        let c = AuthConfig::new()
            .env_defaults_from(env(&[("NEXTAUTH_URL", "https://a.test/api/auth")]))
            .with_env_applied();
        assert_eq!(c.url.as_deref(), Some("https://a.test/api/auth"));
        assert_eq!(c.trust_host, Some(true));
        let c = AuthConfig::new()
            .env_defaults_from(env(&[("AUTH_TRUST_HOST", "false")]))
            .with_env_applied();
        assert_eq!(c.trust_host, Some(false));
        let c = AuthConfig::new()
            .env_defaults_from(env(&[("AUTH_TRUST_HOST", "1")]))
            .with_env_applied();
        assert_eq!(c.trust_host, Some(true));
        let c = AuthConfig::new()
            .env_defaults_from(env(&[]))
            .with_env_applied();
        assert_eq!(c.trust_host, None);
        let c = AuthConfig::new()
            .env_defaults_from(env(&[
                (
                    "AUTH_TRUSTED_HOSTS",
                    "app.example.com, admin.example.com:8443,",
                ),
                ("AUTH_TRUSTED_PROXY_HOPS", "2"),
            ]))
            .with_env_applied();
        assert_eq!(
            c.trusted_hosts,
            ["app.example.com", "admin.example.com:8443"]
        );
        assert_eq!(c.trusted_proxy_hops, Some(2));
    }

    #[test]
    fn the_environment_is_applied_at_build_whatever_the_order() {
        use crate::providers::{Provider, presets::github};
        let vars = [
            ("AUTH_SECRET", "env-secret"),
            ("AUTH_TRUST_HOST", "true"),
            ("AUTH_GITHUB_ID", "env-id"),
            ("AUTH_GITHUB_SECRET", "env-gh-secret"),
        ];
        // The environment first, then a preset and explicit settings ...
        let env_first = AuthConfig::new()
            .env_defaults_from(env(&vars))
            .provider(github())
            .secret("explicit")
            .trust_host(false);
        // ... or the other way round: the same configuration.
        let env_last = AuthConfig::new()
            .secret("explicit")
            .trust_host(false)
            .provider(github())
            .env_defaults_from(env(&vars));
        let [a, b] = [env_first, env_last].map(AuthConfig::with_env_applied);
        for c in [&a, &b] {
            assert_eq!(
                c.secrets.iter().next().map(|s| s.expose()),
                Some("explicit")
            );
            assert_eq!(c.trust_host, Some(false));
            let Provider::OAuth(p) = &c.providers[0] else {
                panic!("github is OAuth")
            };
            assert_eq!(p.client_id.as_deref(), Some("env-id"));
            assert_eq!(
                p.client_secret.as_ref().map(|s| s.expose()),
                Some("env-gh-secret")
            );
        }
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        // And both build.
        let built = AuthConfig::new()
            .env_defaults_from(env(&vars))
            .provider(github())
            .build();
        assert!(built.is_ok(), "{:?}", built.err());
    }
}
