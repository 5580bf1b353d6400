//! Hostile requests: bodies over the limit, bad JSON, wrong types, missing fields, path
//! traversal and odd FQNs in by-name routes, invalid UUIDs in by-id routes, bad query values
//! and cursors. Each gets a 4xx with a JSON `{code, message}` body (checked by the harness on
//! every answer), and the catalog file holds exactly what it held before.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Answer, Server, encode, send, table_body};

/// A catalog with a service, database, schema and table `t` for hostile requests to aim at;
/// returns the server, the table's FQN and id.
async fn target() -> (Server, String, String) {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "t").await;
    let fqn = table["fullyQualifiedName"].as_str().unwrap().to_string();
    let id = table["id"].as_str().unwrap().to_string();
    (server, fqn, id)
}

/// Sends `body` (raw bytes, JSON or nothing) and checks the answer is a 4xx.
async fn hostile(server: &Server, method: Method, path: &str, body: Option<Vec<u8>>) -> Answer {
    let mut request = server.request(method.clone(), path);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    let answer = send(request).await;
    assert!(
        answer.status.is_client_error(),
        "{method} {path}: {} {}",
        answer.status,
        answer.body
    );
    answer
}

/// Sends `path` (below `/api/v1`) exactly as written, without the normalization of dot
/// segments (`..`, `%2e%2e`) HTTP clients apply, and checks the answer is a 4xx.
async fn raw_hostile(server: &Server, method: &str, path: &str) -> Answer {
    let answer = server
        .raw(&format!("{method} /api/v1{path} HTTP/1.1"), b"")
        .await;
    assert!(
        answer.status.is_client_error(),
        "{method} {path}: {} {}",
        answer.status,
        answer.body
    );
    answer
}

fn bytes(value: &Value) -> Option<Vec<u8>> {
    Some(serde_json::to_vec(value).unwrap())
}

/// A valid `CreateTable` for `t` with `change` applied to it.
fn table_with(schema: &str, change: impl FnOnce(&mut Value)) -> Value {
    let mut body = table_body(schema, "t2");
    change(&mut body);
    body
}

