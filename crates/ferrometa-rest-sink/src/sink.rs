//! [`RestSink`]: the workflow's `Sink` over an OpenMetadata server.
//!
//! Entities go by bulk PUTs in hierarchy order. The profiler's records of a table are sent
//! after the batch's entities, in order: `PUT /api/v1/tables/{id}/tableProfile` and
//! `PUT /api/v1/tables/{id}/sampleData`, the id read once per table with
//! `GET /api/v1/tables/name/{fqn}`. Their answer does not tell a new profile from a replaced
//! one, so a success is reported `Created`. The classifier's column tags go last: the table is
//! read with `fields=columns,tags`, and the tags its columns take (none of the same
//! classification there yet) are added by `PATCH /api/v1/tables/{id}`, a JSON Patch of `add`
//! operations; a record whose tags are all refused sends nothing and is `Unchanged`.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use ferrometa_config::{MetadataRestSinkConfig, OpenMetadataServerConfig};
use ferrometa_core::{BoxError, Record, Sink, TableRef, WriteOutcome};
use ferrometa_model::fqn::{child, encode_name, last_name, split};
use ferrometa_model::{Column, ColumnTag, CreateEntity, CreateTable, EntityType, classification};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::bulk::BulkOperationResult;
use crate::error::RestSinkError;
use crate::http::{Api, quote, target};
use crate::setup::connect;

/// Rows per page when listing a collection. Table rows carry their columns (about 4 KB
/// each), so a small page keeps the answer that is held in memory small: 1000-row pages
/// cost 9 MB more peak RSS in a run over 1000 tables.
pub(crate) const PAGE: &str = "100";

/// Writes entities and the profiler's data of tables to an OpenMetadata server
/// (`sink.type: metadata-rest`).
pub struct RestSink {
    api: Api,
    location: String,
    /// Entities per bulk request.
    batch_size: usize,
    /// `overrideMetadata`: send every entity, hash or not, and let the server overwrite.
    override_metadata: bool,
    /// `forceEntityOverwriting`: PUT the service even when it exists.
    force_entity_overwriting: bool,
    /// Attached to the service's create request (only set with `storeServiceConnection`).
    service_connection: Option<Value>,
    /// Whether tables keep their `extension` (see `ServerVersion::keeps_extensions`).
    send_extensions: bool,
    /// Per parent FQN, its children as the server has them: what lets unchanged entities be
    /// skipped without a request. Filled by one listing per parent.
    children: HashMap<String, HashMap<String, Known>>,
    /// Collections whose `/bulk` endpoint the server lacks: single PUTs from then on.
    no_bulk: HashSet<EntityType>,
    /// Table ids by FQN as the server has it, read for the profiler's records.
    table_ids: HashMap<String, String>,
}

/// The `id` of an entity answer.
#[derive(Deserialize)]
struct Identified {
    id: String,
}

/// What the server has for one entity.
#[derive(Debug, Clone)]
struct Known {
    source_hash: Option<String>,
    deleted: bool,
}

/// An entity on its way to the server.
struct Pending {
    /// Position in the caller's batch.
    index: usize,
    entity: CreateEntity,
    fqn: String,
    /// Whether the server already has it (then a success is an update).
    exists: bool,
}

/// One row of a list answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Listed {
    pub name: String,
    pub fully_qualified_name: String,
    #[serde(default)]
    pub source_hash: Option<String>,
    #[serde(default)]
    pub deleted: bool,
}

impl RestSink {
    /// Connects to the server of `server` (as `sink` overrides it): checks its version,
    /// builds the authenticated client and checks that the server accepts the token.
    ///
    /// `service_connection`, when given, is stored with the database service when the sink
    /// creates it; the caller decides whether it may hold secrets (`storeServiceConnection`).
    pub async fn connect(
        server: &OpenMetadataServerConfig,
        sink: &MetadataRestSinkConfig,
        service_connection: Option<Value>,
    ) -> Result<RestSink, RestSinkError> {
        let (api, version) = connect(server, sink).await?;
        let location = sink
            .api_endpoint
            .clone()
            .unwrap_or_else(|| server.host_port.clone());
        tracing::info!(
            "connected to openmetadata {} at {location}",
            version.version
        );
        Ok(RestSink {
            api,
            location,
            batch_size: usize::try_from(sink.bulk_sink_batch_size)
                .unwrap_or(usize::MAX)
                .max(1),
            override_metadata: sink.override_metadata,
            force_entity_overwriting: server.force_entity_overwriting,
            service_connection,
            send_extensions: version.keeps_extensions(),
            children: HashMap::new(),
            no_bulk: HashSet::new(),
            table_ids: HashMap::new(),
        })
    }

