//! Cursor-paged lists and their parent filters.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Server, encode};

fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entity| entity["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn lists_page_with_cursors() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    for i in 0..25 {
        server.table(&schema, &format!("t{i:02}")).await;
    }
    let first = server.get("/tables?limit=10").await.body;
    assert_eq!(
        names(&first),
        (0..10).map(|i| format!("t{i:02}")).collect::<Vec<_>>()
    );
    assert_eq!(first["paging"]["total"], 25);
    assert!(first["paging"].get("before").is_none());
    let after = first["paging"]["after"].as_str().unwrap();

    let second = server
        .get(&format!("/tables?limit=10&after={}", encode(after)))
        .await
        .body;
    assert_eq!(names(&second)[0], "t10");
    let third = server
        .get(&format!(
            "/tables?limit=10&after={}",
            encode(second["paging"]["after"].as_str().unwrap())
        ))
        .await
        .body;
    assert_eq!(names(&third), ["t20", "t21", "t22", "t23", "t24"]);
    assert!(
        third["paging"].get("after").is_none(),
        "the last page ends the client's loop"
    );
    assert_eq!(third["paging"]["total"], 25);

    let back = third["paging"]["before"].as_str().unwrap();
    let previous = server
        .get(&format!("/tables?limit=10&before={}", encode(back)))
        .await
        .body;
    assert_eq!(names(&previous), names(&second));
    let back = previous["paging"]["before"].as_str().unwrap();
    let start = server
        .get(&format!("/tables?limit=10&before={}", encode(back)))
        .await
        .body;
    assert_eq!(names(&start), names(&first));
    assert!(start["paging"].get("before").is_none());

    let count = server.get("/tables?limit=0").await.body;
    assert_eq!(count, json!({"data": [], "paging": {"total": 25}}));
    assert_eq!(
        names(&server.get("/tables").await.body).len(),
        10,
        "default limit"
    );
}

#[tokio::test]
async fn bad_paging_parameters_are_400() {
    let server = Server::start().await;
    let cursor = encode("eyJuYW1lIjoiYSIsImlkIjoiYiJ9");
    for query in [
        format!("before={cursor}&after={cursor}"),
        "after=%25%25".to_string(),
        "limit=1000001".to_string(),
        "limit=-1".to_string(),
    ] {
        let answer = server.get(&format!("/tables?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
    }
}

#[tokio::test]
async fn lists_filter_by_parent() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    server.hierarchy("my.other").await;
    let other_schema = server
        .put(
            "/databaseSchemas",
            &json!({"name": "second", "database": "svc.default"}),
        )
        .await
        .body["fullyQualifiedName"]
        .as_str()
        .unwrap()
        .to_string();
    server.table(&schema, "a").await;
    server.table(&schema, "b").await;
    server.table(&other_schema, "c").await;
    server.table("\"my.other\".default.default", "d").await;

    let in_schema = server
        .get(&format!("/tables?databaseSchema={}", encode(&schema)))
        .await
        .body;
    assert_eq!(names(&in_schema), ["a", "b"]);
    assert_eq!(in_schema["paging"]["total"], 2);
    let in_database = server.get("/tables?database=svc.default").await.body;
    assert_eq!(names(&in_database), ["a", "b", "c"]);
    let schemas = server
        .get("/databaseSchemas?database=svc.default")
        .await
        .body;
    assert_eq!(names(&schemas), ["default", "second"]);
    let databases = server
        .get(&format!("/databases?service={}", encode("my.other")))
        .await
        .body;
    assert_eq!(
        databases["data"][0]["fullyQualifiedName"],
        "\"my.other\".default"
    );
    assert_eq!(databases["paging"]["total"], 1);
    let tables_of_service = server
        .get(&format!("/tables?service={}", encode("my.other")))
        .await
        .body;
    assert_eq!(names(&tables_of_service), ["d"]);
    let services = server.get("/services/databaseServices?fields=*").await.body;
    assert_eq!(names(&services), ["my.other", "svc"]);
    assert_eq!(
        services["data"][0]["href"]
            .as_str()
            .unwrap()
            .split('/')
            .nth(5),
        Some("services")
    );
}
