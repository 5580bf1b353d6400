//! An OpenMetadata-compatible REST API over ferrometa's embedded catalog.
//!
//! `ferrometa serve` answers the subset of OpenMetadata's `/api/v1` that database metadata
//! ingestion uses, so that OpenMetadata's own Python client (`metadata ingest` with the
//! `metadata-rest` sink) and the engine can share one SQLite catalog, concurrently:
//!
//! - `system/version`, test-connection definitions, the search field query;
//! - database services, databases, database schemas and tables: PUT create-or-update, POST,
//!   GET by id and by FQN (`fields`, `include`), cursor-paged lists with parent filters,
//!   soft/hard/recursive DELETE, restore, versions, bulk PUT and `deleteStale`;
//! - the profiler's table profiles (latest, history, per column) and sample data, and what
//!   else OpenMetadata's `metadata profile` asks (its global settings, unset here);
//! - `PATCH` of tags and descriptions (JSON Patch), and the built-in `PII` classification
//!   with its `Sensitive` and `NonSensitive` tags that the classifier's tags refer to.
//!
//! Every response is JSON, errors included (`{"code": <status>, "message": …}`), except the
//! 204 with no body of an unset setting, as on OpenMetadata; entities
//! carry only fields of OpenMetadata's schemas, because the upstream client rejects unknown
//! keys. Requests are checked the same way: a field no `Create*` schema has is a 400 and
//! nothing is written.
//!
//! Requests need a JWT bearer token (HS256, see [`mint_token`]) except `system/version`;
//! [`AuthMode::NoAuth`] is only accepted on a loopback address. [`rotate_key`] replaces the
//! key; a running server verifies with the new one from its next request on.
//!
//! This file holds the configuration and startup ([`bind`], [`serve`], [`shutdown_signal`]).
//! Modules, each using only those before it: `error` (server errors, JSON error answers),
//! `auth` (keys, tokens, the guard), `params` (query parameters), `state` (what handlers
//! share, the catalog among it), `kind` (what differs between the entity collections),
//! `requests` (validation of `Create*` bodies), `present` (response shapes), `merge` (what a
//! PUT keeps), `patch` (JSON Patch of tags and descriptions), `entities` (the routes of the
//! four entity kinds, one generic module), `profiles` (table profiles and sample data),
//! `classifications` (the built-in ones), `system` (version, test connections, search,
//! stored-procedure stand-ins), `workflows` (what the profiler workflow asks besides
//! profiles), `http` (router and middleware).

// In dependency order: each module uses only those above it.
mod auth;
mod classifications;
mod entities;
mod error;
mod http;
mod kind;
mod merge;
mod params;
mod patch;
mod present;
mod profiles;
mod requests;
mod state;
mod system;
mod workflows;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::ServiceExt;
use axum::extract::Request;
use ferrometa_catalog::{Catalog, SharedCatalog};
use tower_http::normalize_path::NormalizePath;

pub use auth::{default_key_file, mint_token, rotate_key};
pub use error::ServerError;

/// Where `serve` listens unless told otherwise: OpenMetadata's port, loopback only.
pub const DEFAULT_BIND: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8585);

/// The OpenMetadata version `system/version` reports. The upstream client checks that its
/// own major.minor matches, so 2.0.x clients need a `2.0.*` server.
pub const DEFAULT_VERSION: &str = "2.0.7";

/// The largest request body accepted by default (bulk requests of 100 wide tables fit).
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// JWT bearer tokens signed with the key in `key_file`, created on first start.
    Jwt { key_file: PathBuf },
    /// No authentication; writes are made by `admin`. Only allowed on a loopback address.
    NoAuth,
}

/// What `serve` needs. Build it with [`ServerConfig::new`] and adjust the fields.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The catalog file, created if missing.
    pub catalog: PathBuf,
    pub bind: SocketAddr,
    pub auth: AuthMode,
    /// The version `system/version` reports, e.g. `2.0.7`.
    pub version: String,
    /// The URL clients reach the server at (e.g. behind a proxy), for `href`s. Without it
    /// hrefs use the request's `Host`.
    pub public_url: Option<String>,
    /// Larger request bodies get 413.
    pub max_body_bytes: usize,
}

