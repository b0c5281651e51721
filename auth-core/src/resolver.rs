//! Per-request configuration (next-auth's lazy initialization, for multi-tenant apps): an
//! [`AuthResolver`] chooses the [`Auth`] of each request by a key (by default its host), builds
//! it once per key and keeps it in a bounded cache; [`AuthSource`] is what the framework crates
//! take: one `Auth` for every request, or a resolver.
//!
//! ```
//! use auth_core::{AuthConfig, resolver::AuthResolver};
//!
//! let tenants = AuthResolver::by_host(|host| {
//!     let secret = match host {
//!         "a.example.com" => "tenant-a-secret-from-your-vault",
//!         "b.example.com" => "tenant-b-secret-from-your-vault",
//!         _ => return None, // not a tenant: `400 "Bad request."`
//!     };
//!     Some(
//!         AuthConfig::new()
//!             .secret(secret)
//!             .url(format!("https://{host}/auth"))
//!             .build(),
//!     )
//! });
//! # let _ = tenants;
//! ```

use std::{
    collections::HashMap,
    fmt,
    sync::{
        Arc, OnceLock, RwLock,
        atomic::{AtomicU64, Ordering},
    },
};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, Uri, header, uri::Authority};
use http_body::Body;

use crate::{Auth, error::ConfigError, integration::SessionRejection, response};

/// How many `Auth`s an [`AuthResolver`] keeps unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 1024;

/// The longest key (a host) the default key function accepts.
const MAX_HOST_LEN: usize = 255;

type KeyFn = dyn Fn(&HeaderMap, &Uri) -> Option<String> + Send + Sync;
type BuildFn = dyn Fn(&str) -> Option<Result<Auth, ConfigError>> + Send + Sync;

/// One cache slot: the `Auth` (built once, by the first request that needs it; concurrent
/// first requests wait for that build) and when it was last used.
struct Slot {
    auth: Arc<OnceLock<Option<Auth>>>,
    used: AtomicU64,
}

struct Inner {
    key: Box<KeyFn>,
    build: Box<BuildFn>,
    base_path: String,
    capacity: usize,
    slots: RwLock<HashMap<String, Slot>>,
    clock: AtomicU64,
}

/// Chooses the [`Auth`] of each request: a key from the request (by default its host), and a
/// function that builds the `Auth` of a key, or `None` for a key that is no tenant.
///
/// Each key's `Auth` is built once and cached; at most [`capacity`](Self::with_capacity)
/// are kept (the least recently used one goes first). Keys that are no tenant, and builds that
/// fail (logged at error level), are not kept: they are answered `400 "Bad request."` and asked
/// again on the next request. Every `Auth` must use the resolver's
/// [base path](Self::with_base_path) (default `/auth`), since routers mount it before any
/// request. Cheap to clone.
#[derive(Clone)]
pub struct AuthResolver {
    inner: Arc<Inner>,
}

impl fmt::Debug for AuthResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthResolver")
            .field("base_path", &self.inner.base_path)
            .field("capacity", &self.inner.capacity)
            .field("cached", &self.cached())
            .finish_non_exhaustive()
    }
}

impl AuthResolver {
    /// A resolver keyed by the request's host ([`host_key`]): `build` gets it (lower-cased,
    /// with its port if the request names one, e.g. `a.example.com` or `localhost:3000`).
    pub fn by_host<F>(build: F) -> Self
    where
        F: Fn(&str) -> Option<Result<Auth, ConfigError>> + Send + Sync + 'static,
    {
        Self::new(host_key, build)
    }

    /// A resolver with its own `key` function (a header, a path prefix, …; `None`: no tenant).
    pub fn new<K, F>(key: K, build: F) -> Self
    where
        K: Fn(&HeaderMap, &Uri) -> Option<String> + Send + Sync + 'static,
        F: Fn(&str) -> Option<Result<Auth, ConfigError>> + Send + Sync + 'static,
    {
        Self {
            inner: Arc::new(Inner {
                key: Box::new(key),
                build: Box::new(build),
                base_path: "/auth".to_owned(),
                capacity: DEFAULT_CAPACITY,
                slots: RwLock::new(HashMap::new()),
                clock: AtomicU64::new(0),
            }),
        }
    }

