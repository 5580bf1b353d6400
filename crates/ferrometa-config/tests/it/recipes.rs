//! Recipes that must load, and what they load to.

use std::path::Path;

use crate::common::{self, BASE, edit, load};
use ferrometa_config::{
    AuthProvider, Format, LogLevel, SinkConfig, VerifySsl, from_json_value, load_file,
    load_str_with_env,
};

const DOCS_RECIPE: &str = include_str!("../fixtures/openmetadata-docs-dynamodb.yaml");

/// The DynamoDB recipe of OpenMetadata's connector documentation ("Run the DynamoDB
/// Connector Externally"), with its two placeholders filled in the way a user must.
#[test]
fn openmetadata_docs_recipe() {
    let text = edit(
        &edit(DOCS_RECIPE, "awsRegion: aws region", "awsRegion: eu-west-1"),
        "<region_name>",
        "eu-west-1",
    );
    let recipe = load(&text).unwrap();

    assert_eq!(recipe.source.r#type, ferrometa_config::SourceType::DynamoDb);
    assert_eq!(recipe.source.service_name, "local_dynamodb");
    let connection = &recipe.source.service_connection.config;
    assert_eq!(connection.database_name(), "custom_database_name");
    let aws = &connection.aws_config;
    assert_eq!(aws.aws_access_key_id.as_deref(), Some("aws_access_key_id"));
    assert_eq!(
        aws.aws_secret_access_key.as_ref().unwrap().expose(),
        "aws_secret_access_key"
    );
    assert_eq!(
        aws.aws_session_token.as_ref().unwrap().expose(),
        "AWS Session Token"
    );
    assert_eq!(aws.aws_region, "eu-west-1");
    assert_eq!(
        aws.end_point_url.as_deref(),
        Some("https://dynamodb.eu-west-1.amazonaws.com")
    );
    assert_eq!(aws.assume_role_session_name, "OpenMetadataSession");

    let config = recipe.source.source_config.metadata().unwrap();
    assert!(config.mark_deleted_tables && config.include_tables && config.include_views);
    assert!(config.table_filter_pattern.is_none());

    assert!(matches!(recipe.sink_config(), SinkConfig::MetadataRest(_)));
    let workflow = &recipe.workflow_config;
    assert_eq!(workflow.logger_level, LogLevel::Info);
    let server = workflow.open_metadata_server_config.as_ref().unwrap();
    assert_eq!(server.host_port, "http://localhost:8585/api");
    assert_eq!(server.auth_provider, AuthProvider::Openmetadata);
    assert_eq!(
        server.security_config.as_ref().unwrap().jwt_token.expose(),
        "{bot_jwt_token}"
    );
    assert_eq!(server.verify_ssl, VerifySsl::NoSsl);
}

/// The example recipe of the ingestion specification (§3.8), variables from the environment.
#[test]
fn ingestion_spec_example_with_environment() {
    let text = include_str!("../fixtures/ingestion-spec-example.yaml");
    let env = |name: &str| match name {
        "AWS_KEY" => Some("AKIAEXAMPLE".to_string()),
        "AWS_SECRET" => Some("s3cr3t/with$dollar".to_string()),
        "OM_JWT" => Some("eyJhbGciOiJSUzI1NiJ9.e30.sig".to_string()),
        _ => None,
    };
    let recipe = load_str_with_env(text, Format::Yaml, "example.yaml", &env).unwrap();
    let aws = &recipe.source.service_connection.config.aws_config;
    assert_eq!(aws.aws_access_key_id.as_deref(), Some("AKIAEXAMPLE"));
    assert_eq!(
        aws.aws_secret_access_key.as_ref().unwrap().expose(),
        "s3cr3t/with$dollar"
    );
    let filter = recipe
        .source
        .source_config
        .metadata()
        .unwrap()
        .table_filter_pattern
        .as_ref()
        .unwrap();
    assert_eq!(filter.includes().collect::<Vec<_>>(), ["^orders"]);
    let server = recipe.workflow_config.open_metadata_server_config.unwrap();
    assert_eq!(
        server.security_config.unwrap().jwt_token.expose(),
        "eyJhbGciOiJSUzI1NiJ9.e30.sig"
    );
}

#[test]
fn defaults_are_applied() {
    let minimal = "\
source:
  type: DynamoDB
  serviceName: svc
  serviceConnection:
    config:
      awsConfig:
        awsRegion: local
";
    let recipe = load(minimal).unwrap();
    let connection = &recipe.source.service_connection.config;
    assert_eq!(connection.database_name(), "default");
    assert_eq!(
        connection.aws_config.assume_role_session_name,
        "OpenMetadataSession"
    );
    assert!(connection.aws_config.aws_secret_access_key.is_none());

    let c = recipe.source.source_config.metadata().unwrap();
    assert!(c.mark_deleted_tables && c.mark_deleted_stored_procedures);
    assert!(!c.mark_deleted_schemas && !c.mark_deleted_databases);
    assert!(c.include_tables && c.include_views && c.include_tags && c.include_stored_procedures);
    assert!(
        !c.include_owners && !c.include_ddl && !c.override_metadata && !c.use_fqn_for_filtering
    );
    assert_eq!(
        (
            c.query_log_duration,
            c.query_parsing_timeout_limit,
            c.threads
        ),
        (1, 300, 1)
    );
    assert_eq!(
        (
            c.sample_items,
            c.sample_bytes,
            c.sample_segments,
            c.concurrency
        ),
        (1000, 4 << 20, 4, 16)
    );
    assert_eq!(
        (c.mark_deleted_max_share, c.mark_deleted_force),
        (0.5, false)
    );
    assert_eq!(
        (c.requests_per_second, c.max_depth, c.max_width),
        (None, 32, 2000)
    );

    let w = &recipe.workflow_config;
    assert_eq!(
        (w.logger_level, w.raise_on_error, w.success_threshold),
        (LogLevel::Info, true, 90)
    );
    assert!(w.open_metadata_server_config.is_none());

    assert!(recipe.sink.is_none());
    let SinkConfig::Catalog(catalog) = recipe.sink_config() else {
        panic!("the default sink is the catalog")
    };
    assert_eq!(catalog.path, Path::new("ferrometa.db"));
    assert_eq!(recipe.sink_config().type_name(), "catalog");
}

#[test]
fn empty_database_name_means_default() {
    let text = edit(
        BASE,
        "      awsConfig:",
        "      databaseName: ''\n      awsConfig:",
    );
    assert_eq!(
        load(&text)
            .unwrap()
            .source
            .service_connection
            .config
            .database_name(),
        "default"
    );
}

#[test]
fn yaml_1_1_booleans() {
    let text = edit(
        BASE,
        "      type: DatabaseMetadata\n",
        "      type: DatabaseMetadata\n      markDeletedTables: no\n      includeOwners: yes\n      markDeletedForce: on\n",
    );
    let text = edit(
        &text,
        "  successThreshold: 90",
        "  successThreshold: 90\n  raiseOnError: off",
    );
    let recipe = load(&text).unwrap();
    let c = recipe.source.source_config.metadata().unwrap();
    assert!(!c.mark_deleted_tables && c.include_owners && c.mark_deleted_force);
    assert!(!recipe.workflow_config.raise_on_error);
}

#[test]
fn merge_keys() {
    let text = "\
source:
  type: dynamodb
  serviceName: svc
  serviceConnection:
    config:
      awsConfig:
        awsRegion: us-east-1
  sourceConfig:
    config:
      tableFilterPattern: &common
        excludes: [^tmp_]
      schemaFilterPattern:
        <<: *common
        includes: [default]
";
    let recipe = load(text).unwrap();
    let schema = recipe
        .source
        .source_config
        .metadata()
        .unwrap()
        .schema_filter_pattern
        .clone()
        .unwrap();
    assert_eq!(schema.excludes().collect::<Vec<_>>(), ["^tmp_"]);
    assert_eq!(schema.includes().collect::<Vec<_>>(), ["default"]);
}

#[test]
fn log_level_accepts_the_documented_warning_spelling() {
    let recipe = load(&edit(BASE, "loggerLevel: INFO", "loggerLevel: WARNING")).unwrap();
    assert_eq!(recipe.workflow_config.logger_level, LogLevel::Warn);
    assert_eq!(recipe.workflow_config.logger_level.as_str(), "WARN");
}

#[test]
fn sinks() {
    let file = load(&edit(
        BASE,
        "  type: catalog\n",
        "  type: file\n  config:\n    filename: out.jsonl\n",
    ))
    .unwrap();
    let SinkConfig::File(file) = file.sink_config() else {
        panic!("file sink expected")
    };
    assert_eq!(file.filename, Path::new("out.jsonl"));

    let catalog = load(&edit(
        BASE,
        "  type: catalog\n",
        "  type: catalog\n  config:\n    path: /tmp/c.db\n",
    ))
    .unwrap();
    let SinkConfig::Catalog(catalog) = catalog.sink_config() else {
        panic!("catalog sink expected")
    };
    assert_eq!(catalog.path, Path::new("/tmp/c.db"));

    // Settings before the type, and `config:` left empty.
    let early = edit(
        BASE,
        "  type: catalog\n",
        "  config: {enable_async_pipeline: false}\n  type: metadata-rest\n",
    );
    let early = edit(
        &early,
        "  successThreshold: 90\n",
        "  openMetadataServerConfig: {hostPort: 'http://om:8585/api'}\n",
    );
    let SinkConfig::MetadataRest(rest) = load(&early).unwrap().sink_config() else {
        panic!("metadata-rest expected")
    };
    assert!(!rest.enable_async_pipeline);
    assert_eq!(
        (
            rest.bulk_sink_batch_size,
            rest.async_pipeline_workers,
            rest.override_metadata
        ),
        (100, 2, false)
    );

    let null_config = load(&edit(
        BASE,
        "  type: catalog\n",
        "  type: Catalog\n  config:\n",
    ))
    .unwrap();
    assert_eq!(null_config.sink_config().type_name(), "catalog");
}

const JSON_RECIPE: &str = r#"{
  "source": {
    "type": "dynamodb",
    "serviceName": "svc",
    "serviceConnection": {"config": {"type": "DynamoDB", "awsConfig": {"awsRegion": "us-west-2"}}},
    "sourceConfig": {"config": {"type": "DatabaseMetadata", "markDeletedTables": false}}
  },
  "sink": {"type": "file", "config": {"filename": "out.jsonl"}},
  "workflowConfig": {"loggerLevel": "DEBUG", "successThreshold": 75},
  "pipelineRunId": "123e4567-e89b-12d3-a456-426614174000"
}"#;

