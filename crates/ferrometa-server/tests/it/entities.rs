//! Create-or-update, create, reads by id and FQN, deletes, restore and versions.

use ferrometa_server::AuthMode;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Server, encode, service_body, table_body};

fn change(answer: &crate::harness::Answer) -> &str {
    answer.headers["x-openmetadata-change"].to_str().unwrap()
}

#[tokio::test]
async fn put_creates_then_updates_every_kind() {
    let server = Server::start().await;
    let bodies = [
        ("/services/databaseServices", service_body("svc")),
        ("/databases", json!({"name": "default", "service": "svc"})),
        (
            "/databaseSchemas",
            json!({"name": "default", "database": "svc.default"}),
        ),
        ("/tables", table_body("svc.default.default", "orders")),
    ];
    for (path, body) in bodies {
        let created = server.put(path, &body).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{path}: {}",
            created.body
        );
        assert_eq!(change(&created), "entityCreated");
        assert_eq!(created.body["version"], json!(0.1));
        assert_eq!(created.body["deleted"], false);
        let id = created.body["id"].as_str().unwrap();
        assert_eq!(created.body["href"], format!("{}{path}/{id}", server.api));

        let same = server.put(path, &body).await;
        assert_eq!(same.status, StatusCode::OK);
        assert_eq!(change(&same), "entityNoChange");
        assert_eq!(same.body["version"], json!(0.1));
        assert_eq!(same.body["updatedAt"], created.body["updatedAt"]);

        let mut changed = body.clone();
        changed["displayName"] = json!("Renamed");
        let updated = server.put(path, &changed).await;
        assert_eq!(updated.status, StatusCode::OK);
        assert_eq!(change(&updated), "entityUpdated");
        assert_eq!(updated.body["version"], json!(0.2), "{path}");
        assert_eq!(updated.body["id"], created.body["id"]);
        assert_eq!(
            updated.body["changeDescription"]["previousVersion"],
            json!(0.1)
        );
        assert_eq!(
            updated.body["changeDescription"]["fieldsAdded"][0]["name"],
            "displayName"
        );
    }
}

#[tokio::test]
async fn tables_reference_their_parents_and_columns_get_fqns() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    assert_eq!(table["fullyQualifiedName"], "svc.default.default.orders");
    assert_eq!(table["serviceType"], "DynamoDB");
    assert_eq!(table["databaseSchema"]["type"], "databaseSchema");
    assert_eq!(table["database"]["fullyQualifiedName"], "svc.default");
    let service_id = table["service"]["id"].as_str().unwrap();
    assert_eq!(
        table["service"]["href"],
        format!("{}/services/databaseServices/{service_id}", server.api)
    );
    assert_eq!(
        table["columns"][1]["fullyQualifiedName"],
        "svc.default.default.orders.amount"
    );
    assert_eq!(
        table["columns"][1]["dataTypeDisplay"], "int",
        "lower-cased as OpenMetadata does"
    );
}

#[tokio::test]
async fn services_keep_no_secret_in_clear() {
    let server = Server::start().await;
    let service = server
        .put("/services/databaseServices", &service_body("svc"))
        .await;
    let aws = &service.body["connection"]["config"]["awsConfig"];
    assert_eq!(aws["awsAccessKeyId"], "x");
    assert_eq!(aws["awsSecretAccessKey"], "*********");
    let text = std::fs::read(&server.catalog).unwrap();
    let wal = std::fs::read(server.catalog.with_extension("db-wal")).unwrap_or_default();
    let has = |bytes: &[u8]| {
        bytes
            .windows(22)
            .any(|w| w == b"\"awsSecretAccessKey\":\"y")
    };
    assert!(!has(&text) && !has(&wal));
}

#[tokio::test]
async fn post_creates_once() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let body = table_body(&schema, "orders");
    let created = server.post("/tables", &body).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let duplicate = server.post("/tables", &body).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(
        duplicate.body,
        json!({"code": 409, "message": "Entity already exists"})
    );

    let id = created.body["id"].as_str().unwrap();
    assert_eq!(
        server.delete(&format!("/tables/{id}")).await.status,
        StatusCode::OK
    );
    let deleted_duplicate = server.post("/tables", &body).await;
    assert_eq!(
        deleted_duplicate.status,
        StatusCode::CONFLICT,
        "soft-deleted names are taken"
    );

    let orphan = server
        .post("/tables", &table_body("svc.default.nope", "t"))
        .await;
    assert_eq!(orphan.status, StatusCode::NOT_FOUND);
    assert_eq!(
        orphan.body["message"],
        "databaseSchema instance for svc.default.nope not found"
    );
}