#[tokio::test]
async fn hostile_bodies_are_4xx_and_write_nothing() {
    let (server, fqn, id) = target().await;
    let schema = fqn.trim_end_matches(".t").to_string();
    let before = server.footprint();
    let mut tried = 0;

    // Not JSON, or not the JSON any write takes, on every write route.
    let mut nested = "[".repeat(100_000);
    nested.push_str(&"]".repeat(100_000));
    let garbage: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{not json".to_vec(),
        b"null".to_vec(),
        b"\"text\"".to_vec(),
        b"123".to_vec(),
        b"{}x".to_vec(),
        b"{}".to_vec(),
        b"\xff\xfe{\"name\": \"t\"}".to_vec(),
        b"{\"name\": \"t\", \"name\": 1}".to_vec(),
        b"{\"precision\": 1e400}".to_vec(),
        nested.into_bytes(),
    ];
    let routes = [
        (Method::PUT, "/tables"),
        (Method::POST, "/tables"),
        (Method::PUT, "/databases"),
        (Method::POST, "/databases"),
        (Method::PUT, "/databaseSchemas"),
        (Method::PUT, "/services/databaseServices"),
        (Method::PUT, "/tables/bulk"),
        (Method::PUT, "/tables/restore"),
        (Method::DELETE, "/tables/deleteStale"),
    ];
    for (method, path) in &routes {
        for body in &garbage {
            hostile(&server, method.clone(), path, Some(body.clone())).await;
            tried += 1;
        }
    }

    // Wrong types, missing fields and invalid values in otherwise valid table requests.
    let tables: Vec<Value> = vec![
        table_with(&schema, |b| b["name"] = json!(123)),
        table_with(&schema, |b| b["name"] = json!("")),
        table_with(&schema, |b| b["name"] = json!("n".repeat(300))),
        table_with(&schema, |b| b["name"] = json!("a::b")),
        table_with(&schema, |b| b["name"] = json!("a\"b")),
        table_with(&schema, |b| b["name"] = Value::Null),
        table_with(&schema, |b| drop(b.as_object_mut().unwrap().remove("name"))),
        table_with(&schema, |b| {
            drop(b.as_object_mut().unwrap().remove("columns"))
        }),
        table_with(&schema, |b| {
            drop(b.as_object_mut().unwrap().remove("databaseSchema"))
        }),
        table_with(&schema, |b| b["columns"] = json!("pk")),
        table_with(&schema, |b| b["columns"] = json!([1, 2])),
        table_with(&schema, |b| b["columns"] = json!([{"name": "a"}])),
        table_with(&schema, |b| b["columns"][0]["dataType"] = json!(5)),
        table_with(&schema, |b| b["columns"][0]["dataType"] = json!("WIDGET")),
        table_with(&schema, |b| b["columns"][0]["dataLength"] = json!("ten")),
        table_with(&schema, |b| b["columns"][0]["precision"] = json!(1.5)),
        table_with(&schema, |b| b["columns"][0]["children"] = json!({"a": 1})),
        table_with(&schema, |b| b["databaseSchema"] = json!(42)),
        table_with(&schema, |b| b["databaseSchema"] = json!({"id": "x"})),
        table_with(&schema, |b| b["databaseSchema"] = json!("../../etc/passwd")),
        table_with(&schema, |b| b["databaseSchema"] = json!("svc.default.nope")),
        table_with(&schema, |b| {
            b["databaseSchema"] = json!("svc.default.default\u{0}")
        }),
        table_with(&schema, |b| b["tags"] = json!("PII")),
        table_with(&schema, |b| {
            b["owners"] = json!([{"id": "not-a-uuid", "type": "user"}])
        }),
        table_with(&schema, |b| b["tableType"] = json!("Nope")),
        table_with(&schema, |b| b["id"] = json!(id)),
        table_with(&schema, |b| b["version"] = json!(9.9)),
        table_with(&schema, |b| b["sourceHash"] = json!("h".repeat(33))),
        table_with(&schema, |b| b["domains"] = json!(["Sales"])),
    ];
    for body in &tables {
        for method in [Method::PUT, Method::POST] {
            hostile(&server, method, "/tables", bytes(body)).await;
            tried += 1;
        }
        // In a bulk request the row fails alone, in a 200 that names it.
        let answer = send(
            server
                .request(Method::PUT, "/tables/bulk")
                .json(&json!([body])),
        )
        .await;
        if answer.status == StatusCode::OK {
            assert_eq!(answer.body["numberOfRowsPassed"], 0, "{}", answer.body);
            assert_eq!(answer.body["numberOfRowsFailed"], 1, "{}", answer.body);
        } else {
            assert!(answer.status.is_client_error(), "{}", answer.body);
        }
        tried += 1;
    }

    // The other kinds and the small bodies.
    let others = [
        ("/databases", json!({"name": "d", "service": 5})),
        ("/databases", json!({"name": "a::b", "service": "svc"})),
        ("/databases", json!({"name": "d", "service": "../svc"})),
        ("/databaseSchemas", json!({"name": "s"})),
        (
            "/databaseSchemas",
            json!({"name": "s", "database": ["svc.default"]}),
        ),
        ("/services/databaseServices", json!({"name": "s"})),
        (
            "/services/databaseServices",
            json!({"name": "s", "serviceType": "Nope"}),
        ),
        (
            "/services/databaseServices",
            json!({"name": "s", "serviceType": "DynamoDB", "connection": "x"}),
        ),
        ("/tables/restore", json!({"id": "nope"})),
        ("/tables/restore", json!({"id": 5})),
        (
            "/tables/restore",
            json!({"id": "00000000-0000-0000-0000-000000000000"}),
        ),
        ("/tables/restore", json!({"id": id, "extra": true})),
        ("/databases/restore", json!({"id": id})),
    ];
    for (path, body) in &others {
        hostile(&server, Method::PUT, path, bytes(body)).await;
        tried += 1;
    }
    let stale = [
        json!({"scopeFqn": schema, "scopeEntityType": "table", "seenFqns": ["x"]}),
        json!({"scopeFqn": schema, "scopeEntityType": "bogus", "seenFqns": ["x"]}),
        json!({"scopeFqn": schema, "scopeEntityType": "databaseSchema", "seenFqns": "x"}),
        json!({"scopeFqn": schema, "scopeEntityType": "databaseSchema", "seenFqns": ["x"], "hardDelete": "yes"}),
        json!({"scopeEntityType": "databaseSchema", "seenFqns": ["x"]}),
    ];
    for body in &stale {
        hostile(&server, Method::DELETE, "/tables/deleteStale", bytes(body)).await;
        tried += 1;
    }

    assert_eq!(server.footprint(), before, "a hostile body wrote something");
    server.assert_intact();
    eprintln!("{tried} hostile bodies refused");
}

