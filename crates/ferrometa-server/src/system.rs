//! The endpoints besides the entity collections that database ingestion calls:
//! `system/version`, the test-connection definitions, the search field query, and stand-ins
//! for stored procedures, which this catalog does not hold but whose stale delete the
//! upstream client sends after every schema.

use std::sync::LazyLock;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use ferrometa_catalog::{Include, canonical_fqn};
use ferrometa_model::EntityType;
use serde_json::{Value, json};

use crate::entities;
use crate::error::ApiError;
use crate::kind::TABLES;
use crate::params::Params;
use crate::present::BulkResult;
use crate::requests;
use crate::state::AppState;

/// The one path open without a token.
pub(crate) const VERSION_PATH: &str = "/api/v1/system/version";

/// Built-in test-connection definitions: name, displayName, description and steps, whose
/// step names must match the connector's checks.
static TEST_CONNECTIONS: LazyLock<Vec<Value>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("test_connections.json"))
        .expect("test_connections.json is valid json")
});

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(VERSION_PATH, get(version))
        .route(
            "/api/v1/services/testConnectionDefinitions",
            get(list_test_connections),
        )
        .route(
            "/api/v1/services/testConnectionDefinitions/name/{fqn}",
            get(test_connection_by_name),
        )
        .route(
            "/api/v1/services/testConnectionDefinitions/{id}",
            get(test_connection_by_id),
        )
        .route("/api/v1/search/fieldQuery", get(field_query))
        .route("/api/v1/storedProcedures", get(list_stored_procedures))
        .route(
            "/api/v1/storedProcedures/deleteStale",
            delete(delete_stale_stored_procedures),
        )
}

/// Whether `version` passes the upstream client's check (`\d+.\d+.\d+` at its start).
pub(crate) fn is_server_version(version: &str) -> bool {
    let mut parts = version.splitn(3, '.');
    let numeric = |part: Option<&str>| {
        part.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let (major, minor, rest) = (parts.next(), parts.next(), parts.next());
    let patch = rest.map(|rest| {
        rest.split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap_or_default()
    });
    numeric(major) && numeric(minor) && numeric(patch)
}

/// `OpenMetadataServerVersion`.
async fn version(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "version": state.0.version,
        "revision": concat!("ferrometa-", env!("CARGO_PKG_VERSION")),
        "timestamp": state.0.started_at,
    }))
}

fn test_connection(definition: &Value, state: &AppState, headers: &HeaderMap) -> Value {
    let mut entity = definition.clone();
    let name = entity["name"].as_str().unwrap_or_default().to_string();
    let id = entity["id"].as_str().unwrap_or_default().to_string();
    let base = state.base_url(headers);
    let fields = entity.as_object_mut().expect("definitions are objects");
    fields.insert(
        "fullyQualifiedName".into(),
        format!("{name}.testConnectionDefinition").into(),
    );
    fields.insert("version".into(), json!(0.1));
    fields.insert("updatedAt".into(), state.0.started_at.into());
    fields.insert("updatedBy".into(), "admin".into());
    fields.insert(
        "href".into(),
        format!("{base}/api/v1/services/testConnectionDefinitions/{id}").into(),
    );
    fields.insert("deleted".into(), false.into());
    entity
}

async fn list_test_connections(State(state): State<AppState>, headers: HeaderMap) -> Json<Value> {
    let data: Vec<Value> = TEST_CONNECTIONS
        .iter()
        .map(|definition| test_connection(definition, &state, &headers))
        .collect();
    let total = data.len();
    Json(json!({"data": data, "paging": {"total": total}}))
}

async fn test_connection_by_name(
    State(state): State<AppState>,
    Path(fqn): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let definition = TEST_CONNECTIONS
        .iter()
        .find(|d| {
            d["name"]
                .as_str()
                .is_some_and(|name| format!("{name}.testConnectionDefinition") == fqn)
        })
        .ok_or_else(|| ApiError::not_found("testConnectionDefinition", &fqn))?;
    Ok(Json(test_connection(definition, &state, &headers)).into_response())
}