    /// The request as it is sent: reserved characters encoded, the service connection
    /// attached, `extension` dropped for OpenMetadata, `sourceHash` set.
    fn prepare(&self, entity: &CreateEntity) -> CreateEntity {
        let mut entity = entity.clone();
        match &mut entity {
            CreateEntity::Table(table) => {
                encode_table(table);
                if !self.send_extensions {
                    table.extension = None;
                }
            }
            CreateEntity::DatabaseService(service) if service.connection.is_none() => {
                service.connection = self.service_connection.clone();
            }
            _ => {}
        }
        entity.with_source_hash()
    }

    /// Writes the service like upstream's topology does: an existing service is left as it
    /// is (its connection may have been edited in the UI), unless `forceEntityOverwriting`.
    async fn write_service(
        &mut self,
        entity: &CreateEntity,
    ) -> Result<WriteOutcome, RestSinkError> {
        let fqn = entity.fqn();
        if !self.force_entity_overwriting {
            let url = self.api.url(
                &format!(
                    "{}/name/{}",
                    EntityType::DatabaseService.collection(),
                    quote(&fqn)
                ),
                &[],
            )?;
            let reply = self.api.send(Method::GET, url.clone(), None).await?;
            if reply.status != StatusCode::NOT_FOUND {
                self.api.success(&Method::GET, &url, reply)?;
                return Ok(WriteOutcome::Unchanged);
            }
        }
        let outcome = self.put_one(entity).await?;
        if outcome == WriteOutcome::Created {
            self.children.insert(fqn, HashMap::new());
        }
        Ok(outcome)
    }

    /// Decides whether an entity must be sent: not when the server has it with the same hash.
    async fn plan(&mut self, entity: CreateEntity, index: usize) -> Option<Pending> {
        let fqn = entity.fqn();
        let parent = entity.parent_fqn().expect("only services have no parent");
        let known = self
            .known_children(entity.entity_type(), &parent)
            .await
            .get(&fqn)
            .cloned();
        let unchanged = known
            .as_ref()
            .is_some_and(|k| !k.deleted && k.source_hash.as_deref() == source_hash(&entity));
        if unchanged && !self.override_metadata {
            tracing::debug!(
                "no changes detected for {} {fqn}",
                entity.entity_type().as_str()
            );
            return None;
        }
        if known.is_none() && entity.entity_type() != EntityType::Table {
            // A new parent has no children to list.
            self.children.insert(fqn.clone(), HashMap::new());
        }
        Some(Pending {
            index,
            entity,
            fqn,
            exists: known.is_some(),
        })
    }

    /// The children of `parent` the server has, listed once per run. A failed listing only
    /// costs the skipping: everything under that parent is then sent.
    async fn known_children(&mut self, kind: EntityType, parent: &str) -> &HashMap<String, Known> {
        if !self.children.contains_key(parent) {
            let listed = match self
                .list(
                    kind,
                    parent,
                    &[("fields", "sourceHash"), ("include", "all")],
                )
                .await
            {
                Ok(rows) => rows
                    .into_iter()
                    .map(|row| {
                        let known = Known {
                            source_hash: row.source_hash,
                            deleted: row.deleted,
                        };
                        (row.fully_qualified_name, known)
                    })
                    .collect(),
                Err(e) => {
                    tracing::warn!(
                        "cannot list the {} of {parent}, sending all of them: {e}",
                        kind.collection()
                    );
                    HashMap::new()
                }
            };
            self.children.insert(parent.to_string(), listed);
        }
        &self.children[parent]
    }

