//! Tags: `PATCH /tables/{id}` with a JSON Patch of tags and descriptions, the built-in `PII`
//! classification and its tags, and PUTs that keep the tags a patch added.

use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Answer, Server, encode, send, table_body};

fn label(fqn: &str) -> Value {
    json!({"tagFQN": fqn, "source": "Classification", "labelType": "Generated", "state": "Suggested",
           "reason": "the values look like email addresses"})
}

async fn patch(server: &Server, id: &str, body: &Value) -> Answer {
    send(
        server
            .request(Method::PATCH, &format!("/tables/{id}"))
            .header("content-type", "application/json-patch+json")
            .body(body.to_string()),
    )
    .await
}

/// A server holding `orders` (its schema FQN and id).
async fn setup() -> (Server, String, String) {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    (server, schema, table["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_patch_adds_column_tags_and_descriptions_as_a_new_version() {
    let (server, schema, id) = setup().await;
    let ops = json!([
        {"op": "add", "path": "/columns/2/tags", "value": [label("PII.Sensitive")]},
        {"op": "add", "path": "/tags/-", "value": label("PII.NonSensitive")},
        {"op": "add", "path": "/description", "value": "Orders of customers."},
    ]);
    let answer = patch(&server, &id, &ops).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["x-openmetadata-change"], "entityUpdated");
    assert_eq!(answer.body["version"], json!(0.2));
    assert_eq!(
        answer.body["columns"][2]["tags"],
        json!([label("PII.Sensitive")])
    );

    let read = server
        .get(&format!(
            "/tables/name/{}?fields=columns,tags",
            encode("svc.default.default.orders")
        ))
        .await;
    assert_eq!(
        read.body["columns"][2]["tags"],
        json!([label("PII.Sensitive")])
    );
    assert_eq!(read.body["tags"], json!([label("PII.NonSensitive")]));
    assert_eq!(read.body["description"], "Orders of customers.");
    assert!(read.body["columns"][0].get("tags").is_none());

    // A second tag on the same column, and the history says what changed.
    let more = json!([{"op": "add", "path": "/columns/2/tags/-", "value": label("Tier.Tier1")}]);
    assert_eq!(patch(&server, &id, &more).await.body["version"], json!(0.3));
    let versions = server.get(&format!("/tables/{id}/versions")).await;
    let latest: Value =
        serde_json::from_str(versions.body["versions"][0].as_str().unwrap()).unwrap();
    assert_eq!(
        latest["changeDescription"]["fieldsUpdated"][0]["name"],
        "columns.note.tags"
    );

    // A patch that changes nothing is no new version.
    let same = json!([{"op": "test", "path": "/name", "value": "orders"}]);
    let answer = patch(&server, &id, &same).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["x-openmetadata-change"], "entityNoChange");
    assert_eq!(answer.body["version"], json!(0.3));

    // The upstream source's PUT of the same table keeps the tags, and so does a changed one.
    let again = server.put("/tables", &table_body(&schema, "orders")).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["version"], json!(0.3));
    let mut changed = table_body(&schema, "orders");
    changed["sourceHash"] = json!("another");
    changed["columns"][2]["description"] = json!("free text");
    let answer = server.put("/tables", &changed).await;
    assert_eq!(answer.body["version"], json!(0.4), "{}", answer.body);
    assert_eq!(
        answer.body["columns"][2]["tags"],
        json!([label("PII.Sensitive"), label("Tier.Tier1")])
    );
    let bulk = server.put("/tables/bulk", &json!([changed])).await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.body);
    let read = server.get(&format!("/tables/{id}?fields=columns")).await;
    assert_eq!(
        read.body["columns"][2]["tags"][0]["tagFQN"],
        "PII.Sensitive"
    );
    server.assert_intact();
}

