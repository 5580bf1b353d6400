//! Every kind of request body the sink sends, saved to `target/rest-sink-bodies/` so that
//! they can be checked against OpenMetadata's own request models.
//!
//! File names are `<scenario>-<n>-<METHOD>-<path>.json`, the path with `/` as `-`:
//! `*-PUT-tables-bulk.json` holds a JSON array of `CreateTableRequest`s,
//! `*-PUT-services-databaseServices.json` one `CreateDatabaseServiceRequest`, and so on;
//! `*-PATCH-tables-<id>.json` the JSON Patch of a table's column tags.

use std::path::Path;

use ferrometa_core::Sink;
use ferrometa_emulator::FaultProxy;
use serde_json::{Value, json};

use crate::harness::{Hierarchy, Server, answer, api_url, target_dir, write_all};

/// Saves the body of each request `proxy` forwarded to `dir/<prefix>-<n>-<method>-<path>.json`.
fn save_bodies(proxy: &FaultProxy, dir: &Path, prefix: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let sent = proxy.take_log().into_iter();
    for (n, request) in sent.enumerate() {
        if request.body.is_empty() || request.fault.is_some() {
            continue;
        }
        let path = request
            .target
            .split('?')
            .next()
            .unwrap_or_default()
            .trim_start_matches("/api/v1/")
            .replace('/', "-");
        let file = dir.join(format!("{prefix}-{n:04}-{}-{path}.json", request.method));
        std::fs::write(file, &request.body).unwrap();
    }
}

#[tokio::test]
async fn request_bodies_are_captured_for_validation() {
    let dir = target_dir().join("rest-sink-bodies");
    let _ = std::fs::remove_dir_all(&dir);
    let server = Server::start().await;
    let connection =
        json!({"config": {"type": "DynamoDB", "awsConfig": {"awsRegion": "us-east-1"}}});

    // Bulk requests.
    let proxy = server.proxy().await;
    let h = Hierarchy::new("bulk.svc", 3);
    let mut sink = server
        .try_connect(server.config(&api_url(&proxy)), Some(connection.clone()))
        .await
        .unwrap();
    assert!(
        write_all(&mut sink, &h.entities())
            .await
            .iter()
            .all(Result::is_ok)
    );

    // The classifier's column tags: a JSON Patch of the table.
    let tags = crate::tags::column_tags(
        &h,
        0,
        &[("pk", "PII.Sensitive"), ("address.zip", "PII.NonSensitive")],
    );
    assert!(sink.write_batch(&[tags]).await[0].is_ok());

    // Single requests, as sent to a server without bulk endpoints.
    save_bodies(&proxy, &dir, "bulk");
    let proxy = server.proxy().await;
    answer(
        &proxy,
        "/bulk",
        404,
        r#"{"code":404,"message":"HTTP 404 Not Found"}"#,
    );
    let h = Hierarchy::new("single", 2);
    let mut sink = server
        .try_connect(server.config(&api_url(&proxy)), Some(connection))
        .await
        .unwrap();
    assert!(
        write_all(&mut sink, &h.entities())
            .await
            .iter()
            .all(Result::is_ok)
    );

    save_bodies(&proxy, &dir, "single");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let kinds: Vec<&str> = names
        .iter()
        .map(|n| n.splitn(3, '-').nth(2).unwrap())
        .collect();
    for expected in [
        "PUT-services-databaseServices.json",
        "PUT-databases-bulk.json",
        "PUT-databaseSchemas-bulk.json",
        "PUT-tables-bulk.json",
        "PUT-databases.json",
        "PUT-databaseSchemas.json",
        "PUT-tables.json",
    ] {
        assert!(kinds.contains(&expected), "no {expected} in {names:?}");
    }
    assert!(
        kinds.iter().any(|kind| kind.starts_with("PATCH-tables-")),
        "no PATCH of a table in {names:?}"
    );
    for name in &names {
        let body: Value = serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
        assert!(
            !body.to_string().contains("null"),
            "{name} holds a null: {body}"
        );
    }
}
