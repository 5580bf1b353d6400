//! The HTTP layer: shared state, the router and its middleware, JSON errors, query
//! parameters and the base URL of `href`s.
//!
//! The upstream client parses every answer as JSON and trusts an error's `code`, so the
//! outer middleware turns any error without a JSON body (axum's own 404, 405, 413, a panic)
//! into `{"code": <status>, "message": …}`. Nothing answers with a redirect or a 429.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use ferrometa_catalog::Include;
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;

use crate::auth::{self, Caller, Guard};
use crate::error::ServerError;
use crate::store::Store;
use crate::{entities, system};

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState(pub Arc<Shared>);

pub(crate) struct Shared {
    pub store: Store,
    pub guard: Guard,
    pub version: String,
    pub started_at: i64,
    /// Base of `href`s when configured, without a trailing `/`.
    pub public_url: Option<String>,
    pub local_addr: SocketAddr,
}

impl AppState {
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

/// The application: every route, wrapped (innermost first) in the body limit, the check of
/// declared body sizes, the token guard, JSON errors, panic recovery and the access log.
pub(crate) fn router(state: AppState, max_body_bytes: usize) -> Router {
    Router::new()
        .merge(system::routes())
        .merge(entities::routes())
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such api endpoint") })
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(middleware::from_fn_with_state(
            max_body_bytes,
            declared_size,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), auth::guard))
        .layer(middleware::from_fn(json_errors))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("the request failed unexpectedly").into_response()
        }))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
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
    pub fn not_found(entity_type: &str, key: &str) -> Self {
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

/// Query parameters; a repeated one keeps its last value.
pub(crate) struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map(|Query(params)| Params(params))
            .map_err(|e| ApiError::bad_request(format!("invalid query string: {e}")))
    }
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A boolean parameter (`true`/`false`), `default` when absent.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(value) if value.eq_ignore_ascii_case("true") => Ok(true),
            Some(value) if value.eq_ignore_ascii_case("false") => Ok(false),
            Some(value) => Err(ApiError::bad_request(format!(
                "query parameter {name} must be true or false, not `{value}`"
            ))),
        }
    }

    /// `include`: `non-deleted` (default), `deleted` or `all`.
    pub fn include(&self) -> Result<Include, ApiError> {
        match self.get("include") {
            None | Some("non-deleted") => Ok(Include::NonDeleted),
            Some("deleted") => Ok(Include::Deleted),
            Some("all") => Ok(Include::All),
            Some(other) => Err(ApiError::bad_request(format!(
                "query parameter include must be all, deleted or non-deleted, not `{other}`"
            ))),
        }
    }
}

/// Refuses a body whose declared length is over the limit before reading any of it: the
/// body limit alone reads up to the limit first, and waits on a client that declared more
/// than it sends.
async fn declared_size(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than the limit of {limit} bytes"),
        )
        .into_response();
    }
    next.run(request).await
}

/// Makes every error answer JSON (see the module docs).
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty());
    let message = text.unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase()
    });
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut fixed = ApiError::new(status, message).into_response();
    for (name, value) in parts.headers.iter() {
        fixed.headers_mut().entry(name).or_insert(value.clone());
    }
    fixed
}

/// One structured log line per request: method, path, status, duration and caller.
async fn access_log(request: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let caller = response
        .extensions()
        .get::<Caller>()
        .map_or("-", |caller| caller.name.as_str());
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(target: "ferrometa_server::access", %method, %uri, status, elapsed_ms, caller, "request failed");
    } else {
        tracing::info!(target: "ferrometa_server::access", %method, %uri, status, elapsed_ms, caller, "request");
    }
    response
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
