//! The contracts between the workflow and its source, processor and sink.

use std::collections::BTreeSet;

use async_trait::async_trait;
use ferrometa_model::CreateEntity;
pub use ferrometa_model::Record;
pub use ferrometa_model::write::{StoredTable, TableRef, WriteOutcome};
use tokio::sync::mpsc;

use crate::status::Failure;

/// Errors crossing the source/sink boundary; each implementation keeps its own error enum.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a source reports while it runs, in topology order.
#[derive(Debug)]
pub enum SourceEvent {
    /// An entity to write; `read_capacity` is what producing it consumed.
    Entity {
        entity: CreateEntity,
        read_capacity: f64,
    },
    /// What the profiler or the classifier made of one table (its FQN): written in order, and
    /// counted as one record of the source; `read_capacity` is what its sample consumed.
    Table {
        table: String,
        records: Vec<Record>,
        read_capacity: f64,
    },
    /// How many tables this run will process (for progress).
    Total(u64),
    /// An entity left out by a filter.
    Filtered { name: String, reason: String },
    /// Something worth telling the user that did not stop the entity.
    Warning { name: String, reason: String },
    /// An entity that could not be produced.
    Failed(Failure),
    /// Every table of a schema has been emitted (or failed): deletion may be considered.
    SchemaListed(SchemaListing),
}

/// The full listing of one schema, as the source saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaListing {
    /// FQN of the schema.
    pub schema_fqn: String,
    /// Encoded names of every table that exists in the source, filtered or failed included.
    pub listed: BTreeSet<String>,
    /// False when listing failed or was cut short: then nothing may be deleted.
    pub complete: bool,
    /// Why listing failed, if it did. The run then fails whatever the success threshold:
    /// the tables past that point were never looked at.
    pub error: Option<String>,
}

/// The result of one permission or connectivity check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckResult {
    /// The step, e.g. `ListTables`.
    pub name: String,
    /// The IAM action it needs, e.g. `dynamodb:ListTables`.
    pub action: String,
    pub passed: bool,
    /// Why it failed, or a note on success.
    pub message: Option<String>,
    /// A failed optional check does not fail the connection test.
    pub mandatory: bool,
}

/// The sending half of the bounded channel from a source to the workflow.
#[derive(Clone)]
pub struct Emitter {
    tx: mpsc::Sender<SourceEvent>,
}

/// The workflow stopped listening (cancelled or failed); the source should stop.
#[derive(Debug, thiserror::Error)]
#[error("the workflow stopped receiving")]
pub struct Closed;

impl Emitter {
    /// A new emitter and its receiver, holding at most `capacity` events.
    pub fn channel(capacity: usize) -> (Emitter, mpsc::Receiver<SourceEvent>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Emitter { tx }, rx)
    }

    pub async fn send(&self, event: SourceEvent) -> Result<(), Closed> {
        self.tx.send(event).await.map_err(|_| Closed)
    }
}

/// Produces the entities of one service.
#[async_trait]
pub trait Source: Send + Sync {
    /// Step name in the status, e.g. `DynamoDB`.
    fn name(&self) -> &'static str;

    /// Checks each permission the workflow needs.
    async fn test_connection(&self) -> Vec<CheckResult>;

    /// Emits every entity; an `Err` is fatal (nothing later may be trusted), while
    /// per-entity problems are emitted as [`SourceEvent::Failed`].
    async fn run(&self, out: Emitter) -> Result<(), BoxError>;

    /// Requests sent again after a transient failure so far, for the status.
    fn retries(&self) -> u64 {
        0
    }
}

/// The tables the metadata workflow wrote to a destination (the embedded catalog, an
/// OpenMetadata server): what the profiler and the classifier work on.
#[async_trait]
pub trait TableLister: Send + Sync {
    /// Every table of the service `service` not marked deleted, with its columns and tags.
    async fn tables(&self, service: &str) -> Result<Vec<StoredTable>, BoxError>;
}

/// Transforms records between the source and the sink (OpenMetadata's processor step: the
/// profiler and the classifier of their workflows). The source's entities reach it as
/// [`Record::Entity`].
#[async_trait]
pub trait Processor: Send {
    /// Step name in the status, e.g. `Profiler`.
    fn name(&self) -> &'static str;

    /// What the sink should write for `record`: itself, changed, with more records (a table's
    /// profile and sample data after it), or nothing. An `Err` is this record's failure,
    /// counted against this step; the run goes on.
    async fn process(&mut self, record: Record) -> Result<Vec<Record>, BoxError>;
}

/// Writes records somewhere: entities, and the profiler's data of tables.
#[async_trait]
pub trait Sink: Send {
    /// Step name in the status, e.g. `Catalog`.
    fn name(&self) -> &'static str;

    /// Where the data goes, printed in the summary.
    fn location(&self) -> Option<String> {
        None
    }

    /// Writes a batch (parents before children, a table before its profile); one result
    /// per record, in order.
    async fn write_batch(&mut self, records: &[Record]) -> Vec<Result<WriteOutcome, BoxError>>;

    /// Tables of a schema that are not marked deleted. Sinks that cannot read back
    /// return `None`, and then nothing is deleted.
    async fn live_tables(&mut self, schema_fqn: &str) -> Result<Option<Vec<TableRef>>, BoxError>;

    /// Marks one table deleted (soft delete; a later write restores it).
    async fn soft_delete_table(&mut self, fqn: &str) -> Result<(), BoxError>;

    /// Flushes and releases resources; called once.
    async fn close(&mut self) -> Result<(), BoxError>;

    /// Requests sent again after a transient failure so far, for the status.
    fn retries(&self) -> u64 {
        0
    }
}

/// Receives progress of a run (a terminal bar, a log line, nothing).
pub trait Progress: Send + Sync {
    fn set_total(&self, total: u64);
    fn table_done(&self, name: &str);
    fn finish(&self);
}
