//! The registry of sources and sinks: builds the implementation of each kind of the config's
//! kinds table (an exhaustive match, so a new kind cannot be left without one), and builds a ready [`Workflow`] from a [`Recipe`]; and the log filter
//! every front end (the command line, the Python package) puts on the sources' SDK.

use std::sync::Arc;

use ferrometa_catalog::{CatalogSink, CatalogTableLister};
use ferrometa_config::{PipelineConfig, Recipe, SinkConfig, SourceType, no_effect_keys};
use ferrometa_core::{Sink, Source, TableLister, Workflow, WorkflowSettings};
use ferrometa_dynamodb::DynamoDbSource;
use ferrometa_dynamodb::source::service_connection;
use ferrometa_file_sink::FileSink;
use ferrometa_profiler::ProfilerSource;
use ferrometa_rest_sink::{RestSink, RestTableLister};
use tracing_subscriber::filter::{LevelFilter, Targets};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("could not create the dynamodb source")]
    Source(#[from] ferrometa_dynamodb::DynamoDbError),
    #[error("could not create the {0} source")]
    Profiler(&'static str, #[source] ferrometa_profiler::ProfilerError),
    /// The file sink writes a file it cannot read back: there are no tables to work on.
    #[error(
        "the `{0}` workflow works on the tables the metadata workflow wrote to the sink's destination, and a `file` sink cannot be read back: use the `catalog` or `metadata-rest` sink"
    )]
    NoTables(&'static str),
    #[error("could not open the catalog")]
    Catalog(#[from] ferrometa_catalog::CatalogError),
    #[error("could not open the file sink")]
    File(#[from] ferrometa_file_sink::FileSinkError),
    #[error("the metadata-rest sink needs workflowConfig.openMetadataServerConfig")]
    MissingServerConfig,
    #[error("could not connect to the openmetadata server")]
    Rest(#[from] ferrometa_rest_sink::RestSinkError),
}

/// Creates the source a recipe names, for its workflow type: the metadata workflow reads
/// DynamoDB's tables; the profiler and the classifier read the tables the sink's destination
/// holds, then sample them from DynamoDB.
pub async fn create_source(recipe: &Recipe) -> Result<Arc<dyn Source>, RegistryError> {
    match recipe.source.r#type {
        SourceType::DynamoDb => {
            let section = &recipe.source;
            let connection = &section.service_connection.config;
            let config = &section.source_config.config;
            Ok(match config {
                PipelineConfig::DatabaseMetadata(metadata) => Arc::new(
                    DynamoDbSource::new(&section.service_name, connection, metadata).await?,
                ),
                PipelineConfig::Profiler(_) | PipelineConfig::AutoClassification(_) => {
                    let tables = create_lister(recipe).await?;
                    let source =
                        ProfilerSource::new(&section.service_name, connection, config, tables)
                            .await
                            .map_err(|e| {
                                RegistryError::Profiler(config.workflow_type().name(), e)
                            })?;
                    Arc::new(source)
                }
            })
        }
    }
}

/// Where the profiler and the classifier find their tables: the sink's destination.
async fn create_lister(recipe: &Recipe) -> Result<Arc<dyn TableLister>, RegistryError> {
    Ok(match recipe.sink_config() {
        SinkConfig::Catalog(config) => Arc::new(CatalogTableLister::open(&config)?),
        SinkConfig::MetadataRest(_) => {
            let server = recipe.workflow_config.open_metadata_server_config.as_ref();
            let server = server.ok_or(RegistryError::MissingServerConfig)?;
            Arc::new(RestTableLister::connect(server).await?)
        }
        SinkConfig::File(_) => {
            let workflow = recipe.source.source_config.config.workflow_type();
            return Err(RegistryError::NoTables(workflow.name()));
        }
    })
}

/// Creates the sink a recipe names (the embedded catalog when it names none). Async because
/// the `metadata-rest` sink checks the server before the run starts.
pub async fn create_sink(recipe: &Recipe) -> Result<Box<dyn Sink>, RegistryError> {
    Ok(match recipe.sink_config() {
        SinkConfig::Catalog(config) => Box::new(CatalogSink::open(&config)?),
        SinkConfig::File(config) => Box::new(FileSink::create(&config)?),
        SinkConfig::MetadataRest(config) => {
            let server = recipe.workflow_config.open_metadata_server_config.as_ref();
            let server = server.ok_or(RegistryError::MissingServerConfig)?;
            let connection = service_connection(server, &recipe.source.service_connection.config);
            Box::new(RestSink::connect(server, &config, connection).await?)
        }
    })
}

/// The most the AWS SDK may log, whatever else a log filter (`FERROMETA_LOG`) allows: `debug`.
/// At `trace` it prints the credential providers' settings (an assume-role external id) and
/// whole requests and responses (STS's answer holds an assumed role's secret key and session
/// token). Installed as a layer of its own, so that no directive, however specific, lifts it.
pub fn sdk_log_cap() -> Targets {
    // Targets match by prefix: `aws` covers `aws_config`, `aws_smithy_runtime`, `aws_sigv4`...
    Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_target("aws", LevelFilter::DEBUG)
}

/// Builds the workflow a recipe describes, after one warning per key the recipe sets
/// although it has no effect.
pub async fn create_workflow(recipe: &Recipe) -> Result<Workflow, RegistryError> {
    for key in no_effect_keys(recipe) {
        tracing::warn!("`{key}` is accepted for compatibility with OpenMetadata and has no effect");
    }
    // The profiler and the classifier read the tables back before anything is written: a
    // catalog file that is not there is then an error, not a new empty catalog.
    let (source, sink) = match recipe.source.source_config.config {
        PipelineConfig::DatabaseMetadata(_) => {
            let sink = create_sink(recipe).await?;
            (create_source(recipe).await?, sink)
        }
        PipelineConfig::Profiler(_) | PipelineConfig::AutoClassification(_) => {
            let source = create_source(recipe).await?;
            (source, create_sink(recipe).await?)
        }
    };
    Ok(Workflow::new(
        WorkflowSettings::from_recipe(recipe),
        source,
        sink,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_never_logs_at_trace() {
        let cap = sdk_log_cap();
        for target in [
            "aws_smithy_runtime::client::orchestrator::http",
            "aws_sigv4::http_request::sign",
            "aws_config::sts::assume_role",
        ] {
            assert!(
                !cap.would_enable(target, &tracing::Level::TRACE),
                "{target}"
            );
            assert!(cap.would_enable(target, &tracing::Level::DEBUG), "{target}");
        }
        assert!(cap.would_enable("ferrometa_dynamodb::source", &tracing::Level::TRACE));
    }

    #[tokio::test]
    async fn the_profiler_cannot_read_tables_back_from_a_file() {
        let recipe = serde_json::json!({
            "source": {
                "type": "dynamodb",
                "serviceName": "svc",
                "serviceConnection": {"config": {"awsConfig": {"awsRegion": "us-east-1"}}},
                "sourceConfig": {"config": {"type": "Profiler"}},
            },
            "sink": {"type": "file", "config": {"filename": "/nonexistent/ferrometa/out.json"}},
        });
        let recipe = ferrometa_config::from_json_value(recipe, "test").unwrap();
        let error = create_workflow(&recipe).await.err().unwrap();
        assert!(
            error
                .to_string()
                .starts_with("the `Profiler` workflow works on the tables"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn the_profiler_does_not_create_a_missing_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.db");
        let recipe = serde_json::json!({
            "source": {
                "type": "dynamodb",
                "serviceName": "svc",
                "serviceConnection": {"config": {"awsConfig": {"awsRegion": "us-east-1"}}},
                "sourceConfig": {"config": {"type": "AutoClassification"}},
            },
            "sink": {"type": "catalog", "config": {"path": path}},
        });
        let recipe = ferrometa_config::from_json_value(recipe, "test").unwrap();
        let error = create_workflow(&recipe).await.err().unwrap();
        assert_eq!(error.to_string(), "could not open the catalog");
        assert!(!path.exists());
    }

    #[test]
    fn a_wrapped_error_keeps_its_cause_out_of_its_message() {
        use std::error::Error;
        let missing = std::path::Path::new("/nonexistent/ferrometa/catalog.db");
        let cause = ferrometa_catalog::Catalog::open(missing).err().unwrap();
        let cause_text = cause.to_string();
        let error = RegistryError::from(cause);
        assert_eq!(error.to_string(), "could not open the catalog");
        assert_eq!(error.source().unwrap().to_string(), cause_text);
    }
}