    /// Every entity of `kind` directly under `parent`, all pages.
    async fn list(
        &self,
        kind: EntityType,
        parent: &str,
        extra: &[(&str, &str)],
    ) -> Result<Vec<Listed>, RestSinkError> {
        let filter = match kind {
            EntityType::DatabaseService => unreachable!("services have no parent to list under"),
            EntityType::Database => "service",
            EntityType::DatabaseSchema => "database",
            EntityType::Table => "databaseSchema",
        };
        let mut query = vec![(filter, parent), ("limit", PAGE)];
        query.extend_from_slice(extra);
        // The filter is a prefix match on the server: keep direct children only, so that
        // nothing outside `parent` is ever taken for one of its entities.
        self.api
            .list(kind.collection(), &query, |row: Listed| {
                Ok((parent_of(&row.fully_qualified_name) == parent).then_some(row))
            })
            .await
    }

    /// Sends the pending entities, parents' types first, in chunks of `batch_size`.
    async fn flush(
        &mut self,
        pending: &mut Vec<Pending>,
        results: &mut [Option<Result<WriteOutcome, RestSinkError>>],
    ) {
        pending.sort_by_key(|p| (p.entity.entity_type(), p.index));
        let all = std::mem::take(pending);
        let mut rest = all.as_slice();
        while let Some(first) = rest.first() {
            let kind = first.entity.entity_type();
            let same = rest
                .iter()
                .take_while(|p| p.entity.entity_type() == kind)
                .count()
                .min(self.batch_size);
            let (chunk, tail) = rest.split_at(same);
            for (index, result) in self.send_chunk(kind, chunk).await {
                results[index] = Some(result);
            }
            rest = tail;
        }
    }

    /// One chunk of one type: a bulk request, or single PUTs where bulk is not available or
    /// the server refused the request as a whole (so that one bad entity fails alone).
    async fn send_chunk(
        &mut self,
        kind: EntityType,
        chunk: &[Pending],
    ) -> Vec<(usize, Result<WriteOutcome, RestSinkError>)> {
        if !self.no_bulk.contains(&kind) {
            match self.put_bulk(kind, chunk).await {
                Ok(Some(results)) => return results,
                Ok(None) => {
                    tracing::info!(
                        "the server has no {}/bulk endpoint: sending single requests",
                        kind.collection()
                    );
                    self.no_bulk.insert(kind);
                }
                Err(e) if splittable(&e) => {
                    tracing::warn!("bulk request refused, sending entities one by one: {e}")
                }
                Err(e) => return chunk.iter().map(|p| (p.index, Err(e.clone()))).collect(),
            }
        }
        let mut results = Vec::with_capacity(chunk.len());
        for p in chunk {
            let result = self.put_one(&p.entity).await;
            if result.is_ok() {
                self.remember(p);
            }
            results.push((p.index, result));
        }
        results
    }

    /// `PUT /{collection}/bulk`; `None` when the server has no such endpoint.
    async fn put_bulk(
        &mut self,
        kind: EntityType,
        chunk: &[Pending],
    ) -> Result<Option<Vec<(usize, Result<WriteOutcome, RestSinkError>)>>, RestSinkError> {
        let override_metadata = if self.override_metadata {
            "true"
        } else {
            "false"
        };
        let query = [("async", "false"), ("overrideMetadata", override_metadata)];
        let url = self
            .api
            .url(&format!("{}/bulk", kind.collection()), &query)?;
        let entities: Vec<&CreateEntity> = chunk.iter().map(|p| &p.entity).collect();
        let body = serde_json::to_vec(&entities).expect("entities always serialize");
        let reply = self.api.send(Method::PUT, url.clone(), Some(body)).await?;
        // A bulk answer lists per-entity failures, whatever its status.
        let result = match BulkOperationResult::parse(&reply.body) {
            Some(result) => result,
            None if matches!(
                reply.status,
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            ) =>
            {
                return Ok(None);
            }
            None if !reply.status.is_success() => {
                return Err(self.api.failure(&Method::PUT, &url, &reply));
            }
            None => {
                return Err(RestSinkError::InvalidResponse {
                    method: "PUT",
                    target: target(&url),
                    reason: "not a BulkOperationResult".into(),
                });
            }
        };
        let fqns: Vec<String> = chunk.iter().map(|p| p.fqn.clone()).collect();
        let outcomes = result.outcomes(&fqns, |m| self.api.redact(m));
        let mut results = Vec::with_capacity(chunk.len());
        for (p, outcome) in chunk.iter().zip(outcomes) {
            let outcome = outcome.map(|()| {
                if p.exists {
                    WriteOutcome::Updated
                } else {
                    WriteOutcome::Created
                }
            });
            if outcome.is_ok() {
                self.remember(p);
            }
            results.push((p.index, outcome));
        }
        Ok(Some(results))
    }

