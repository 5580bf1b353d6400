//! One snapshot per class of error: the whole `Display` line a user sees. Each snapshot's
//! description is the recipe (or the part of it) that produced it.

use std::path::Path;

use crate::common::{BASE, edit, load, no_env};
use ferrometa_config::{ConfigError, Format, load_file, load_str_with_env};

fn check(name: &str, input: &str, error: ConfigError) {
    insta::with_settings!({ description => input, omit_expression => true }, {
        insta::assert_snapshot!(name, error.to_string());
    });
}

fn yaml_error(name: &str, text: &str) -> ConfigError {
    let error = load(text).expect_err(name);
    check(name, text, error.clone());
    error
}

/// The error of [`BASE`] with `from` replaced by `to`.
fn edited(name: &str, from: &str, to: &str) -> ConfigError {
    let error = load(&edit(BASE, from, to)).expect_err(name);
    check(
        name,
        &format!("BASE with {from:?} replaced by {to:?}"),
        error.clone(),
    );
    error
}

fn json_error(name: &str, text: &str) -> ConfigError {
    let error = load_str_with_env(text, Format::Json, "recipe.json", &no_env).expect_err(name);
    check(name, text, error.clone());
    error
}

#[test]
fn unknown_key_with_hint() {
    let error = edited("unknown_key_with_hint", "awsRegion:", "awsRegon:");
    assert_eq!(
        error.field_path(),
        Some("source.serviceConnection.config.awsConfig")
    );
    assert_eq!((error.line(), error.column()), (Some(9), Some(9)));
    assert_eq!(
        error.message(),
        "unknown field `awsRegon`, did you mean `awsRegion`?"
    );
}

#[test]
fn unknown_key_without_hint() {
    edited(
        "unknown_key_without_hint",
        "  serviceName:",
        "  color: blue\n  serviceName:",
    );
}

#[test]
fn unknown_key_json() {
    let error = json_error(
        "unknown_key_json",
        r#"{"source": {"type": "dynamodb", "serviceNam": "x"}}"#,
    );
    assert_eq!(error.field_path(), Some("source"));
    json_error(
        "missing_required_json",
        r#"{"source": {"type": "dynamodb"}}"#,
    );
}

#[test]
fn unknown_value() {
    edited("unknown_value", "loggerLevel: INFO", "loggerLevel: VERBOSE");
    edited(
        "unknown_value_close",
        "loggerLevel: INFO",
        "loggerLevel: debug",
    );
}

#[test]
fn unused_upstream_section() {
    edited(
        "unused_upstream_section",
        "workflowConfig:",
        "stage:\n  type: table-usage\n  config: {}\nworkflowConfig:",
    );
}

#[test]
fn wrong_type() {
    let error = edited(
        "wrong_type",
        "        includes:\n          - ^orders\n          - ^users$",
        "        includes: 42",
    );
    assert_eq!(
        error.field_path(),
        Some("source.sourceConfig.config.tableFilterPattern.includes")
    );
    edited(
        "wrong_type_boolean",
        "      type: DatabaseMetadata",
        "      type: DatabaseMetadata\n      markDeletedTables: maybe",
    );
    json_error(
        "wrong_type_json",
        r#"{"source": {"type": "dynamodb", "serviceName": 7}}"#,
    );
}

#[test]
fn missing_required() {
    let error = edited("missing_required", "        awsRegion: us-east-1\n", "");
    assert_eq!(error.message(), "missing field `awsRegion`");
    let connection = "  serviceConnection:\n    config:\n      awsConfig:\n        awsAccessKeyId: AKIAEXAMPLE\n        \
                      awsSecretAccessKey: wJalrXUtnFEMI\n        awsRegion: us-east-1\n        endPointURL: http://localhost:8000\n";
    edited("missing_service_connection", connection, "");
}

#[test]
fn invalid_regex() {
    let error = edited("invalid_regex", "- ^users$", "- ^users([");
    assert_eq!(
        error.field_path(),
        Some("source.sourceConfig.config.tableFilterPattern.includes[1]")
    );
    assert_eq!((error.line(), error.column()), (Some(17), Some(13)));
    edited("unsupported_regex", "- ^users$", r"- '\N{EM DASH}'");
}

