//! The workflow: OpenMetadata's lifecycle (`execute`, `raise_from_status`,
//! `print_status`, `stop`) over one source, an optional processor and one sink.

use std::error::Error as _;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use ferrometa_config::Recipe;
use ferrometa_model::{CreateEntity, EntityType, ErrorChain, Record};
use tokio::sync::mpsc;

use crate::delete::{DeletePolicy, DeletionPlan, plan_deletions};
use crate::status::{Failure, Reason, StepStatus, WorkflowStatus};
use crate::traits::{
    BoxError, Emitter, Processor, Progress, SchemaListing, Sink, Source, SourceEvent, WriteOutcome,
};

/// Records gathered from the source into one batch at most (a processor may add more).
const BATCH: usize = 64;
/// Events buffered between source and sink: bounds memory whatever the table count.
const CHANNEL: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// `raise_from_status` found a step under the success threshold.
    #[error("{step} reported errors: {summary}")]
    Threshold { step: String, summary: String },
    /// `raise_from_status(raise_warnings = true)` found warnings.
    #[error("{step} reported warnings: {summary}")]
    Warnings { step: String, summary: String },
    /// Listing a schema's tables failed part-way: tables past that point were not read.
    #[error("listing the tables of {schema} failed, so this run is incomplete")]
    IncompleteListing { schema: String },
    /// The source failed as a whole.
    #[error("source failed")]
    Source(#[source] BoxError),
    /// The source's task panicked or was aborted.
    #[error("the source task ended abnormally")]
    SourceTask(#[source] tokio::task::JoinError),
    /// The sink could not be closed cleanly.
    #[error("sink failed")]
    Sink(#[source] BoxError),
    #[error("the workflow has already been executed")]
    AlreadyExecuted,
}

/// What the workflow needs from the recipe.
#[derive(Debug, Clone)]
pub struct WorkflowSettings {
    pub raise_on_error: bool,
    pub success_threshold: u8,
    /// `None` when `markDeletedTables` is false, or the workflow is not the metadata one.
    pub delete: Option<DeletePolicy>,
}

impl WorkflowSettings {
    pub fn from_recipe(recipe: &Recipe) -> Self {
        let wc = &recipe.workflow_config;
        // Only the metadata workflow lists tables, so only it marks missing ones deleted.
        let metadata = recipe.source.source_config.metadata();
        WorkflowSettings {
            raise_on_error: wc.raise_on_error,
            success_threshold: wc.success_threshold,
            delete: metadata
                .filter(|sc| sc.mark_deleted_tables)
                .map(|sc| DeletePolicy {
                    scope: sc.scope(),
                    max_share: sc.mark_deleted_max_share,
                    force: sc.mark_deleted_force,
                }),
        }
    }
}

/// One run of a recipe.
pub struct Workflow {
    settings: WorkflowSettings,
    source: Arc<dyn Source>,
    processor: Option<Box<dyn Processor>>,
    sink: Box<dyn Sink>,
    progress: Option<Arc<dyn Progress>>,
    status: WorkflowStatus,
    /// The first schema whose table listing failed: the run fails whatever the threshold.
    incomplete: Option<String>,
    executed: bool,
    stopped: bool,
}

impl Workflow {
    pub fn new(settings: WorkflowSettings, source: Arc<dyn Source>, sink: Box<dyn Sink>) -> Self {
        let status = WorkflowStatus {
            source: StepStatus::new(source.name()),
            sink: StepStatus::new(sink.name()),
            location: sink.location(),
            ..Default::default()
        };
        Workflow {
            settings,
            source,
            processor: None,
            sink,
            progress: None,
            status,
            incomplete: None,
            executed: false,
            stopped: false,
        }
    }

    /// Passes every entity through `processor` on its way to the sink.
    pub fn with_processor(mut self, processor: Box<dyn Processor>) -> Self {
        self.status.processor = Some(StepStatus::new(processor.name()));
        self.processor = Some(processor);
        self
    }

    /// Reports progress to `progress` while executing.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Self {
        self.progress = Some(progress);
        self
    }

    pub fn settings(&self) -> &WorkflowSettings {
        &self.settings
    }

    pub fn status(&self) -> &WorkflowStatus {
        &self.status
    }

    /// Runs the source into the sink to the end.
    pub async fn execute(&mut self) -> Result<(), WorkflowError> {
        self.execute_until(std::future::pending()).await
    }

    /// Runs until the source ends or `cancel` resolves. On cancel, what was written stays
    /// written, nothing is deleted, and the status says the run was cancelled.
    pub async fn execute_until(
        &mut self,
        cancel: impl Future<Output = ()>,
    ) -> Result<(), WorkflowError> {
        if self.executed {
            return Err(WorkflowError::AlreadyExecuted);
        }
        self.executed = true;
        let started = Instant::now();
        let (emitter, mut rx) = Emitter::channel(CHANNEL);
        let source = Arc::clone(&self.source);
        let mut task = tokio::spawn(async move { source.run(emitter).await });
        tokio::pin!(cancel);

        let outcome = loop {
            tokio::select! {
                biased;
                _ = &mut cancel => {
                    self.status.cancelled = true;
                    task.abort();
                    break None;
                }
                event = rx.recv() => match event {
                    Some(event) => self.on_event(event, &mut rx).await,
                    None => break Some((&mut task).await),
                },
            }
        };

        let result = match outcome {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(error))) => Err(WorkflowError::Source(error)),
            Some(Err(join)) => Err(WorkflowError::SourceTask(join)),
        };
        // The status names the source's own failure, not the workflow's wrapping of it.
        if let Some(cause) = result.as_ref().err().and_then(|e| e.source()) {
            self.status.source.failures.push(Failure::new(
                self.source.name(),
                ErrorChain(cause).to_string(),
            ));
        }
        // Released here, so a progress bar is gone before the summary is printed.
        if let Some(p) = self.progress.take() {
            p.finish();
        }
        self.status.duration_seconds = started.elapsed().as_secs_f64();
        self.count_retries();
        result
    }

    /// Copies the steps' retry counts into the status; they only grow.
    fn count_retries(&mut self) {
        self.status.source.retries = self.source.retries();
        self.status.sink.retries = self.sink.retries();
    }

    async fn on_event(&mut self, event: SourceEvent, rx: &mut mpsc::Receiver<SourceEvent>) {
        match event {
            SourceEvent::Entity {
                entity,
                read_capacity,
            } => {
                self.count_entity(&entity, read_capacity);
                let mut batch = vec![Record::Entity(entity)];
                // Gather what is already queued into one batch: fewer sink transactions.
                let mut next = None;
                while batch.len() < BATCH && next.is_none() {
                    match rx.try_recv() {
                        Ok(SourceEvent::Entity {
                            entity,
                            read_capacity,
                        }) => {
                            self.count_entity(&entity, read_capacity);
                            batch.push(Record::Entity(entity));
                        }
                        Ok(other) => next = Some(other),
                        Err(_) => break,
                    }
                }
                self.flush(batch).await;
                if let Some(other) = next {
                    Box::pin(self.on_event(other, rx)).await;
                }
            }
            SourceEvent::Table {
                table,
                records,
                read_capacity,
            } => {
                tracing::debug!(table = %table, read_capacity, "table sampled");
                self.status.read_capacity += read_capacity;
                self.status
                    .read_capacity_by_table
                    .insert(table.clone(), read_capacity);
                self.status.source.records.push(table.clone());
                self.flush(records).await;
                if let Some(p) = &self.progress {
                    p.table_done(&table);
                }
            }
            SourceEvent::Total(n) => {
                if let Some(p) = &self.progress {
                    p.set_total(n);
                }
            }
            SourceEvent::Filtered { name, reason } => {
                self.status.source.filtered.push(Reason { name, reason })
            }
            SourceEvent::Warning { name, reason } => {
                tracing::warn!(entity = %name, "{reason}");
                self.status.source.warnings.push(Reason { name, reason });
            }
            SourceEvent::Failed(failure) => {
                tracing::warn!(entity = %failure.name, "{}", failure.error);
                if let Some(p) = &self.progress {
                    p.table_done(&failure.name);
                }
                self.status.source.failures.push(failure);
            }
            // Entities are written as they arrive, so the schema's tables are all in the sink.
            SourceEvent::SchemaListed(listing) => {
                if let Some(error) = &listing.error {
                    let schema = &listing.schema_fqn;
                    tracing::warn!(entity = %schema, "{error}");
                    let failure = Failure::new(schema.clone(), error.clone());
                    self.status.source.failures.push(failure);
                    self.incomplete.get_or_insert_with(|| schema.clone());
                }
                self.mark_deleted(&listing).await
            }
        }
    }

    fn count_entity(&mut self, entity: &CreateEntity, read_capacity: f64) {
        let fqn = entity.fqn();
        if entity.entity_type() == EntityType::Table {
            tracing::debug!(table = %fqn, read_capacity, "table sampled");
            self.status
                .read_capacity_by_table
                .insert(fqn.clone(), read_capacity);
        }
        self.status.read_capacity += read_capacity;
        self.status.source.records.push(fqn);
    }

    /// What the processor makes of a batch; without a processor, the batch itself.
    async fn process(&mut self, batch: Vec<Record>) -> Vec<Record> {
        let (Some(processor), Some(step)) = (&mut self.processor, &mut self.status.processor)
        else {
            return batch;
        };
        let mut out = Vec::with_capacity(batch.len());
        for record in batch {
            let (fqn, table) = (record.fqn(), record.table_entity_fqn());
            match processor.process(record).await {
                Ok(records) => {
                    step.records.push(fqn);
                    out.extend(records);
                }
                Err(e) => {
                    let message = format!("processing failed: {}", ErrorChain(&*e));
                    tracing::warn!(entity = %fqn, "{message}");
                    if let (Some(table), Some(p)) = (table, &self.progress) {
                        p.table_done(&table);
                    }
                    step.failures.push(Failure::new(fqn, message));
                }
            }
        }
        out
    }

    /// Writes a batch; a table's profile counts as a record of that table, and only table
    /// entities advance the progress.
    async fn flush(&mut self, batch: Vec<Record>) {
        let batch = self.process(batch).await;
        if batch.is_empty() {
            return;
        }
        let results = self.sink.write_batch(&batch).await;
        for (record, result) in batch.into_iter().zip(results) {
            let fqn = record.fqn();
            match result {
                Ok(WriteOutcome::Created) => self.status.sink.records.push(fqn.clone()),
                Ok(WriteOutcome::Updated) => self.status.sink.updated_records.push(fqn.clone()),
                Ok(WriteOutcome::Unchanged) => self.status.sink.unchanged += 1,
                Err(e) => {
                    let message = format!("write failed: {}", ErrorChain(&*e));
                    tracing::warn!(entity = %fqn, "{message}");
                    self.status
                        .sink
                        .failures
                        .push(Failure::new(fqn.clone(), message));
                }
            }
            if let (Some(table), Some(p)) = (record.table_entity_fqn(), &self.progress) {
                p.table_done(&table);
            }
        }
    }

    async fn mark_deleted(&mut self, listing: &SchemaListing) {
        let Some(policy) = self.settings.delete.clone() else {
            return;
        };
        let existing = match self.sink.live_tables(&listing.schema_fqn).await {
            Ok(Some(existing)) => existing,
            Ok(None) => return,
            Err(e) => {
                self.status.sink.failures.push(Failure::new(
                    &listing.schema_fqn,
                    format!(
                        "could not list catalog tables, none marked deleted: {}",
                        ErrorChain(&*e)
                    ),
                ));
                return;
            }
        };
        match plan_deletions(&existing, listing, &policy) {
            DeletionPlan::Refused(reason) => {
                tracing::warn!("{reason}");
                self.status.sink.warnings.push(Reason {
                    name: listing.schema_fqn.clone(),
                    reason,
                });
            }
            DeletionPlan::Delete(fqns) => {
                for fqn in fqns {
                    match self.sink.soft_delete_table(&fqn).await {
                        Ok(()) => {
                            tracing::info!(table = %fqn, "marked deleted: no longer in the source");
                            self.status.deleted.push(fqn);
                        }
                        Err(e) => self.status.sink.failures.push(Failure::new(
                            fqn,
                            format!("mark deleted failed: {}", ErrorChain(&*e)),
                        )),
                    }
                }
            }
        }
    }

    /// Fails when a schema's tables could not all be listed, when a step has failures and
    /// its success rate is under the threshold, or, with `raise_warnings`, when a step has
    /// warnings.
    pub fn raise_from_status(&self, raise_warnings: bool) -> Result<(), WorkflowError> {
        if let Some(schema) = &self.incomplete {
            return Err(WorkflowError::IncompleteListing {
                schema: schema.clone(),
            });
        }
        for step in self.status.steps() {
            if !step.failures.is_empty()
                && step.success_rate() < f64::from(self.settings.success_threshold)
            {
                return Err(WorkflowError::Threshold {
                    step: step.name.clone(),
                    summary: summary(step),
                });
            }
            if raise_warnings && !step.warnings.is_empty() {
                return Err(WorkflowError::Warnings {
                    step: step.name.clone(),
                    summary: summary(step),
                });
            }
        }
        Ok(())
    }

    /// 0 when `raise_from_status` passes (or `raiseOnError` is off), 1 otherwise.
    pub fn result_status(&self) -> i32 {
        let failed = self.status.cancelled
            || (self.settings.raise_on_error && self.raise_from_status(false).is_err());
        i32::from(failed)
    }

    /// The summary as text.
    pub fn print_status(&self) -> String {
        self.status.render()
    }

    /// Closes the sink; idempotent.
    pub async fn stop(&mut self) -> Result<(), WorkflowError> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        let closed = self.sink.close().await;
        self.count_retries();
        closed.map_err(WorkflowError::Sink)
    }
}

fn summary(step: &StepStatus) -> String {
    format!(
        "[{} records, {} updated records, {} unchanged, {} warnings, {} errors, {} filtered]",
        step.records.len(),
        step.updated_records.len(),
        step.unchanged,
        step.warnings.len(),
        step.failures.len(),
        step.filtered.len()
    )
}

#[cfg(test)]
mod tests;