    /// `PUT /{collection}` of one create request (create-or-update).
    async fn put_one(&self, entity: &CreateEntity) -> Result<WriteOutcome, RestSinkError> {
        let url = self.api.url(entity.entity_type().collection(), &[])?;
        let body = serde_json::to_vec(entity).expect("entities always serialize");
        let reply = self.api.send(Method::PUT, url.clone(), Some(body)).await?;
        let reply = self
            .api
            .success(&Method::PUT, &url, reply)
            .map_err(rejected)?;
        Ok(match (reply.status, reply.change.as_deref()) {
            (StatusCode::CREATED, _) => WriteOutcome::Created,
            (_, Some("entityNoChange")) => WriteOutcome::Unchanged,
            (_, Some("entityCreated")) => WriteOutcome::Created,
            _ => WriteOutcome::Updated,
        })
    }

    /// `PUT /tables/{id}/{what}` of a table's profile or sample data.
    async fn put_table_data(
        &mut self,
        table: &str,
        what: &str,
        body: &Value,
    ) -> Result<WriteOutcome, RestSinkError> {
        let id = self.table_id(table).await?;
        let url = self.api.url(
            &format!("{}/{id}/{what}", EntityType::Table.collection()),
            &[],
        )?;
        let body = serde_json::to_vec(body).expect("json values always serialize");
        let reply = self.api.send(Method::PUT, url.clone(), Some(body)).await?;
        self.api
            .success(&Method::PUT, &url, reply)
            .map_err(rejected)?;
        Ok(WriteOutcome::Created)
    }

    /// Adds the tags the table's columns take (see [`tag_patch`]) by a JSON Patch of the table.
    async fn patch_column_tags(
        &mut self,
        table: &str,
        tags: &[ColumnTag],
    ) -> Result<WriteOutcome, RestSinkError> {
        let id = self.table_id(table).await?;
        let path = format!("{}/{id}", EntityType::Table.collection());
        let url = self.api.url(&path, &[("fields", "columns,tags")])?;
        let reply = self.api.send(Method::GET, url.clone(), None).await?;
        let reply = self.api.success(&Method::GET, &url, reply)?;
        let stored: Value = self.api.json(&Method::GET, &url, &reply)?;
        let operations = tag_patch(&stored, table, tags)?;
        if operations.is_empty() {
            return Ok(WriteOutcome::Unchanged);
        }
        let url = self.api.url(&path, &[])?;
        let body = serde_json::to_vec(&operations).expect("json values always serialize");
        let reply = self
            .api
            .send_as(
                Method::PATCH,
                url.clone(),
                Some(body),
                "application/json-patch+json",
            )
            .await?;
        self.api
            .success(&Method::PATCH, &url, reply)
            .map_err(rejected)?;
        Ok(WriteOutcome::Updated)
    }

    /// The id of the table `fqn` (its name encoded as it was sent), read once per run.
    async fn table_id(&mut self, fqn: &str) -> Result<String, RestSinkError> {
        let fqn = encode_table_fqn(fqn);
        if let Some(id) = self.table_ids.get(&fqn) {
            return Ok(id.clone());
        }
        let path = format!("{}/name/{}", EntityType::Table.collection(), quote(&fqn));
        let url = self.api.url(&path, &[])?;
        let reply = self.api.send(Method::GET, url.clone(), None).await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Err(RestSinkError::TableNotFound { fqn });
        }
        let reply = self.api.success(&Method::GET, &url, reply)?;
        let table: Identified = self.api.json(&Method::GET, &url, &reply)?;
        self.table_ids.insert(fqn, table.id.clone());
        Ok(table.id)
    }

    /// Records what the server now has for a written entity.
    fn remember(&mut self, p: &Pending) {
        if let Some(parent) = p.entity.parent_fqn() {
            let known = Known {
                source_hash: source_hash(&p.entity).map(str::to_string),
                deleted: false,
            };
            self.children
                .entry(parent)
                .or_default()
                .insert(p.fqn.clone(), known);
        }
    }
}

