//! The engine's core: the [`Source`], [`Processor`] and [`Sink`] traits, the [`Workflow`]
//! that streams one through the other into the last, its [`WorkflowStatus`], and the rules
//! of safe deletion.
//!
//! A source emits [`SourceEvent`]s through an [`Emitter`] (a bounded channel, so memory
//! stays flat however many tables there are); the workflow counts them, wraps the entities
//! in [`Record`]s, passes them through the processor when the workflow type has one (which
//! may add a table's profile and sample data), batches them into the sink, and after each schema has been fully listed asks
//! [`delete::plan_deletions`] which catalog tables may be marked deleted.

pub mod delete;
pub mod status;
pub mod traits;
pub mod workflow;

/// The error convention's one rendering, re-exported for the front ends.
pub use ferrometa_model::ErrorChain;
pub use status::{Failure, StepStatus, WorkflowStatus};
pub use traits::{
    BoxError, CheckResult, Emitter, Processor, Progress, Record, SchemaListing, Sink, Source,
    SourceEvent, StoredTable, TableLister, TableRef, WriteOutcome,
};
pub use workflow::{Workflow, WorkflowError, WorkflowSettings};