#[test]
fn unknown_source_type() {
    edited("unknown_source_type", "type: dynamodb", "type: mongodb");
    edited(
        "unknown_source_type_close",
        "type: dynamodb",
        "type: dynamo",
    );
}

#[test]
fn unknown_sink_type() {
    edited("unknown_sink_type", "type: catalog", "type: metadata_rest");
    edited(
        "unknown_sink_setting",
        "type: catalog",
        "type: catalog\n  config:\n    pth: x.db",
    );
}

#[test]
fn unset_env_var() {
    let error = edited(
        "unset_env_var",
        "awsSecretAccessKey: wJalrXUtnFEMI",
        "awsSecretAccessKey: ${AWS_SECRET_ACCESS_KEY}",
    );
    assert_eq!((error.line(), error.column()), (Some(8), Some(29)));
    assert_eq!(error.field_path(), None);
}

#[test]
fn threshold_out_of_range() {
    edited(
        "threshold_out_of_range",
        "successThreshold: 90",
        "successThreshold: 150",
    );
}

#[test]
fn bad_endpoint_url() {
    edited(
        "bad_endpoint_url",
        "endPointURL: http://localhost:8000",
        "endPointURL: localhost:8000",
    );
}

#[test]
fn bad_region() {
    edited("bad_region", "awsRegion: us-east-1", "awsRegion: US East");
}

/// The documentation recipe as published still holds its placeholders; the error points at
/// the first one.
#[test]
fn docs_recipe_placeholders() {
    let text = include_str!("../fixtures/openmetadata-docs-dynamodb.yaml");
    check(
        "docs_recipe_placeholders",
        "fixtures/openmetadata-docs-dynamodb.yaml as published",
        load(text).unwrap_err(),
    );
}

#[test]
fn metadata_rest_without_server() {
    let error = edited(
        "metadata_rest_without_server",
        "type: catalog",
        "type: metadata-rest",
    );
    assert_eq!(
        error.field_path(),
        Some("workflowConfig.openMetadataServerConfig")
    );
    let value = serde_json::json!({
        "source": {"type": "dynamodb", "serviceName": "s", "serviceConnection": {"config": {"awsConfig": {"awsRegion": "us-east-1"}}}},
        "sink": {"type": "metadata-rest"}
    });
    let error = ferrometa_config::from_json_value(value, "<dict>").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "<dict>: workflowConfig.openMetadataServerConfig: {}",
            error.message()
        )
    );
}

#[test]
fn service_names_openmetadata_cannot_quote_are_rejected() {
    // Found with hostile names: `"` and `::` in a service name gave FQNs that do not split
    // back into their names (OpenMetadata's server refuses them).
    for (name, message) in [
        ("'my\"svc'", "must not contain `::` or `\"`"),
        ("a::b", "must not contain `::` or `\"`"),
        (&"s".repeat(257), "at most 256 characters"),
    ] {
        let error = load(&edit(
            BASE,
            "serviceName: local_dynamodb",
            &format!("serviceName: {name}"),
        ))
        .unwrap_err();
        assert_eq!(error.field_path(), Some("source.serviceName"), "{error}");
        assert_eq!(
            (error.line(), error.column()),
            (Some(3), Some(16)),
            "{error}"
        );
        assert!(error.message().contains(message), "{error}");
    }
    for name in ["my.dyn", "svc with spaces", "🦀", &"s".repeat(256)] {
        let text = edit(
            BASE,
            "serviceName: local_dynamodb",
            &format!("serviceName: \"{name}\""),
        );
        assert_eq!(load(&text).unwrap().source.service_name, name);
    }
}