#[tokio::test]
async fn hostile_names_and_ids_are_4xx_and_write_nothing() {
    let (server, fqn, id) = target().await;
    let before = server.footprint();
    let mut tried = 0;

    let long = "n".repeat(10_000);
    let names = [
        "..%2F..%2Fetc%2Fpasswd".to_string(),
        "%2e%2e".to_string(),
        "%2e%2e%2f%2e%2e%2fcatalog.db".to_string(),
        "%00".to_string(),
        format!("{}%00", encode(&fqn)),
        format!("{}%2F..", encode(&fqn)),
        long.clone(),
        format!("svc.default.default.{long}"),
        "%22unbalanced".to_string(),
        "svc.%22default.default.t".to_string(),
        "svc.default.default.%22t".to_string(),
        "%22%22".to_string(),
        "%FF%FE".to_string(),
        "%25".to_string(),
        "svc.default.default.%25".to_string(),
        "svc.default.default.%2A".to_string(),
        "svc.default.default.t%27%20OR%20%271%27%3D%271".to_string(),
        "%20".to_string(),
        ".".to_string(),
        "svc..default".to_string(),
    ];
    let collections = [
        "/tables",
        "/databaseSchemas",
        "/databases",
        "/services/databaseServices",
    ];
    for collection in collections {
        for name in &names {
            let path = format!("{collection}/name/{name}");
            raw_hostile(&server, "GET", &format!("{path}?include=all")).await;
            raw_hostile(
                &server,
                "DELETE",
                &format!("{path}?hardDelete=true&recursive=true"),
            )
            .await;
            tried += 2;
        }
    }

    let ids = [
        "nope".to_string(),
        "..%2F..%2Fetc%2Fpasswd".to_string(),
        "%00".to_string(),
        format!("{id}%00"),
        format!("{id}x"),
        id[..35].to_string(),
        "00000000-0000-0000-0000-000000000000".to_string(),
        "n".repeat(10_000),
        "%27%20OR%201%3D1".to_string(),
    ];
    for key in &ids {
        for path in [
            format!("/tables/{key}?include=all"),
            format!("/tables/{key}/versions"),
            format!("/tables/{key}/versions/0.1"),
            format!("/databases/{key}"),
            format!("/tables/{key}/sampleData"),
            format!("/tables/{key}/tableProfile/latest"),
            format!("/tables/{key}/tableProfile?startTs=0&endTs=1"),
            format!("/tables/{key}/columnProfile?startTs=0&endTs=1"),
        ] {
            raw_hostile(&server, "GET", &path).await;
            tried += 1;
        }
        raw_hostile(
            &server,
            "DELETE",
            &format!("/tables/{key}?hardDelete=true&recursive=true"),
        )
        .await;
        tried += 1;
    }
    for version in [
        "x.y",
        "-1.0",
        "0.15",
        "99999999999999999999.1",
        "%00",
        "0.9",
    ] {
        hostile(
            &server,
            Method::GET,
            &format!("/tables/{id}/versions/{version}"),
            None,
        )
        .await;
        tried += 1;
    }
    // The table, by id, under another collection.
    hostile(&server, Method::GET, &format!("/databases/{id}"), None).await;
    hostile(
        &server,
        Method::DELETE,
        &format!("/databases/{id}?hardDelete=true"),
        None,
    )
    .await;
    tried += 2;

    // More dot segments: none reaches a route.
    let raw = [
        ("GET", "/tables/name/../../../../etc/passwd".to_string()),
        ("DELETE", format!("/tables/name/x/../{fqn}?hardDelete=true")),
        ("DELETE", format!("/tables/x/../{id}?hardDelete=true")),
        ("DELETE", format!("/../v1/tables/{id}?hardDelete=true")),
        ("DELETE", format!("/tables/./{id}?hardDelete=true")),
        (
            "DELETE",
            "/services/databaseServices/name/svc/..?hardDelete=true&recursive=true".to_string(),
        ),
    ];
    for (method, path) in &raw {
        raw_hostile(&server, method, path).await;
        tried += 1;
    }

    assert_eq!(
        server.footprint(),
        before,
        "a hostile name or id wrote something"
    );
    let still = server.get(&format!("/tables/name/{}", encode(&fqn))).await;
    assert_eq!(still.status, StatusCode::OK);
    eprintln!("{tried} hostile names and ids refused");
}

