//! The HTTP layer: the router and its middleware (body limits, the token guard, JSON errors,
//! panic recovery, the access log).
//!
//! The upstream client parses every answer as JSON and trusts an error's `code`, so the
//! outer middleware turns any error without a JSON body (axum's own 404, 405, 413, a panic)
//! into `{"code": <status>, "message": …}`. Nothing answers with a redirect or a 429.

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::{classifications, entities, profiles, system, workflows};

/// The application: every route, wrapped (innermost first) in the body limit, the check of
/// declared body sizes, the token guard, JSON errors, panic recovery and the access log.
pub(crate) fn router(state: AppState, max_body_bytes: usize) -> Router {
    Router::new()
        .merge(system::routes())
        .merge(entities::routes())
        .merge(profiles::routes())
        .merge(workflows::routes())
        .merge(classifications::routes())
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such api endpoint") })
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(middleware::from_fn_with_state(
            max_body_bytes,
            declared_size,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn(json_errors))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("the request failed unexpectedly").into_response()
        }))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
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

/// Middleware: lets a request through with its [`Caller`] as an extension, or answers 401.
/// The caller is also put on the response, for the access log. `system/version` is open, as
/// on OpenMetadata: clients check it before they authenticate.
async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.uri().path() == crate::system::VERSION_PATH {
        return next.run(request).await;
    }
    match state.0.guard.check(request.headers()) {
        Ok(caller) => {
            request.extensions_mut().insert(caller.clone());
            let mut response = next.run(request).await;
            response.extensions_mut().insert(caller);
            response
        }
        Err(error) => error.into_response(),
    }
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