#[test]
fn database_names_are_checked_like_service_names() {
    let with = |name: &str| {
        edit(
            BASE,
            "        endPointURL: http://localhost:8000\n",
            &format!("        endPointURL: http://localhost:8000\n      databaseName: {name}\n"),
        )
    };
    for (name, message) in [
        ("'my\"db'", "must not contain `::` or `\"`"),
        ("a::b", "must not contain `::` or `\"`"),
        ("'  '", "must not be blank"),
        (&"d".repeat(257), "at most 256 characters"),
    ] {
        let error = load(&with(name)).unwrap_err();
        assert_eq!(
            error.field_path(),
            Some("source.serviceConnection.config.databaseName"),
            "{error}"
        );
        assert_eq!(
            (error.line(), error.column()),
            (Some(11), Some(21)),
            "{error}"
        );
        assert!(error.message().contains(message), "{error}");
    }
    for (name, expected) in [("''", "default"), ("my.db", "my.db"), ("🦀", "🦀")] {
        let recipe = load(&with(name)).unwrap();
        let ferrometa_config::ServiceConnection { config } = &recipe.source.service_connection;
        assert_eq!(config.database_name(), expected);
    }
}

#[test]
fn cross_section_error_has_a_position_when_sections_cannot_be_skipped() {
    // Found by fuzzing: `1e400` is a valid string value, but the section lookup read it as a
    // number, failed, and the error had no position.
    let text = edit(BASE, "awsAccessKeyId: AKIAEXAMPLE", "awsAccessKeyId: 1e400");
    let error = load(&edit(&text, "type: catalog", "type: metadata-rest")).unwrap_err();
    assert_eq!(
        error.field_path(),
        Some("workflowConfig.openMetadataServerConfig")
    );
    assert_eq!(
        (error.line(), error.column()),
        (Some(20), Some(1)),
        "{error}"
    );
    let flow = r#"{"source": {"type": "dynamodb", "serviceName": "s", "serviceConnection": {"config": {"awsConfig": {"awsRegion": "us-east-1", "awsAccessKeyId": 1e400, "awsSecretAccessKey": "s"}}}}, "sink": {"type": "metadata-rest"}}"#;
    let error = load(flow).unwrap_err();
    assert_eq!(
        (error.line(), error.column()),
        (Some(1), Some(190)),
        "{error}"
    );
}

#[test]
fn cross_section_error_in_a_deep_json_recipe_has_a_position() {
    // Found by fuzzing: JSON nested deeper than the YAML budget (64) but within serde_json's
    // limit loaded, and then the section lookup failed, so the error had no position.
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let text = format!(
        r#"{{"source": {{"type": "dynamodb", "serviceName": "s", "serviceConnection": {{"config": {{"awsConfig": {{"awsRegion": "us-east-1"}}, "connectionArguments": {{"deep": {deep}}}}}}}}},
"sink": {{"type": "metadata-rest"}}}}"#
    );
    let error = load_str_with_env(&text, Format::Json, "recipe.json", &no_env).unwrap_err();
    assert_eq!(
        error.field_path(),
        Some("workflowConfig.openMetadataServerConfig")
    );
    assert_eq!(
        (error.line(), error.column()),
        (Some(2), Some(9)),
        "{error}"
    );
}

#[test]
fn malformed_yaml() {
    edited(
        "malformed_yaml",
        "  sourceConfig:",
        "  sourceConfig: [unclosed",
    );
    edited(
        "malformed_yaml_syntax",
        "serviceName: local_dynamodb",
        "serviceName: \"local_dynamodb",
    );
    edited(
        "malformed_yaml_mapping",
        "serviceName: local_dynamodb",
        "serviceName: local: dynamodb",
    );
    edited(
        "duplicate_key",
        "  serviceName: local_dynamodb",
        "  serviceName: a\n  serviceName: b",
    );
    json_error("malformed_json", "{\"source\": {\"type\": \"dynamodb\",}}");
}

#[test]
fn empty_file() {
    yaml_error("empty_file", "# nothing here yet\n\n---\n");
    json_error("empty_json", "  \n");
}