#[tokio::test]
async fn bad_query_values_and_cursors_are_400() {
    let (server, fqn, id) = target().await;
    let before = server.footprint();
    let name = encode(&fqn);
    let not_a_cursor = base64_url(br#"{"name": 1}"#);
    let reads = [
        "/tables?include=bogus".to_string(),
        "/tables?include=DELETED".to_string(),
        "/tables?include=all&include=bogus".to_string(),
        "/tables?fields=bogus".to_string(),
        "/tables?fields=columns,..%2F..%2Fx".to_string(),
        "/tables?limit=-1".to_string(),
        "/tables?limit=abc".to_string(),
        "/tables?limit=1000001".to_string(),
        "/tables?limit=99999999999999999999999".to_string(),
        "/tables?after=garbage!".to_string(),
        "/tables?after=".to_string(),
        "/tables?after=%00".to_string(),
        format!("/tables?before={not_a_cursor}"),
        format!("/tables?after={not_a_cursor}"),
        "/tables?after=e30&before=e30".to_string(),
        format!("/tables/name/{name}?include=bogus"),
        format!("/tables/name/{name}?fields=nope"),
        format!("/tables/{id}?include=%ZZ"),
        format!("/tables/{id}?fields=columns%00"),
        "/databases?fields=tables".to_string(),
    ];
    let mut tried = 0;
    for path in &reads {
        let answer = hostile(&server, Method::GET, path, None).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            answer.body
        );
        tried += 1;
    }
    let writes = [
        (
            Method::DELETE,
            format!("/tables/name/{name}?hardDelete=maybe"),
        ),
        (Method::DELETE, format!("/tables/{id}?recursive=2")),
        (Method::DELETE, format!("/tables/{id}?hardDelete=")),
        (Method::PUT, "/tables/bulk?async=maybe".to_string()),
        (Method::PUT, "/tables/bulk?overrideMetadata=1".to_string()),
    ];
    let schema = fqn.trim_end_matches(".t").to_string();
    let body = json!([table_body(&schema, "t3")]);
    for (method, path) in &writes {
        let answer = hostile(&server, method.clone(), path, bytes(&body)).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            answer.body
        );
        tried += 1;
    }
    assert_eq!(server.footprint(), before, "a bad query wrote something");
    eprintln!("{tried} bad query values refused");
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE.encode(bytes)
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_whether_sized_or_chunked() {
    // A limit exists by default, and it is finite.
    let defaults = ferrometa_server::ServerConfig::new("catalog.db");
    assert_eq!(
        defaults.max_body_bytes,
        ferrometa_server::DEFAULT_MAX_BODY_BYTES
    );
    assert!(defaults.max_body_bytes <= 64 * 1024 * 1024);

    let server = Server::start_with(|config| config.max_body_bytes = 64 * 1024).await;
    let schema = server.hierarchy("svc").await;
    let before = server.footprint();
    let mut big = table_body(&schema, "big");
    big["description"] = json!("x".repeat(100 * 1024));
    let big = serde_json::to_vec(&big).unwrap();
    for (method, path, body) in [
        (Method::PUT, "/tables", big.clone()),
        (Method::POST, "/tables", big.clone()),
        (Method::PUT, "/tables/bulk", [b"[", &big[..], b"]"].concat()),
        (Method::PUT, "/tables/restore", big.clone()),
    ] {
        let answer = hostile(&server, method, path, Some(body)).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }

    // Chunked, so the size is only known while reading: still cut at the limit.
    let mut chunked = Vec::new();
    for chunk in big.chunks(8 * 1024) {
        chunked.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend(chunk);
        chunked.extend(b"\r\n");
    }
    chunked.extend(b"0\r\n\r\n");
    let answer = server
        .raw(
            "PUT /api/v1/tables HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
            &chunked,
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.body
    );
    // A declared length far over the limit is refused before any of the body is read.
    let answer = server
        .raw(
            "PUT /api/v1/tables HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 10000000000",
            b"{}",
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.body
    );

    assert_eq!(
        server.footprint(),
        before,
        "an oversize body wrote something"
    );
}
