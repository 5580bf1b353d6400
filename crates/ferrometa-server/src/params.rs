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
