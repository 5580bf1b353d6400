//! [`RestTableLister`]: the tables a metadata workflow wrote to an OpenMetadata server (or
//! `ferrometa serve`), for the profiler and the classifier.
//!
//! It lists the way OpenMetadata's own profiler source does: the service's databases
//! (`GET /databases?service=<name>`), then each database's tables
//! (`GET /tables?service=<name>&database=<fqn>&fields=columns,tags&limit=100`, paging through
//! `paging.after`). OpenMetadata's table listing filters by `database` and `databaseSchema`
//! only and ignores `service`, so the database filter is what keeps other services' tables
//! out there; `ferrometa serve` honours both. Rows are checked against the service and
//! database anyway, and deleted ones dropped.

use async_trait::async_trait;
use ferrometa_config::{MetadataRestSinkConfig, OpenMetadataServerConfig};
use ferrometa_core::{BoxError, StoredTable, TableLister};
use ferrometa_model::fqn::{assign_column_fqns, quote_name, split};
use ferrometa_model::{Column, EntityType};
use serde_json::Value;

use crate::error::RestSinkError;
use crate::http::Api;
use crate::setup::connect;
use crate::sink::{Listed, PAGE};

/// Lists the live tables of a service on an OpenMetadata server.
pub struct RestTableLister {
    api: Api,
}

impl RestTableLister {
    /// Connects as the `metadata-rest` sink does: the same client, token, extra headers and
    /// TLS, the version check (with `enableVersionValidation`), and one authenticated read so
    /// that a bad token fails here.
    pub async fn connect(server: &OpenMetadataServerConfig) -> Result<Self, RestSinkError> {
        let (api, _) = connect(server, &MetadataRestSinkConfig::default()).await?;
        Ok(RestTableLister { api })
    }

    /// Every table of `service` not marked deleted, by database, each database's ordered by
    /// name.
    pub async fn list(&self, service: &str) -> Result<Vec<StoredTable>, RestSinkError> {
        let service_fqn = quote_name(service);
        let databases = self
            .api
            .list(
                EntityType::Database.collection(),
                &[("service", service), ("limit", PAGE)],
                |row: Listed| {
                    let ours = !row.deleted && first_part(&row.fully_qualified_name) == service_fqn;
                    Ok(ours.then_some(row.fully_qualified_name))
                },
            )
            .await?;
        let mut tables = Vec::new();
        for database in &databases {
            let prefix = format!("{database}.");
            let query = [
                ("service", service),
                ("database", database.as_str()),
                ("fields", "columns,tags"),
                ("limit", PAGE),
            ];
            let listed = self
                .api
                .list(EntityType::Table.collection(), &query, |row: Value| {
                    stored_table(row, &prefix)
                })
                .await;
            tables.extend(listed.map_err(|e| self.named(e, service, database))?);
        }
        Ok(tables)
    }

    /// A row that could not be mapped is named by the listing it came in (a path, never a
    /// header).
    fn named(&self, e: RestSinkError, service: &str, database: &str) -> RestSinkError {
        match e {
            RestSinkError::InvalidResponse { reason, target, .. } if target.is_empty() => {
                RestSinkError::InvalidResponse {
                    method: "GET",
                    target: format!(
                        "/{}?service={service}&database={database}",
                        EntityType::Table.collection()
                    ),
                    reason,
                }
            }
            other => other,
        }
    }
}

/// One row of a table listing as a [`StoredTable`]: `None` for a deleted table or one outside
/// the database (`prefix` is its FQN and a dot). Columns keep the FQNs the server gives them;
/// ones without get those the server would assign.
fn stored_table(row: Value, prefix: &str) -> Result<Option<StoredTable>, RestSinkError> {
    let invalid = |reason: String| RestSinkError::InvalidResponse {
        method: "GET",
        target: String::new(),
        reason,
    };
    let Value::Object(mut table) = row else {
        return Err(invalid("a table is not an object".into()));
    };
    let text = |table: &serde_json::Map<String, Value>, key: &str| {
        table
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| invalid(format!("a table has no string `{key}`")))
    };
    let fqn = text(&table, "fullyQualifiedName")?;
    let name = text(&table, "name")?;
    if table.get("deleted").and_then(Value::as_bool) == Some(true) || !fqn.starts_with(prefix) {
        return Ok(None);
    }
    let mut columns = match table.remove("columns") {
        Some(Value::Array(columns)) => columns
            .into_iter()
            .map(Column::from_response)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(format!("table {fqn}: {e}")))?,
        _ => Vec::new(),
    };
    if lacks_fqn(&columns) {
        assign_column_fqns(&mut columns, &fqn);
    }
    Ok(Some(StoredTable { fqn, name, columns }))
}

fn lacks_fqn(columns: &[Column]) -> bool {
    columns
        .iter()
        .any(|c| c.fully_qualified_name.is_none() || c.children.as_deref().is_some_and(lacks_fqn))
}

/// The first part of an FQN as the store and the server quote it.
fn first_part(fqn: &str) -> String {
    split(fqn)
        .first()
        .map(|part| quote_name(part))
        .unwrap_or_default()
}

#[async_trait]
impl TableLister for RestTableLister {
    async fn tables(&self, service: &str) -> Result<Vec<StoredTable>, BoxError> {
        Ok(self.list(service).await?)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn rows_become_stored_tables_or_are_left_out() {
        let row = json!({
            "id": "1", "name": "a.b", "fullyQualifiedName": "svc.default.default.\"a.b\"",
            "deleted": false, "href": "http://h/api/v1/tables/1", "tags": [],
            "columns": [{"name": "pk", "dataType": "STRING", "dataTypeDisplay": "string"},
                        {"name": "m", "dataType": "MAP", "children": [{"name": "k", "dataType": "INT"}],
                         "profile": {"name": "m"}, "somethingNew": 1}]
        });
        let table = stored_table(row.clone(), "svc.default.").unwrap().unwrap();
        assert_eq!(table.name, "a.b");
        let children = table.columns[1].children.as_ref().unwrap();
        assert_eq!(
            children[0].fully_qualified_name.as_deref(),
            Some("svc.default.default.\"a.b\".m.k")
        );

        assert!(
            stored_table(row.clone(), "other.default.")
                .unwrap()
                .is_none()
        );
        let mut deleted = row;
        deleted["deleted"] = json!(true);
        assert!(stored_table(deleted, "svc.default.").unwrap().is_none());
    }

    #[test]
    fn a_bad_column_names_its_table() {
        let row = json!({"name": "t", "fullyQualifiedName": "svc.d.s.t",
                         "columns": [{"name": "x", "dataType": "NOPE"}]});
        let error = stored_table(row, "svc.d.").unwrap_err().to_string();
        assert!(
            error.contains("table svc.d.s.t: unknown variant `NOPE`"),
            "{error}"
        );
    }

    #[test]
    fn service_parts_are_compared_quoted() {
        assert_eq!(first_part("\"my.dyn\".default.default.t"), "\"my.dyn\"");
        assert_eq!(first_part("svc.default"), "svc");
    }
}
