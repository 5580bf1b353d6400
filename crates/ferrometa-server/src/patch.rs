//! `PATCH /api/v1/<collection>/{id}`: an RFC 6902 JSON Patch (`application/json-patch+json`)
//! applied to the entity as a GET answers it, as OpenMetadata's client sends a table's column
//! tags. Only tags and descriptions change this way: of the entity (`/tags`, `/description`)
//! and of its columns at any depth (`/columns/3/tags/-`, `/columns/3/children/0/description`).
//! Any other path is a 400 naming it, before anything is applied. The result is stored as a
//! new version (0.1 up) and answered whole.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ferrometa_catalog::Include;
use ferrometa_model::{TagLabel, WriteOutcome};
use json_patch::{Patch, PatchOperation};
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::kind::Kind;
use crate::present;
use crate::state::AppState;

/// The only content type a PATCH takes.
const JSON_PATCH: &str = "application/json-patch+json";
/// OpenMetadata's header naming what a write did.
const CHANGE_HEADER: HeaderName = HeaderName::from_static("x-openmetadata-change");

pub(crate) async fn patch(
    Extension(kind): Extension<&'static Kind>,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case(JSON_PATCH) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("a patch must be sent as {JSON_PATCH}"),
        ));
    }
    let patch: Patch = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid json patch: {e}")))?;
    for operation in &patch.0 {
        check_operation(operation)?;
    }
    let base = state.base_url(&headers);
    let (outcome, entity) = state
        .write(move |catalog| {
            let stored = catalog
                .get_by_id(kind.entity_type, &id, Include::NonDeleted)?
                .ok_or_else(|| ApiError::not_found(kind.entity_type, &id))?;
            let mut document = present::entity(kind, stored, &base, None);
            if let Value::Object(fields) = &mut document {
                fields
                    .entry("tags")
                    .or_insert_with(|| Value::Array(Vec::new()));
            }
            json_patch::patch(&mut document, &patch)
                .map_err(|e| ApiError::bad_request(format!("cannot apply the patch: {e}")))?;
            let Value::Object(patched) = document else {
                return Err(ApiError::bad_request("the patch must leave an object"));
            };
            check_fields(&patched, "")?;
            Ok(
                catalog.edit(kind.entity_type, &id, &caller.name, |content| {
                    carry(&patched, content);
                    Ok(())
                })?,
            )
        })
        .await?;
    let change = match outcome {
        WriteOutcome::Unchanged => "entityNoChange",
        _ => "entityUpdated",
    };
    let entity = present::entity(kind, entity, &state.base_url(&headers), None);
    Ok((
        StatusCode::OK,
        [(CHANGE_HEADER, HeaderValue::from_static(change))],
        Json(entity),
    )
        .into_response())
}

/// Refuses an operation that would touch anything but tags and descriptions (a `test`
/// reads any path).
fn check_operation(operation: &PatchOperation) -> Result<(), ApiError> {
    let paths: Vec<String> = match operation {
        PatchOperation::Test(_) => Vec::new(),
        PatchOperation::Add(op) => vec![op.path.to_string()],
        PatchOperation::Remove(op) => vec![op.path.to_string()],
        PatchOperation::Replace(op) => vec![op.path.to_string()],
        PatchOperation::Move(op) => vec![op.from.to_string(), op.path.to_string()],
        PatchOperation::Copy(op) => vec![op.from.to_string(), op.path.to_string()],
    };
    for path in paths {
        if !allowed(&path) {
            return Err(ApiError::bad_request(format!(
                "cannot patch {path}: only tags and descriptions of the entity and its columns can be patched"
            )));
        }
    }
    Ok(())
}

/// `/tags…` or `/description`, of the entity or of a column: `/columns/N(/children/N)*/…`.
fn allowed(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let tokens: Vec<&str> = rest.split('/').collect();
    let index = |token: &str| !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    let mut at = 0;
    if tokens.first() == Some(&"columns") {
        if !tokens.get(1).is_some_and(|t| index(t)) {
            return false;
        }
        at = 2;
        while tokens.get(at) == Some(&"children") {
            if !tokens.get(at + 1).is_some_and(|t| index(t)) {
                return false;
            }
            at += 2;
        }
    }
    match tokens.get(at) {
        Some(&"tags") => true,
        Some(&"description") => tokens.len() == at + 1,
        _ => false,
    }
}

/// Checks that the patched tags are tag labels and descriptions are text, at any depth.
fn check_fields(fields: &Map<String, Value>, at: &str) -> Result<(), ApiError> {
    match fields.get("description") {
        None | Some(Value::Null | Value::String(_)) => {}
        Some(_) => {
            return Err(ApiError::bad_request(format!(
                "{at}/description must be a string"
            )));
        }
    }
    match fields.get("tags") {
        None | Some(Value::Null) => {}
        Some(tags) => {
            serde_json::from_value::<Vec<TagLabel>>(tags.clone()).map_err(|e| {
                ApiError::bad_request(format!("{at}/tags must be a list of tag labels: {e}"))
            })?;
        }
    }
    let nested = if at.is_empty() { "columns" } else { "children" };
    if let Some(Value::Array(columns)) = fields.get(nested) {
        for (i, column) in columns.iter().enumerate() {
            if let Value::Object(column) = column {
                check_fields(column, &format!("{at}/{nested}/{i}"))?;
            }
        }
    }
    Ok(())
}

/// Copies the patched tags and descriptions into the stored content, column by column (the
/// patch cannot add, remove or move columns). An empty tag list where none was stored is
/// no change.
fn carry(patched: &Map<String, Value>, content: &mut Map<String, Value>) {
    carry_fields(patched, content, "columns");
}

fn carry_fields(patched: &Map<String, Value>, content: &mut Map<String, Value>, nested: &str) {
    for key in ["description", "tags"] {
        match patched.get(key) {
            None | Some(Value::Null) => {
                content.remove(key);
            }
            Some(Value::Array(items)) if items.is_empty() && !content.contains_key(key) => {}
            Some(value) => {
                content.insert(key.into(), value.clone());
            }
        }
    }
    if let (Some(Value::Array(patched_columns)), Some(Value::Array(columns))) =
        (patched.get(nested), content.get_mut(nested))
    {
        for (patched, column) in patched_columns.iter().zip(columns.iter_mut()) {
            if let (Value::Object(patched), Value::Object(column)) = (patched, column) {
                carry_fields(patched, column, "children");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tags_and_descriptions_are_patched() {
        for path in [
            "/tags",
            "/tags/-",
            "/tags/0/tagFQN",
            "/description",
            "/columns/3/tags/-",
            "/columns/3/tags",
            "/columns/0/children/12/children/1/tags/0",
            "/columns/0/description",
        ] {
            assert!(allowed(path), "{path}");
        }
        for path in [
            "",
            "/",
            "/name",
            "/columns",
            "/columns/-",
            "/columns/0",
            "/columns/x/tags",
            "/columns/0/name",
            "/columns/0/children/-/tags",
            "/description/x",
            "/columns/0/children",
            "tags",
        ] {
            assert!(!allowed(path), "{path}");
        }
    }
}