async fn test_connection_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let definition = TEST_CONNECTIONS
        .iter()
        .find(|d| d["id"] == id.as_str())
        .ok_or_else(|| ApiError::not_found("testConnectionDefinition", &id))?;
    Ok(Json(test_connection(definition, &state, &headers)).into_response())
}

/// The search index of an entity type (`table_search_index`, …).
fn index_type(index: &str) -> Option<EntityType> {
    match index {
        "table_search_index" | "table" => Some(EntityType::Table),
        "database_schema_search_index" | "databaseSchema" => Some(EntityType::DatabaseSchema),
        "database_search_index" | "database" => Some(EntityType::Database),
        "database_service_search_index" | "databaseService" => Some(EntityType::DatabaseService),
        _ => None,
    }
}

/// `GET /search/fieldQuery`: an exact FQN match answered from the catalog in the shape of a
/// search engine's hits (`hits.hits[]._source`); any other query finds nothing. The client
/// reads `_source.fullyQualifiedName` and fetches each hit by name.
async fn field_query(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let field = params.get("fieldName").unwrap_or_default().to_string();
    let value = params.get("fieldValue").unwrap_or_default().to_string();
    let index = params
        .get("index")
        .unwrap_or("table_search_index")
        .to_string();
    let include = if params.flag("deleted", false)? {
        Include::Deleted
    } else {
        Include::NonDeleted
    };
    let from = params
        .get("from")
        .map_or(Ok(0), str::parse::<u64>)
        .map_err(|_| ApiError::bad_request("from must be a number"))?;
    let entity_type = index_type(&index).filter(|_| field == "fullyQualifiedName" && from == 0);
    let hits = match entity_type {
        None => Vec::new(),
        Some(entity_type) => {
            let fqn = canonical_fqn(&value);
            let found = state
                .read(move |catalog| Ok(catalog.get_by_fqn(entity_type, &fqn, include)?))
                .await?;
            found
                .map(|entity| {
                    json!({
                        "_index": index,
                        "_id": entity["id"],
                        "_score": 1.0,
                        "_source": {
                            "id": entity["id"],
                            "name": entity["name"],
                            "fullyQualifiedName": entity["fullyQualifiedName"],
                            "deleted": entity["deleted"],
                            "entityType": entity_type.as_str(),
                        },
                    })
                })
                .into_iter()
                .collect()
        }
    };
    let total = hits.len();
    Ok(
        Json(json!({"hits": {"total": {"value": total, "relation": "eq"}, "hits": hits}}))
            .into_response(),
    )
}

/// No stored procedures are held: every list is empty.
async fn list_stored_procedures() -> Json<Value> {
    Json(json!({"data": [], "paging": {"total": 0}}))
}

/// Nothing is held, so nothing is stale; the body is still checked like a table's.
async fn delete_stale_stored_procedures(body: Bytes) -> Result<Response, ApiError> {
    let request: requests::DeleteStale = requests::parse_body(&body, "BulkDeleteStaleRequest")?;
    entities::stale_scope(&TABLES, &request.scope_entity_type)?;
    let result = BulkResult::new(request.dry_run.unwrap_or(false));
    Ok(Json(result.into_json()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_must_satisfy_the_client() {
        assert!(is_server_version("2.0.7"));
        assert!(is_server_version("2.0.7-SNAPSHOT"));
        assert!(!is_server_version("2.0"));
        assert!(!is_server_version("v2.0.7"));
    }

    #[test]
    fn dynamodb_has_a_definition() {
        let dynamodb = TEST_CONNECTIONS
            .iter()
            .find(|d| d["name"] == "DynamoDB")
            .unwrap();
        assert_eq!(dynamodb["steps"][0]["name"], "ListTables");
    }
}
