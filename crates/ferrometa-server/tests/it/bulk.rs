//! Bulk create-or-update and stale deletes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Server, table_body};

/// The keys `BulkOperationResult` allows (`extra='forbid'` upstream).
const RESULT_KEYS: [&str; 8] = [
    "dryRun",
    "status",
    "abortReason",
    "numberOfRowsProcessed",
    "numberOfRowsPassed",
    "numberOfRowsFailed",
    "successRequest",
    "failedRequest",
];

fn assert_result_shape(result: &Value) {
    for key in result.as_object().unwrap().keys() {
        assert!(RESULT_KEYS.contains(&key.as_str()), "unexpected key {key}");
    }
    for row in result["successRequest"]
        .as_array()
        .unwrap()
        .iter()
        .chain(result["failedRequest"].as_array().unwrap())
    {
        for key in row.as_object().unwrap().keys() {
            assert!(
                ["request", "message", "status", "hasSideEffects"].contains(&key.as_str()),
                "{key}"
            );
        }
    }
}

#[tokio::test]
async fn bulk_put_reports_every_row() {
    let server = Server::start().await;
    server
        .put(
            "/services/databaseServices",
            &crate::harness::service_body("svc"),
        )
        .await;
    let databases = server
        .put(
            "/databases/bulk?async=false&overrideMetadata=false",
            &json!([{"name": "default", "service": "svc", "sourceHash": "a"}]),
        )
        .await;
    assert_eq!(databases.body["numberOfRowsPassed"], 1);
    server
        .put(
            "/databaseSchemas/bulk?async=false&overrideMetadata=false",
            &json!([{"name": "default", "database": "svc.default"}]),
        )
        .await;

    let schema = "svc.default.default";
    let mut bad = table_body(schema, "broken");
    bad["columns"][1]["dataType"] = json!("WIDGET");
    let body = json!([
        table_body(schema, "a"),
        bad,
        table_body(schema, "b"),
        table_body("svc.default.nope", "c")
    ]);
    let answer = server
        .put("/tables/bulk?async=false&overrideMetadata=false", &body)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let result = &answer.body;
    assert_result_shape(result);
    assert_eq!(result["status"], "partialSuccess");
    assert_eq!(result["numberOfRowsProcessed"], 4);
    assert_eq!(result["numberOfRowsPassed"], 2);
    assert_eq!(result["numberOfRowsFailed"], 2);
    assert_eq!(
        result["successRequest"],
        json!([{"request": "svc.default.default.a", "status": 200}, {"request": "svc.default.default.b", "status": 200}])
    );
    let failed = result["failedRequest"].as_array().unwrap();
    assert_eq!(failed[0]["request"], "svc.default.default.broken");
    assert_eq!(failed[0]["status"], 400);
    assert!(
        failed[0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown data type `WIDGET`")
    );
    assert_eq!(failed[1]["request"], "svc.default.nope.c");
    assert_eq!(failed[1]["status"], 404);
    assert_eq!(server.get("/tables").await.body["paging"]["total"], 2);
    assert_eq!(
        server
            .get("/tables/name/svc.default.default.broken")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let again = server
        .put("/tables/bulk", &json!([table_body(schema, "a")]))
        .await
        .body;
    assert_eq!(again["status"], "success");
    assert_eq!(
        server.get("/tables/name/svc.default.default.a").await.body["version"],
        json!(0.1)
    );

    let not_a_list = server.put("/tables/bulk", &table_body(schema, "a")).await;
    assert_eq!(not_a_list.status, StatusCode::BAD_REQUEST);
}

async fn stale(server: &Server, scope: &str, seen: Value) -> Value {
    let body = json!({"scopeFqn": scope, "scopeEntityType": "databaseSchema", "seenFqns": seen, "recursive": true});
    let answer = server.delete_with("/tables/deleteStale", &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_result_shape(&answer.body);
    answer.body
}

#[tokio::test]
async fn delete_stale_deletes_only_unseen_entities_of_the_scope() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let other = server
        .put(
            "/databaseSchemas",
            &json!({"name": "other", "database": "svc.default"}),
        )
        .await
        .body["fullyQualifiedName"]
        .as_str()
        .unwrap()
        .to_string();
    for name in ["a", "b.c", "d"] {
        server.table(&schema, name).await;
    }
    server.table(&other, "x").await;

    let nothing_seen = stale(&server, &schema, json!([])).await;
    assert_eq!(
        nothing_seen["numberOfRowsProcessed"], 0,
        "an empty listing deletes nothing"
    );
    assert_eq!(server.get("/tables").await.body["paging"]["total"], 4);

    let unknown_scope = stale(&server, "svc.default.nope", json!(["svc.default.nope.a"])).await;
    assert_eq!(unknown_scope["numberOfRowsProcessed"], 0);

    let body = json!({"scopeFqn": schema, "scopeEntityType": "databaseSchema", "seenFqns": ["svc.default.default.a"], "dryRun": true});
    let dry = server.delete_with("/tables/deleteStale", &body).await.body;
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["numberOfRowsPassed"], 2);
    assert_eq!(server.get("/tables").await.body["paging"]["total"], 4);

    // Quoting differences do not matter: `"default"` is `default`.
    let deleted = stale(
        &server,
        "svc.\"default\".default",
        json!(["svc.default.\"default\".a"]),
    )
    .await;
    assert_eq!(
        deleted["successRequest"],
        json!([{"request": "svc.default.default.\"b.c\"", "status": 200}, {"request": "svc.default.default.d", "status": 200}])
    );
    let live = server.get("/tables").await.body;
    let names: Vec<&str> = live["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "x"]);
    assert_eq!(
        server
            .get("/tables/name/svc.default.default.d?include=deleted")
            .await
            .body["deleted"],
        true
    );

    let procedures = server
        .delete_with("/storedProcedures/deleteStale", &json!({"scopeFqn": schema, "scopeEntityType": "databaseSchema", "seenFqns": [], "recursive": true}))
        .await;
    assert_eq!(procedures.body["status"], "success");
    assert_eq!(procedures.body["numberOfRowsProcessed"], 0);
    let listing = server
        .get(&format!(
            "/storedProcedures?limit=100&databaseSchema={schema}"
        ))
        .await;
    assert_eq!(listing.body, json!({"data": [], "paging": {"total": 0}}));

    let bad_scope = server
        .delete_with(
            "/tables/deleteStale",
            &json!({"scopeFqn": schema, "scopeEntityType": "table", "seenFqns": ["x"]}),
        )
        .await;
    assert_eq!(bad_scope.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn delete_stale_of_databases_by_service() {
    let server = Server::start().await;
    server.hierarchy("svc").await;
    server
        .put("/databases", &json!({"name": "gone", "service": "svc"}))
        .await;
    let body = json!({"scopeFqn": "svc", "scopeEntityType": "service", "seenFqns": ["svc.default"], "recursive": true});
    let result = server
        .delete_with("/databases/deleteStale", &body)
        .await
        .body;
    assert_eq!(
        result["successRequest"],
        json!([{"request": "svc.gone", "status": 200}])
    );
    assert_eq!(
        server.get("/databaseSchemas").await.body["paging"]["total"],
        1
    );
}