#[test]
fn json_recipe() {
    let recipe =
        load_str_with_env(JSON_RECIPE, Format::Json, "recipe.json", &common::no_env).unwrap();
    assert_eq!(
        recipe
            .source
            .service_connection
            .config
            .aws_config
            .aws_region,
        "us-west-2"
    );
    assert!(
        !recipe
            .source
            .source_config
            .metadata()
            .unwrap()
            .mark_deleted_tables
    );
    assert_eq!(recipe.workflow_config.success_threshold, 75);
    assert_eq!(recipe.sink_config().type_name(), "file");
    assert_eq!(
        recipe.pipeline_run_id.as_deref(),
        Some("123e4567-e89b-12d3-a456-426614174000")
    );
}

#[test]
fn json_value_recipe() {
    let value: serde_json::Value = serde_json::from_str(JSON_RECIPE).unwrap();
    let recipe = from_json_value(value, "<dict>").unwrap();
    assert_eq!(recipe.workflow_config.logger_level, LogLevel::Debug);
}

#[test]
fn files_by_suffix() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("r.yaml", BASE), ("r.YML", BASE), ("r.json", JSON_RECIPE)] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        load_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let missing = load_file(&dir.path().join("missing.yaml")).unwrap_err();
    assert!(
        missing.message().starts_with("cannot read the recipe: "),
        "{missing}"
    );
}

#[test]
fn serialization_masks_secrets() {
    let text = edit(
        BASE,
        "  successThreshold: 90\n",
        "  openMetadataServerConfig:\n    hostPort: http://om/api\n    securityConfig: {jwtToken: jwt-value-1}\n    extraHeaders: {X-Api-Key: header-value-1}\n",
    );
    let recipe = load(&text).unwrap();
    let json = serde_json::to_string(&recipe).unwrap();
    let debug = format!("{recipe:?}");
    for secret in ["wJalrXUtnFEMI", "jwt-value-1", "header-value-1"] {
        assert!(
            !json.contains(secret) && !debug.contains(secret),
            "{secret} leaked"
        );
    }
    assert!(json.contains("\"awsSecretAccessKey\":\"**********\""));
    assert!(json.contains("\"includes\":[\"^orders\",\"^users$\"]"));
}
