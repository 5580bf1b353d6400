//! [`ProfilerSource`]: the source of the Profiler and AutoClassification workflows.
//!
//! A run lists the service's stored tables through the [`TableLister`] (a failed listing
//! fails the run), emits how many tables it will process, then one `Filtered` event per
//! database, schema or table the recipe's filter patterns leave out, then processes the
//! tables `concurrency` at a time, each on its own task. Per table: DescribeTable (item
//! count, size, creation time), a sample bounded by `sampleItems`, `sampleBytes` and
//! `sampleReadCapacity` and spread over `sampleSegments` parallel scan segments (for the
//! Profiler also by `profileSample`), then exactly one `Table` event with what the workflow
//! makes of it, whose `read_capacity` is what the sample consumed; or one `Failed` event
//! naming the table (DescribeTable failed, the sample read nothing because of an error, or
//! the Profiler's `timeoutSeconds` passed). A sample cut short by an error is used, with a
//! warning.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use aws_smithy_types::date_time::Format;
use ferrometa_config::{
    AutoClassificationConfig, DatabaseMetadataConfig, DynamoDbConnection, Level, PipelineConfig,
    ProfilerConfig, Scope,
};
use ferrometa_core::{
    BoxError, CheckResult, Emitter, Failure, Record, Source, SourceEvent, StoredTable, TableLister,
};
use ferrometa_dynamodb::client::{Clients, Limiters};
use ferrometa_dynamodb::describe;
use ferrometa_dynamodb::sample::{self, Budget, Sample};
use ferrometa_model::fqn::{build, decode_name, split};
use ferrometa_profile::Profiler;

use crate::classify::{self, is_sensitive};
use crate::columns::{ColumnNode, ColumnValues, column_tree};
use crate::error::ProfilerError;
use crate::profile::{self, SampleFacts, TableFacts};
use crate::sample_data;

/// Which workflow a source serves, with its settings.
#[derive(Debug, Clone)]
enum Workflow {
    Profiler(ProfilerConfig),
    AutoClassification(AutoClassificationConfig),
}

/// The sampling bounds both workflows share.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    items: u32,
    bytes: u64,
    read_capacity: Option<f64>,
    segments: u32,
    concurrency: u32,
}

impl Workflow {
    fn bounds(&self) -> Bounds {
        match self {
            Workflow::Profiler(c) => Bounds {
                items: c.sample_items,
                bytes: c.sample_bytes,
                read_capacity: c.sample_read_capacity,
                segments: c.sample_segments,
                concurrency: c.concurrency,
            },
            Workflow::AutoClassification(c) => Bounds {
                items: c.sample_items,
                bytes: c.sample_bytes,
                read_capacity: c.sample_read_capacity,
                segments: c.sample_segments,
                concurrency: c.concurrency,
            },
        }
    }

    fn scope(&self) -> Scope {
        match self {
            Workflow::Profiler(c) => c.scope(),
            Workflow::AutoClassification(c) => c.scope(),
        }
    }
}

/// The Profiler or AutoClassification source of one service.
pub struct ProfilerSource {
    clients: Clients,
    limits: Arc<Limiters>,
    service_name: String,
    workflow: Workflow,
    tables: Arc<dyn TableLister>,
}

impl std::fmt::Debug for ProfilerSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfilerSource")
            .field("service_name", &self.service_name)
            .field("workflow", &self.name())
            .field("region", &self.clients.region)
            .finish_non_exhaustive()
    }
}

impl ProfilerSource {
    /// A source for the service `service_name`'s stored tables (from `tables`), read from
    /// DynamoDB through `connection`, running the workflow `config` names. No network call is
    /// made. The metadata workflow's settings are an error.
    pub async fn new(
        service_name: &str,
        connection: &DynamoDbConnection,
        config: &PipelineConfig,
        tables: Arc<dyn TableLister>,
    ) -> Result<ProfilerSource, ProfilerError> {
        let workflow = match config {
            PipelineConfig::Profiler(c) => Workflow::Profiler(c.clone()),
            PipelineConfig::AutoClassification(c) => Workflow::AutoClassification(c.clone()),
            PipelineConfig::DatabaseMetadata(_) => {
                return Err(ProfilerError::NotProfilerWorkflow("DatabaseMetadata"));
            }
        };
        let clients = Clients::from_config(&connection.aws_config)
            .await
            .map_err(ProfilerError::Clients)?;
        let limits = Arc::new(Limiters::new(None, clients.aws_endpoint));
        Ok(ProfilerSource {
            clients,
            limits,
            service_name: service_name.to_string(),
            workflow,
            tables,
        })
    }

