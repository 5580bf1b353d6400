//! Recipe keys that are accepted for compatibility with OpenMetadata but have no effect: the
//! one table of them, and which of them a recipe sets to something other than their default,
//! so that the front ends can warn about each one.

use crate::kinds::SinkConfig;
use crate::recipe::{DatabaseMetadataConfig, DynamoDbConnection, Recipe};
use crate::server::OpenMetadataServerConfig;
use crate::sink::MetadataRestSinkConfig;

/// A key without effect: its recipe path, and whether a recipe sets it to a non-default value.
struct Key {
    path: &'static str,
    is_set: fn(&Recipe) -> bool,
}

const fn key(path: &'static str, is_set: fn(&Recipe) -> bool) -> Key {
    Key { path, is_set }
}

/// Every recipe key that has no effect, in recipe order.
const KEYS: &[Key] = &[
    key("ingestionPipelineFQN", |r| {
        r.ingestion_pipeline_fqn.is_some()
    }),
    key("pipelineRunId", |r| r.pipeline_run_id.is_some()),
    key("source.serviceConnection.config.connectionOptions", |r| {
        connection(r)
            .connection_options
            .as_ref()
            .is_some_and(|o| !o.is_empty())
    }),
    key("source.serviceConnection.config.connectionArguments", |r| {
        connection(r)
            .connection_arguments
            .as_ref()
            .is_some_and(|a| !a.is_empty())
    }),
    key("source.serviceConnection.config.schemaFilterPattern", |r| {
        connection(r).schema_filter_pattern.is_some()
    }),
    key("source.serviceConnection.config.tableFilterPattern", |r| {
        connection(r).table_filter_pattern.is_some()
    }),
    key(
        "source.serviceConnection.config.databaseFilterPattern",
        |r| connection(r).database_filter_pattern.is_some(),
    ),
    key(
        "source.serviceConnection.config.supportsMetadataExtraction",
        |r| connection(r).supports_metadata_extraction == Some(false),
    ),
    key("source.serviceConnection.config.supportsProfiler", |r| {
        connection(r).supports_profiler == Some(false)
    }),
    key(
        "source.sourceConfig.config.markDeletedStoredProcedures",
        |r| !metadata(r).mark_deleted_stored_procedures,
    ),
    key("source.sourceConfig.config.markDeletedSchemas", |r| {
        metadata(r).mark_deleted_schemas
    }),
    key("source.sourceConfig.config.markDeletedDatabases", |r| {
        metadata(r).mark_deleted_databases
    }),
    key("source.sourceConfig.config.includeViews", |r| {
        !metadata(r).include_views
    }),
    key("source.sourceConfig.config.includeOwners", |r| {
        metadata(r).include_owners
    }),
    key("source.sourceConfig.config.includeStoredProcedures", |r| {
        !metadata(r).include_stored_procedures
    }),
    key("source.sourceConfig.config.includeDDL", |r| {
        metadata(r).include_ddl
    }),
    key("source.sourceConfig.config.overrideMetadata", |r| {
        metadata(r).override_metadata
    }),
    key("source.sourceConfig.config.queryLogDuration", |r| {
        metadata(r).query_log_duration != DatabaseMetadataConfig::default().query_log_duration
    }),
    key("source.sourceConfig.config.queryParsingTimeoutLimit", |r| {
        metadata(r).query_parsing_timeout_limit
            != DatabaseMetadataConfig::default().query_parsing_timeout_limit
    }),
    key("source.sourceConfig.config.threads", |r| {
        metadata(r).threads != DatabaseMetadataConfig::default().threads
    }),
    key("source.sourceConfig.config.incremental", |r| {
        metadata(r).incremental.as_ref().is_some_and(|i| i.enabled)
    }),
    key("sink.config.enable_async_pipeline", |r| {
        rest_sink(r)
            .is_some_and(|s| s.enable_async_pipeline != rest_default().enable_async_pipeline)
    }),
    key("sink.config.async_pipeline_workers", |r| {
        rest_sink(r)
            .is_some_and(|s| s.async_pipeline_workers != rest_default().async_pipeline_workers)
    }),
    key("workflowConfig.config", |r| {
        r.workflow_config
            .config
            .as_ref()
            .is_some_and(|c| !c.is_empty())
    }),
    key("workflowConfig.openMetadataServerConfig.clusterName", |r| {
        server(r).is_some_and(|s| s.cluster_name != "openmetadata")
    }),
    key(
        "workflowConfig.openMetadataServerConfig.secretsManagerProvider",
        |r| server(r).is_some_and(|s| s.secrets_manager_provider != "db"),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.secretsManagerLoader",
        |r| server(r).is_some_and(|s| s.secrets_manager_loader != "noop"),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeTopics",
        |r| server(r).is_some_and(|s| !s.include_topics),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeTables",
        |r| server(r).is_some_and(|s| !s.include_tables),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeDashboards",
        |r| server(r).is_some_and(|s| !s.include_dashboards),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includePipelines",
        |r| server(r).is_some_and(|s| !s.include_pipelines),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeMlModels",
        |r| server(r).is_some_and(|s| !s.include_ml_models),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeUsers",
        |r| server(r).is_some_and(|s| !s.include_users),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeTeams",
        |r| server(r).is_some_and(|s| !s.include_teams),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeGlossaryTerms",
        |r| server(r).is_some_and(|s| !s.include_glossary_terms),
    ),
    key("workflowConfig.openMetadataServerConfig.includeTags", |r| {
        server(r).is_some_and(|s| !s.include_tags)
    }),
    key(
        "workflowConfig.openMetadataServerConfig.includePolicy",
        |r| server(r).is_some_and(|s| !s.include_policy),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeMessagingServices",
        |r| server(r).is_some_and(|s| !s.include_messaging_services),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includeDatabaseServices",
        |r| server(r).is_some_and(|s| !s.include_database_services),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.includePipelineServices",
        |r| server(r).is_some_and(|s| !s.include_pipeline_services),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.limitRecords",
        |r| server(r).is_some_and(|s| s.limit_records != 1000),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.schemaFilterPattern",
        |r| server(r).is_some_and(|s| s.schema_filter_pattern.is_some()),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.tableFilterPattern",
        |r| server(r).is_some_and(|s| s.table_filter_pattern.is_some()),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.databaseFilterPattern",
        |r| server(r).is_some_and(|s| s.database_filter_pattern.is_some()),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.supportsDataInsightExtraction",
        |r| server(r).is_some_and(|s| s.supports_data_insight_extraction == Some(true)),
    ),
    key(
        "workflowConfig.openMetadataServerConfig.supportsElasticSearchReindexingExtraction",
        |r| {
            server(r).is_some_and(|s| s.supports_elastic_search_reindexing_extraction == Some(true))
        },
    ),
    key(
        "workflowConfig.openMetadataServerConfig.elasticsSearch",
        |r| server(r).is_some_and(|s| s.elastics_search.is_some()),
    ),
];

