//! [`AppState`]: what every handler shares (the catalog, the guard, the server's identity)
//! and the base URL of `href`s.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderMap, header};
use ferrometa_catalog::{Catalog, SharedCatalog};

use crate::auth::Guard;
use crate::error::{ApiError, ServerError};

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState(pub Arc<Shared>);

pub(crate) struct Shared {
    /// The catalog; handlers reach it through [`AppState::read`] and [`AppState::write`].
    pub catalog: SharedCatalog,
    pub guard: Guard,
    pub version: String,
    pub started_at: i64,
    /// Base of `href`s when configured, without a trailing `/`.
    pub public_url: Option<String>,
    pub local_addr: SocketAddr,
}

impl AppState {
    /// Runs `work` with a read connection of the catalog.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Catalog) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.0.catalog.read(work).await
    }

    /// Runs `work` with the catalog's write connection, after every write before it.
    pub async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Catalog) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.0.catalog.write(work).await
    }

    /// The absolute base URL (scheme and authority) of `href`s for a request.
    pub fn base_url(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.0.public_url {
            return url.clone();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .filter(|host| {
                !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-:[]_".contains(c))
            });
        match host {
            Some(host) => format!("http://{host}"),
            None => format!("http://{}", self.0.local_addr),
        }
    }
}

/// `--public-url`: an absolute http(s) URL, with or without the `/api` suffix of
/// OpenMetadata's `hostPort`.
pub(crate) fn parse_public_url(url: &str) -> Result<String, ServerError> {
    let trimmed = url.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/api").unwrap_or(trimmed);
    let valid = (trimmed.starts_with("http://") || trimmed.starts_with("https://"))
        && trimmed.len() > "https://".len()
        && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(trimmed.to_string())
    } else {
        Err(ServerError::PublicUrl(url.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_absolute_and_lose_the_api_suffix() {
        assert_eq!(
            parse_public_url("https://catalog.example.com/api/").unwrap(),
            "https://catalog.example.com"
        );
        assert_eq!(
            parse_public_url("http://h:8585/prefix").unwrap(),
            "http://h:8585/prefix"
        );
        assert!(parse_public_url("catalog.example.com").is_err());
    }
}
