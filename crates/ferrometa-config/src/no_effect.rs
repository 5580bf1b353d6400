//! Recipe keys that are accepted for compatibility with OpenMetadata but have no effect: the
//! one table of them, and which of them a recipe sets to something other than their default,
//! so that the front ends can warn about each one.

use crate::kinds::{PipelineConfig, SinkConfig};
use crate::pipeline::{AutoClassificationConfig, ProfilerConfig};
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
        |r| metadata(r).is_some_and(|m| !m.mark_deleted_stored_procedures),
    ),
    key("source.sourceConfig.config.markDeletedSchemas", |r| {
        metadata(r).is_some_and(|m| m.mark_deleted_schemas)
    }),
    key("source.sourceConfig.config.markDeletedDatabases", |r| {
        metadata(r).is_some_and(|m| m.mark_deleted_databases)
    }),
    key("source.sourceConfig.config.includeViews", |r| {
        metadata(r).is_some_and(|m| !m.include_views)
    }),
    key("source.sourceConfig.config.includeOwners", |r| {
        metadata(r).is_some_and(|m| m.include_owners)
    }),
    key("source.sourceConfig.config.includeStoredProcedures", |r| {
        metadata(r).is_some_and(|m| !m.include_stored_procedures)
    }),
    key("source.sourceConfig.config.includeDDL", |r| {
        metadata(r).is_some_and(|m| m.include_ddl)
    }),
    key("source.sourceConfig.config.overrideMetadata", |r| {
        metadata(r).is_some_and(|m| m.override_metadata)
    }),
    key("source.sourceConfig.config.queryLogDuration", |r| {
        metadata(r).is_some_and(|m| m.query_log_duration != metadata_default().query_log_duration)
    }),
    key("source.sourceConfig.config.queryParsingTimeoutLimit", |r| {
        metadata(r).is_some_and(|m| {
            m.query_parsing_timeout_limit != metadata_default().query_parsing_timeout_limit
        })
    }),
    key("source.sourceConfig.config.threads", |r| {
        metadata(r).is_some_and(|m| m.threads != metadata_default().threads)
    }),
    key("source.sourceConfig.config.incremental", |r| {
        metadata(r).is_some_and(|m| m.incremental.as_ref().is_some_and(|i| i.enabled))
    }),
    key(
        "source.sourceConfig.config.classificationFilterPattern",
        |r| profiler(r).is_some_and(|p| p.classification_filter_pattern.is_some()),
    ),
    key(
        "source.sourceConfig.config.classificationFilterPattern",
        |r| classification(r).is_some_and(|c| c.classification_filter_pattern.is_some()),
    ),
    key("source.sourceConfig.config.processingEngine", |r| {
        profiler(r).is_some_and(|p| p.processing_engine.is_some())
    }),
    key("source.sourceConfig.config.includeViews", |r| {
        profiler(r).is_some_and(|p| p.include_views)
    }),
    key("source.sourceConfig.config.useStatistics", |r| {
        profiler(r).is_some_and(|p| p.use_statistics)
    }),
    key("source.sourceConfig.config.samplingMethodType", |r| {
        profiler(r).is_some_and(|p| p.sampling_method_type.is_some())
    }),
    key("source.sourceConfig.config.randomizedSample", |r| {
        profiler(r).is_some_and(|p| !p.randomized_sample)
    }),
    key("source.sourceConfig.config.threadCount", |r| {
        profiler(r).is_some_and(|p| p.thread_count != profiler_default().thread_count)
    }),
    key("source.sourceConfig.config.processPiiSensitive", |r| {
        profiler(r).is_some_and(|p| p.process_pii_sensitive)
    }),
    key("source.sourceConfig.config.confidence", |r| {
        profiler(r).is_some_and(|p| p.confidence != profiler_default().confidence)
    }),
    key("source.sourceConfig.config.generateSampleData", |r| {
        profiler(r).is_some_and(|p| !p.generate_sample_data)
    }),
    key("source.sourceConfig.config.includeViews", |r| {
        classification(r).is_some_and(|c| !c.include_views)
    }),
    key("source.sourceConfig.config.classificationLanguage", |r| {
        classification(r).is_some_and(|c| {
            c.classification_language != AutoClassificationConfig::default().classification_language
        })
    }),
    key("processor", |r| r.processor.is_some()),
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

fn metadata_default() -> DatabaseMetadataConfig {
    DatabaseMetadataConfig::default()
}

fn profiler_default() -> ProfilerConfig {
    ProfilerConfig::default()
}

fn rest_default() -> MetadataRestSinkConfig {
    MetadataRestSinkConfig::default()
}

// Where each section lives in a recipe: the only lines that follow its layout.
fn connection(recipe: &Recipe) -> &DynamoDbConnection {
    &recipe.source.service_connection.config
}

fn metadata(recipe: &Recipe) -> Option<&DatabaseMetadataConfig> {
    recipe.source.source_config.metadata()
}

fn profiler(recipe: &Recipe) -> Option<&ProfilerConfig> {
    match &recipe.source.source_config.config {
        PipelineConfig::Profiler(config) => Some(config),
        _ => None,
    }
}

fn classification(recipe: &Recipe) -> Option<&AutoClassificationConfig> {
    match &recipe.source.source_config.config {
        PipelineConfig::AutoClassification(config) => Some(config),
        _ => None,
    }
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
            // A path may lead into several workflows' settings (`confidence`), and the key
            // may have no effect in one of them only.
            let schemas = schemas_at(&schema, path);
            let documented = schemas.iter().any(|found| {
                found["description"]
                    .as_str()
                    .is_some_and(|doc| doc.starts_with(DOC))
            });
            assert!(documented, "{path}: {schemas:?}");
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