/// A client error answered to a single write is the server refusing that record.
fn rejected(e: RestSinkError) -> RestSinkError {
    match e {
        RestSinkError::Status {
            status, message, ..
        } if (400..500).contains(&status) => RestSinkError::Rejected { status, message },
        other => other,
    }
}

/// The JSON Patch `add` operations that give the columns of `stored` (a table as the server
/// answers it) the tags they take: a tag goes to its column unless the column has a tag of
/// its classification already (OpenMetadata's auto-classification never replaces or repeats
/// one). Columns are found by the names below the table in their FQN, encoded as
/// [`encode_table`] sends them, children included; a column the table lacks is an error.
fn tag_patch(stored: &Value, table: &str, tags: &[ColumnTag]) -> Result<Vec<Value>, RestSinkError> {
    let mut table_json = stored.clone();
    let depth = split(table).len();
    let mut operations = Vec::new();
    for tag in tags {
        let unknown = || RestSinkError::UnknownColumn {
            table: table.to_string(),
            column: tag.column.clone(),
        };
        let names: Vec<String> = split(&tag.column)
            .iter()
            .skip(depth)
            .map(|part| part.trim_matches('"').to_string())
            .collect();
        if names.is_empty() {
            return Err(unknown());
        }
        let mut pointer = String::new();
        let mut columns = table_json.get_mut("columns").ok_or_else(unknown)?;
        let mut column = None;
        for (level, name) in names.iter().enumerate() {
            let list = columns.as_array_mut().ok_or_else(unknown)?;
            let encoded = encode_name(name);
            let (i, found) = list
                .iter_mut()
                .enumerate()
                .find(|(_, c)| c["name"] == encoded.as_str() || c["name"] == name.as_str())
                .ok_or_else(unknown)?;
            let field = if level == 0 { "columns" } else { "children" };
            pointer.push_str(&format!("/{field}/{i}"));
            if level + 1 == names.len() {
                column = Some(found);
                break;
            }
            columns = found.get_mut("children").ok_or_else(unknown)?;
        }
        let column = column.and_then(Value::as_object_mut).ok_or_else(unknown)?;
        let wanted = classification(&tag.tag.tag_fqn);
        let taken = column
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| t["tagFQN"].as_str())
            .any(|fqn| classification(fqn) == wanted);
        if taken {
            continue;
        }
        let label = serde_json::to_value(&tag.tag).expect("tag labels always serialize");
        match column.get_mut("tags") {
            Some(Value::Array(existing)) => {
                operations.push(
                    json!({"op": "add", "path": format!("{pointer}/tags/-"), "value": label}),
                );
                existing.push(label);
            }
            _ => {
                operations.push(
                    json!({"op": "add", "path": format!("{pointer}/tags"), "value": [label]}),
                );
                column.insert("tags".into(), json!([label]));
            }
        }
    }
    Ok(operations)
}

/// A table's FQN as the server has it: its name encoded as [`encode_table`] sends it.
fn encode_table_fqn(fqn: &str) -> String {
    match split(fqn).len() {
        0 | 1 => fqn.to_string(),
        _ => child(&parent_of(fqn), &encode_name(&last_name(fqn))),
    }
}

/// Whether a failed bulk request is worth retrying entity by entity: the server refused
/// the request as a whole (one bad entity can do that) or kept failing on it.
fn splittable(e: &RestSinkError) -> bool {
    match e.status() {
        Some(401 | 403) | None => false,
        Some(_) => true,
    }
}

fn source_hash(entity: &CreateEntity) -> Option<&str> {
    match entity {
        CreateEntity::DatabaseService(_) => None,
        CreateEntity::Database(e) => e.source_hash.as_deref(),
        CreateEntity::DatabaseSchema(e) => e.source_hash.as_deref(),
        CreateEntity::Table(e) => e.source_hash.as_deref(),
    }
}

/// The FQN of an FQN's parent.
fn parent_of(fqn: &str) -> String {
    let mut parts = split(fqn);
    parts.pop();
    parts.join(".")
}

