//! [`CatalogSink`]: the workflow's `Sink` over the embedded [`Catalog`], built with the
//! `sink` feature. The store itself knows nothing of the workflow.
//!
//! Each run of entities in a batch is one SQLite transaction, run through [`SharedCatalog`]
//! so that the runtime keeps driving the source meanwhile; a crash mid-batch leaves the file
//! as it was before that transaction. The profiler's records of a table are written after
//! the entities before them, each in its own transaction, to the table found by its FQN: a
//! profile with a timestamp the table has is replaced (`Updated`), a new one is `Created`;
//! sample data is `Created` for a table that had none and `Updated` otherwise; the classifier's
//! column tags are a new version of the table (`Updated`), or `Unchanged` when every column
//! already had a tag of each tag's classification.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use ferrometa_config::CatalogSinkConfig;
use ferrometa_core::{BoxError, Record, Sink, TableRef, WriteOutcome};
use ferrometa_model::{CreateEntity, EntityType};
use serde_json::Value;

use crate::request::UPDATED_BY;
use crate::{Catalog, CatalogError, Include, Result, SharedCatalog, TableProfile, TimeRange};

/// Writes entities and the profiler's data of tables into the embedded catalog.
pub struct CatalogSink {
    /// `None` once closed.
    catalog: Option<SharedCatalog>,
    location: String,
}

impl CatalogSink {
    /// Opens the catalog file the sink configuration names.
    pub fn open(config: &CatalogSinkConfig) -> Result<CatalogSink> {
        Ok(CatalogSink::new(Catalog::open(&config.path)?))
    }

    /// A sink over an open catalog.
    pub fn new(catalog: Catalog) -> CatalogSink {
        let location = absolute(catalog.path());
        CatalogSink {
            catalog: Some(SharedCatalog::new(catalog)),
            location,
        }
    }

    /// Runs `work` with the catalog's write connection.
    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Catalog) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.catalog
            .as_ref()
            .ok_or(CatalogError::Closed)?
            .write(work)
            .await
    }
}

/// Writes records in order: each run of entities as one batch, each profiler record alone.
fn write_records(catalog: &mut Catalog, records: &[Record]) -> Vec<Result<WriteOutcome>> {
    let mut results = Vec::with_capacity(records.len());
    let mut rest = records;
    while let Some(first) = rest.first() {
        let taken = match first {
            Record::TableProfile { table, profile } => {
                results.push(write_table_profile(catalog, table, profile));
                1
            }
            Record::SampleData { table, data } => {
                results.push(write_sample_data(catalog, table, data));
                1
            }
            Record::ColumnTags { table, tags } => {
                results.push(catalog.add_column_tags(table, tags, UPDATED_BY));
                1
            }
            Record::Entity(_) => {
                let entities: Vec<CreateEntity> = rest
                    .iter()
                    .map_while(|r| match r {
                        Record::Entity(entity) => Some(entity.clone()),
                        _ => None,
                    })
                    .collect();
                match catalog.upsert_batch(&entities) {
                    Ok(outcomes) => results.extend(outcomes),
                    Err(e) => {
                        let e = Arc::new(e);
                        results.extend(
                            entities
                                .iter()
                                .map(|_| Err(CatalogError::Batch(Arc::clone(&e)))),
                        );
                    }
                }
                entities.len()
            }
        };
        rest = &rest[taken..];
    }
    results
}

/// A profile of the live table `table`, replacing the one with its timestamp.
fn write_table_profile(
    catalog: &mut Catalog,
    table: &str,
    request: &Value,
) -> Result<WriteOutcome> {
    let id = table_id(catalog, table)?;
    let profile = table_profile(request)?;
    let at = TimeRange {
        start: profile.timestamp(),
        end: profile.timestamp(),
    };
    let existed = catalog.table_profiles(&id, at, 1)?.total > 0;
    catalog.put_table_profile(&id, &profile)?;
    Ok(created_or_updated(existed))
}

/// The sample data of the live table `table`, replacing any.
fn write_sample_data(catalog: &mut Catalog, table: &str, data: &Value) -> Result<WriteOutcome> {
    let id = table_id(catalog, table)?;
    let existed = catalog.sample_data(&id)?.is_some();
    catalog.put_sample_data(&id, data)?;
    Ok(created_or_updated(existed))
}

fn created_or_updated(existed: bool) -> WriteOutcome {
    if existed {
        WriteOutcome::Updated
    } else {
        WriteOutcome::Created
    }
}

/// The id of the live table `fqn`; a table not in the catalog is [`CatalogError::NotFound`].
fn table_id(catalog: &Catalog, fqn: &str) -> Result<String> {
    let table = catalog
        .get_by_fqn(EntityType::Table, fqn, Include::NonDeleted)?
        .ok_or_else(|| CatalogError::NotFound {
            entity_type: EntityType::Table,
            fqn: fqn.to_string(),
        })?;
    table["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| CatalogError::InvalidRequest(format!("table {fqn} has no id")))
}

/// A `CreateTableProfileRequest` as the catalog stores it.
fn table_profile(request: &Value) -> Result<TableProfile> {
    let list = |key: &str| -> Result<Vec<Value>> {
        match &request[key] {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => Ok(items.clone()),
            _ => Err(CatalogError::InvalidRequest(format!(
                "{key} must be an array"
            ))),
        }
    };
    TableProfile::new(
        request["tableProfile"].clone(),
        list("columnProfile")?,
        list("systemProfile")?,
    )
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

#[async_trait]
impl Sink for CatalogSink {
    fn name(&self) -> &'static str {
        "Catalog"
    }

    fn location(&self) -> Option<String> {
        Some(self.location.clone())
    }

    async fn write_batch(&mut self, records: &[Record]) -> Vec<Result<WriteOutcome, BoxError>> {
        let batch = records.to_vec();
        match self
            .write(move |catalog| Ok(write_records(catalog, &batch)))
            .await
        {
            Ok(results) => results
                .into_iter()
                .map(|r| r.map_err(BoxError::from))
                .collect(),
            Err(e) => {
                let e = Arc::new(e);
                records
                    .iter()
                    .map(|_| Err(CatalogError::Batch(Arc::clone(&e)).into()))
                    .collect()
            }
        }
    }

    async fn live_tables(&mut self, schema_fqn: &str) -> Result<Option<Vec<TableRef>>, BoxError> {
        let schema_fqn = schema_fqn.to_string();
        Ok(Some(
            self.write(move |catalog| catalog.live_tables(&schema_fqn))
                .await?,
        ))
    }

    async fn soft_delete_table(&mut self, fqn: &str) -> Result<(), BoxError> {
        let fqn = fqn.to_string();
        Ok(self
            .write(move |catalog| catalog.soft_delete(EntityType::Table, &fqn))
            .await?)
    }

    async fn close(&mut self) -> Result<(), BoxError> {
        match self.catalog.take() {
            Some(catalog) => Ok(catalog.close().await?),
            None => Ok(()),
        }
    }
}
