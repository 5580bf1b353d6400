//! The server's errors: [`ServerError`], what can stop the server from starting or serving,
//! or a token from being minted; and [`ApiError`], the JSON answer to a failed request, with
//! the status each catalog error maps to.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ferrometa_catalog::CatalogError;
use ferrometa_model::ErrorChain;
use serde_json::json;

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
    #[error("cannot read the signing key {path}")]
    ReadKey {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the signing key {path}")]
    WriteKey {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("signing key {0} is invalid: expected 32 or more base64url-encoded bytes")]
    InvalidKey(PathBuf),
    #[error("no randomness for a signing key")]
    Random(#[source] getrandom::Error),
    #[error("cannot sign the token")]
    Sign(#[from] jsonwebtoken::errors::Error),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("cannot listen on {address}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server failed")]
    Serve(#[source] std::io::Error),
    #[error("server worker failed")]
    Worker(#[source] tokio::task::JoinError),
}

/// An error answer: `{"code": <status>, "message": …}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, message)
    }

    /// OpenMetadata's `entityNotFound` message.
    pub fn not_found(entity_type: impl std::fmt::Display, key: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{entity_type} instance for {key} not found"),
        )
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"code": self.status.as_u16(), "message": self.message});
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> Self {
        match &error {
            CatalogError::NotFound { entity_type, fqn } => ApiError::not_found(entity_type, fqn),
            CatalogError::MissingParent {
                parent,
                entity_type,
                ..
            } => match entity_type.parent() {
                Some(parent_type) => ApiError::not_found(parent_type, parent),
                None => ApiError::internal(ErrorChain(&error).to_string()),
            },
            CatalogError::AlreadyExists { .. } => ApiError::conflict("Entity already exists"),
            CatalogError::NotEmpty { entity_type, .. } => {
                ApiError::bad_request(format!("{entity_type} is not empty"))
            }
            CatalogError::InvalidRequest(message) => ApiError::bad_request(message.clone()),
            CatalogError::ProfileTimestamp | CatalogError::UnknownColumn { .. } => {
                ApiError::bad_request(error.to_string())
            }
            CatalogError::Sqlite(rusqlite_error) if is_busy(rusqlite_error) => {
                ApiError::unavailable("the catalog is busy with another writer: retry")
            }
            _ => ApiError::internal(ErrorChain(&error).to_string()),
        }
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::*;

    #[test]
    fn a_bind_failure_is_the_source_not_the_message() {
        let error = ServerError::Bind {
            address: SocketAddr::from(([127, 0, 0, 1], 8585)),
            source: std::io::Error::other("address in use"),
        };
        assert_eq!(error.to_string(), "cannot listen on 127.0.0.1:8585");
        assert_eq!(error.source().unwrap().to_string(), "address in use");
    }
}
