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
use url::Url;

use crate::error::Error;

/// The placeholder Microsoft Entra ID puts in the issuer of multi-tenant discovery documents.
pub(crate) const TENANT_PLACEHOLDER: &str = "{tenantid}";

/// How long discovery documents and key sets are reused.
const TTL: Duration = Duration::from_secs(60 * 60);
/// The shortest interval between two refetches of a key set for an unknown `kid`, so a flood
/// of forged tokens cannot turn into a flood of requests to the provider.
const REFETCH_INTERVAL: Duration = Duration::from_secs(10);

/// The endpoints and capabilities of an authorization server, parsed once (at build for
/// configured endpoints, at discovery for discovered ones).
#[derive(Debug, Clone, Default)]
pub(crate) struct Metadata {
    /// The issuer exactly as announced (compared verbatim with `iss`); `None` without one.
    pub(crate) issuer: Option<String>,
    pub(crate) authorization_endpoint: Option<Url>,
    pub(crate) token_endpoint: Option<Url>,
    pub(crate) userinfo_endpoint: Option<Url>,
    pub(crate) jwks_uri: Option<Url>,
    pub(crate) authorization_response_iss_parameter_supported: bool,
    pub(crate) id_token_signing_alg_values_supported: Vec<String>,
}

/// A discovery document as it arrives.
#[derive(Deserialize)]
struct Discovered {
    issuer: String,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    userinfo_endpoint: Option<String>,
    jwks_uri: Option<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    id_token_signing_alg_values_supported: Vec<String>,
}

/// A provider's endpoints as `build()` fixed them: either complete (no request fetches
/// anything) or to be completed by discovery at `issuer`, configured values taking precedence.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    /// The configured endpoints (and issuer).
    pub(crate) configured: Arc<Metadata>,
    /// Where discovery happens, when the configured endpoints are not enough.
    pub(crate) discovery: Option<Url>,
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
    /// The provider's metadata: the configured endpoints, completed by (cached) discovery
    /// when they need it.
    pub(crate) async fn for_endpoints(
        &self,
        client: &dyn HttpClient,
        endpoints: &Endpoints,
    ) -> Result<Arc<Metadata>, Error> {
        let Some(issuer) = &endpoints.discovery else {
            return Ok(endpoints.configured.clone());
        };
        let discovered = self.discover(client, issuer).await?;
        let configured = &*endpoints.configured;
        let pick = |configured: &Option<Url>, found: &Option<Url>| {
            configured.clone().or_else(|| found.clone())
        };
        Ok(Arc::new(Metadata {
            issuer: discovered.issuer.clone(),
            authorization_endpoint: pick(
                &configured.authorization_endpoint,
                &discovered.authorization_endpoint,
            ),
            token_endpoint: pick(&configured.token_endpoint, &discovered.token_endpoint),
            userinfo_endpoint: pick(&configured.userinfo_endpoint, &discovered.userinfo_endpoint),
            jwks_uri: pick(&configured.jwks_uri, &discovered.jwks_uri),
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
        issuer: &Url,
    ) -> Result<Arc<Metadata>, Error> {
        let issuer = issuer.as_str();
        if let Some(hit) = fresh(&self.discovery, issuer) {
            return Ok(hit);
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            normalize_issuer(issuer)
        );
        let document = get_json(client, &url, None).await?;
        let invalid = |e: &dyn std::fmt::Display| {
            callback_error(format!("discovery document of {issuer} is invalid: {e}"))
        };
        let found: Discovered = serde_json::from_value(document).map_err(|e| invalid(&e))?;
        // Microsoft's multi-tenant endpoints announce `…/{tenantid}/v2.0`: the tenant is only
        // known from each id_token's `tid`.
        let templated = found.issuer.contains(TENANT_PLACEHOLDER);
        if !templated && normalize_issuer(&found.issuer) != normalize_issuer(issuer) {
            return Err(callback_error(format!(
                "discovery of {issuer} announced another issuer ({}); check the issuer setting",
                found.issuer
            )));
        }
        let parse = |endpoint: Option<String>| -> Result<Option<Url>, Error> {
            endpoint
                .map(|text| Url::parse(&text).map_err(|e| invalid(&e)))
                .transpose()
        };
        let metadata = Arc::new(Metadata {
            issuer: Some(found.issuer),
            authorization_endpoint: parse(found.authorization_endpoint)?,
            token_endpoint: parse(found.token_endpoint)?,
            userinfo_endpoint: parse(found.userinfo_endpoint)?,
            jwks_uri: parse(found.jwks_uri)?,
            authorization_response_iss_parameter_supported: found
                .authorization_response_iss_parameter_supported,
            id_token_signing_alg_values_supported: found.id_token_signing_alg_values_supported,
        });
        store(&self.discovery, issuer, metadata.clone());
        Ok(metadata)
    }

    /// The key set at `url`; `refresh` refetches it (for an unknown `kid`) unless another
    /// refetch happened moments ago.
    pub(crate) async fn jwks(
        &self,
        client: &dyn HttpClient,
        url: &Url,
        refresh: bool,
    ) -> Result<Arc<JwkSet>, Error> {
        let cached = {
            let map = self
                .jwks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.get(url.as_str())
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
        let document = get_json(client, url.as_str(), None).await?;
        let set: JwkSet = serde_json::from_value(document)
            .map_err(|e| callback_error(format!("the key set at {url} is invalid: {e}")))?;
        let set = Arc::new(set);
        let mut map = self
            .jwks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        map.insert(
            url.as_str().to_owned(),
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
