//! [`CatalogSink`]: the workflow's `Sink` over the embedded [`Catalog`], built with the
//! `sink` feature. The store itself knows nothing of the workflow.
//!
//! Each batch is one SQLite transaction, run through [`SharedCatalog`] so that the runtime
//! keeps driving the source meanwhile. A crash mid-batch leaves the file as it was before
//! the batch.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use ferrometa_config::CatalogSinkConfig;
use ferrometa_core::{BoxError, Sink, TableRef, WriteOutcome};
use ferrometa_model::{CreateEntity, EntityType};

use crate::{Catalog, CatalogError, Result, SharedCatalog};

/// Writes entities into the embedded catalog.
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

    async fn write_batch(
        &mut self,
        entities: &[CreateEntity],
    ) -> Vec<Result<WriteOutcome, BoxError>> {
        let batch = entities.to_vec();
        match self
            .write(move |catalog| catalog.upsert_batch(&batch))
            .await
        {
            Ok(results) => results
                .into_iter()
                .map(|r| r.map_err(BoxError::from))
                .collect(),
            Err(e) => {
                let e = Arc::new(e);
                entities
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