#[tokio::test]
async fn patches_need_json_patch_known_paths_and_a_known_table() {
    let (server, _, id) = setup().await;
    let before = server.footprint();
    let ops = json!([{"op": "add", "path": "/columns/0/tags", "value": [label("PII.Sensitive")]}]);
    let wrong_type = send(
        server
            .request(Method::PATCH, &format!("/tables/{id}"))
            .json(&ops),
    )
    .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    for (path, value) in [
        ("/name", json!("renamed")),
        ("/columns/0/name", json!("renamed")),
        ("/columns/-", json!({"name": "x", "dataType": "INT"})),
        ("/owners", json!([])),
    ] {
        let answer = patch(
            &server,
            &id,
            &json!([{"op": "add", "path": path, "value": value}]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        let message = answer.body["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("cannot patch {path}")),
            "{message}"
        );
    }
    let moved = json!([{"op": "move", "from": "/name", "path": "/description"}]);
    assert_eq!(
        patch(&server, &id, &moved).await.status,
        StatusCode::BAD_REQUEST
    );
    let not_a_label = json!([{"op": "add", "path": "/columns/0/tags", "value": [{"tagFQN": 1}]}]);
    let answer = patch(&server, &id, &not_a_label).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap()
            .contains("/columns/0/tags")
    );
    let no_column = json!([{"op": "add", "path": "/columns/9/tags", "value": []}]);
    assert_eq!(
        patch(&server, &id, &no_column).await.status,
        StatusCode::BAD_REQUEST
    );
    let failed_test = json!([
        {"op": "add", "path": "/description", "value": "x"},
        {"op": "test", "path": "/name", "value": "other"},
    ]);
    assert_eq!(
        patch(&server, &id, &failed_test).await.status,
        StatusCode::BAD_REQUEST
    );

    let unknown = patch(&server, "00000000-0000-4000-8000-000000000000", &ops).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let anonymous = send(
        server
            .client
            .patch(format!("{}/tables/{id}", server.api))
            .header("content-type", "application/json-patch+json")
            .body(ops.to_string()),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(server.footprint(), before);
}

#[tokio::test]
async fn the_pii_classification_and_its_tags_are_built_in() {
    let server = Server::start().await;
    let pii = server.get("/classifications/name/PII").await;
    assert_eq!(pii.status, StatusCode::OK);
    assert_eq!(pii.body["fullyQualifiedName"], "PII");
    assert_eq!(pii.body["mutuallyExclusive"], true);
    let by_id = server
        .get(&format!(
            "/classifications/{}",
            pii.body["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_id.body, pii.body);
    let list = server
        .get("/classifications?limit=10&fields=termCount")
        .await;
    assert_eq!(list.body["data"][0]["id"], pii.body["id"]);
    assert_eq!(list.body["paging"]["total"], 1);

    for name in ["Sensitive", "NonSensitive"] {
        let tag = server.get(&format!("/tags/name/PII.{name}")).await;
        assert_eq!(tag.status, StatusCode::OK);
        assert_eq!(tag.body["name"], name);
        assert_eq!(tag.body["classification"]["id"], pii.body["id"]);
        assert!(!tag.body["description"].as_str().unwrap().is_empty());
        let by_id = server
            .get(&format!("/tags/{}", tag.body["id"].as_str().unwrap()))
            .await;
        assert_eq!(by_id.body, tag.body);
    }
    let tags = server.get("/tags?parent=PII&limit=100").await;
    let names: Vec<&str> = tags.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["fullyQualifiedName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["PII.Sensitive", "PII.NonSensitive"]);
    assert_eq!(
        server.get("/tags?parent=Tier").await.body["data"],
        json!([])
    );
    assert_eq!(
        server.get("/tags/name/PII.Other").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.get("/classifications/name/Tier").await.status,
        StatusCode::NOT_FOUND
    );
    let anonymous = send(
        server
            .client
            .get(format!("{}/tags/name/PII.Sensitive", server.api)),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

/// Hostile patch bodies: any bytes, and patches of any op at any path, answer JSON and never
/// a server error.
#[test]
fn hostile_patch_bodies_never_fail_the_server() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (server, _, id) = runtime.block_on(setup());
    let op = prop_oneof![
        Just("add"),
        Just("remove"),
        Just("replace"),
        Just("move"),
        Just("copy"),
        Just("test"),
        Just("x")
    ];
    let token = prop_oneof![
        Just("columns".to_string()),
        Just("children".to_string()),
        Just("tags".to_string()),
        Just("description".to_string()),
        Just("-".to_string()),
        Just("0".to_string()),
        Just("2".to_string()),
        Just("99999999999999999999".to_string()),
        Just("~1".to_string()),
        ".*"
    ];
    let value = prop_oneof![
        Just(json!(null)),
        Just(json!([])),
        Just(json!({})),
        Just(json!("text")),
        Just(label("PII.Sensitive")),
        Just(json!([label("PII.Sensitive")])),
        Just(json!(1e308))
    ];
    let operation = (op, prop::collection::vec(token.clone(), 0..6), prop::collection::vec(token, 0..6), value)
        .prop_map(|(op, path, from, value)| {
            json!({"op": op, "path": format!("/{}", path.join("/")), "from": format!("/{}", from.join("/")), "value": value})
        });
    let bodies = prop_oneof![
        prop::collection::vec(operation, 0..5)
            .prop_map(|ops| Value::Array(ops).to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
    ];
    proptest!(ProptestConfig::with_cases(64), |(body in bodies)| {
        let answer = runtime.block_on(send(
            server
                .request(Method::PATCH, &format!("/tables/{id}"))
                .header("content-type", "application/json-patch+json")
                .body(body),
        ));
        prop_assert!(!answer.status.is_server_error(), "{}", answer.body);
    });
    server.assert_intact();
}