    /// The base path every tenant's `Auth` uses (default `/auth`); an `Auth` built with another
    /// one is refused (logged, answered `400`). Set it before cloning the resolver.
    #[must_use]
    pub fn with_base_path(self, base_path: impl Into<String>) -> Self {
        self.reconfigure(|inner| inner.base_path = base_path.into())
    }

    /// How many `Auth`s are kept at most (default [`DEFAULT_CAPACITY`], at least 1). Set it
    /// before cloning the resolver.
    #[must_use]
    pub fn with_capacity(self, capacity: usize) -> Self {
        self.reconfigure(|inner| inner.capacity = capacity.max(1))
    }

    fn reconfigure(mut self, change: impl FnOnce(&mut Inner)) -> Self {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) => change(inner),
            None => {
                tracing::error!(target: "auth_core", "AuthResolver reconfigured after cloning: ignored")
            }
        }
        self
    }

    /// The base path of every tenant.
    pub fn base_path(&self) -> &str {
        &self.inner.base_path
    }

    /// How many `Auth`s are cached now.
    pub fn cached(&self) -> usize {
        self.inner.slots.read().map_or(0, |slots| slots.len())
    }

    /// The `Auth` of a request, or `None` when it belongs to no tenant.
    pub fn resolve(&self, headers: &HeaderMap, uri: &Uri) -> Option<Auth> {
        let key = (self.inner.key)(headers, uri)?;
        self.resolve_key(&key)
    }

    /// The `Auth` of `key`: the cached one, else built now (once, however many requests ask
    /// at the same time).
    pub fn resolve_key(&self, key: &str) -> Option<Auth> {
        let inner = &*self.inner;
        let now = inner.clock.fetch_add(1, Ordering::Relaxed);
        let cached = inner.slots.read().ok().and_then(|slots| {
            let slot = slots.get(key)?;
            slot.used.store(now, Ordering::Relaxed);
            Some(Arc::clone(&slot.auth))
        });
        let cell = match cached {
            Some(cell) => cell,
            None => self.insert_slot(key, now)?,
        };
        let auth = cell.get_or_init(|| self.build(key)).clone();
        if auth.is_none() {
            // Not kept: unknown keys must not fill the cache, and a failed build may succeed later.
            if let Ok(mut slots) = inner.slots.write()
                && slots.get(key).is_some_and(|s| Arc::ptr_eq(&s.auth, &cell))
            {
                slots.remove(key);
            }
        }
        auth
    }

    /// The slot of `key` (a new one, evicting the least recently used when full).
    fn insert_slot(&self, key: &str, now: u64) -> Option<Arc<OnceLock<Option<Auth>>>> {
        let mut slots = self.inner.slots.write().ok()?;
        if let Some(slot) = slots.get(key) {
            return Some(Arc::clone(&slot.auth));
        }
        while slots.len() >= self.inner.capacity {
            let oldest = slots
                .iter()
                .min_by_key(|(_, slot)| slot.used.load(Ordering::Relaxed))
                .map(|(key, _)| key.clone())?;
            slots.remove(&oldest);
        }
        let cell = Arc::new(OnceLock::new());
        let slot = Slot {
            auth: Arc::clone(&cell),
            used: AtomicU64::new(now),
        };
        slots.insert(key.to_owned(), slot);
        Some(cell)
    }

    fn build(&self, key: &str) -> Option<Auth> {
        let shown = crate::origin::shorten(key, 100);
        match (self.inner.build)(key)? {
            Ok(auth) if auth.base_path() == self.inner.base_path => {
                tracing::debug!(target: "auth_core", key = %shown, "built the Auth of a tenant");
                Some(auth)
            }
            Ok(auth) => {
                tracing::error!(target: "auth_core", key = %shown, base_path = auth.base_path(), expected = %self.inner.base_path, "a tenant's Auth has another base path than its resolver");
                None
            }
            Err(error) => {
                tracing::error!(target: "auth_core", key = %shown, %error, "cannot build the Auth of a tenant");
                None
            }
        }
    }

    /// [`Auth::handle`] with the request's `Auth`; a request of no tenant gets
    /// `400 "Bad request."`.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<Bytes>
    where
        B: Body + Send,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        match self.resolve(request.headers(), request.uri()) {
            Some(auth) => auth.handle(request).await,
            None => response::bad_request(),
        }
    }
}

