//! What OpenMetadata's profiler workflow (`metadata profile`) asks of the server besides the
//! profile routes of `profiles`: the global profiler settings.
//!
//! | method and path | what it answers |
//! |---|---|
//! | `GET /api/v1/system/settings/profilerConfiguration` | 204 with no body: no global profiler configuration is set |

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::ApiError;
use crate::state::AppState;

/// The settings this server knows of. It stores none, and OpenMetadata only seeds defaults
/// for others (email, login, search, …): an unset `profilerConfiguration` is answered, as
/// OpenMetadata's `SystemRepository.getConfigWithKey` does, with no content (the client then
/// computes its default metrics).
const UNSET_SETTINGS: &[&str] = &["profilerConfiguration"];

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/system/settings/{name}", get(setting))
}

async fn setting(Path(name): Path<String>) -> Result<Response, ApiError> {
    if UNSET_SETTINGS.contains(&name.as_str()) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found("setting", &name))
    }
}
