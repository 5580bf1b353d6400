//! `sourceConfig.config` by its `type`: the Profiler and AutoClassification recipes of
//! OpenMetadata's documentation are read whole; their settings keep the positions of their
//! errors wherever `type` is.

use ferrometa_config::{
    AutoClassificationConfig, ConfigError, Format, PipelineConfig, ProfileSampleType,
    ProfilerConfig, WorkflowType, load_str_with_env,
};
use serde_json::json;

use crate::common::{BASE, edit, load, no_env};

/// The Profiler recipe of OpenMetadata's DynamoDB documentation.
const PROFILER: &str = "\
source:
  type: dynamodb
  serviceName: local_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsAccessKeyId: AKIAEXAMPLE
        awsSecretAccessKey: wJalrXUtnFEMI
        awsRegion: us-east-2
  sourceConfig:
    config:
      type: Profiler
      generateSampleData: true
      profileSample: 85
      profileSampleType: PERCENTAGE
      computeTableMetrics: true
      computeColumnMetrics: true
      threadCount: 5
      timeoutSeconds: 43200
      processPiiSensitive: false
      confidence: 80
      schemaFilterPattern:
        includes:
          - default
      tableFilterPattern:
        includes:
          - users
          - type_test
processor:
  type: orm-profiler
  config: {}
sink:
  type: metadata-rest
  config: {}
workflowConfig:
  loggerLevel: DEBUG
  openMetadataServerConfig:
    hostPort: http://localhost:8585/api
    authProvider: openmetadata
    securityConfig:
      jwtToken: token
";

/// The AutoClassification recipe of OpenMetadata's documentation.
const AUTO_CLASSIFICATION: &str = "\
source:
  type: dynamodb
  serviceName: local_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsRegion: us-east-2
  sourceConfig:
    config:
      type: AutoClassification
      storeSampleData: false
      enableAutoClassification: true
      confidence: 80
      sampleDataCount: 50
      classificationLanguage: en
      useFqnForFiltering: false
      includeViews: true
      databaseFilterPattern:
        includes:
          - default
processor:
  type: orm-profiler
  config: {}
sink:
  type: metadata-rest
  config: {}
workflowConfig:
  openMetadataServerConfig:
    hostPort: http://localhost:8585/api
    authProvider: openmetadata
    securityConfig:
      jwtToken: token
";

/// The settings of `recipe`'s workflow, which must be of type `kind`.
fn workflow_of(
    recipe: Result<ferrometa_config::Recipe, ConfigError>,
    kind: &str,
) -> PipelineConfig {
    let recipe = recipe.unwrap_or_else(|e| panic!("{e}"));
    let config = recipe.source.source_config.config;
    assert_eq!(config.workflow_type().name(), kind);
    config
}

#[test]
fn upstream_recipes_parse_whole() {
    let PipelineConfig::Profiler(profiler) = workflow_of(load(PROFILER), "Profiler") else {
        unreachable!()
    };
    assert_eq!(profiler.profile_sample, Some(85.0));
    assert!(profiler.table_filter_pattern.is_some());
    let PipelineConfig::AutoClassification(classifier) =
        workflow_of(load(AUTO_CLASSIFICATION), "AutoClassification")
    else {
        unreachable!()
    };
    assert_eq!(classifier.sample_data_count, 50);
    assert!(!classifier.store_sample_data);
    // A mistake anywhere is a located error.
    let bad_sink = edit(
        PROFILER,
        "config: {}\nworkflowConfig",
        "config: {batch: 1}\nworkflowConfig",
    );
    let error = load(&bad_sink).unwrap_err();
    assert_eq!(error.field_path(), Some("sink.config"), "{error}");
    let bad_confidence = edit(AUTO_CLASSIFICATION, "confidence: 80", "confidence: 180");
    let error = load(&bad_confidence).unwrap_err();
    assert_eq!(
        error.field_path(),
        Some("source.sourceConfig.config.confidence")
    );
    assert_eq!(error.line(), Some(14), "{error}");
    assert_eq!(
        error.message(),
        "expected a percentage between 0 and 100, got 180"
    );
}

#[test]
fn json_recipes_keep_positions_too() {
    let text = json!({
        "source": {
            "type": "dynamodb",
            "serviceName": "svc",
            "serviceConnection": {"config": {"awsConfig": {"awsRegion": "us-east-1"}}},
            "sourceConfig": {"config": {"type": "Profiler", "profileSample": 10}},
        },
    });
    let text = serde_json::to_string_pretty(&text).unwrap();
    workflow_of(
        load_str_with_env(&text, Format::Json, "recipe.json", &no_env),
        "Profiler",
    );
    let bad = text.replace("\"profileSample\": 10", "\"profileSample\": \"ten\"");
    let error = load_str_with_env(&bad, Format::Json, "recipe.json", &no_env).unwrap_err();
    let line = bad.lines().position(|l| l.contains("\"ten\"")).unwrap() + 1;
    assert_eq!(error.line(), Some(line), "{error}\n{bad}");
}

#[test]
fn unknown_profiler_keys_are_located() {
    let text = edit(PROFILER, "      threadCount: 5", "      threadCnt: 5");
    let error = load(&text).unwrap_err();
    assert_eq!(error.field_path(), Some("source.sourceConfig.config"));
    assert_eq!(error.line(), Some(19), "{error}");
    assert_eq!(
        error.message(),
        "unknown field `threadCnt`, did you mean `threadCount`?"
    );
    // A metadata key is no Profiler key.
    let text = edit(
        PROFILER,
        "      threadCount: 5",
        "      markDeletedTables: true",
    );
    let error = load(&text).unwrap_err();
    assert_eq!(error.line(), Some(19), "{error}");
    assert!(
        error
            .message()
            .starts_with("unknown field `markDeletedTables`"),
        "{error}"
    );
}

