//! The connection test: one call per IAM action a run needs, saying which one is missing.
//!
//! | step | action | mandatory |
//! |---|---|---|
//! | ListTables | `dynamodb:ListTables` | yes |
//! | DescribeTable | `dynamodb:DescribeTable` | yes |
//! | Scan | `dynamodb:Scan` | yes, unless `sampleItems` is 0 |
//! | DescribeTimeToLive | `dynamodb:DescribeTimeToLive` | no |
//! | DescribeContinuousBackups | `dynamodb:DescribeContinuousBackups` | no |
//! | ListTagsOfResource | `dynamodb:ListTagsOfResource` | no |
//! | GetResources | `tag:GetResources` | no (tags are then read per table) |
//!
//! The table steps use the first table of the region; without tables they are reported as
//! not checked. A failed ListTables stops the test, as in OpenMetadata.

use ferrometa_config::DatabaseMetadataConfig;
use ferrometa_core::CheckResult;

use crate::client::{Clients, Limiters};
use crate::describe;
use crate::error::{DynamoDbError, ErrorKind};

fn result(
    name: &str,
    action: &str,
    mandatory: bool,
    outcome: Result<Option<String>, DynamoDbError>,
) -> CheckResult {
    let (passed, message) = match outcome {
        Ok(note) => (true, note),
        Err(e) => {
            let message = match e.kind() {
                Some(ErrorKind::AccessDenied) => format!("missing permission {action}: {e}"),
                Some(ErrorKind::Unsupported) => format!("not supported by this endpoint: {e}"),
                _ => e.to_string(),
            };
            (false, Some(message))
        }
    };
    CheckResult {
        name: name.to_string(),
        action: action.to_string(),
        passed,
        message,
        mandatory,
    }
}

/// Runs every check against the account and region of `clients`.
pub async fn test_connection(
    clients: &Clients,
    config: &DatabaseMetadataConfig,
) -> Vec<CheckResult> {
    let limits = Limiters::default();
    let mut results = Vec::new();
    let listed = clients
        .dynamodb
        .list_tables()
        .limit(1)
        .send()
        .await
        .map_err(|e| DynamoDbError::aws("ListTables", None, e));
    let first = match listed {
        Ok(out) => {
            let first = out.table_names.unwrap_or_default().into_iter().next();
            let note = match &first {
                Some(t) => format!("table `{t}` is used for the next checks"),
                None => "the region has no table".to_string(),
            };
            results.push(result(
                "ListTables",
                "dynamodb:ListTables",
                true,
                Ok(Some(note)),
            ));
            first
        }
        Err(e) => {
            results.push(result("ListTables", "dynamodb:ListTables", true, Err(e)));
            return results;
        }
    };
    let scan_mandatory = config.sample_items > 0;
    match first {
        Some(table) => {
            let desc = describe::describe_table(clients, &limits, &table).await;
            let arn = desc
                .as_ref()
                .ok()
                .and_then(|d| d.table_arn().map(str::to_string));
            results.push(result(
                "DescribeTable",
                "dynamodb:DescribeTable",
                true,
                desc.map(|_| None),
            ));
            let scan = clients
                .dynamodb
                .scan()
                .table_name(&table)
                .limit(1)
                .send()
                .await
                .map(|_| None)
                .map_err(|e| DynamoDbError::aws("Scan", Some(&table), e));
            results.push(result("Scan", "dynamodb:Scan", scan_mandatory, scan));
            let ttl = describe::describe_ttl(clients, &limits, &table)
                .await
                .map(|_| None);
            results.push(result(
                "DescribeTimeToLive",
                "dynamodb:DescribeTimeToLive",
                false,
                ttl,
            ));
            let pitr = describe::describe_pitr(clients, &limits, &table)
                .await
                .map(|_| None);
            results.push(result(
                "DescribeContinuousBackups",
                "dynamodb:DescribeContinuousBackups",
                false,
                pitr,
            ));
            let tags = match arn {
                Some(arn) => describe::list_tags(clients, &limits, &table, &arn)
                    .await
                    .map(|_| None),
                None => Ok(Some(
                    "not checked: DescribeTable gave no table ARN".to_string(),
                )),
            };
            results.push(result(
                "ListTagsOfResource",
                "dynamodb:ListTagsOfResource",
                false,
                tags,
            ));
        }
        None => {
            let note = || Ok(Some("not checked: the region has no table".to_string()));
            results.push(result(
                "DescribeTable",
                "dynamodb:DescribeTable",
                true,
                note(),
            ));
            results.push(result("Scan", "dynamodb:Scan", scan_mandatory, note()));
            results.push(result(
                "DescribeTimeToLive",
                "dynamodb:DescribeTimeToLive",
                false,
                note(),
            ));
            results.push(result(
                "DescribeContinuousBackups",
                "dynamodb:DescribeContinuousBackups",
                false,
                note(),
            ));
            results.push(result(
                "ListTagsOfResource",
                "dynamodb:ListTagsOfResource",
                false,
                note(),
            ));
        }
    }
    let bulk = clients
        .tagging
        .get_resources()
        .resource_type_filters("dynamodb:table")
        .resources_per_page(1)
        .send()
        .await
        .map(|_| None)
        .map_err(|e| DynamoDbError::aws("tag:GetResources", None, e));
    let reason = bulk.as_ref().err().map(describe::per_table_tags_reason);
    let mut check = result("GetResources", "tag:GetResources", false, bulk);
    check.message = reason.or(check.message);
    results.push(check);
    results
}