impl ServerConfig {
    /// Defaults: [`DEFAULT_BIND`], JWT with the key beside the catalog, [`DEFAULT_VERSION`].
    pub fn new(catalog: impl Into<PathBuf>) -> Self {
        let catalog = catalog.into();
        ServerConfig {
            auth: AuthMode::Jwt {
                key_file: default_key_file(&catalog),
            },
            catalog,
            bind: DEFAULT_BIND,
            version: DEFAULT_VERSION.to_string(),
            public_url: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// A server bound to its address, not yet serving.
pub struct BoundServer {
    listener: tokio::net::TcpListener,
    app: axum::Router,
    local_addr: SocketAddr,
}

impl BoundServer {
    /// The address it listens on (the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The application as a tower service, to drive in-process (e.g. with
    /// `tower::ServiceExt::oneshot`) exactly as the listener does.
    pub fn app(&self) -> NormalizePath<axum::Router> {
        // Trailing slashes are trimmed rather than redirected: the client follows no redirects.
        NormalizePath::trim_trailing_slash(self.app.clone())
    }

    /// Serves until `shutdown` completes, then stops accepting connections and returns once
    /// the requests in flight have been answered.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let app = self.app();
        axum::serve(self.listener, ServiceExt::<Request>::into_make_service(app))
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(ServerError::Serve)?;
        tracing::info!(address = %self.local_addr, "server stopped");
        Ok(())
    }
}

/// Checks the configuration, opens the catalog (and the signing key) and binds the address.
pub async fn bind(config: ServerConfig) -> Result<BoundServer, ServerError> {
    if config.auth == AuthMode::NoAuth && !config.bind.ip().is_loopback() {
        return Err(ServerError::NoAuthNotLoopback(config.bind));
    }
    if !system::is_server_version(&config.version) {
        return Err(ServerError::Version(config.version));
    }
    let public_url = config
        .public_url
        .as_deref()
        .map(state::parse_public_url)
        .transpose()?;
    let guard = match &config.auth {
        AuthMode::Jwt { key_file } => {
            let key_file = key_file.clone();
            let key = tokio::task::spawn_blocking(move || auth::WatchedKey::open(&key_file))
                .await
                .map_err(ServerError::Worker)??;
            auth::Guard::Jwt(key)
        }
        AuthMode::NoAuth => auth::Guard::Open,
    };
    let catalog_path = config.catalog.clone();
    let catalog = tokio::task::spawn_blocking(move || Catalog::open(&catalog_path))
        .await
        .map_err(ServerError::Worker)??;

    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| ServerError::Bind {
            address: config.bind,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| ServerError::Bind {
        address: config.bind,
        source,
    })?;
    let state = state::AppState(Arc::new(state::Shared {
        catalog: SharedCatalog::new(catalog),
        guard,
        version: config.version.clone(),
        started_at: now_ms(),
        public_url,
        local_addr,
    }));
    let app = http::router(state, config.max_body_bytes);
    tracing::info!(
        address = %local_addr,
        catalog = %config.catalog.display(),
        auth = match config.auth { AuthMode::Jwt { .. } => "jwt", AuthMode::NoAuth => "none" },
        version = %config.version,
        "serving the OpenMetadata API at http://{local_addr}/api"
    );
    Ok(BoundServer {
        listener,
        app,
        local_addr,
    })
}

/// Binds, then serves until `shutdown` completes (see [`BoundServer::run`]).
pub async fn serve(
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    bind(config).await?.run(shutdown).await
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM: the `shutdown` future of `ferrometa serve`.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: answering the requests in flight");
}

/// A token lifetime's end as a JWT `exp`, or `None` for tokens that never expire.
fn expiry(ttl: Option<Duration>) -> Option<u64> {
    ttl.map(|ttl| ((now_ms() as u64) / 1000).saturating_add(ttl.as_secs()))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
