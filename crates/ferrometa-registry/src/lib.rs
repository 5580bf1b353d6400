//! The registry of sources and sinks: the one place that maps a recipe's `type` keys to
//! implementations, and builds a ready [`Workflow`] from a [`Recipe`].

use std::sync::Arc;

use ferrometa_catalog::CatalogSink;
use ferrometa_config::{Recipe, SinkConfig};
use ferrometa_core::{Sink, Source, Workflow, WorkflowSettings};
use ferrometa_dynamodb::DynamoDbSource;
use ferrometa_file_sink::FileSink;

/// Source types a recipe may name in `source.type`.
pub const SOURCES: &[&str] = &["dynamodb"];
/// Sink types this build can run (`sink.type`).
pub const SINKS: &[&str] = &["catalog", "file"];

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("unknown source type `{0}`: known types are {known}", known = SOURCES.join(", "))]
    UnknownSource(String),
    #[error("sink type `{0}` is not available in this build: available types are {known}", known = SINKS.join(", "))]
    UnavailableSink(&'static str),
    #[error("could not create the dynamodb source: {0}")]
    Source(#[from] ferrometa_dynamodb::DynamoDbError),
    #[error("could not open the catalog: {0}")]
    Catalog(#[from] ferrometa_catalog::CatalogError),
    #[error("could not open the file sink: {0}")]
    File(#[from] ferrometa_file_sink::FileSinkError),
}

/// Creates the source a recipe names.
pub async fn create_source(recipe: &Recipe) -> Result<Arc<dyn Source>, RegistryError> {
    match recipe.source.r#type.to_ascii_lowercase().as_str() {
        "dynamodb" => Ok(Arc::new(DynamoDbSource::new(recipe).await?)),
        other => Err(RegistryError::UnknownSource(other.to_string())),
    }
}

/// Creates the sink a recipe names (the embedded catalog when it names none).
pub fn create_sink(recipe: &Recipe) -> Result<Box<dyn Sink>, RegistryError> {
    Ok(match recipe.sink_config() {
        SinkConfig::Catalog(config) => Box::new(CatalogSink::open(&config)?),
        SinkConfig::File(config) => Box::new(FileSink::create(&config)?),
        SinkConfig::MetadataRest(_) => return Err(RegistryError::UnavailableSink("metadata-rest")),
    })
}

/// Builds the workflow a recipe describes.
pub async fn create_workflow(recipe: &Recipe) -> Result<Workflow, RegistryError> {
    let sink = create_sink(recipe)?;
    let source = create_source(recipe).await?;
    Ok(Workflow::new(WorkflowSettings::from_recipe(recipe), source, sink))
}
