//! The workflow over in-memory sources, processors and sinks: batching, the processor stage,
//! cancellation, deletion after complete, failed and partial listings, the success
//! threshold, and executing twice.

use std::collections::BTreeSet;
use std::error::Error;
use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::Notify;

use super::*;
use crate::delete::DeletePolicy;
use crate::traits::{CheckResult, TableRef};

const SCHEMA: &str = "svc.default.default";

fn table(name: &str) -> CreateEntity {
    serde_json::from_value(serde_json::json!({
        "name": name,
        "tableType": "Regular",
        "columns": [],
        "databaseSchema": SCHEMA,
    }))
    .expect("a minimal table request")
}

fn entity(name: &str) -> SourceEvent {
    SourceEvent::Entity {
        entity: table(name),
        read_capacity: 0.5,
    }
}

fn listing(names: &[&str], complete: bool, error: Option<&str>) -> SourceEvent {
    SourceEvent::SchemaListed(SchemaListing {
        schema_fqn: SCHEMA.to_string(),
        listed: names.iter().map(|n| n.to_string()).collect(),
        complete,
        error: error.map(str::to_string),
    })
}

/// Emits its events in order, then ends with `end` (an error message makes `run` fail);
/// with a gate, waits for it before ending.
struct ListSource {
    events: Mutex<Vec<SourceEvent>>,
    end: Option<&'static str>,
    gate: Option<Arc<Notify>>,
}

impl ListSource {
    fn new(events: Vec<SourceEvent>) -> Arc<Self> {
        Arc::new(ListSource {
            events: Mutex::new(events),
            end: None,
            gate: None,
        })
    }
}

#[async_trait]
impl Source for ListSource {
    fn name(&self) -> &'static str {
        "Memory"
    }

    async fn test_connection(&self) -> Vec<CheckResult> {
        Vec::new()
    }

    async fn run(&self, out: Emitter) -> Result<(), BoxError> {
        let events = std::mem::take(&mut *self.events.lock().unwrap());
        for event in events {
            out.send(event).await?;
        }
        if let Some(gate) = &self.gate {
            gate.notified().await;
        }
        match self.end {
            Some(message) => Err(message.into()),
            None => Ok(()),
        }
    }
}

/// What a [`MemorySink`] saw, shared with the test.
#[derive(Default)]
struct Seen {
    batches: Vec<Vec<String>>,
    records: Vec<Record>,
    deleted: Vec<String>,
    closed: u32,
}

/// Keeps tables in memory; `live` is what it holds before the run; names in `refuse` fail.
struct MemorySink {
    seen: Arc<Mutex<Seen>>,
    live: Vec<TableRef>,
    refuse: BTreeSet<String>,
}

impl MemorySink {
    fn new(live: &[&str]) -> (Box<Self>, Arc<Mutex<Seen>>) {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let live = live
            .iter()
            .map(|name| TableRef {
                fqn: format!("{SCHEMA}.{name}"),
                name: name.to_string(),
            })
            .collect();
        let sink = MemorySink {
            seen: Arc::clone(&seen),
            live,
            refuse: BTreeSet::new(),
        };
        (Box::new(sink), seen)
    }
}

#[async_trait]
impl Sink for MemorySink {
    fn name(&self) -> &'static str {
        "MemorySink"
    }

    async fn write_batch(&mut self, records: &[Record]) -> Vec<Result<WriteOutcome, BoxError>> {
        let names: Vec<String> = records.iter().map(Record::fqn).collect();
        let mut seen = self.seen.lock().unwrap();
        seen.batches.push(names.clone());
        seen.records.extend(records.iter().cloned());
        drop(seen);
        names
            .iter()
            .map(|fqn| {
                if self.refuse.iter().any(|name| fqn.ends_with(name.as_str())) {
                    Err("disk full".into())
                } else if self.live.iter().any(|t| &t.fqn == fqn) {
                    Ok(WriteOutcome::Unchanged)
                } else {
                    Ok(WriteOutcome::Created)
                }
            })
            .collect()
    }

    async fn live_tables(&mut self, _: &str) -> Result<Option<Vec<TableRef>>, BoxError> {
        Ok(Some(self.live.clone()))
    }

    async fn soft_delete_table(&mut self, fqn: &str) -> Result<(), BoxError> {
        self.seen.lock().unwrap().deleted.push(fqn.to_string());
        Ok(())
    }

    async fn close(&mut self) -> Result<(), BoxError> {
        self.seen.lock().unwrap().closed += 1;
        Ok(())
    }
}

