//! The REST resources of database services, databases, database schemas and tables, from
//! one generic set of handlers: each collection is mounted with its [`Kind`], which holds
//! what differs between them (entity type, optional fields, list filters, the child list a
//! field holds). Paths are relative to `/api/v1/<collection>`:
//!
//! | method and path | what it does |
//! |---|---|
//! | `GET /` | cursor-paged list (`limit`, `before`, `after`, `fields`, `include`, parent filters) |
//! | `PUT /`, `POST /` | create-or-update (201 or 200), create only (201, 409 on a duplicate) |
//! | `GET /{id}`, `GET /name/{fqn}` | one entity (`fields`, `include`) |
//! | `PATCH /{id}` | a JSON Patch of tags and descriptions (see `patch`) |
//! | `DELETE /{id}`, `DELETE /name/{fqn}` | soft or hard delete (`hardDelete`, `recursive`) |
//! | `PUT /restore` | restores a soft-deleted entity (`{"id"}`) |
//! | `GET /{id}/versions`, `GET /{id}/versions/{v}` | version history, one version |
//! | `PUT /bulk` | create-or-update of a list, answered with a `BulkOperationResult` |
//! | `DELETE /deleteStale` | deletes what a scope holds beyond the FQNs a run saw |

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use axum::{Extension, Json, Router};
use ferrometa_catalog::{
    Catalog, DeleteMode, EntityRequest, Filters, Include, Scope, WriteContext, canonical_fqn,
};
use ferrometa_model::{EntityType, WriteOutcome};
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::kind::{KINDS, Kind, depth};
use crate::params::Params;
use crate::present::{self, BulkResult, Fields};
use crate::state::AppState;
use crate::{merge, patch, requests};

/// OpenMetadata's header naming what a write did.
const CHANGE_HEADER: HeaderName = HeaderName::from_static("x-openmetadata-change");
/// The largest `limit` of a list.
pub(crate) const MAX_LIMIT: usize = 1_000_000;
pub(crate) const DEFAULT_LIMIT: usize = 10;

/// The routes of every collection.
pub(crate) fn routes() -> Router<AppState> {
    KINDS.iter().fold(Router::new(), |router, &kind| {
        router.nest(
            &format!("/api/v1/{}", kind.entity_type.collection()),
            collection().layer(Extension(kind)),
        )
    })
}

fn collection() -> Router<AppState> {
    Router::new()
        .route("/", get(list).put(create_or_update).post(create))
        .route(
            "/{id}",
            get(get_by_id).delete(delete_by_id).patch(patch::patch),
        )
        .route("/name/{fqn}", get(get_by_name).delete(delete_by_name))
        .route("/restore", put(restore))
        .route("/bulk", put(bulk))
        .route("/deleteStale", delete(delete_stale))
        .route("/{id}/versions", get(versions))
        .route("/{id}/versions/{version}", get(version))
}

type Reply = Result<Response, ApiError>;
type KindOf = Extension<&'static Kind>;

async fn list(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Reply {
    kind.refuse_regex_filters(&params)?;
    let fields = Fields::parse(kind, params.get("fields"))?;
    let filters = kind.filters(&params, params.include()?);
    let limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT)?;
    let after = params
        .get("after")
        .map(present::decode_cursor)
        .transpose()?;
    let before = params
        .get("before")
        .map(present::decode_cursor)
        .transpose()?;
    if after.is_some() && before.is_some() {
        return Err(ApiError::bad_request(
            "only one of before and after may be given",
        ));
    }
    let base = state.base_url(&headers);
    let body = state
        .read(move |catalog| {
            let page = match &before {
                Some(before) => catalog.list_before(kind.entity_type, &filters, limit, before)?,
                None => catalog.list(kind.entity_type, &filters, limit, after.as_ref())?,
            };
            // Paging forward from a cursor, OpenMetadata points `before` at the first row.
            let before = page.before.or_else(|| {
                after.as_ref()?;
                let first = page.data.first()?;
                Some(ferrometa_catalog::Cursor {
                    name: first["name"].as_str()?.to_string(),
                    id: first["id"].as_str()?.to_string(),
                })
            });
            let data = page
                .data
                .into_iter()
                .map(|entity| shape(kind, catalog, entity, &base, &fields))
                .collect::<Result<Vec<_>, _>>()?;
            let mut paging = serde_json::Map::new();
            if let Some(before) = before {
                paging.insert("before".into(), present::encode_cursor(&before).into());
            }
            if let Some(after) = page.after {
                paging.insert("after".into(), present::encode_cursor(&after).into());
            }
            paging.insert("total".into(), page.total.into());
            Ok(json!({"data": data, "paging": paging}))
        })
        .await?;
    Ok(Json(body).into_response())
}

