//! A whole recipe with `sink: {type: metadata-rest}`: DynamoDB (the embedded emulator)
//! through the registry's workflow into `ferrometa serve`, twice, with a table dropped in
//! between so that markDeletedTables acts through the sink.

use ferrometa_config::Recipe;
use ferrometa_emulator::{Emulator, seed_generated};
use serde_json::json;

use crate::harness::Server;

fn recipe(dynamodb: &str, server: &Server) -> Recipe {
    ferrometa_config::from_json_value(
        json!({
            "source": {
                "type": "dynamodb",
                "serviceName": "local_dynamodb",
                "serviceConnection": {"config": {"type": "DynamoDB", "awsConfig": {
                    "awsAccessKeyId": "test-key",
                    "awsSecretAccessKey": "test-secret",
                    "awsRegion": "us-east-1",
                    "endPointURL": dynamodb,
                }}},
                "sourceConfig": {"config": {"type": "DatabaseMetadata"}},
            },
            "sink": {"type": "metadata-rest", "config": {}},
            "workflowConfig": {"openMetadataServerConfig": {
                "hostPort": server.url,
                "authProvider": "openmetadata",
                "securityConfig": {"jwtToken": server.token},
            }},
        }),
        "test recipe",
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recipe_runs_into_the_server_and_marks_dropped_tables_deleted() {
    let emulator = Emulator::start().await.unwrap();
    seed_generated(&emulator.client(), 12, 3, "orders_")
        .await
        .unwrap();
    let server = Server::start().await;
    let recipe = recipe(&emulator.endpoint(), &server);

    let mut workflow = ferrometa_registry::create_workflow(&recipe).await.unwrap();
    workflow.execute().await.unwrap();
    workflow.stop().await.unwrap();
    let status = workflow.status();
    assert!(
        status.sink.failures.is_empty(),
        "{:?}",
        status.sink.failures
    );
    assert_eq!(status.sink.name, "OpenMetadata");
    assert_eq!(status.sink.records.len(), 3 + 12);
    let schema = "local_dynamodb.default.default";
    assert_eq!(server.table_fqns(schema).await.len(), 12);

    emulator
        .client()
        .delete_table()
        .table_name("orders_00004")
        .send()
        .await
        .unwrap();
    let mut workflow = ferrometa_registry::create_workflow(&recipe).await.unwrap();
    workflow.execute().await.unwrap();
    workflow.stop().await.unwrap();
    let status = workflow.status();
    assert!(
        status.sink.failures.is_empty(),
        "{:?}",
        status.sink.failures
    );
    assert_eq!(status.sink.unchanged, 3 + 11);
    assert_eq!(status.deleted, [format!("{schema}.orders_00004")]);
    assert_eq!(server.table_fqns(schema).await.len(), 11);
    assert_eq!(
        server.table(&format!("{schema}.orders_00004")).await["deleted"],
        true
    );
}