#[test]
fn unsupported_suffix() {
    let error = load_file(Path::new("recipes/dynamodb.toml")).unwrap_err();
    check("unsupported_suffix", "recipes/dynamodb.toml", error);
    let error = load_file(Path::new("recipe")).unwrap_err();
    check("no_suffix", "recipe", error);
}

/// A secret that ends up where another type is expected is not echoed: neither written in the
/// recipe nor coming from the environment.
#[test]
fn secrets_are_never_echoed() {
    let misplaced = edit(
        BASE,
        "      awsConfig:\n",
        "      awsConfig: TopSecretValue1\n      awsConfigX:\n",
    );
    let in_map = edit(
        BASE,
        "awsSecretAccessKey: wJalrXUtnFEMI",
        "awsSecretAccessKey: {key: TopSecretValue1}",
    );
    for text in [misplaced, in_map] {
        let error = load(&text).unwrap_err();
        assert!(!error.to_string().contains("TopSecretValue1"), "{error}");
    }

    let json = r#"{"source": {"type": "dynamodb", "serviceName": "s", "serviceConnection": {"config": {"awsConfig": {"awsRegion": "us-east-1", "awsSecretAccessKey": 918273645}}}}}"#;
    let error = load_str_with_env(json, Format::Json, "recipe.json", &no_env).unwrap_err();
    assert!(!error.to_string().contains("918273645"), "{error}");
    check("secret_wrong_type_json", json, error);
    let json = r#"{"source": {"type": "dynamodb", "serviceName": "s", "serviceConnection": {"config": {"awsConfig": "TopSecretValue1"}}}}"#;
    let error = load_str_with_env(json, Format::Json, "recipe.json", &no_env).unwrap_err();
    assert!(!error.to_string().contains("TopSecretValue1"), "{error}");

    // A value from the environment that breaks the YAML around it.
    let env = |name: &str| (name == "AWS_SECRET").then(|| "sec\"ret: [TopSecretValue1".to_string());
    let text = edit(
        BASE,
        "awsSecretAccessKey: wJalrXUtnFEMI",
        "awsSecretAccessKey: \"${AWS_SECRET}\"",
    );
    let error = load_str_with_env(&text, Format::Yaml, "recipe.yaml", &env).unwrap_err();
    assert!(!error.to_string().contains("TopSecretValue1"), "{error}");
    let env = |name: &str| (name == "REGION").then(|| "Not A Region".to_string());
    let text = edit(BASE, "awsRegion: us-east-1", "awsRegion: $REGION");
    let error = load_str_with_env(&text, Format::Yaml, "recipe.yaml", &env).unwrap_err();
    check(
        "env_value_masked",
        "BASE with `awsRegion: $REGION` and REGION=`Not A Region`",
        error,
    );
}

#[test]
fn access_key_without_secret_key() {
    let error = edited(
        "access_key_without_secret_key",
        "        awsSecretAccessKey: wJalrXUtnFEMI\n",
        "",
    );
    assert_eq!(
        error.field_path(),
        Some("source.serviceConnection.config.awsConfig")
    );
    assert!(error.line().is_some());
}

#[test]
fn secret_key_without_access_key() {
    let error = edited(
        "secret_key_without_access_key",
        "        awsAccessKeyId: AKIAEXAMPLE\n",
        "",
    );
    assert!(!error.to_string().contains("wJalrXUtnFEMI"), "{error}");
}

#[test]
fn caps_are_errors_when_exceeded() {
    edited(
        "max_depth_above_its_cap",
        "type: DatabaseMetadata",
        "type: DatabaseMetadata\n      maxDepth: 65",
    );
    edited(
        "sample_segments_above_their_cap",
        "type: DatabaseMetadata",
        "type: DatabaseMetadata\n      sampleSegments: 1000001",
    );
    let at_caps = edit(
        BASE,
        "type: DatabaseMetadata",
        "type: DatabaseMetadata\n      maxDepth: 64\n      sampleSegments: 1000000",
    );
    let recipe = load(&at_caps).expect("the caps themselves are allowed");
    assert_eq!(
        recipe.source.source_config.metadata().unwrap().max_depth,
        64
    );
}
