//! Every kind of request body the sink sends, saved to `target/rest-sink-bodies/` so that
//! they can be checked against OpenMetadata's own request models.
//!
//! File names are `<scenario>-<n>-<METHOD>-<path>.json`, the path with `/` as `-`:
//! `*-PUT-tables-bulk.json` holds a JSON array of `CreateTableRequest`s,
//! `*-PUT-services-databaseServices.json` one `CreateDatabaseServiceRequest`, and so on.

use serde_json::{Value, json};

use crate::harness::{Hierarchy, Server, target_dir, write_all};

#[tokio::test]
async fn request_bodies_are_captured_for_validation() {
    let dir = target_dir().join("rest-sink-bodies");
    let _ = std::fs::remove_dir_all(&dir);
    let server = Server::start().await;
    let connection =
        json!({"config": {"type": "DynamoDB", "awsConfig": {"awsRegion": "us-east-1"}}});

    // Bulk requests.
    let proxy = server.proxy().await;
    proxy.capture(dir.clone(), "bulk");
    let h = Hierarchy::new("bulk.svc", 3);
    let mut sink = server
        .try_connect(server.config(&proxy.url), Some(connection.clone()))
        .await
        .unwrap();
    assert!(
        write_all(&mut sink, &h.entities())
            .await
            .iter()
            .all(Result::is_ok)
    );

    // Single requests, as sent to a server without bulk endpoints.
    let proxy = server.proxy().await;
    proxy.capture(dir.clone(), "single");
    proxy.answer(
        "/bulk",
        404,
        r#"{"code":404,"message":"HTTP 404 Not Found"}"#,
    );
    let h = Hierarchy::new("single", 2);
    let mut sink = server
        .try_connect(server.config(&proxy.url), Some(connection))
        .await
        .unwrap();
    assert!(
        write_all(&mut sink, &h.entities())
            .await
            .iter()
            .all(Result::is_ok)
    );

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
    for name in &names {
        let body: Value = serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
        assert!(
            !body.to_string().contains("null"),
            "{name} holds a null: {body}"
        );
    }
}
