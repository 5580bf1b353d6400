//! [`ServerError`]: what can stop the server from starting or serving, or a token from being
//! minted. Errors of single requests are HTTP answers instead (`http::ApiError`).

use std::net::SocketAddr;
use std::path::PathBuf;

use ferrometa_catalog::CatalogError;

/// Everything that can go wrong outside a request.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(
        "--no-auth is only allowed on a loopback address, not {0}: bind to 127.0.0.1 or use tokens"
    )]
    NoAuthNotLoopback(SocketAddr),
    #[error("server version `{0}` is not of the form MAJOR.MINOR.PATCH (e.g. 2.0.7)")]
    Version(String),
    #[error("public url `{0}` must be an absolute http(s) url")]
    PublicUrl(String),
    #[error(
        "bot name `{0}` is invalid: use 1 to 128 characters without spaces or control characters"
    )]
    BotName(String),
    #[error("cannot read the signing key {path}: {source}")]
    ReadKey {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the signing key {path}: {source}")]
    WriteKey {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("signing key {0} is invalid: expected 32 or more base64url-encoded bytes")]
    InvalidKey(PathBuf),
    #[error("no randomness for a signing key: {0}")]
    Random(String),
    #[error("cannot sign the token: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
    #[error("server worker failed: {0}")]
    Worker(String),
}