    async fn run_inner(&self, out: &Emitter) -> Result<(), ProfilerError> {
        let send = |event: SourceEvent| async move {
            out.send(event).await.map_err(|_| ProfilerError::Closed)
        };
        let stored = self
            .tables
            .tables(&self.service_name)
            .await
            .map_err(|source| ProfilerError::ListTables {
                service: self.service_name.clone(),
                source,
            })?;
        let scope = self.workflow.scope();
        let mut filtered = Vec::new();
        let mut reported = BTreeSet::new();
        let mut selected = Vec::new();
        for table in stored {
            match excluded_by(&scope, &table) {
                None => selected.push(table),
                Some((name, reason)) => {
                    if reported.insert(name.clone()) {
                        filtered.push(SourceEvent::Filtered {
                            name,
                            reason: reason.to_string(),
                        });
                    }
                }
            }
        }
        send(SourceEvent::Total(selected.len() as u64)).await?;
        for event in filtered {
            send(event).await?;
        }
        let ctx = Arc::new(TableContext {
            clients: self.clients.clone(),
            limits: self.limits.clone(),
            workflow: self.workflow.clone(),
        });
        let concurrency = self.workflow.bounds().concurrency.max(1) as usize;
        let mut waiting = selected.into_iter();
        // Dropping the set (a cancelled run) aborts the tables in flight.
        let mut running = tokio::task::JoinSet::new();
        loop {
            while running.len() < concurrency {
                let Some(table) = waiting.next() else { break };
                running.spawn(ctx.clone().process(table));
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            for event in joined.map_err(ProfilerError::Task)? {
                send(event).await?;
            }
        }
        Ok(())
    }
}

/// The entity that leaves `table` out of the run (its database, its schema or itself) and why,
/// or `None` when the table is in scope.
fn excluded_by(scope: &Scope, table: &StoredTable) -> Option<(String, &'static str)> {
    let parts = split(&table.fqn);
    if let [service, database, schema, _] = parts.as_slice() {
        let database_fqn = build(&[service, database]);
        if !scope.includes(Level::Database, database, &database_fqn) {
            return Some((database_fqn, "Database Filtered Out"));
        }
        let schema_fqn = build(&[service, database, schema]);
        if !scope.includes(Level::Schema, schema, &schema_fqn) {
            return Some((schema_fqn, "Schema Filtered Out"));
        }
    }
    let name = decode_name(&table.name);
    if scope.includes(Level::Table, &name, &table.fqn) {
        None
    } else {
        Some((table.fqn.clone(), "Table Filtered Out"))
    }
}

/// What the tasks of one run share.
struct TableContext {
    clients: Clients,
    limits: Arc<Limiters>,
    workflow: Workflow,
}

impl TableContext {
    /// The events of one table, within the Profiler's timeout.
    async fn process(self: Arc<Self>, table: StoredTable) -> Vec<SourceEvent> {
        match &self.workflow {
            Workflow::Profiler(config) => {
                let limit = Duration::from_secs(u64::from(config.timeout_seconds));
                let fqn = table.fqn.clone();
                match tokio::time::timeout(limit, self.process_table(table)).await {
                    Ok(events) => events,
                    Err(_) => vec![SourceEvent::Failed(Failure::new(
                        fqn,
                        format!(
                            "profiling did not finish within timeoutSeconds ({} s)",
                            config.timeout_seconds
                        ),
                    ))],
                }
            }
            Workflow::AutoClassification(_) => self.process_table(table).await,
        }
    }

