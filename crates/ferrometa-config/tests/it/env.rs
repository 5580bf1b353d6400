//! Environment expansion through the loader.

use crate::common::{BASE, edit};
use ferrometa_config::{Format, load_str_with_env};

fn env(name: &str) -> Option<String> {
    match name {
        "REGION" => Some("eu-central-1".into()),
        "KEY" => Some("AKIA$NOT_A_VAR".into()),
        "SVC" => Some("svc".into()),
        _ => None,
    }
}

#[test]
fn braces_and_bare_names() {
    let text = edit(BASE, "awsRegion: us-east-1", "awsRegion: ${REGION}");
    let text = edit(
        &text,
        "serviceName: local_dynamodb",
        "serviceName: ${SVC}_$SVC",
    );
    let recipe = load_str_with_env(&text, Format::Yaml, "r.yaml", &env).unwrap();
    assert_eq!(
        recipe
            .source
            .service_connection
            .config
            .aws_config
            .aws_region,
        "eu-central-1"
    );
    assert_eq!(recipe.source.service_name, "svc_svc");
}

#[test]
fn double_dollar_is_a_literal_dollar() {
    let text = edit(
        BASE,
        "awsSecretAccessKey: wJalrXUtnFEMI",
        "awsSecretAccessKey: 'pa$$word$$SVC'",
    );
    let recipe = load_str_with_env(&text, Format::Yaml, "r.yaml", &env).unwrap();
    let secret = recipe
        .source
        .service_connection
        .config
        .aws_config
        .aws_secret_access_key
        .unwrap();
    assert_eq!(secret.expose(), "pa$word$SVC");
}

#[test]
fn values_are_not_expanded_again() {
    let text = edit(BASE, "awsAccessKeyId: AKIAEXAMPLE", "awsAccessKeyId: $KEY");
    let recipe = load_str_with_env(&text, Format::Yaml, "r.yaml", &env).unwrap();
    assert_eq!(
        recipe
            .source
            .service_connection
            .config
            .aws_config
            .aws_access_key_id
            .as_deref(),
        Some("AKIA$NOT_A_VAR")
    );
}

#[test]
fn unset_variable_is_an_error() {
    let text = edit(BASE, "awsRegion: us-east-1", "awsRegion: ${MISSING_REGION}");
    let error = load_str_with_env(&text, Format::Yaml, "r.yaml", &env).unwrap_err();
    assert_eq!(
        error.to_string(),
        "r.yaml:9:20: environment variable `MISSING_REGION` is not set (write `$$` for a literal `$`)"
    );
}

#[test]
fn commented_out_references_are_ignored() {
    let text = format!("# awsSessionToken: ${{MISSING_TOKEN}}\n{BASE}  # raiseOnError: $MISSING\n");
    assert!(load_str_with_env(&text, Format::Yaml, "r.yaml", &env).is_ok());
}

#[test]
fn regex_end_anchors_are_not_variables() {
    let recipe = load_str_with_env(BASE, Format::Yaml, "r.yaml", &env).unwrap();
    let filter = recipe
        .source
        .source_config
        .metadata()
        .unwrap()
        .table_filter_pattern
        .clone()
        .unwrap();
    assert_eq!(
        filter.includes().collect::<Vec<_>>(),
        ["^orders", "^users$"]
    );
}

#[test]
fn json_is_expanded_too() {
    let json = r#"{"source": {"type": "dynamodb", "serviceName": "$SVC", "serviceConnection": {"config": {"awsConfig": {"awsRegion": "${REGION}"}}}}}"#;
    let recipe = load_str_with_env(json, Format::Json, "r.json", &env).unwrap();
    assert_eq!(recipe.source.service_name, "svc");
}
