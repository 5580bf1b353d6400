//! The generated JSON Schema carries the documentation and the strictness of the structs.

use ferrometa_config::json_schema;
use serde_json::Value;

fn definition<'a>(schema: &'a Value, name: &str) -> &'a Value {
    &schema["$defs"][name]
}

#[test]
fn doc_comments_become_descriptions() {
    let schema = json_schema();
    assert_eq!(schema["title"], "Recipe");
    let aws = definition(&schema, "AwsConfig");
    assert_eq!(
        aws["properties"]["awsRegion"]["description"],
        "AWS region, e.g. `us-east-1`."
    );
    assert!(
        aws["properties"]["endPointURL"]["description"]
            .as_str()
            .unwrap()
            .contains("DynamoDB Local")
    );
    let pipeline = definition(&schema, "DatabaseMetadataConfig");
    assert!(
        pipeline["properties"]["sampleItems"]["description"]
            .as_str()
            .unwrap()
            .starts_with("ferrometa extension")
    );
}

#[test]
fn unknown_fields_are_closed() {
    let schema = json_schema();
    assert_eq!(schema["additionalProperties"], false);
    for name in [
        "SourceSection",
        "AwsConfig",
        "DatabaseMetadataConfig",
        "WorkflowConfig",
        "OpenMetadataServerConfig",
        "FilterPattern",
    ] {
        assert_eq!(
            definition(&schema, name)["additionalProperties"],
            false,
            "{name}"
        );
    }
}

#[test]
fn defaults_required_fields_and_secrets() {
    let schema = json_schema();
    let pipeline = &definition(&schema, "DatabaseMetadataConfig")["properties"];
    assert_eq!(pipeline["markDeletedTables"]["default"], true);
    assert_eq!(pipeline["sampleBytes"]["default"], 4 * 1024 * 1024);
    let aws = definition(&schema, "AwsConfig");
    assert_eq!(aws["required"], serde_json::json!(["awsRegion"]));
    assert_eq!(
        aws["properties"]["assumeRoleSessionName"]["default"],
        "OpenMetadataSession"
    );
    let secret = &aws["properties"]["awsSecretAccessKey"];
    assert!(
        secret.to_string().contains("\"format\":\"password\""),
        "{secret}"
    );
    let server = &definition(&schema, "OpenMetadataServerConfig")["properties"];
    assert_eq!(server["storeServiceConnection"]["default"], false);
    let sinks = definition(&schema, "SinkConfig")["oneOf"]
        .as_array()
        .unwrap();
    let types: Vec<&Value> = sinks
        .iter()
        .map(|s| &s["properties"]["type"]["const"])
        .collect();
    assert_eq!(types, ["catalog", "file", "metadata-rest"]);
}
