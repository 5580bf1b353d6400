//! The registry of sources and sinks: builds the implementation of each kind of the config's
//! kinds table (an exhaustive match, so a new kind cannot be left without one), and builds a ready [`Workflow`] from a [`Recipe`]; and the log filter
//! every front end (the command line, the Python package) puts on the sources' SDK.

use std::sync::Arc;

use ferrometa_catalog::CatalogSink;
use ferrometa_config::{PipelineConfig, Recipe, SinkConfig, SourceType, no_effect_keys};
use ferrometa_core::{Sink, Source, Workflow, WorkflowSettings};
use ferrometa_dynamodb::DynamoDbSource;
use ferrometa_dynamodb::source::service_connection;
use ferrometa_file_sink::FileSink;
use ferrometa_rest_sink::RestSink;
use tracing_subscriber::filter::{LevelFilter, Targets};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("could not create the dynamodb source")]
    Source(#[from] ferrometa_dynamodb::DynamoDbError),
    #[error("could not open the catalog")]
    Catalog(#[from] ferrometa_catalog::CatalogError),
    #[error("could not open the file sink")]
    File(#[from] ferrometa_file_sink::FileSinkError),
    /// The loader rejects these recipes; this is for one built in code.
    #[error("the `{0}` workflow is not implemented yet")]
    WorkflowNotImplemented(&'static str),
    #[error("the metadata-rest sink needs workflowConfig.openMetadataServerConfig")]
    MissingServerConfig,
    #[error("could not connect to the openmetadata server")]
    Rest(#[from] ferrometa_rest_sink::RestSinkError),
}

/// Creates the source a recipe names.
pub async fn create_source(recipe: &Recipe) -> Result<Arc<dyn Source>, RegistryError> {
    match recipe.source.r#type {
        SourceType::DynamoDb => {
            let section = &recipe.source;
            let config =
                section
                    .source_config
                    .metadata()
                    .ok_or(RegistryError::WorkflowNotImplemented(
                        section.source_config.config.workflow_type().name(),
                    ))?;
            let source = DynamoDbSource::new(
                &section.service_name,
                &section.service_connection.config,
                config,
            )
            .await?;
            Ok(Arc::new(source))
        }
    }
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
    // The workflow type decides the processor between source and sink: none for the metadata
    // workflow, the only one implemented.
    match &recipe.source.source_config.config {
        PipelineConfig::DatabaseMetadata(_) => {}
        other @ (PipelineConfig::Profiler(_) | PipelineConfig::AutoClassification(_)) => {
            return Err(RegistryError::WorkflowNotImplemented(
                other.workflow_type().name(),
            ));
        }
    }
    let sink = create_sink(recipe).await?;
    let source = create_source(recipe).await?;
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
    async fn workflows_not_implemented_yet_are_refused_before_anything_is_built() {
        let recipe = serde_json::json!({
            "source": {
                "type": "dynamodb",
                "serviceName": "svc",
                "serviceConnection": {"config": {"awsConfig": {"awsRegion": "us-east-1"}}},
            },
            "sink": {"type": "file", "config": {"filename": "/nonexistent/ferrometa/out.json"}},
        });
        let mut recipe = ferrometa_config::from_json_value(recipe, "test").unwrap();
        // The loader rejects such a recipe; one built in code reaches the registry.
        recipe.source.source_config.config = PipelineConfig::Profiler(Default::default());
        let error = create_workflow(&recipe).await.err().unwrap();
        assert_eq!(
            error.to_string(),
            "the `Profiler` workflow is not implemented yet"
        );
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
