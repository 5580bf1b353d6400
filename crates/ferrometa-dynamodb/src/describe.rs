//! Table metadata: DescribeTable, DescribeTimeToLive, DescribeContinuousBackups and tags.
//!
//! DescribeTable is required; its failure fails the table. The others are optional: a
//! failure leaves that field `null` in the entity and is reported as a warning. An
//! operation the endpoint does not implement (`UnknownOperationException`, as emulators
//! answer DescribeContinuousBackups) is reported once per run and not called again.
//!
//! Tags are read in bulk with the Resource Groups Tagging API (`GetResources` filtered to
//! `dynamodb:table`, 100 per page). When that API is denied or missing (emulators lack
//! it), tags are read per table with ListTagsOfResource, held to AWS's quota of 10 calls
//! per second on AWS endpoints. `includeTags: false` skips tags entirely.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_dynamodb::types::{TableDescription, TimeToLiveStatus};

use crate::client::{Clients, Limiters};
use crate::error::{DynamoDbError, ErrorKind};

/// Time-to-live settings of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ttl {
    /// `ENABLED`, `DISABLED`, `ENABLING`, `DISABLING`.
    pub status: String,
    pub attribute_name: Option<String>,
}

/// Tags as sorted key/value pairs.
pub type Tags = BTreeMap<String, String>;

/// DescribeTable (rate-limited as a control-plane call).
pub async fn describe_table(
    clients: &Clients,
    limits: &Limiters,
    table: &str,
) -> Result<TableDescription, DynamoDbError> {
    limits.control().await;
    let out = clients
        .dynamodb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| DynamoDbError::aws("DescribeTable", Some(table), e))?;
    out.table.ok_or_else(|| DynamoDbError::Aws {
        operation: "DescribeTable",
        table: Some(table.to_string()),
        code: None,
        message: "the response has no table description".into(),
        kind: ErrorKind::Other,
    })
}

/// DescribeTimeToLive.
pub async fn describe_ttl(
    clients: &Clients,
    limits: &Limiters,
    table: &str,
) -> Result<Ttl, DynamoDbError> {
    limits.control().await;
    let out = clients
        .dynamodb
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await
        .map_err(|e| DynamoDbError::aws("DescribeTimeToLive", Some(table), e))?;
    let desc = out.time_to_live_description;
    Ok(Ttl {
        status: desc
            .as_ref()
            .and_then(|d| d.time_to_live_status.as_ref())
            .map_or(TimeToLiveStatus::Disabled.as_str(), |s| s.as_str())
            .to_string(),
        attribute_name: desc.and_then(|d| d.attribute_name),
    })
}

/// DescribeContinuousBackups: the point-in-time recovery status (`ENABLED`, `DISABLED`).
pub async fn describe_pitr(
    clients: &Clients,
    limits: &Limiters,
    table: &str,
) -> Result<String, DynamoDbError> {
    limits.control().await;
    let out = clients
        .dynamodb
        .describe_continuous_backups()
        .table_name(table)
        .send()
        .await
        .map_err(|e| DynamoDbError::aws("DescribeContinuousBackups", Some(table), e))?;
    Ok(out
        .continuous_backups_description
        .and_then(|d| d.point_in_time_recovery_description)
        .and_then(|p| p.point_in_time_recovery_status)
        .map_or_else(|| "DISABLED".to_string(), |s| s.as_str().to_string()))
}

/// ListTagsOfResource for one table, every page.
pub async fn list_tags(
    clients: &Clients,
    limits: &Limiters,
    table: &str,
    arn: &str,
) -> Result<Tags, DynamoDbError> {
    let mut tags = Tags::new();
    let mut token: Option<String> = None;
    loop {
        limits.list_tags().await;
        let out = clients
            .dynamodb
            .list_tags_of_resource()
            .resource_arn(arn)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| DynamoDbError::aws("ListTagsOfResource", Some(table), e))?;
        for tag in out.tags.unwrap_or_default() {
            tags.insert(tag.key, tag.value);
        }
        match out.next_token {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => return Ok(tags),
        }
    }
}

/// Tags of every tagged table of the region, by table name, via the tagging API.
pub async fn bulk_tags(
    clients: &Clients,
    limits: &Limiters,
) -> Result<HashMap<String, Tags>, DynamoDbError> {
    let mut by_table = HashMap::new();
    let mut token: Option<String> = None;
    loop {
        limits.control().await;
        let out = clients
            .tagging
            .get_resources()
            .resource_type_filters("dynamodb:table")
            .resources_per_page(100)
            .set_pagination_token(token.take())
            .send()
            .await
            .map_err(|e| DynamoDbError::aws("tag:GetResources", None, e))?;
        for mapping in out.resource_tag_mapping_list.unwrap_or_default() {
            let Some(name) = mapping
                .resource_arn
                .as_deref()
                .and_then(table_name_from_arn)
            else {
                continue;
            };
            let tags: Tags = mapping
                .tags
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.key, t.value))
                .collect();
            by_table.insert(name.to_string(), tags);
        }
        match out.pagination_token {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => return Ok(by_table),
        }
    }
}