fn rest_default() -> MetadataRestSinkConfig {
    MetadataRestSinkConfig::default()
}

// Where each section lives in a recipe: the only lines that follow its layout.
fn connection(recipe: &Recipe) -> &DynamoDbConnection {
    &recipe.source.service_connection.config
}

fn metadata(recipe: &Recipe) -> &DatabaseMetadataConfig {
    &recipe.source.source_config.config
}

fn rest_sink(recipe: &Recipe) -> Option<&MetadataRestSinkConfig> {
    match &recipe.sink {
        Some(SinkConfig::MetadataRest(config)) => Some(config),
        _ => None,
    }
}

fn server(recipe: &Recipe) -> Option<&OpenMetadataServerConfig> {
    recipe.workflow_config.open_metadata_server_config.as_ref()
}

/// The recipe paths of the keys that `recipe` sets to a non-default value although they have
/// no effect, e.g. `sourceConfig.config.markDeletedSchemas`, in recipe order.
pub fn no_effect_keys(recipe: &Recipe) -> Vec<&'static str> {
    KEYS.iter()
        .filter(|key| (key.is_set)(recipe))
        .map(|key| key.path)
        .collect()
}

/// The recipe paths of every key that has no effect, set or not.
pub fn every_no_effect_key() -> impl Iterator<Item = &'static str> {
    KEYS.iter().map(|key| key.path)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// How the documentation of every key in [`KEYS`] begins.
    const DOC: &str = "Accepted for compatibility with OpenMetadata; has no effect";

    /// The schemas a recipe path may lead to, following `$ref`s and alternatives (the sink
    /// section is one alternative per sink type).
    fn schemas_at<'a>(root: &'a Value, path: &str) -> Vec<&'a Value> {
        let mut current = vec![root];
        for key in path.split('.') {
            current = current
                .into_iter()
                .flat_map(|schema| alternatives(root, schema))
                .filter_map(|schema| schema.get("properties")?.get(key))
                .collect();
        }
        current
    }

    fn alternatives<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or_default();
            return alternatives(root, &root["$defs"][name]);
        }
        let mut found = vec![schema];
        for key in ["anyOf", "oneOf", "allOf"] {
            for option in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                found.extend(alternatives(root, option));
            }
        }
        found
    }

    #[test]
    fn every_key_without_effect_is_documented_as_such() {
        let schema = crate::json_schema();
        for path in every_no_effect_key() {
            let schemas = schemas_at(&schema, path);
            assert!(!schemas.is_empty(), "{path} is not a recipe key");
            for found in schemas {
                let doc = found["description"].as_str().unwrap_or_default();
                assert!(doc.starts_with(DOC), "{path}: {doc}");
            }
        }
    }

    #[test]
    fn no_other_key_is_documented_as_without_effect() {
        let markdown = crate::reference_markdown();
        let documented = markdown.matches(DOC).count();
        assert_eq!(documented, KEYS.len(), "{markdown}");
    }

    fn recipe(sink: Value, source_config: Value, server: Value) -> Recipe {
        crate::from_json_value(
            json!({
                "source": {
                    "type": "dynamodb",
                    "serviceName": "svc",
                    "serviceConnection": {"config": {"awsConfig": {"awsRegion": "eu-west-1"}}},
                    "sourceConfig": {"config": source_config},
                },
                "sink": sink,
                "workflowConfig": {"openMetadataServerConfig": server},
            }),
            "test",
        )
        .expect("a valid recipe")
    }

    fn server(extra: Value) -> Value {
        let mut server =
            json!({"hostPort": "http://localhost:8585/api", "securityConfig": {"jwtToken": "t"}});
        server
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        server
    }

    #[test]
    fn defaults_and_upstream_values_warn_about_nothing() {
        let upstream = recipe(
            json!({"type": "metadata-rest", "config": {"enable_async_pipeline": true}}),
            json!({"markDeletedSchemas": false, "includeViews": true, "threads": 1}),
            server(json!({"clusterName": "openmetadata", "includeTopics": true})),
        );
        assert_eq!(no_effect_keys(&upstream), Vec::<&str>::new());
    }

    #[test]
    fn non_default_values_are_named_in_recipe_order() {
        let set = recipe(
            json!({"type": "metadata-rest", "config": {"enable_async_pipeline": false}}),
            json!({"threads": 4, "markDeletedSchemas": true, "includeOwners": true}),
            server(json!({"includeTopics": false})),
        );
        assert_eq!(
            no_effect_keys(&set),
            [
                "source.sourceConfig.config.markDeletedSchemas",
                "source.sourceConfig.config.includeOwners",
                "source.sourceConfig.config.threads",
                "sink.config.enable_async_pipeline",
                "workflowConfig.openMetadataServerConfig.includeTopics",
            ]
        );
    }
}
