//! Rejected requests: 400 for unknown fields (with nothing written), 413 for oversize
//! bodies, JSON for unknown routes and methods.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{Server, send, table_body};

#[tokio::test]
async fn unknown_fields_are_400_and_write_nothing() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let mut body = table_body(&schema, "orders");
    body["colour"] = json!("blue");
    for answer in [
        server.put("/tables", &body).await,
        server.post("/tables", &body).await,
    ] {
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        let message = answer.body["message"].as_str().unwrap();
        assert!(
            message.starts_with("invalid CreateTable request: unknown field `colour`"),
            "{message}"
        );
    }
    let mut nested = table_body(&schema, "orders");
    nested["columns"][2]["precison"] = json!(3);
    let answer = server.put("/tables", &nested).await;
    let message = answer.body["message"].as_str().unwrap();
    assert!(
        message.contains("columns[2]: unknown field `precison`"),
        "{message}"
    );
    assert_eq!(
        server.get("/tables?include=all").await.body["paging"]["total"],
        0
    );

    let schema_before = server
        .get(&format!("/databaseSchemas/name/{schema}"))
        .await
        .body;
    let answer = server
        .put("/databaseSchemas", &json!({"name": "default", "database": "svc.default", "description": "x", "owner": "me"}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        server
            .get(&format!("/databaseSchemas/name/{schema}"))
            .await
            .body,
        schema_before
    );
}

#[tokio::test]
async fn every_field_of_the_create_schema_is_accepted() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let tag = json!({"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed"});
    let owner =
        json!({"id": "8d9f1f4e-6c2b-4a51-9d27-0b9c2c1e5a10", "type": "user", "name": "alice"});
    let body = json!({
        "name": "full", "displayName": "Full", "description": "every field", "tableType": "Regular",
        "columns": [{"name": "id", "displayName": "ID", "dataType": "DECIMAL", "precision": 10, "scale": 2,
                     "dataTypeDisplay": "decimal(10,2)", "description": "key", "tags": [tag], "constraint": "NOT_NULL",
                     "ordinalPosition": 1, "jsonSchema": "{}", "extension": {"k": 1}},
                    {"name": "name", "dataType": "VARCHAR", "dataLength": 20},
                    {"name": "items", "dataType": "ARRAY", "arrayDataType": "STRUCT",
                     "children": [{"name": "sku", "dataType": "STRING"}]}],
        "dataModel": null, "locationPath": "s3://bucket/path",
        "tableConstraints": [{"constraintType": "UNIQUE", "columns": ["id"]}],
        "owners": [owner], "databaseSchema": schema, "tags": [tag], "schemaDefinition": null,
        "retentionPeriod": "P30D", "extension": {"team": "core"}, "sourceUrl": "https://example.com/t",
        "domains": [], "dataProducts": [], "fileFormat": "parquet",
        "lifeCycle": {"created": {"timestamp": 1700000000000_i64}}, "sourceHash": "abc"
    });
    let answer = server.put("/tables", &body).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    for key in [
        "owners",
        "tags",
        "retentionPeriod",
        "extension",
        "lifeCycle",
        "fileFormat",
        "locationPath",
    ] {
        assert_eq!(answer.body[key], body[key], "{key} is kept");
    }
    assert!(answer.body.get("domains").is_none() && answer.body.get("dataModel").is_none());
    assert_eq!(
        answer.body["columns"][2]["children"][0]["fullyQualifiedName"],
        "svc.default.default.full.items.sku"
    );

    let with_domain = server
        .put(
            "/databases",
            &json!({"name": "default", "service": "svc", "domains": ["Sales"]}),
        )
        .await;
    assert_eq!(with_domain.status, StatusCode::NOT_FOUND);
    assert_eq!(
        with_domain.body["message"],
        "domain instance for Sales not found"
    );
}

#[tokio::test]
async fn oversize_bodies_get_413() {
    let server = Server::start_with(|config| config.max_body_bytes = 16 * 1024).await;
    let schema = server.hierarchy("svc").await;
    let mut body = table_body(&schema, "orders");
    body["description"] = json!("x".repeat(32 * 1024));
    let answer = server.put("/tables", &body).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        server.get("/tables?include=all").await.body["paging"]["total"],
        0
    );
}

#[tokio::test]
async fn malformed_requests_and_unknown_routes_are_json() {
    let server = Server::start().await;
    let cases = [
        (
            server.request(Method::GET, "/no/such/endpoint"),
            StatusCode::NOT_FOUND,
        ),
        (
            server.request(Method::PATCH, "/tables/name/x"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            server.request(Method::PUT, "/tables").body("{not json"),
            StatusCode::BAD_REQUEST,
        ),
        (
            server.request(Method::PUT, "/tables").body("[]"),
            StatusCode::BAD_REQUEST,
        ),
        (
            server
                .request(Method::PUT, "/tables/restore")
                .json(&json!({"id": "nope"})),
            StatusCode::BAD_REQUEST,
        ),
        (
            server.request(Method::DELETE, "/tables/x?hardDelete=maybe"),
            StatusCode::BAD_REQUEST,
        ),
        (
            server.request(Method::GET, "/tables/name/%FF%FE"),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (request, status) in cases {
        let answer = send(request).await;
        assert_eq!(answer.status, status, "{}", answer.body);
    }
    let trailing = send(server.request(Method::GET, "/tables/")).await;
    assert_eq!(
        trailing.status,
        StatusCode::OK,
        "trailing slashes are trimmed, not redirected"
    );
}
