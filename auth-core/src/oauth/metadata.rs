//! Authorization-server metadata (OpenID Connect discovery) and JWK sets, cached so a sign-in
//! does not fetch them every time (Auth.js fetches discovery on every sign-in and callback).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;

use super::{HttpClient, callback_error, get_json};
use crate::{error::Error, providers::OAuthProvider};

/// The placeholder Microsoft Entra ID puts in the issuer of multi-tenant discovery documents.
pub(crate) const TENANT_PLACEHOLDER: &str = "{tenantid}";

/// How long discovery documents and key sets are reused.
const TTL: Duration = Duration::from_secs(60 * 60);
/// The shortest interval between two refetches of a key set for an unknown `kid`, so a flood
/// of forged tokens cannot turn into a flood of requests to the provider.
const REFETCH_INTERVAL: Duration = Duration::from_secs(10);

/// The endpoints and capabilities of an authorization server.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Metadata {
    pub(crate) issuer: String,
    pub(crate) authorization_endpoint: Option<String>,
    pub(crate) token_endpoint: Option<String>,
    pub(crate) userinfo_endpoint: Option<String>,
    pub(crate) jwks_uri: Option<String>,
    #[serde(default)]
    pub(crate) authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    pub(crate) id_token_signing_alg_values_supported: Vec<String>,
}

struct Entry<T> {
    fetched: Instant,
    /// When a refetch for an unknown `kid` last replaced this entry.
    refreshed: Option<Instant>,
    value: Arc<T>,
}

/// Caches shared by every request of one `Auth`.
#[derive(Default)]
pub(crate) struct MetadataCache {
    discovery: Mutex<HashMap<String, Entry<Metadata>>>,
    jwks: Mutex<HashMap<String, Entry<JwkSet>>>,
}

fn normalize_issuer(issuer: &str) -> &str {
    issuer.trim_end_matches('/')
}

impl MetadataCache {
    /// The provider's metadata: discovery (cached) when it has an issuer, with configured
    /// endpoints taking precedence; only the configured endpoints otherwise.
    pub(crate) async fn for_provider(
        &self,
        client: &dyn HttpClient,
        provider: &OAuthProvider,
    ) -> Result<Arc<Metadata>, Error> {
        let Some(issuer) = provider.issuer.as_deref() else {
            return Ok(Arc::new(Metadata {
                issuer: String::new(),
                authorization_endpoint: provider.authorization_url.clone(),
                token_endpoint: provider.token_url.clone(),
                userinfo_endpoint: provider.userinfo_url.clone(),
                jwks_uri: provider.jwks_url.clone(),
                ..Metadata::default()
            }));
        };
        let complete = provider.authorization_url.is_some()
            && provider.token_url.is_some()
            && (provider.jwks_url.is_some() || !provider.id_token)
            && (provider.userinfo_url.is_some() || provider.id_token);
        let discovered = if complete {
            Arc::new(Metadata {
                issuer: issuer.to_owned(),
                ..Metadata::default()
            })
        } else {
            self.discover(client, issuer).await?
        };
        let pick = |configured: &Option<String>, found: &Option<String>| {
            configured.clone().or_else(|| found.clone())
        };
        Ok(Arc::new(Metadata {
            issuer: discovered.issuer.clone(),
            authorization_endpoint: pick(
                &provider.authorization_url,
                &discovered.authorization_endpoint,
            ),
            token_endpoint: pick(&provider.token_url, &discovered.token_endpoint),
            userinfo_endpoint: pick(&provider.userinfo_url, &discovered.userinfo_endpoint),
            jwks_uri: pick(&provider.jwks_url, &discovered.jwks_uri),
            authorization_response_iss_parameter_supported: discovered
                .authorization_response_iss_parameter_supported,
            id_token_signing_alg_values_supported: discovered
                .id_token_signing_alg_values_supported
                .clone(),
        }))
    }

    async fn discover(
        &self,
        client: &dyn HttpClient,
        issuer: &str,
    ) -> Result<Arc<Metadata>, Error> {
        if let Some(hit) = fresh(&self.discovery, issuer) {
            return Ok(hit);
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            normalize_issuer(issuer)
        );
        let document = get_json(client, &url, None).await?;
        let metadata: Metadata = serde_json::from_value(document).map_err(|e| {
            callback_error(format!("discovery document of {issuer} is invalid: {e}"))
        })?;
        // Microsoft's multi-tenant endpoints announce `…/{tenantid}/v2.0`: the tenant is only
        // known from each id_token's `tid`.
        let templated = metadata.issuer.contains(TENANT_PLACEHOLDER);
        if !templated && normalize_issuer(&metadata.issuer) != normalize_issuer(issuer) {
            return Err(callback_error(format!(
                "discovery of {issuer} announced another issuer ({}); check the issuer setting",
                metadata.issuer
            )));
        }
        let metadata = Arc::new(metadata);
        store(&self.discovery, issuer, metadata.clone());
        Ok(metadata)
    }

    /// The key set at `url`; `refresh` refetches it (for an unknown `kid`) unless another
    /// refetch happened moments ago.
    pub(crate) async fn jwks(
        &self,
        client: &dyn HttpClient,
        url: &str,
        refresh: bool,
    ) -> Result<Arc<JwkSet>, Error> {
        let cached = {
            let map = self
                .jwks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.get(url)
                .map(|e| (e.fetched.elapsed(), e.refreshed, e.value.clone()))
        };
        if let Some((age, refreshed, value)) = cached {
            let usable = if refresh {
                refreshed.is_some_and(|at| at.elapsed() < REFETCH_INTERVAL)
            } else {
                age < TTL
            };
            if usable {
                return Ok(value);
            }
        }
        let document = get_json(client, url, None).await?;
        let set: JwkSet = serde_json::from_value(document)
            .map_err(|e| callback_error(format!("the key set at {url} is invalid: {e}")))?;
        let set = Arc::new(set);
        let mut map = self
            .jwks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        map.insert(
            url.to_owned(),
            Entry {
                fetched: now,
                refreshed: refresh.then_some(now),
                value: set.clone(),
            },
        );
        Ok(set)
    }
}

fn fresh<T>(map: &Mutex<HashMap<String, Entry<T>>>, key: &str) -> Option<Arc<T>> {
    let map = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.get(key)
        .filter(|e| e.fetched.elapsed() < TTL)
        .map(|e| e.value.clone())
}

fn store<T>(map: &Mutex<HashMap<String, Entry<T>>>, key: &str, value: Arc<T>) {
    let mut map = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.insert(
        key.to_owned(),
        Entry {
            fetched: Instant::now(),
            refreshed: None,
            value,
        },
    );
}
