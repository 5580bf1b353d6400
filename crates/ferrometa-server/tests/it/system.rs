//! Test-connection definitions and the search field query.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Server, encode};

#[tokio::test]
async fn dynamodb_has_a_test_connection_definition() {
    let server = Server::start().await;
    let answer = server
        .get("/services/testConnectionDefinitions/name/DynamoDB.testConnectionDefinition")
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.body["fullyQualifiedName"],
        "DynamoDB.testConnectionDefinition"
    );
    assert_eq!(answer.body["steps"][0]["name"], "ListTables");
    assert_eq!(answer.body["steps"][0]["mandatory"], true);
    let id = answer.body["id"].as_str().unwrap();
    let by_id = server
        .get(&format!("/services/testConnectionDefinitions/{id}"))
        .await;
    assert_eq!(by_id.body, answer.body);
    let missing = server
        .get("/services/testConnectionDefinitions/name/Nope.testConnectionDefinition")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn field_query_finds_tables_by_fqn() {
    let server = Server::start().await;
    let schema = server.hierarchy("my.dyn").await;
    let table = server.table(&schema, "orders").await;
    let query = |value: &str, deleted: bool| {
        format!(
            "/search/fieldQuery?fieldName=fullyQualifiedName&fieldValue={}&from=0&size=10&index=table_search_index&deleted={deleted}",
            encode(value)
        )
    };
    let found = server
        .get(&query("\"my.dyn\".default.default.orders", false))
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(
        found.body["hits"]["total"],
        json!({"value": 1, "relation": "eq"})
    );
    let source = &found.body["hits"]["hits"][0]["_source"];
    assert_eq!(source["fullyQualifiedName"], table["fullyQualifiedName"]);
    assert_eq!(source["id"], table["id"]);

    let missing = server
        .get(&query("\"my.dyn\".default.default.nope", false))
        .await;
    assert_eq!(
        missing.body,
        json!({"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}})
    );
    let deleted_only = server
        .get(&query("\"my.dyn\".default.default.orders", true))
        .await;
    assert_eq!(deleted_only.body["hits"]["hits"], json!([]));
    let other_index = server
        .get(
            "/search/fieldQuery?fieldName=fullyQualifiedName&fieldValue=x&index=topic_search_index",
        )
        .await;
    assert_eq!(other_index.body["hits"]["hits"], json!([]));
}
