use super::*;
use crate::error::{ConfigError, ErrorKind};
use crate::providers::CredentialsProvider;

fn base() -> AuthConfig {
    AuthConfig::new().secret("s").trust_host(true)
}

#[test]
fn each_assertion_has_its_error() {
    // Neither a URL nor trust: no longer a build error (only loopback hosts are served).
    assert!(AuthConfig::new().secret("s").build().is_ok());
    assert_eq!(
        AuthConfig::new()
            .secret("s")
            .trusted_hosts(["user@evil.test"])
            .build()
            .err(),
        Some(ConfigError::InvalidTrustedHost("user@evil.test".into()))
    );
    assert_eq!(
        AuthConfig::new().trust_host(true).build().err(),
        Some(ConfigError::MissingSecret)
    );
    assert_eq!(
        base().provider(CredentialsProvider::new()).build().err(),
        Some(ConfigError::MissingAuthorize("credentials".into()))
    );
    let creds = CredentialsProvider::new().authorize(|_| async { Ok(None) });
    assert_eq!(
        base()
            .provider(creds.clone())
            .session_strategy(SessionStrategy::Database)
            .build()
            .err(),
        Some(ConfigError::MissingAdapter)
    );
    assert_eq!(
        base().provider(creds.clone()).provider(creds).build().err(),
        Some(ConfigError::InvalidProviderId("credentials".into()))
    );
    assert_eq!(
        base().base_path("auth").build().err(),
        Some(ConfigError::InvalidBasePath("auth".into()))
    );
    assert_eq!(
        AuthConfig::new().secret("s").url("ftp://x").build().err(),
        Some(ConfigError::InvalidUrl("ftp://x".into()))
    );
    assert_eq!(ConfigError::MissingSecret.kind(), ErrorKind::MissingSecret);
}

#[test]
fn base_path_comes_from_the_url_unless_set() {
    let auth = AuthConfig::new()
        .secret("s")
        .url("https://a.test/api/auth")
        .build()
        .expect("ok");
    assert_eq!(auth.base_path(), "/api/auth");
    let auth = AuthConfig::new()
        .secret("s")
        .url("https://a.test/api/auth")
        .base_path("/custom/")
        .build()
        .expect("ok");
    assert_eq!(auth.base_path(), "/custom");
    assert_eq!(base().build().expect("ok").base_path(), "/auth");
}

#[test]
fn lifetimes_are_durations_of_at_least_a_second() {
    use std::time::Duration;
    assert_eq!(
        base()
            .session_max_age(Duration::from_millis(500))
            .build()
            .err(),
        Some(ConfigError::InvalidDuration("session.max_age"))
    );
    assert_eq!(
        base().jwt_max_age(Duration::ZERO).build().err(),
        Some(ConfigError::InvalidDuration("jwt.max_age"))
    );
    let hour = Duration::from_secs(3600);
    for too_long in [
        base().session_max_age(hour).jwt_update_age(hour),
        base().jwt_max_age(hour).jwt_update_age(hour * 2),
    ] {
        assert_eq!(
            too_long.build().err(),
            Some(ConfigError::JwtUpdateAgeTooLong)
        );
    }
    assert!(
        base()
            .session_max_age(hour)
            .jwt_update_age(hour - Duration::from_secs(1))
            .build()
            .is_ok()
    );
    assert!(
        base()
            .session_max_age(Duration::from_secs(60))
            .session_update_age(Duration::ZERO)
            .build()
            .is_ok()
    );
}
