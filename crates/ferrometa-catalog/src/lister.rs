//! [`CatalogTableLister`]: the tables a metadata workflow wrote to the embedded catalog, for
//! the profiler and the classifier, built with the `sink` feature.
//!
//! It only reads, through [`SharedCatalog`]'s pooled read connections, and never creates a
//! catalog: a file that is not there means the metadata workflow has not run.

use async_trait::async_trait;
use ferrometa_config::CatalogSinkConfig;
use ferrometa_core::{BoxError, StoredTable, TableLister};
use ferrometa_model::fqn::{assign_column_fqns, quote_name};
use ferrometa_model::{Column, EntityType};
use serde_json::Value;

use crate::{Catalog, CatalogError, Cursor, Filters, Include, Result, SharedCatalog};

/// Tables per read: each read holds a connection for one page only.
const PAGE: usize = 500;

/// Lists the live tables of a service in the embedded catalog.
pub struct CatalogTableLister {
    catalog: SharedCatalog,
}

impl CatalogTableLister {
    /// The catalog file the sink configuration names, which must exist.
    pub fn open(config: &CatalogSinkConfig) -> Result<CatalogTableLister> {
        if !config.path.exists() {
            return Err(CatalogError::Missing {
                path: config.path.clone(),
            });
        }
        Ok(CatalogTableLister::new(Catalog::open(&config.path)?))
    }

    /// A lister over an open catalog.
    pub fn new(catalog: Catalog) -> CatalogTableLister {
        CatalogTableLister {
            catalog: SharedCatalog::new(catalog),
        }
    }

    /// Every table of `service` not marked deleted, ordered by name.
    pub async fn list(&self, service: &str) -> Result<Vec<StoredTable>> {
        let filters = Filters {
            service: Some(quote_name(service)),
            include: Include::NonDeleted,
            ..Filters::default()
        };
        let mut tables = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let (filters, cursor) = (filters.clone(), after.take());
            let page = self
                .catalog
                .read(move |catalog| {
                    catalog.list(EntityType::Table, &filters, PAGE, cursor.as_ref())
                })
                .await?;
            for table in page.data {
                tables.push(stored_table(table)?);
            }
            match page.after {
                Some(next) => after = Some(next),
                None => return Ok(tables),
            }
        }
    }
}

/// A stored table entity as the profiler sees it; every column gets the FQN the server
/// assigns, whether or not the stored JSON holds one.
fn stored_table(table: Value) -> Result<StoredTable> {
    let id = table["id"].as_str().unwrap_or_default().to_string();
    let corrupt = |source: serde_json::Error| CatalogError::CorruptEntity {
        id: id.clone(),
        source,
    };
    let text = |key: &str| -> Result<String> {
        table[key].as_str().map(str::to_string).ok_or_else(|| {
            corrupt(serde::de::Error::custom(format_args!(
                "the table has no string `{key}`"
            )))
        })
    };
    let (fqn, name) = (text("fullyQualifiedName")?, text("name")?);
    let mut columns = match &table["columns"] {
        Value::Array(columns) => columns
            .iter()
            .cloned()
            .map(Column::from_response)
            .collect::<Result<Vec<_>, _>>()
            .map_err(corrupt)?,
        _ => Vec::new(),
    };
    assign_column_fqns(&mut columns, &fqn);
    Ok(StoredTable { fqn, name, columns })
}

#[async_trait]
impl TableLister for CatalogTableLister {
    async fn tables(&self, service: &str) -> Result<Vec<StoredTable>, BoxError> {
        Ok(self.list(service).await?)
    }
}