/// OpenMetadata's client encodes reserved characters in table, column and constraint
/// names before sending (see `fqn::encode_name`); encoding twice changes nothing, so
/// requests a source already encoded pass unchanged.
fn encode_table(table: &mut CreateTable) {
    fn columns(cols: &mut [Column]) {
        for col in cols {
            col.name = encode_name(&col.name);
            if let Some(children) = &mut col.children {
                columns(children);
            }
        }
    }
    table.name = encode_name(&table.name);
    columns(&mut table.columns);
    for constraint in table.table_constraints.iter_mut().flatten() {
        for col in constraint.columns.iter_mut().flatten() {
            *col = encode_name(col);
        }
    }
}

#[async_trait]
impl Sink for RestSink {
    fn name(&self) -> &'static str {
        "OpenMetadata"
    }

    fn location(&self) -> Option<String> {
        Some(self.location.clone())
    }

    async fn write_batch(&mut self, records: &[Record]) -> Vec<Result<WriteOutcome, BoxError>> {
        let mut results: Vec<Option<Result<WriteOutcome, RestSinkError>>> =
            records.iter().map(|_| None).collect();
        let mut pending = Vec::new();
        // The profiler's records wait for the entities, so that their tables exist.
        let mut table_data = Vec::new();
        let mut column_tags = Vec::new();
        for (index, record) in records.iter().enumerate() {
            let entity = match record {
                Record::Entity(entity) => self.prepare(entity),
                Record::TableProfile { table, profile } => {
                    table_data.push((index, table, "tableProfile", profile));
                    continue;
                }
                Record::SampleData { table, data } => {
                    table_data.push((index, table, "sampleData", data));
                    continue;
                }
                Record::ColumnTags { table, tags } => {
                    column_tags.push((index, table, tags));
                    continue;
                }
            };
            if let CreateEntity::DatabaseService(_) = entity {
                // Whatever is pending belongs to an earlier service.
                self.flush(&mut pending, &mut results).await;
                results[index] = Some(self.write_service(&entity).await);
                continue;
            }
            match self.plan(entity, index).await {
                Some(p) => pending.push(p),
                None => results[index] = Some(Ok(WriteOutcome::Unchanged)),
            }
        }
        self.flush(&mut pending, &mut results).await;
        for (index, table, what, body) in table_data {
            results[index] = Some(self.put_table_data(table, what, body).await);
        }
        for (index, table, tags) in column_tags {
            results[index] = Some(self.patch_column_tags(table, tags).await);
        }
        results
            .into_iter()
            .map(|r| {
                r.expect("every record has a result")
                    .map_err(BoxError::from)
            })
            .collect()
    }

    async fn live_tables(&mut self, schema_fqn: &str) -> Result<Option<Vec<TableRef>>, BoxError> {
        let rows = self.list(EntityType::Table, schema_fqn, &[]).await?;
        Ok(Some(
            rows.into_iter()
                .filter(|r| !r.deleted)
                .map(|r| TableRef {
                    fqn: r.fully_qualified_name,
                    name: r.name,
                })
                .collect(),
        ))
    }

    async fn soft_delete_table(&mut self, fqn: &str) -> Result<(), BoxError> {
        let path = format!("{}/name/{}", EntityType::Table.collection(), quote(fqn));
        let url = self
            .api
            .url(&path, &[("hardDelete", "false"), ("recursive", "true")])?;
        let reply = self.api.send(Method::DELETE, url.clone(), None).await?;
        // Already gone (deleted by someone else meanwhile) is what was asked.
        if reply.status != StatusCode::NOT_FOUND {
            self.api.success(&Method::DELETE, &url, reply)?;
        }
        if let Some(known) = self
            .children
            .get_mut(&parent_of(fqn))
            .and_then(|c| c.get_mut(fqn))
        {
            known.deleted = true;
        }
        Ok(())
    }

    async fn close(&mut self) -> Result<(), BoxError> {
        // Every batch is flushed before `write_batch` returns: nothing is left to send.
        Ok(())
    }

    fn retries(&self) -> u64 {
        self.api.retries()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrometa_model::{ConstraintType, DataType, TableConstraint, TableType};

    #[test]
    fn table_fqns_are_encoded_as_their_tables_are_sent() {
        assert_eq!(
            encode_table_fqn("\"my.dyn\".default.default.a::b"),
            "\"my.dyn\".default.default.a__reserved__colon__b"
        );
        assert_eq!(
            encode_table_fqn("svc.default.default.\"a.b\""),
            "svc.default.default.\"a.b\""
        );
    }

    #[test]
    fn parents_of_quoted_fqns() {
        assert_eq!(
            parent_of("\"my.dyn\".default.default.\"a.b\""),
            "\"my.dyn\".default.default"
        );
        assert_eq!(parent_of("svc"), "");
    }

    #[test]
    fn reserved_characters_are_encoded_everywhere_upstream_encodes_them() {
        let mut child = Column::new("in>ner", DataType::String);
        child.display_name = Some("in>ner".into());
        let mut outer = Column::new("a::b", DataType::Struct);
        outer.children = Some(vec![child]);
        let mut table = CreateTable {
            name: "we::ird\"name".into(),
            table_type: Some(TableType::Regular),
            columns: vec![outer],
            table_constraints: Some(vec![TableConstraint::new(
                ConstraintType::PrimaryKey,
                vec!["a::b".into()],
            )]),
            database_schema: "svc.default.default".into(),
            ..Default::default()
        };
        encode_table(&mut table);
        assert_eq!(
            table.name,
            "we__reserved__colon__ird__reserved__quote__name"
        );
        assert_eq!(table.columns[0].name, "a__reserved__colon__b");
        let inner = &table.columns[0].children.as_ref().unwrap()[0];
        assert_eq!(inner.name, "in__reserved__arrow__ner");
        assert_eq!(
            inner.display_name.as_deref(),
            Some("in>ner"),
            "display names keep the original"
        );
        assert_eq!(
            table.table_constraints.unwrap()[0].columns,
            Some(vec!["a__reserved__colon__b".to_string()])
        );
    }

    #[test]
    fn column_tags_become_add_operations_where_the_classification_is_free() {
        let label = |fqn: &str| -> ferrometa_model::TagLabel {
            serde_json::from_value(json!({"tagFQN": fqn, "source": "Classification",
                "labelType": "Generated", "state": "Suggested"}))
            .unwrap()
        };
        let tag = |column: &str, fqn: &str| ColumnTag {
            column: column.into(),
            tag: label(fqn),
        };
        let stored = json!({"columns": [
            {"name": "pk", "tags": []},
            {"name": "email"},
            {"name": "address", "children": [
                {"name": "city", "tags": [{"tagFQN": "PII.NonSensitive"}]},
                {"name": "a.b"},
            ]},
        ]});
        let ops = tag_patch(
            &stored,
            "s.d.c.t",
            &[
                tag("s.d.c.t.pk", "PII.Sensitive"),
                tag("s.d.c.t.email", "PII.Sensitive"),
                tag("s.d.c.t.email", "PII.NonSensitive"),
                tag("s.d.c.t.email", "Tier.Tier1"),
                tag("s.d.c.t.address.city", "PII.Sensitive"),
                tag("s.d.c.t.address.\"a.b\"", "PII.Sensitive"),
            ],
        )
        .unwrap();
        let paths: Vec<&str> = ops.iter().map(|op| op["path"].as_str().unwrap()).collect();
        assert_eq!(
            paths,
            [
                "/columns/0/tags/-",
                "/columns/1/tags",
                "/columns/1/tags/-",
                "/columns/2/children/1/tags"
            ]
        );
        assert_eq!(ops[1]["value"][0]["tagFQN"], "PII.Sensitive");
        assert_eq!(ops[2]["value"]["tagFQN"], "Tier.Tier1");
        let error = tag_patch(
            &stored,
            "s.d.c.t",
            &[tag("s.d.c.t.address.zip", "PII.Sensitive")],
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "table s.d.c.t on the openmetadata server has no column s.d.c.t.address.zip"
        );
    }

    #[test]
    fn only_whole_request_refusals_are_split() {
        let status = |status| RestSinkError::Status {
            method: "PUT",
            target: "/x".into(),
            status,
            message: String::new(),
        };
        assert!(splittable(&status(400)));
        assert!(splittable(&status(500)));
        assert!(!splittable(&RestSinkError::Unauthorized {
            status: 401,
            message: String::new()
        }));
        assert!(!splittable(&RestSinkError::Transport {
            method: "PUT",
            target: "/x".into(),
            reason: String::new()
        }));
    }
}
