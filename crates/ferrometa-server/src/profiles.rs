//! The profiler's routes of tables: profiles with their history and sample data, kept by
//! the catalog beside the table (no new table version). Paths are relative to
//! `/api/v1/tables`; `{fqn}`s are percent-decoded and may use any quoting, as `name/{fqn}`:
//!
//! | method and path | what it does |
//! |---|---|
//! | `PUT /{id}/tableProfile` | stores a `CreateTableProfileRequest` (one per `tableProfile.timestamp`), answers the table with `profile` |
//! | `GET /{fqn}/tableProfile/latest` | the table with its latest `profile` and each column's latest `profile` |
//! | `GET /{fqn}/tableProfile` | `tableProfile`s in `startTs..=endTs`, newest first, up to `limit` |
//! | `GET /{columnFqn}/columnProfile` | one column's `columnProfile`s in `startTs..=endTs`, newest first |
//! | `PUT /{id}/sampleData`, `GET /{id}/sampleData` | the table with its latest `sampleData` (`TableData`) |
//!
//! As on OpenMetadata, writes and sample data find live tables only (404 otherwise), and the
//! profile reads soft-deleted ones too: a deleted table keeps its profiles until a hard
//! delete. Column profiles are named by the column's path below the table (`parent.child`
//! for a nested column), and a profile naming no column of the table is a 400.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use ferrometa_catalog::{Catalog, ColumnProfile, Include, TimeRange, canonical_fqn};
use ferrometa_model::{EntityType, fqn};
use serde_json::{Value, json};

use crate::entities::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::error::ApiError;
use crate::kind::TABLES;
use crate::params::Params;
use crate::present::{self, Fields};
use crate::requests;
use crate::state::AppState;

/// The routes; `{id}` holds an FQN on the reads by FQN (one parameter name per segment).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/tables/{id}/tableProfile",
            put(put_table_profile).get(table_profiles),
        )
        .route("/api/v1/tables/{id}/tableProfile/latest", get(latest))
        .route("/api/v1/tables/{id}/columnProfile", get(column_profiles))
        .route(
            "/api/v1/tables/{id}/sampleData",
            put(put_sample_data).get(sample_data),
        )
}

type Reply = Result<Response, ApiError>;

/// The parts of a table's FQN: service, database, schema, table.
const TABLE_FQN_PARTS: usize = 4;

async fn put_table_profile(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let profile = requests::table_profile(&body)?;
    let base = state.base_url(&headers);
    let table = state
        .write(move |catalog| {
            let table = table_by_id(catalog, &id)?;
            let paths = column_paths(&table);
            for column in profile.column_profile() {
                let name = column["name"].as_str().unwrap_or_default();
                if !paths.iter().any(|path| path == name) {
                    return Err(invalid_column(name));
                }
            }
            catalog.put_table_profile(&id, &profile)?;
            let mut table = present::entity(&TABLES, table, &base, None);
            table["profile"] = profile.table_profile().clone();
            Ok(table)
        })
        .await?;
    Ok(Json(table).into_response())
}

async fn latest(
    State(state): State<AppState>,
    Path(fqn): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let base = state.base_url(&headers);
    let table = state
        .read(move |catalog| {
            let table = table_by_fqn(catalog, &fqn)?;
            let id = id_of(&table);
            let profile = catalog.latest_table_profile(&id)?;
            let columns = catalog.latest_column_profiles(&id)?;
            let mut table = present::entity(&TABLES, table, &base, Some(&default_fields()));
            if let Some(profile) = profile {
                table["profile"] = profile.table_profile().clone();
            }
            attach_profiles(&mut table["columns"], None, &columns);
            Ok(table)
        })
        .await?;
    Ok(Json(table).into_response())
}

async fn table_profiles(
    State(state): State<AppState>,
    Path(fqn): Path<String>,
    params: Params,
) -> Reply {
    let range = time_range(&params)?;
    let limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT)?;
    let body = state
        .read(move |catalog| {
            let table = table_by_fqn(catalog, &fqn)?;
            let page = catalog.table_profiles(&id_of(&table), range, limit)?;
            let data: Vec<Value> = page
                .data
                .iter()
                .map(|profile| profile.table_profile().clone())
                .collect();
            Ok(json!({"data": data, "paging": {"total": page.total}}))
        })
        .await?;
    Ok(Json(body).into_response())
}