fn settings() -> WorkflowSettings {
    WorkflowSettings {
        raise_on_error: true,
        success_threshold: 90,
        delete: Some(DeletePolicy {
            scope: Default::default(),
            max_share: 0.5,
            force: false,
        }),
    }
}

fn names(seen: &Mutex<Seen>) -> Vec<String> {
    seen.lock().unwrap().batches.concat()
}

#[test]
fn a_failure_keeps_its_cause_out_of_its_message() {
    let error = WorkflowError::Sink(Box::new(std::io::Error::other("disk full")));
    assert_eq!(error.to_string(), "sink failed");
    assert_eq!(error.source().unwrap().to_string(), "disk full");
    assert_eq!(ErrorChain(&error).to_string(), "sink failed: disk full");
}

#[tokio::test]
async fn queued_entities_are_written_in_batches_of_at_most_64_in_order() {
    let tables: Vec<String> = (0..150).map(|i| format!("t{i:03}")).collect();
    let events = tables.iter().map(|name| entity(name)).collect();
    let (sink, seen) = MemorySink::new(&[]);
    let mut workflow = Workflow::new(settings(), ListSource::new(events), sink);
    workflow.execute().await.unwrap();

    let expected: Vec<String> = tables.iter().map(|t| format!("{SCHEMA}.{t}")).collect();
    assert_eq!(names(&seen), expected);
    let seen = seen.lock().unwrap();
    assert!(seen.batches.iter().all(|b| b.len() <= BATCH));
    // The source outruns the sink, so batches gather more than one entity.
    assert!(seen.batches.len() < tables.len(), "{}", seen.batches.len());
    assert_eq!(workflow.status().sink.records.len(), 150);
    assert_eq!(workflow.status().read_capacity, 75.0);
}

#[tokio::test]
async fn a_complete_listing_deletes_the_tables_the_source_no_longer_has() {
    let events = vec![
        entity("a"),
        entity("b"),
        entity("c"),
        listing(&["a", "b", "c"], true, None),
    ];
    let (sink, seen) = MemorySink::new(&["a", "b", "c", "gone"]);
    let mut workflow = Workflow::new(settings(), ListSource::new(events), sink);
    workflow.execute().await.unwrap();

    assert_eq!(seen.lock().unwrap().deleted, [format!("{SCHEMA}.gone")]);
    assert_eq!(workflow.status().deleted, [format!("{SCHEMA}.gone")]);
    assert_eq!(workflow.status().sink.unchanged, 3);
    workflow.raise_from_status(false).unwrap();
}

#[tokio::test]
async fn a_failed_listing_deletes_nothing_and_fails_the_run_whatever_the_threshold() {
    let events = vec![
        entity("a"),
        listing(&["a"], false, Some("ListTables failed: throttled")),
    ];
    let (sink, seen) = MemorySink::new(&["a", "b", "c"]);
    let mut workflow = Workflow::new(
        WorkflowSettings {
            success_threshold: 0,
            ..settings()
        },
        ListSource::new(events),
        sink,
    );
    workflow.execute().await.unwrap();

    assert!(seen.lock().unwrap().deleted.is_empty());
    let err = workflow.raise_from_status(false).unwrap_err();
    assert!(
        matches!(err, WorkflowError::IncompleteListing { .. }),
        "{err}"
    );
    assert_eq!(workflow.result_status(), 1);
}

#[tokio::test]
async fn a_partial_listing_deletes_nothing() {
    let events = vec![entity("a"), listing(&["a"], false, None)];
    let (sink, seen) = MemorySink::new(&["a", "b"]);
    let mut workflow = Workflow::new(settings(), ListSource::new(events), sink);
    workflow.execute().await.unwrap();

    assert!(seen.lock().unwrap().deleted.is_empty());
    let warnings = &workflow.status().sink.warnings;
    assert!(warnings[0].reason.contains("incomplete"), "{warnings:?}");
}