async fn get_by_id(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Reply {
    read_one(kind, state, Lookup::Id(id), params, headers).await
}

async fn get_by_name(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Path(fqn): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Reply {
    read_one(kind, state, Lookup::Fqn(fqn), params, headers).await
}

/// How a request names one entity.
enum Lookup {
    Id(String),
    /// As sent: any quoting of the parts.
    Fqn(String),
}

impl Lookup {
    fn find(
        &self,
        catalog: &Catalog,
        entity_type: EntityType,
        include: Include,
    ) -> Result<Option<Value>, ApiError> {
        let found = match self {
            Lookup::Id(id) => catalog.get_by_id(entity_type, id, include)?,
            Lookup::Fqn(fqn) => catalog.get_by_fqn(entity_type, &canonical_fqn(fqn), include)?,
        };
        Ok(found)
    }

    fn not_found(&self, entity_type: EntityType) -> ApiError {
        match self {
            Lookup::Id(key) | Lookup::Fqn(key) => ApiError::not_found(entity_type, key),
        }
    }
}

async fn read_one(
    kind: &'static Kind,
    state: AppState,
    lookup: Lookup,
    params: Params,
    headers: HeaderMap,
) -> Reply {
    let fields = Fields::parse(kind, params.get("fields"))?;
    let include = params.include()?;
    let base = state.base_url(&headers);
    let entity = state
        .read(move |catalog| {
            let entity = lookup
                .find(catalog, kind.entity_type, include)?
                .ok_or_else(|| lookup.not_found(kind.entity_type))?;
            shape(kind, catalog, entity, &base, &fields)
        })
        .await?;
    Ok(Json(entity).into_response())
}

/// An entity as a read answers it, with its children's references (and a table's sample
/// data) when asked for.
fn shape(
    kind: &Kind,
    catalog: &Catalog,
    entity: Value,
    base: &str,
    fields: &Fields,
) -> Result<Value, ApiError> {
    let mut shaped = present::entity(kind, entity, base, Some(fields));
    if let Some((field, child_type)) = kind.children
        && fields.wants(field)
    {
        let fqn = shaped["fullyQualifiedName"].as_str().map(str::to_string);
        let filters = Filters {
            database: fqn
                .clone()
                .filter(|_| child_type == EntityType::DatabaseSchema),
            schema: fqn.filter(|_| child_type == EntityType::Table),
            ..Filters::default()
        };
        let children = catalog.list(child_type, &filters, MAX_LIMIT, None)?;
        let references: Vec<Value> = children
            .data
            .iter()
            .map(|child| present::reference(child_type, child, base))
            .collect();
        shaped[field] = Value::Array(references);
    }
    // Sample data is kept beside the table (see `profiles`), and read only when asked for.
    if kind.entity_type == EntityType::Table
        && fields.wants("sampleData")
        && let Some(data) = catalog.sample_data(shaped["id"].as_str().unwrap_or_default())?
    {
        shaped["sampleData"] = data;
    }
    Ok(shaped)
}

async fn create_or_update(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let request = requests::create_request(kind.entity_type, requests::parse_json(&body)?)?;
    let rules = merge::put_rules(caller.bot, false);
    let (outcome, entity) = state
        .write(move |catalog| {
            let ctx = WriteContext {
                updated_by: &caller.name,
                merge: Some(&*rules),
            };
            Ok(catalog.put(&request, ctx)?)
        })
        .await?;
    let (status, change) = match outcome {
        WriteOutcome::Created => (StatusCode::CREATED, "entityCreated"),
        WriteOutcome::Updated => (StatusCode::OK, "entityUpdated"),
        WriteOutcome::Unchanged => (StatusCode::OK, "entityNoChange"),
    };
    Ok(written(kind, &state, &headers, status, change, entity))
}

async fn create(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let request = requests::create_request(kind.entity_type, requests::parse_json(&body)?)?;
    let entity = state
        .write(move |catalog| {
            let ctx = WriteContext {
                updated_by: &caller.name,
                merge: None,
            };
            Ok(catalog.create(&request, ctx)?)
        })
        .await?;
    Ok(written(
        kind,
        &state,
        &headers,
        StatusCode::CREATED,
        "entityCreated",
        entity,
    ))
}

/// The answer to a write: the whole entity, with OpenMetadata's change header.
fn written(
    kind: &Kind,
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    change: &'static str,
    entity: Value,
) -> Response {
    let entity = present::entity(kind, entity, &state.base_url(headers), None);
    (
        status,
        [(CHANGE_HEADER, HeaderValue::from_static(change))],
        Json(entity),
    )
        .into_response()
}

async fn delete_by_id(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Reply {
    delete_one(kind, state, caller, Lookup::Id(id), params, headers).await
}

async fn delete_by_name(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(fqn): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Reply {
    delete_one(kind, state, caller, Lookup::Fqn(fqn), params, headers).await
}

async fn delete_one(
    kind: &'static Kind,
    state: AppState,
    caller: Caller,
    lookup: Lookup,
    params: Params,
    headers: HeaderMap,
) -> Reply {
    let mode = DeleteMode {
        hard: params.flag("hardDelete", false)?,
        recursive: params.flag("recursive", false)?,
    };
    let entity = state
        .write(move |catalog| {
            // A soft delete only sees live entities; a hard one removes deleted ones too.
            let include = if mode.hard {
                Include::All
            } else {
                Include::NonDeleted
            };
            let entity = lookup
                .find(catalog, kind.entity_type, include)?
                .ok_or_else(|| lookup.not_found(kind.entity_type))?;
            let id = entity["id"].as_str().unwrap_or_default();
            Ok(catalog.delete(kind.entity_type, id, mode, &caller.name)?)
        })
        .await?;
    let change = if mode.hard {
        "entityDeleted"
    } else {
        "entitySoftDeleted"
    };
    Ok(written(
        kind,
        &state,
        &headers,
        StatusCode::OK,
        change,
        entity,
    ))
}

async fn restore(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let request: requests::RestoreEntity = requests::parse_body(&body, "RestoreEntity request")?;
    let entity = state
        .write(move |catalog| {
            Ok(catalog.restore(kind.entity_type, &request.id.to_string(), &caller.name)?)
        })
        .await?;
    Ok(written(
        kind,
        &state,
        &headers,
        StatusCode::OK,
        "entityRestored",
        entity,
    ))
}

async fn versions(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Reply {
    let history = state
        .read(move |catalog| {
            let lookup = Lookup::Id(id.clone());
            lookup
                .find(catalog, kind.entity_type, Include::All)?
                .ok_or_else(|| lookup.not_found(kind.entity_type))?;
            Ok(present::history(kind.entity_type, catalog.versions(&id)?))
        })
        .await?;
    Ok(Json(history).into_response())
}

async fn version(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Reply {
    let tenths = parse_version(&version)?;
    let base = state.base_url(&headers);
    let entity = state
        .read(move |catalog| {
            let lookup = Lookup::Id(id.clone());
            lookup
                .find(catalog, kind.entity_type, Include::All)?
                .ok_or_else(|| lookup.not_found(kind.entity_type))?;
            catalog.version(&id, tenths)?.ok_or_else(|| {
                ApiError::not_found(
                    kind.entity_type.as_str(),
                    &format!("{id} and version {version}"),
                )
            })
        })
        .await?;
    Ok(Json(present::entity(kind, entity, &base, None)).into_response())
}

/// `major.minor` as tenths: `1.2` is 12.
fn parse_version(text: &str) -> Result<i64, ApiError> {
    let invalid =
        || ApiError::bad_request(format!("version `{text}` is not of the form major.minor"));
    let (major, minor) = text.split_once('.').unwrap_or((text, "0"));
    let major: i64 = major.parse().map_err(|_| invalid())?;
    if minor.len() != 1 || major < 0 {
        return Err(invalid());
    }
    let minor: i64 = minor.parse().map_err(|_| invalid())?;
    // Checked: a major near i64::MAX is a 400, not an overflow.
    major
        .checked_mul(10)
        .and_then(|tenths| tenths.checked_add(minor))
        .ok_or_else(invalid)
}

async fn bulk(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Reply {
    // `async=true` asks for a background job; answering when done is as good for a client.
    params.flag("async", false)?;
    let override_metadata = params.flag("overrideMetadata", false)?;
    let Value::Array(items) = requests::parse_json(&body)? else {
        return Err(ApiError::bad_request(format!(
            "the body must be a json array of {}s",
            requests::schema_name(kind.entity_type)
        )));
    };
    let mut result = BulkResult::default();
    let mut valid = Vec::with_capacity(items.len());
    for item in items {
        let label = row_label(kind.entity_type, &item);
        match requests::create_request(kind.entity_type, item) {
            Ok(request) => valid.push(request),
            Err(error) => result.fail(label, &error),
        }
    }
    let rules = merge::put_rules(caller.bot, override_metadata);
    let result = state
        .write(move |catalog| {
            let ctx = WriteContext {
                updated_by: &caller.name,
                merge: Some(&*rules),
            };
            let outcomes = catalog.put_batch(&valid, ctx)?;
            for (request, outcome) in valid.iter().zip(outcomes) {
                let fqn = Value::String(request.fqn().to_string());
                match outcome {
                    Ok(_) => result.pass(fqn),
                    Err(error) => result.fail(fqn, &ApiError::from(error)),
                }
            }
            Ok(result.into_json())
        })
        .await?;
    Ok(Json(result).into_response())
}

/// How a bulk result names a row: its FQN when it has a name and a parent, else the row.
fn row_label(entity_type: EntityType, item: &Value) -> Value {
    item.as_object()
        .and_then(|fields| EntityRequest::from_json(entity_type, fields.clone()).ok())
        .map_or_else(
            || item.clone(),
            |request| Value::String(request.fqn().to_string()),
        )
}

async fn delete_stale(
    Extension(kind): KindOf,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Reply {
    let request: requests::DeleteStale = requests::parse_body(&body, "BulkDeleteStaleRequest")?;
    let scope_type = stale_scope(kind, &request.scope_entity_type)?;
    let mode = DeleteMode {
        hard: request.hard_delete.unwrap_or(false),
        recursive: request.recursive.unwrap_or(true),
    };
    let dry_run = request.dry_run.unwrap_or(false);
    let result = state
        .write(move |catalog| {
            let scope = Scope {
                entity_type: scope_type,
                fqn: &request.scope_fqn,
            };
            let mut result = BulkResult::new(dry_run);
            if dry_run {
                for fqn in catalog.stale(kind.entity_type, scope, &request.seen_fqns)? {
                    result.pass(fqn.into());
                }
            } else {
                let deleted = catalog.delete_stale(
                    kind.entity_type,
                    scope,
                    &request.seen_fqns,
                    mode,
                    &caller.name,
                )?;
                for (fqn, outcome) in deleted {
                    match outcome {
                        Ok(()) => result.pass(fqn.into()),
                        Err(error) => result.fail(fqn.into(), &ApiError::from(error)),
                    }
                }
            }
            Ok(result.into_json())
        })
        .await?;
    Ok(Json(result).into_response())
}

/// The entity type of a stale delete's scope, which must hold entities of `kind`.
pub(crate) fn stale_scope(kind: &Kind, name: &str) -> Result<EntityType, ApiError> {
    let scope = match name {
        // OpenMetadata maps the generic `service` to the concrete service type.
        "service" | "databaseService" => EntityType::DatabaseService,
        "database" => EntityType::Database,
        "databaseSchema" => EntityType::DatabaseSchema,
        other => {
            return Err(ApiError::bad_request(format!(
                "invalid scopeEntityType `{other}`"
            )));
        }
    };
    if depth(scope) >= kind.depth() {
        return Err(ApiError::bad_request(format!(
            "a {} cannot hold {} entities",
            scope.as_str(),
            kind.entity_type.as_str()
        )));
    }
    Ok(scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::{DATABASES, TABLES};

    #[test]
    fn versions_parse_as_tenths() {
        assert_eq!(parse_version("0.1").unwrap(), 1);
        assert_eq!(parse_version("12.3").unwrap(), 123);
        assert_eq!(parse_version("2").unwrap(), 20);
        assert!(parse_version("0.15").is_err() && parse_version("x").is_err());
        // Found by the fuzzer: these overflowed (a panic, so a 500) before.
        assert!(parse_version("922337203685477581").is_err());
        assert!(parse_version("922337203685477580.8").is_err());
        assert_eq!(parse_version("922337203685477580.7").unwrap(), i64::MAX);
    }

    #[test]
    fn stale_scopes_must_hold_the_collection() {
        assert_eq!(
            stale_scope(&TABLES, "databaseSchema").unwrap(),
            EntityType::DatabaseSchema
        );
        assert_eq!(
            stale_scope(&DATABASES, "service").unwrap(),
            EntityType::DatabaseService
        );
        assert!(stale_scope(&DATABASES, "databaseSchema").is_err());
        assert!(stale_scope(&TABLES, "table").is_err());
    }
}