async fn column_profiles(
    State(state): State<AppState>,
    Path(column_fqn): Path<String>,
    params: Params,
) -> Reply {
    let range = time_range(&params)?;
    let body = state
        .read(move |catalog| {
            // service.database.schema.table, then the column's path.
            let parts = fqn::split(&column_fqn);
            if parts.len() <= TABLE_FQN_PARTS {
                return Err(ApiError::not_found("column", &column_fqn));
            }
            let (table_parts, column_parts) = parts.split_at(TABLE_FQN_PARTS);
            let table = table_by_fqn(catalog, &table_parts.join("."))?;
            let column = column_parts
                .iter()
                .map(|part| fqn::last_name(part))
                .collect::<Vec<_>>()
                .join(".");
            if !column_paths(&table).contains(&column) {
                return Err(ApiError::not_found("column", &column_fqn));
            }
            let profiles = catalog.column_profiles(&id_of(&table), &column, range)?;
            let data: Vec<Value> = profiles.into_iter().map(|c| c.profile).collect();
            Ok(json!({"data": data, "paging": {"total": data.len()}}))
        })
        .await?;
    Ok(Json(body).into_response())
}

async fn put_sample_data(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let data = requests::table_data(&body)?;
    let base = state.base_url(&headers);
    let table = state
        .write(move |catalog| {
            let table = table_by_id(catalog, &id)?;
            // Top-level columns only, as OpenMetadata's `validateColumn`.
            let names: Vec<&str> = table["columns"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["name"].as_str())
                .collect();
            let unknown = data["columns"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .find(|column| !names.contains(column));
            if let Some(unknown) = unknown {
                return Err(invalid_column(unknown));
            }
            catalog.put_sample_data(&id, &data)?;
            let mut table = present::entity(&TABLES, table, &base, None);
            table["sampleData"] = data;
            Ok(table)
        })
        .await?;
    Ok(Json(table).into_response())
}

async fn sample_data(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let base = state.base_url(&headers);
    let table = state
        .read(move |catalog| {
            let table = table_by_id(catalog, &id)?;
            let data = catalog.sample_data(&id)?;
            let mut table = present::entity(&TABLES, table, &base, Some(&default_fields()));
            if let Some(data) = data {
                table["sampleData"] = data;
            }
            Ok(table)
        })
        .await?;
    Ok(Json(table).into_response())
}

/// `startTs` and `endTs`, both required as on OpenMetadata.
fn time_range(params: &Params) -> Result<TimeRange, ApiError> {
    Ok(TimeRange {
        start: params.timestamp("startTs")?,
        end: params.timestamp("endTs")?,
    })
}

/// A read's fields when it names none: no optional field.
fn default_fields() -> Fields {
    Fields::Named(Default::default())
}

fn table_by_id(catalog: &Catalog, id: &str) -> Result<Value, ApiError> {
    catalog
        .get_by_id(EntityType::Table, id, Include::NonDeleted)?
        .ok_or_else(|| ApiError::not_found(EntityType::Table, id))
}

/// Soft-deleted tables included, as OpenMetadata's profile reads find them.
fn table_by_fqn(catalog: &Catalog, fqn: &str) -> Result<Value, ApiError> {
    catalog
        .get_by_fqn(EntityType::Table, &canonical_fqn(fqn), Include::All)?
        .ok_or_else(|| ApiError::not_found(EntityType::Table, fqn))
}

/// The path of every column of a table, nested ones as `parent.child` (how OpenMetadata's
/// profiler names them).
fn column_paths(table: &Value) -> Vec<String> {
    fn walk(columns: &Value, prefix: Option<&str>, paths: &mut Vec<String>) {
        for column in columns.as_array().into_iter().flatten() {
            let Some(name) = column["name"].as_str() else {
                continue;
            };
            let path = prefix.map_or_else(|| name.to_string(), |p| format!("{p}.{name}"));
            walk(&column["children"], Some(&path), paths);
            paths.push(path);
        }
    }
    let mut paths = Vec::new();
    walk(&table["columns"], None, &mut paths);
    paths
}

/// Sets each column's `profile`, children included, to its newest entry in `profiles`.
fn attach_profiles(columns: &mut Value, prefix: Option<&str>, profiles: &[ColumnProfile]) {
    for column in columns.as_array_mut().into_iter().flatten() {
        let Some(name) = column["name"].as_str() else {
            continue;
        };
        let path = prefix.map_or_else(|| name.to_string(), |p| format!("{p}.{name}"));
        if let Some(found) = profiles
            .iter()
            .find(|c| c.profile["name"].as_str() == Some(path.as_str()))
        {
            column["profile"] = found.profile.clone();
        }
        if column.get("children").is_some() {
            attach_profiles(&mut column["children"], Some(&path), profiles);
        }
    }
}

/// OpenMetadata's 400 for a column the table lacks.
fn invalid_column(name: &str) -> ApiError {
    ApiError::bad_request(format!("invalid column name {name}"))
}

fn id_of(table: &Value) -> String {
    table["id"].as_str().unwrap_or_default().to_string()
}
