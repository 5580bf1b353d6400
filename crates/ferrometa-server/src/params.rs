//! [`Params`]: a request's query parameters and the typed values read from them.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use ferrometa_catalog::Include;

use crate::error::ApiError;

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

    /// `limit`: a count up to `max`, `default` when absent.
    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get("limit") {
            None => Ok(default),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|limit| *limit <= max)
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "limit must be between 0 and {max}, not `{text}`"
                    ))
                }),
        }
    }

    /// A required epoch-milliseconds parameter (`startTs`, `endTs`).
    pub fn timestamp(&self, name: &str) -> Result<i64, ApiError> {
        let text = self
            .get(name)
            .ok_or_else(|| ApiError::bad_request(format!("query parameter {name} is required")))?;
        text.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "query parameter {name} must be epoch milliseconds, not `{text}`"
            ))
        })
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