/// The default key: the request's host, from `Host` (else the authority of an absolute-form
/// target or HTTP/2's `:authority`), lower-cased, with its port if one is named; `None` when
/// there is none or it is no valid authority (userinfo included), or longer than 255 bytes.
pub fn host_key(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    let authority = match headers.get(header::HOST) {
        Some(host) => host.to_str().ok()?.parse::<Authority>().ok()?,
        None => uri.authority()?.clone(),
    };
    let text = authority.as_str();
    (!text.contains('@') && !text.is_empty() && text.len() <= MAX_HOST_LEN)
        .then(|| text.to_ascii_lowercase())
}

/// Where a framework crate gets the [`Auth`] of a request: always the same one, or chosen per
/// request by an [`AuthResolver`]. Every framework crate's `with_auth`/`configure` takes
/// either (`impl Into<AuthSource>`).
#[derive(Debug, Clone)]
pub enum AuthSource {
    /// The same `Auth` for every request.
    One(Auth),
    /// An `Auth` per request.
    PerRequest(AuthResolver),
}

impl From<Auth> for AuthSource {
    fn from(auth: Auth) -> Self {
        Self::One(auth)
    }
}

impl From<AuthResolver> for AuthSource {
    fn from(resolver: AuthResolver) -> Self {
        Self::PerRequest(resolver)
    }
}

impl AuthSource {
    /// The base path of the Auth.js routes.
    pub fn base_path(&self) -> &str {
        match self {
            Self::One(auth) => auth.base_path(),
            Self::PerRequest(resolver) => resolver.base_path(),
        }
    }

    /// The `Auth` of a request (`None`: it belongs to no tenant).
    pub fn resolve(&self, headers: &HeaderMap, uri: &Uri) -> Option<Auth> {
        match self {
            Self::One(auth) => Some(auth.clone()),
            Self::PerRequest(resolver) => resolver.resolve(headers, uri),
        }
    }

    /// The `Auth` of a request, or for a request of no tenant the rejection that answers it
    /// `400 "Bad request."` ([`SessionRejection::NoTenant`]).
    pub fn auth_of(&self, headers: &HeaderMap, uri: &Uri) -> Result<Auth, SessionRejection> {
        self.resolve(headers, uri).ok_or(SessionRejection::NoTenant)
    }

    /// [`Auth::handle`] with the request's `Auth`, else `400 "Bad request."`.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<Bytes>
    where
        B: Body + Send,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        match self {
            Self::One(auth) => auth.handle(request).await,
            Self::PerRequest(resolver) => resolver.handle(request).await,
        }
    }

    /// Whether `path` belongs to the Auth.js routes ([`Auth::is_auth_path`]).
    pub fn is_auth_path(&self, path: &str) -> bool {
        crate::integration::is_under_base_path(self.base_path(), path)
    }

    /// The answer to a request that belongs to no tenant: `400 "Bad request."`, as the core
    /// answers an untrusted host.
    pub fn no_tenant() -> Response<Bytes> {
        response::bad_request()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().expect("host"));
        headers
    }

    #[test]
    fn the_host_key_is_the_lower_cased_authority() {
        let root = Uri::from_static("/");
        assert_eq!(
            host_key(&headers("A.Example:3000"), &root).as_deref(),
            Some("a.example:3000")
        );
        assert_eq!(host_key(&headers("user@a.example"), &root), None);
        assert_eq!(host_key(&headers("a b"), &root), None);
        assert_eq!(host_key(&headers(&"a".repeat(300)), &root), None);
        let absolute = Uri::from_static("http://B.example/auth/session");
        assert_eq!(
            host_key(&HeaderMap::new(), &absolute).as_deref(),
            Some("b.example")
        );
        assert_eq!(host_key(&HeaderMap::new(), &root), None);
    }
}