/// Why tags are read per table after [`bulk_tags`] failed, in words: an endpoint without the
/// tagging API (emulators, some proxies) is normal, not a failure worth its error text.
pub fn per_table_tags_reason(e: &DynamoDbError) -> String {
    match e.kind() {
        Some(ErrorKind::Unsupported) => {
            "the endpoint does not offer the resource groups tagging API; tags are read per table"
                .into()
        }
        Some(ErrorKind::AccessDenied) => {
            "tag:GetResources is not allowed; tags are read per table with ListTagsOfResource"
                .into()
        }
        _ => format!("{e}; tags are read per table with ListTagsOfResource"),
    }
}

/// `arn:aws:dynamodb:REGION:ACCOUNT:table/NAME` → `NAME` (index and stream ARNs → `None`).
pub fn table_name_from_arn(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let name = resource.strip_prefix("table/")?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

/// What to report after an optional call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A run-level warning (first time only).
    Run(String),
    /// A warning for this table.
    Table(String),
    /// Already reported.
    Quiet,
}

/// Run-wide state of one optional operation: unsupported operations are not called again,
/// and access errors are reported once.
#[derive(Debug)]
pub struct OptionalCall {
    operation: &'static str,
    /// What the entity lacks when the call fails, e.g. `point-in-time recovery`.
    what: &'static str,
    unsupported: AtomicBool,
    warned_denied: AtomicBool,
}

impl OptionalCall {
    pub const fn new(operation: &'static str, what: &'static str) -> Self {
        OptionalCall {
            operation,
            what,
            unsupported: AtomicBool::new(false),
            warned_denied: AtomicBool::new(false),
        }
    }

    /// False once the endpoint was found not to implement the operation.
    pub fn enabled(&self) -> bool {
        !self.unsupported.load(Ordering::Relaxed)
    }

    /// Records a failure and says how to report it.
    pub fn on_error(&self, err: &DynamoDbError) -> Report {
        match err.kind() {
            Some(ErrorKind::Unsupported) => {
                if self.unsupported.swap(true, Ordering::Relaxed) {
                    Report::Quiet
                } else {
                    Report::Run(format!(
                        "{} is not supported by this endpoint: {} is not recorded for any table",
                        self.operation, self.what
                    ))
                }
            }
            Some(ErrorKind::AccessDenied) => {
                if self.warned_denied.swap(true, Ordering::Relaxed) {
                    Report::Quiet
                } else {
                    Report::Run(format!(
                        "{} was denied ({err}); {} is not recorded for the tables it is denied on",
                        self.operation, self.what
                    ))
                }
            }
            _ => Report::Table(format!("{} is not recorded: {err}", self.what)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_from_arns() {
        assert_eq!(
            table_name_from_arn("arn:aws:dynamodb:us-east-1:123:table/orders"),
            Some("orders")
        );
        assert_eq!(
            table_name_from_arn("arn:aws:dynamodb:dynoxide:000000000000:table/events.v2"),
            Some("events.v2")
        );
        assert_eq!(
            table_name_from_arn("arn:aws:dynamodb:us-east-1:123:table/orders/index/gsi"),
            None
        );
        assert_eq!(table_name_from_arn("arn:aws:s3:::bucket"), None);
        assert_eq!(table_name_from_arn("nonsense"), None);
    }

    fn err(kind: ErrorKind) -> DynamoDbError {
        DynamoDbError::Aws {
            operation: "DescribeContinuousBackups",
            table: None,
            code: None,
            message: "x".into(),
            kind,
        }
    }

    #[test]
    fn unsupported_is_reported_once_and_disables() {
        let call = OptionalCall::new("DescribeContinuousBackups", "point-in-time recovery");
        assert!(call.enabled());
        assert!(matches!(
            call.on_error(&err(ErrorKind::Unsupported)),
            Report::Run(_)
        ));
        assert!(!call.enabled());
        assert_eq!(call.on_error(&err(ErrorKind::Unsupported)), Report::Quiet);
    }

    #[test]
    fn denied_is_reported_once_and_other_errors_per_table() {
        let call = OptionalCall::new("DescribeTimeToLive", "time to live");
        assert!(matches!(
            call.on_error(&err(ErrorKind::AccessDenied)),
            Report::Run(_)
        ));
        assert_eq!(call.on_error(&err(ErrorKind::AccessDenied)), Report::Quiet);
        assert!(call.enabled());
        assert!(matches!(
            call.on_error(&err(ErrorKind::Other)),
            Report::Table(_)
        ));
    }
}