#[tokio::test]
async fn deleting_more_than_the_allowed_share_is_refused() {
    let events = vec![entity("a"), listing(&["a"], true, None)];
    let (sink, seen) = MemorySink::new(&["a", "b", "c"]);
    let mut workflow = Workflow::new(settings(), ListSource::new(events), sink);
    workflow.execute().await.unwrap();

    assert!(seen.lock().unwrap().deleted.is_empty());
    let warnings = &workflow.status().sink.warnings;
    assert!(
        warnings[0].reason.contains("markDeletedMaxShare"),
        "{warnings:?}"
    );
}

async fn run_with_one_failed_write_in_ten(threshold: u8) -> Workflow {
    let events = (0..10).map(|i| entity(&format!("t{i}"))).collect();
    let (mut sink, _) = MemorySink::new(&[]);
    sink.refuse.insert("t9".to_string());
    let settings = WorkflowSettings {
        success_threshold: threshold,
        ..settings()
    };
    let mut workflow = Workflow::new(settings, ListSource::new(events), sink);
    workflow.execute().await.unwrap();
    workflow
}

#[tokio::test]
async fn the_threshold_decides_whether_sink_failures_fail_the_run() {
    // Nine of ten written: 90 %.
    let workflow = run_with_one_failed_write_in_ten(90).await;
    assert_eq!(workflow.status().sink.failures.len(), 1);
    assert!(
        workflow.status().sink.failures[0]
            .error
            .contains("disk full")
    );
    workflow.raise_from_status(false).unwrap();
    let workflow = run_with_one_failed_write_in_ten(91).await;
    let err = workflow.raise_from_status(false).unwrap_err();
    assert!(matches!(err, WorkflowError::Threshold { .. }), "{err}");
}

#[tokio::test]
async fn a_failing_source_keeps_its_cause_and_names_it_in_the_status() {
    let source = Arc::new(ListSource {
        events: Mutex::new(vec![entity("a")]),
        end: Some("credentials expired"),
        gate: None,
    });
    let (sink, seen) = MemorySink::new(&[]);
    let mut workflow = Workflow::new(settings(), source, sink);
    let err = workflow.execute().await.unwrap_err();

    assert!(matches!(err, WorkflowError::Source(_)), "{err}");
    assert_eq!(err.source().unwrap().to_string(), "credentials expired");
    assert_eq!(names(&seen), [format!("{SCHEMA}.a")]);
    assert_eq!(
        workflow.status().source.failures[0].error,
        "credentials expired"
    );
}

#[tokio::test]
async fn cancelling_keeps_what_was_written_and_stops_the_source() {
    let gate = Arc::new(Notify::new());
    let source = Arc::new(ListSource {
        events: Mutex::new(vec![entity("a"), entity("b")]),
        end: Some("the source must not get past its gate"),
        gate: Some(Arc::clone(&gate)),
    });
    let (sink, seen) = MemorySink::new(&[]);
    let mut workflow = Workflow::new(settings(), source, sink);
    // Cancel once both entities are in the sink; the source then waits at its gate forever.
    let watched = Arc::clone(&seen);
    let cancel = async move {
        while names(&watched).len() < 2 {
            tokio::task::yield_now().await;
        }
    };
    workflow.execute_until(cancel).await.unwrap();

    assert!(workflow.status().cancelled);
    assert_eq!(names(&seen).len(), 2);
    assert!(workflow.status().source.failures.is_empty());
    assert_eq!(workflow.result_status(), 1);
    assert!(workflow.print_status().contains("cancelled"));
}

#[tokio::test]
async fn a_workflow_runs_once_and_closes_its_sink_once() {
    let (sink, seen) = MemorySink::new(&[]);
    let mut workflow = Workflow::new(settings(), ListSource::new(vec![entity("a")]), sink);
    workflow.execute().await.unwrap();
    let err = workflow.execute().await.unwrap_err();
    assert!(matches!(err, WorkflowError::AlreadyExecuted), "{err}");
    assert_eq!(names(&seen).len(), 1);

    workflow.stop().await.unwrap();
    workflow.stop().await.unwrap();
    assert_eq!(seen.lock().unwrap().closed, 1);
}

