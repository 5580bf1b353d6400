//! The registry of sources and sinks: the one place that maps a recipe's `type` keys to
//! implementations, and builds a ready [`Workflow`] from a [`Recipe`]; and the log filter
//! every front end (the command line, the Python package) puts on the sources' SDK.

use std::sync::Arc;

use ferrometa_catalog::CatalogSink;
use ferrometa_config::{DynamoDbConnection, OpenMetadataServerConfig, Recipe, SinkConfig};
use ferrometa_core::{Sink, Source, Workflow, WorkflowSettings};
use ferrometa_dynamodb::DynamoDbSource;
use ferrometa_file_sink::FileSink;
use ferrometa_rest_sink::RestSink;
use serde_json::{Map, Value, json};
use tracing_subscriber::filter::{LevelFilter, Targets};

/// Source types a recipe may name in `source.type`.
pub const SOURCES: &[&str] = &["dynamodb"];
/// Sink types this build can run (`sink.type`).
pub const SINKS: &[&str] = &["catalog", "file", "metadata-rest"];

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("unknown source type `{0}`: known types are {known}", known = SOURCES.join(", "))]
    UnknownSource(String),
    #[error("could not create the dynamodb source: {0}")]
    Source(#[from] ferrometa_dynamodb::DynamoDbError),
    #[error("could not open the catalog: {0}")]
    Catalog(#[from] ferrometa_catalog::CatalogError),
    #[error("could not open the file sink: {0}")]
    File(#[from] ferrometa_file_sink::FileSinkError),
    #[error("the metadata-rest sink needs workflowConfig.openMetadataServerConfig")]
    MissingServerConfig,
    #[error("could not connect to the openmetadata server: {0}")]
    Rest(#[from] ferrometa_rest_sink::RestSinkError),
}

/// Creates the source a recipe names.
pub async fn create_source(recipe: &Recipe) -> Result<Arc<dyn Source>, RegistryError> {
    match recipe.source.r#type.to_ascii_lowercase().as_str() {
        "dynamodb" => Ok(Arc::new(DynamoDbSource::new(recipe).await?)),
        other => Err(RegistryError::UnknownSource(other.to_string())),
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

/// The `connection` stored with the database service on the OpenMetadata server, in
/// `dynamoDBConnection.json`'s shape: only with `storeServiceConnection: true`, and then with
/// the AWS secrets in clear, since that is what the server needs to run ingestion itself.
/// Upstream stores it unless told not to; ferrometa keeps credentials local unless told to.
fn service_connection(
    server: &OpenMetadataServerConfig,
    connection: &DynamoDbConnection,
) -> Option<Value> {
    if !server.store_service_connection {
        return None;
    }
    let aws = &connection.aws_config;
    let mut aws_config = Map::new();
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            aws_config.insert(key.to_string(), Value::from(value));
        }
    };
    put("awsAccessKeyId", aws.aws_access_key_id.as_deref());
    put(
        "awsSecretAccessKey",
        aws.aws_secret_access_key.as_ref().map(|s| s.expose()),
    );
    put(
        "awsSessionToken",
        aws.aws_session_token.as_ref().map(|s| s.expose()),
    );
    put("awsRegion", Some(&aws.aws_region));
    put("endPointURL", aws.end_point_url.as_deref());
    put("profileName", aws.profile_name.as_deref());
    put("assumeRoleArn", aws.assume_role_arn.as_deref());
    put("assumeRoleSessionName", Some(&aws.assume_role_session_name));
    put(
        "assumeRoleSourceIdentity",
        aws.assume_role_source_identity.as_deref(),
    );
    // `assumeRoleExternalId` is a ferrometa extension the server's schema would refuse.
    let mut config = json!({"type": "DynamoDB", "awsConfig": aws_config});
    if let Some(name) = connection
        .database_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        config["databaseName"] = Value::from(name);
    }
    Some(json!({ "config": config }))
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

/// Builds the workflow a recipe describes.
pub async fn create_workflow(recipe: &Recipe) -> Result<Workflow, RegistryError> {
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

    fn recipe(store: Option<bool>) -> Recipe {
        let mut server =
            json!({"hostPort": "http://localhost:8585/api", "securityConfig": {"jwtToken": "t"}});
        if let Some(store) = store {
            server["storeServiceConnection"] = Value::from(store);
        }
        ferrometa_config::from_json_value(
            json!({
                "source": {
                    "type": "dynamodb",
                    "serviceName": "svc",
                    "serviceConnection": {"config": {"type": "DynamoDB", "awsConfig": {
                        "awsAccessKeyId": "AKIA", "awsSecretAccessKey": "secret-key", "awsSessionToken": "session",
                        "awsRegion": "eu-west-1", "assumeRoleExternalId": "ext"
                    }}},
                },
                "sink": {"type": "metadata-rest"},
                "workflowConfig": {"openMetadataServerConfig": server},
            }),
            "test",
        )
        .unwrap()
    }

    fn connection(recipe: &Recipe) -> Option<Value> {
        let server = recipe
            .workflow_config
            .open_metadata_server_config
            .as_ref()
            .unwrap();
        service_connection(server, &recipe.source.service_connection.config)
    }

    #[test]
    fn the_connection_is_stored_only_when_asked_for() {
        assert_eq!(connection(&recipe(None)), None);
        assert_eq!(connection(&recipe(Some(false))), None);
        assert_eq!(
            connection(&recipe(Some(true))),
            Some(json!({"config": {"type": "DynamoDB", "awsConfig": {
                "awsAccessKeyId": "AKIA", "awsSecretAccessKey": "secret-key", "awsSessionToken": "session",
                "awsRegion": "eu-west-1", "assumeRoleSessionName": "OpenMetadataSession"
            }}}))
        );
    }
}
