//! [`ProfilerError`]: what can go wrong building or running a [`crate::ProfilerSource`].

use ferrometa_core::BoxError;

/// Errors of the profiler source.
#[derive(Debug, thiserror::Error)]
pub enum ProfilerError {
    /// The recipe runs the metadata workflow, which this source does not serve.
    #[error("the {0} workflow has no profiler source")]
    NotProfilerWorkflow(&'static str),
    /// The DynamoDB clients could not be built.
    #[error("setting up the dynamodb clients failed")]
    Clients(#[source] ferrometa_dynamodb::DynamoDbError),
    /// The destination could not list the service's stored tables.
    #[error("listing the stored tables of service `{service}` failed")]
    ListTables {
        service: String,
        #[source]
        source: BoxError,
    },
    /// The workflow stopped receiving events.
    #[error("the workflow stopped receiving")]
    Closed,
    /// A table's task panicked or was cancelled.
    #[error("a table's task ended unexpectedly")]
    Task(#[source] tokio::task::JoinError),
}