/// Renames tables to upper case, drops `skip` and fails on `bad`.
struct Upper;

#[async_trait]
impl Processor for Upper {
    fn name(&self) -> &'static str {
        "Upper"
    }

    async fn process(&mut self, record: Record) -> Result<Vec<Record>, BoxError> {
        let Record::Entity(CreateEntity::Table(mut table)) = record else {
            return Ok(vec![record]);
        };
        match table.name.as_str() {
            "skip" => Ok(Vec::new()),
            "bad" => Err("cannot profile `bad`".into()),
            _ => {
                table.name = table.name.to_uppercase();
                Ok(vec![Record::Entity(CreateEntity::Table(table))])
            }
        }
    }
}

#[tokio::test]
async fn the_processor_stands_between_source_and_sink_with_its_own_step() {
    let events = vec![entity("a"), entity("skip"), entity("bad")];
    let (sink, seen) = MemorySink::new(&[]);
    let mut workflow =
        Workflow::new(settings(), ListSource::new(events), sink).with_processor(Box::new(Upper));
    workflow.execute().await.unwrap();

    assert_eq!(names(&seen), [format!("{SCHEMA}.A")]);
    let status = workflow.status();
    let step = status.processor.as_ref().expect("a processor step");
    assert_eq!(step.name, "Upper");
    assert_eq!(step.records.len(), 2);
    assert!(step.failures[0].error.contains("cannot profile `bad`"));
    let steps: Vec<&str> = status.steps().map(|s| s.name.as_str()).collect();
    assert_eq!(steps, ["Memory", "Upper", "MemorySink"]);
    assert!(status.render().contains("Workflow Upper Summary:"));
    // One failure in three is under the threshold of 90 %.
    let err = workflow.raise_from_status(false).unwrap_err();
    assert!(
        err.to_string().starts_with("Upper reported errors"),
        "{err}"
    );
}

/// Follows each table with a profile of it, as the profiler does.
struct Profiler;

#[async_trait]
impl Processor for Profiler {
    fn name(&self) -> &'static str {
        "Profiler"
    }

    async fn process(&mut self, record: Record) -> Result<Vec<Record>, BoxError> {
        let Some(table) = record.table_entity_fqn() else {
            return Ok(vec![record]);
        };
        let profile = Record::TableProfile {
            table,
            profile: serde_json::json!({"tableProfile": {"timestamp": 1, "rowCount": 3}}),
        };
        Ok(vec![record, profile])
    }
}

#[tokio::test]
async fn a_processor_may_follow_a_table_with_its_profile_and_the_sink_gets_both_in_order() {
    let events = vec![entity("a"), entity("b")];
    let (sink, seen) = MemorySink::new(&[]);
    let progress = Arc::new(Counted::default());
    let mut workflow = Workflow::new(settings(), ListSource::new(events), sink)
        .with_processor(Box::new(Profiler))
        .with_progress(Arc::clone(&progress) as Arc<dyn Progress>);
    workflow.execute().await.unwrap();

    let (a, b) = (format!("{SCHEMA}.a"), format!("{SCHEMA}.b"));
    let profile = |table: &str| Record::TableProfile {
        table: table.to_string(),
        profile: serde_json::json!({"tableProfile": {"timestamp": 1, "rowCount": 3}}),
    };
    let expected = vec![
        Record::Entity(table("a")),
        profile(&a),
        Record::Entity(table("b")),
        profile(&b),
    ];
    assert_eq!(seen.lock().unwrap().records, expected);
    let status = workflow.status();
    // A profile is a record of its table; the processor saw the two tables.
    assert_eq!(
        status.sink.records,
        [a.clone(), a.clone(), b.clone(), b.clone()]
    );
    assert_eq!(status.processor.as_ref().unwrap().records.len(), 2);
    // Progress counts tables, not their profiles.
    assert_eq!(*progress.done.lock().unwrap(), [a, b]);
}

/// Records the tables a run reports done.
#[derive(Default)]
struct Counted {
    done: Mutex<Vec<String>>,
}

impl Progress for Counted {
    fn set_total(&self, _: u64) {}

    fn table_done(&self, name: &str) {
        self.done.lock().unwrap().push(name.to_string());
    }

    fn finish(&self) {}
}
