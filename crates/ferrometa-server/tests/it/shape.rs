//! The exact shape of answers: a snapshot of one table, and fixtures of every answer kind
//! for the check against the upstream client's models (`tests/upstream/test_models.py`).

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::harness::{Server, encode, send, table_body};

#[tokio::test]
async fn table_shape() {
    let server = Server::start().await;
    let schema = server.hierarchy("local_dynamodb").await;
    let mut body = table_body(&schema, "orders");
    body["description"] = json!("Orders by customer");
    body["tableConstraints"] = json!([{"constraintType": "SORT_KEY", "columns": ["amount"]}]);
    server.put("/tables", &body).await;
    let table = server
        .get("/tables/name/local_dynamodb.default.default.orders?fields=*")
        .await
        .body;
    insta::assert_json_snapshot!(table, {
        ".id" => "[id]",
        ".updatedAt" => "[updatedAt]",
        ".href" => "[href]",
        ".*.id" => "[id]",
        ".*.href" => "[href]",
    });
}

/// Where the fixtures go: `$UPSTREAM_FIXTURES`, or `target/tmp/upstream-fixtures`.
fn fixtures_dir() -> PathBuf {
    std::env::var_os("UPSTREAM_FIXTURES").map_or_else(
        || PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("upstream-fixtures"),
        PathBuf::from,
    )
}

/// Writes one answer of each kind, named after the upstream model that must accept it.
#[tokio::test]
async fn write_upstream_fixtures() {
    let server = Server::start().await;
    let schema = server.hierarchy("my.dyn").await;
    let mut table = table_body(&schema, "a.b");
    table["tableConstraints"] = json!([{"constraintType": "SORT_KEY", "columns": ["amount"]}]);
    table["tags"] = json!([{"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed"}]);
    let put = server.put("/tables", &table).await.body;
    table["description"] = json!("changed");
    let updated = server.put("/tables", &table).await.body;
    let id = put["id"].as_str().unwrap();
    let bulk = server
        .put(
            "/tables/bulk?async=false&overrideMetadata=false",
            &json!([table_body(&schema, "c"), {"name": "bad", "databaseSchema": schema, "columns": [{"name": "x", "dataType": "WIDGET"}]}]),
        )
        .await
        .body;
    let stale = server
        .delete_with(
            "/tables/deleteStale",
            &json!({"scopeFqn": schema, "scopeEntityType": "databaseSchema", "seenFqns": [put["fullyQualifiedName"]], "recursive": true}),
        )
        .await
        .body;
    let fqn = put["fullyQualifiedName"].as_str().unwrap();
    let patched = send(
        server
            .request(reqwest::Method::PATCH, &format!("/tables/{id}"))
            .header("content-type", "application/json-patch+json")
            .body(
                json!([{"op": "add", "path": "/columns/2/tags", "value": [
                    {"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Generated",
                     "state": "Suggested", "reason": "looks like free text about people"}
                ]}])
                .to_string(),
            ),
    )
    .await
    .body;
    let fixtures: Vec<(&str, Value)> = vec![
        ("Table.put", put.clone()),
        ("Table.patched", patched),
        (
            "Classification",
            server.get("/classifications/name/PII").await.body,
        ),
        (
            "Tag.sensitive",
            server.get("/tags/name/PII.Sensitive").await.body,
        ),
        (
            "Tag.nonSensitive",
            server.get("/tags/name/PII.NonSensitive").await.body,
        ),
        ("Table.updated", updated),
        (
            "Table.fields",
            server
                .get(&format!("/tables/name/{}?fields=*", encode(fqn)))
                .await
                .body,
        ),
        (
            "Table.plain",
            server.get(&format!("/tables/{id}")).await.body,
        ),
        (
            "Table.version",
            server.get(&format!("/tables/{id}/versions/0.1")).await.body,
        ),
        (
            "Table.deleted",
            server
                .get(&format!(
                    "/tables/name/{}?include=deleted",
                    encode(&format!("{schema}.c"))
                ))
                .await
                .body,
        ),
        (
            "TableList",
            server
                .get("/tables?limit=1&include=all&fields=*")
                .await
                .body,
        ),
        (
            "EntityVersionHistory",
            server.get(&format!("/tables/{id}/versions")).await.body,
        ),
        (
            "Database",
            server
                .get("/databases/name/%22my.dyn%22.default?fields=*")
                .await
                .body,
        ),
        (
            "DatabaseSchema",
            server
                .get(&format!(
                    "/databaseSchemas/name/{}?fields=*",
                    encode(&schema)
                ))
                .await
                .body,
        ),
        (
            "DatabaseService",
            server
                .get("/services/databaseServices/name/%22my.dyn%22?fields=*")
                .await
                .body,
        ),
        (
            "DatabaseService.plain",
            server
                .get("/services/databaseServices/name/%22my.dyn%22")
                .await
                .body,
        ),
        ("BulkOperationResult.bulk", bulk),
        ("BulkOperationResult.stale", stale),
        (
            "TestConnectionDefinition",
            server
                .get("/services/testConnectionDefinitions/name/DynamoDB.testConnectionDefinition")
                .await
                .body,
        ),
        (
            "OpenMetadataServerVersion",
            server.get("/system/version").await.body,
        ),
    ];
    let dir = fixtures_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, body) in fixtures {
        assert!(body.get("code").is_none(), "{name}: {body}");
        let text = serde_json::to_string_pretty(&body).unwrap();
        std::fs::write(dir.join(format!("{name}.json")), text).unwrap();
    }
}