#[test]
fn type_may_come_after_other_keys() {
    // Keys before `type` are read once it is known; those after it keep their positions.
    let late = edit(
        PROFILER,
        "      type: Profiler\n      generateSampleData: true",
        "      profileSample: 85\n      type: Profiler\n      generateSampleData: yes",
    );
    let late = edit(
        &late,
        "      profileSample: 85\n      profileSampleType",
        "      profileSampleType",
    );
    let PipelineConfig::Profiler(profiler) = workflow_of(load(&late), "Profiler") else {
        unreachable!()
    };
    assert_eq!(profiler.profile_sample, Some(85.0));
    assert!(profiler.generate_sample_data);
    let error = load(&edit(&late, "timeoutSeconds: 43200", "timeoutSeconds: 0")).unwrap_err();
    assert_eq!(
        error.field_path(),
        Some("source.sourceConfig.config.timeoutSeconds")
    );
    assert_eq!(error.line(), Some(20), "{error}");
    // A mistake before `type` still names its key.
    let error = load(&edit(&late, "profileSample: 85", "profileSample: -1")).unwrap_err();
    assert_eq!(
        error.field_path(),
        Some("source.sourceConfig.config"),
        "{error}"
    );
    assert_eq!(error.message(), "profileSample: expected a positive number");

    // Late `DatabaseMetadata`, after a key the other workflows have too and one they do not.
    let metadata = edit(BASE, "      type: DatabaseMetadata\n", "");
    let metadata = edit(
        &metadata,
        "          - ^users$\n",
        "          - ^users$\n      markDeletedTables: false\n      type: DatabaseMetadata\n",
    );
    let recipe = load(&metadata).unwrap();
    let config = recipe.source.source_config.metadata().unwrap();
    assert!(!config.mark_deleted_tables);
    assert!(config.table_filter_pattern.is_some());
    // A key only the metadata workflow has, then another workflow's `type`.
    let mixed = edit(
        BASE,
        "      type: DatabaseMetadata\n",
        "      markDeletedTables: false\n      type: Profiler\n",
    );
    let error = load(&mixed).unwrap_err();
    assert_eq!(
        error.message(),
        "`markDeletedTables` is not a key of the `Profiler` workflow: write `type` first"
    );
}

#[test]
fn without_type_the_workflow_is_database_metadata() {
    let recipe = load(&edit(BASE, "      type: DatabaseMetadata\n", "")).unwrap();
    let config = &recipe.source.source_config.config;
    assert_eq!(config.workflow_type(), WorkflowType::DatabaseMetadata);
    assert!(config.metadata().unwrap().table_filter_pattern.is_some());
    // Its errors keep their positions.
    let text = edit(
        BASE,
        "      type: DatabaseMetadata\n",
        "      maxDepth: 65\n",
    );
    let error = load(&text).unwrap_err();
    assert_eq!(
        error.field_path(),
        Some("source.sourceConfig.config.maxDepth")
    );
    assert_eq!(error.line(), Some(13), "{error}");
}

#[test]
fn defaults_are_upstreams() {
    let profiler = ProfilerConfig::default();
    assert_eq!(profiler.r#type, WorkflowType::Profiler);
    assert_eq!(profiler.profile_sample_type, ProfileSampleType::Percentage);
    assert_eq!(profiler.profile_sample, None);
    assert!(profiler.compute_table_metrics && profiler.compute_column_metrics);
    assert!(profiler.randomized_sample && profiler.generate_sample_data);
    assert!(!profiler.include_views && !profiler.use_statistics && !profiler.use_fqn_for_filtering);
    assert!(!profiler.process_pii_sensitive);
    assert_eq!(
        (profiler.thread_count, profiler.timeout_seconds),
        (5, 43_200)
    );
    assert_eq!(profiler.confidence, 80.0);

    let classification = AutoClassificationConfig::default();
    assert_eq!(classification.r#type, WorkflowType::AutoClassification);
    assert!(!classification.store_sample_data && classification.enable_auto_classification);
    assert!(classification.include_views && !classification.use_fqn_for_filtering);
    assert_eq!(classification.confidence, 80.0);
    assert_eq!(classification.sample_data_count, 50);
    assert_eq!(classification.classification_language, "en");

    // A section with nothing but `type` is those defaults.
    for (kind, default) in [
        (
            "Profiler",
            format!("{:?}", PipelineConfig::Profiler(profiler)),
        ),
        (
            "AutoClassification",
            format!("{:?}", PipelineConfig::AutoClassification(classification)),
        ),
    ] {
        let parsed: PipelineConfig = serde_json::from_value(json!({ "type": kind })).unwrap();
        assert_eq!(format!("{parsed:?}"), default);
    }
}

#[test]
fn profile_sample_percentages_are_at_most_100() {
    let parse = |config| serde_json::from_value::<PipelineConfig>(config);
    let error = parse(json!({"type": "Profiler", "profileSample": 150})).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("profileSample: expected a percentage"),
        "{error}"
    );
    let rows =
        parse(json!({"type": "Profiler", "profileSample": 150, "profileSampleType": "ROWS"}));
    assert!(rows.is_ok());
    let error = parse(json!({"type": "AutoClassification", "sampleDataCount": 0})).unwrap_err();
    assert_eq!(error.to_string(), "must be at least 1");
}