    async fn process_table(&self, table: StoredTable) -> Vec<SourceEvent> {
        let name = decode_name(&table.name);
        let fqn = table.fqn.clone();
        let mut events = Vec::new();
        let desc = match describe::describe_table(&self.clients, &self.limits, &name).await {
            Ok(desc) => desc,
            Err(e) => {
                events.push(SourceEvent::Failed(Failure::new(fqn, e.to_string())));
                return events;
            }
        };
        let bounds = self.workflow.bounds();
        let items = match &self.workflow {
            Workflow::Profiler(config) => {
                profile::wanted_items(config, desc.item_count, bounds.items)
            }
            Workflow::AutoClassification(_) => bounds.items,
        };
        let budget = Budget::new(items, bounds.bytes, bounds.segments)
            .with_read_capacity(bounds.read_capacity)
            .for_table(desc.item_count, desc.table_size_bytes);
        let sample = sample::sample_table(&self.clients, &name, budget).await;
        if let Some(e) = sample.error.as_ref().filter(|_| sample.items == 0) {
            events.push(SourceEvent::Failed(Failure::new(
                fqn,
                format!("sampling read no item: {e}"),
            )));
            return events;
        }
        if let Some(e) = &sample.error {
            events.push(SourceEvent::Warning {
                name: fqn.clone(),
                reason: format!(
                    "sampling stopped early, the {} items read are used: {e}",
                    sample.items
                ),
            });
        }
        let tree = column_tree(&table.fqn, &table.columns);
        let records = match &self.workflow {
            Workflow::Profiler(config) => {
                let facts = TableFacts {
                    item_count: desc.item_count,
                    size_bytes: desc.table_size_bytes,
                    created: desc
                        .creation_date_time()
                        .and_then(|t| t.fmt(Format::DateTime).ok()),
                    stored_columns: table.columns.len(),
                };
                let (record, warnings) = profile_record(&fqn, &tree, &sample, &facts, config);
                for reason in warnings {
                    events.push(SourceEvent::Warning {
                        name: fqn.clone(),
                        reason,
                    });
                }
                vec![record]
            }
            Workflow::AutoClassification(config) => classify_records(&fqn, &tree, &sample, config),
        };
        events.push(SourceEvent::Table {
            table: fqn,
            records,
            read_capacity: sample.consumed_capacity,
        });
        events
    }
}

/// The Profiler's record of one table, and the profiler's warnings.
fn profile_record(
    fqn: &str,
    tree: &[ColumnNode],
    sample: &Sample,
    facts: &TableFacts,
    config: &ProfilerConfig,
) -> (Record, Vec<String>) {
    let mut profiler = Profiler::new(ferrometa_profile::Limits::default());
    for item in sample.items() {
        profiler.add_item(item);
    }
    let profile = profiler.finish();
    let sampled = SampleFacts {
        items: sample.items as u64,
        complete: !sample.truncated && sample.error.is_none(),
    };
    let body = profile::table_profile_request(&profile, tree, facts, sampled, config, now_ms());
    let record = Record::TableProfile {
        table: fqn.to_string(),
        profile: body,
    };
    (record, profile.warnings)
}

/// The AutoClassification workflow's records of one table: its suggested column tags (none
/// when no column is tagged) and, with `storeSampleData`, its sample data.
fn classify_records(
    fqn: &str,
    tree: &[ColumnNode],
    sample: &Sample,
    config: &AutoClassificationConfig,
) -> Vec<Record> {
    let mut records = Vec::new();
    let mut sensitive: HashSet<String> = tree
        .iter()
        .flat_map(ColumnNode::walk)
        .filter(|c| c.tags.iter().any(|t| is_sensitive(t)))
        .map(|c| c.fqn.clone())
        .collect();
    if config.enable_auto_classification {
        let mut values = ColumnValues::default();
        for item in sample.items() {
            values.add_item(tree, item);
        }
        let classified = classify::classify_table(tree, &values, config.confidence / 100.0);
        for c in &classified {
            if is_sensitive(c.classification.tag.tag_fqn()) {
                sensitive.insert(c.column.clone());
            }
        }
        let tags: Vec<_> = classified.iter().map(classify::column_tag).collect();
        if !tags.is_empty() {
            records.push(Record::ColumnTags {
                table: fqn.to_string(),
                tags,
            });
        }
    }
    if config.store_sample_data && !tree.is_empty() {
        let masked = if config.mask_sensitive_sample_data {
            sensitive
        } else {
            HashSet::new()
        };
        let rows = sample.items().take(config.sample_data_count as usize);
        records.push(Record::SampleData {
            table: fqn.to_string(),
            data: sample_data::table_data(tree, rows, &masked),
        });
    }
    records
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[async_trait]
impl Source for ProfilerSource {
    fn name(&self) -> &'static str {
        match self.workflow {
            Workflow::Profiler(_) => "Profiler",
            Workflow::AutoClassification(_) => "AutoClassification",
        }
    }

    /// The metadata workflow's checks (ListTables, DescribeTable and Scan on the region's
    /// first table are mandatory; the others optional).
    async fn test_connection(&self) -> Vec<CheckResult> {
        let config = DatabaseMetadataConfig {
            sample_items: self.workflow.bounds().items,
            ..DatabaseMetadataConfig::default()
        };
        ferrometa_dynamodb::check::test_connection(&self.clients, &config).await
    }

    async fn run(&self, out: Emitter) -> Result<(), BoxError> {
        self.run_inner(&out)
            .await
            .map_err(|e| Box::new(e) as BoxError)
    }

    fn retries(&self) -> u64 {
        self.clients.retries.get()
    }
}