#[tokio::test]
async fn reads_by_percent_encoded_fqn() {
    let server = Server::start().await;
    let schema = server.hierarchy("my.dyn").await;
    assert_eq!(schema, "\"my.dyn\".default.default");
    let service = server
        .get(&format!(
            "/services/databaseServices/name/{}?fields=*",
            encode("\"my.dyn\"")
        ))
        .await;
    assert_eq!(service.status, StatusCode::OK, "{}", service.body);
    assert_eq!(service.body["name"], "my.dyn");

    for name in ["a.b", "x/y", "with space"] {
        let table = server.table(&schema, name).await;
        let fqn = table["fullyQualifiedName"].as_str().unwrap();
        let found = server.get(&format!("/tables/name/{}", encode(fqn))).await;
        assert_eq!(found.status, StatusCode::OK, "{fqn}: {}", found.body);
        assert_eq!(found.body["id"], table["id"]);
        assert_eq!(found.body["name"], name);
    }
    assert_eq!(
        server
            .get("/tables/name/%22my.dyn%22.default.default.%22a.b%22")
            .await
            .body["name"],
        "a.b"
    );
    // Any quoting of the parts names the same entity, as OpenMetadata's FQN hashes do.
    let requoted = server
        .get(&format!(
            "/tables/name/{}",
            encode("\"my.dyn\".\"default\".default.\"a.b\"")
        ))
        .await;
    assert_eq!(requoted.status, StatusCode::OK);

    let missing = server.get("/tables/name/my.dyn.default.default.nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.body["message"],
        "table instance for my.dyn.default.default.nope not found"
    );
    let by_id = server
        .get(&format!(
            "/tables/{}",
            requoted.body["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        by_id.body["fullyQualifiedName"],
        "\"my.dyn\".default.default.\"a.b\""
    );
    assert_eq!(
        server.get("/databases/nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn fields_choose_the_optional_fields() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let mut body = table_body(&schema, "orders");
    body["columns"][0]["constraint"] = Value::Null;
    body["tableConstraints"] =
        json!([{"constraintType": "PRIMARY_KEY", "columns": ["pk", "amount"]}]);
    body["tags"] = json!([{"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed"}]);
    server.put("/tables", &body).await;
    let path = "/tables/name/svc.default.default.orders";

    let plain = server.get(path).await.body;
    for absent in ["sourceHash", "tableConstraints", "tags", "owners"] {
        assert!(plain.get(absent).is_none(), "{absent} is optional");
    }
    assert_eq!(
        plain["columns"].as_array().unwrap().len(),
        3,
        "columns always come"
    );

    let some = server
        .get(&format!("{path}?fields=tableConstraints,owners"))
        .await
        .body;
    assert_eq!(some["tableConstraints"][0]["constraintType"], "PRIMARY_KEY");
    assert_eq!(some["owners"], json!([]));
    assert!(some.get("tags").is_none());

    let all = server.get(&format!("{path}?fields=*")).await.body;
    assert_eq!(all["tags"][0]["tagFQN"], "PII.Sensitive");
    assert_eq!(all["sourceHash"], body["sourceHash"]);
    assert_eq!(all["followers"], json!([]));

    let schema_with_tables = server
        .get(&format!("/databaseSchemas/name/{schema}?fields=tables"))
        .await
        .body;
    assert_eq!(
        schema_with_tables["tables"][0]["fullyQualifiedName"],
        "svc.default.default.orders"
    );
    assert_eq!(schema_with_tables["tables"][0]["type"], "table");

    let invalid = server.get(&format!("{path}?fields=columns,colour")).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert_eq!(invalid.body["message"], "invalid field name colour");
}

#[tokio::test]
async fn soft_delete_hides_restore_returns_hard_delete_removes() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    let id = table["id"].as_str().unwrap();
    let path = "/tables/name/svc.default.default.orders";

    let deleted = server
        .delete(&format!("/tables/{id}?recursive=false&hardDelete=false"))
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(change(&deleted), "entitySoftDeleted");
    assert_eq!(deleted.body["deleted"], true);
    assert_eq!(deleted.body["version"], json!(0.2));
    assert_eq!(server.get(path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        server.get(&format!("/tables/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.get(&format!("{path}?include=deleted")).await.body["deleted"],
        true
    );
    assert_eq!(
        server.get(&format!("{path}?include=all")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        server
            .get(&format!("{path}?include=non-deleted"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.get("/tables").await.body["paging"]["total"], 0);
    assert_eq!(
        server.get("/tables?include=deleted").await.body["paging"]["total"],
        1
    );
    assert_eq!(
        server.get(&format!("{path}?include=some")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        server.delete(&format!("/tables/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    let restored = server.put("/tables/restore", &json!({"id": id})).await;
    assert_eq!(restored.status, StatusCode::OK);
    assert_eq!(restored.body["deleted"], false);
    assert_eq!(restored.body["version"], json!(0.3));
    assert_eq!(server.get(path).await.status, StatusCode::OK);

    let hard = server
        .delete("/tables/name/svc.default.default.orders?hardDelete=true")
        .await;
    assert_eq!(hard.status, StatusCode::OK);
    assert_eq!(change(&hard), "entityDeleted");
    assert_eq!(
        server.get(&format!("{path}?include=all")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.get(&format!("/tables/{id}/versions")).await.status,
        StatusCode::NOT_FOUND
    );
    let gone = server.put("/tables/restore", &json!({"id": id})).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn non_empty_parents_need_recursive() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    server.table(&schema, "orders").await;
    let schema_path = format!("/databaseSchemas/name/{schema}");

    let refused = server.delete(&schema_path).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["message"], "databaseSchema is not empty");
    assert_eq!(
        server.get(&schema_path).await.body["version"],
        json!(0.1),
        "nothing written"
    );
    let hard_refused = server
        .delete("/services/databaseServices/name/svc?hardDelete=true")
        .await;
    assert_eq!(hard_refused.status, StatusCode::BAD_REQUEST);

    let deleted = server
        .delete(&format!("{schema_path}?recursive=true"))
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    let table = server
        .get("/tables/name/svc.default.default.orders?include=all")
        .await;
    assert_eq!(table.body["deleted"], true, "children go first");

    let schema_id = deleted.body["id"].as_str().unwrap();
    server
        .put("/databaseSchemas/restore", &json!({"id": schema_id}))
        .await;
    let table = server.get("/tables/name/svc.default.default.orders").await;
    assert_eq!(
        table.status,
        StatusCode::OK,
        "restoring a parent restores its children"
    );

    let removed = server
        .delete("/services/databaseServices/name/svc?hardDelete=true&recursive=true")
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    for path in [
        "/services/databaseServices",
        "/databases",
        "/databaseSchemas",
        "/tables",
    ] {
        let all = server.get(&format!("{path}?include=all")).await;
        assert_eq!(all.body["paging"]["total"], 0, "{path}");
    }
}

#[tokio::test]
async fn versions_list_every_version() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    let id = table["id"].as_str().unwrap();
    let mut body = table_body(&schema, "orders");
    body["description"] = json!("first");
    server.put("/tables", &body).await;
    body["columns"].as_array_mut().unwrap().pop();
    let major = server.put("/tables", &body).await;
    assert_eq!(
        major.body["version"],
        json!(1.2),
        "a removed column is a major change"
    );

    let history = server.get(&format!("/tables/{id}/versions")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert_eq!(history.body["entityType"], "table");
    let versions: Vec<Value> = history.body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| serde_json::from_str(v.as_str().unwrap()).unwrap())
        .collect();
    let numbers: Vec<&Value> = versions.iter().map(|v| &v["version"]).collect();
    assert_eq!(numbers, [&json!(1.2), &json!(0.2), &json!(0.1)]);

    let first = server.get(&format!("/tables/{id}/versions/0.1")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.get("description").is_none());
    assert_eq!(first.body["columns"].as_array().unwrap().len(), 3);
    assert_eq!(
        server
            .get(&format!("/tables/{id}/versions/0.5"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server
            .get(&format!("/tables/{id}/versions/x.y"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        server
            .get(&format!("/databases/{id}/versions"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn concurrent_writes_to_one_entity_lose_no_update() {
    let server = Server::start_with(|config| config.auth = AuthMode::NoAuth).await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    let writers = (0..16).map(|i| {
        let mut body = table_body(&schema, "orders");
        body["description"] = json!(format!("writer {i}"));
        let request = server.request(reqwest::Method::PUT, "/tables").json(&body);
        tokio::spawn(async move { request.send().await.unwrap().status() })
    });
    for writer in writers {
        assert_eq!(writer.await.unwrap(), StatusCode::OK);
    }
    let id = table["id"].as_str().unwrap();
    let history = server.get(&format!("/tables/{id}/versions")).await;
    assert_eq!(history.body["versions"].as_array().unwrap().len(), 17);
    let current = server.get(&format!("/tables/{id}")).await;
    assert_eq!(current.body["version"], json!(1.7));
}

#[tokio::test]
async fn bot_puts_keep_curated_fields() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let mut body = table_body(&schema, "orders");
    body["description"] = json!("curated by a person");
    body["tags"] = json!([{"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed"}]);
    server.put("/tables", &body).await;

    let mut rerun = table_body(&schema, "orders");
    rerun["description"] = json!("from the source");
    rerun["sourceHash"] = json!("0000");
    let answer = server.put("/tables", &rerun).await;
    assert_eq!(answer.body["description"], "curated by a person");
    assert_eq!(answer.body["tags"][0]["tagFQN"], "PII.Sensitive");
    assert_eq!(answer.body["sourceHash"], "0000");
}
