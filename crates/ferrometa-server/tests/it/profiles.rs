//! The profiler's routes: table profiles (latest, history, per column) and sample data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Server, encode, send};

const ORDERS: &str = "svc.default.default.orders";

/// A server holding the `orders` table, and its id.
async fn setup() -> (Server, String) {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    let id = table["id"].as_str().unwrap().to_string();
    (server, id)
}

/// A `CreateTableProfileRequest` as the upstream profiler sends it.
fn profile(timestamp: i64, rows: u64) -> Value {
    json!({
        "tableProfile": {"timestamp": timestamp, "rowCount": rows, "columnCount": 3, "profileSample": 50.5,
                         "profileSampleType": "PERCENTAGE"},
        "columnProfile": [
            {"name": "amount", "timestamp": timestamp, "nullCount": rows / 10, "mean": 2.5, "min": 1, "max": 9.75},
            {"name": "pk", "timestamp": timestamp, "uniqueCount": rows, "uniqueProportion": 1.0}
        ],
        "systemProfile": [{"timestamp": timestamp, "operation": "INSERT", "rowsAffected": rows}]
    })
}

fn timestamps(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["timestamp"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_profile_round_trips_and_answers_the_table() {
    let (server, id) = setup().await;
    let body = profile(1_000, 10);
    let answer = server
        .put(&format!("/tables/{id}/tableProfile"), &body)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["id"], id);
    assert_eq!(answer.body["fullyQualifiedName"], ORDERS);
    assert_eq!(answer.body["profile"], body["tableProfile"]);
    // A profile is no change of the table.
    assert_eq!(answer.body["version"], json!(0.1));

    let latest = server
        .get(&format!("/tables/{}/tableProfile/latest", encode(ORDERS)))
        .await;
    assert_eq!(latest.status, StatusCode::OK, "{}", latest.body);
    assert_eq!(latest.body["profile"], body["tableProfile"]);
    let columns = latest.body["columns"].as_array().unwrap();
    assert_eq!(columns[0]["profile"], body["columnProfile"][1]);
    assert_eq!(columns[1]["profile"], body["columnProfile"][0]);
    assert_eq!(columns[1]["profile"]["max"], json!(9.75));
    assert!(columns[2].get("profile").is_none(), "note has no profile");
}

#[tokio::test]
async fn history_is_newest_first_within_the_range_and_limit() {
    let (server, id) = setup().await;
    for (timestamp, rows) in [(2_000, 20), (1_000, 10), (4_000, 40), (3_000, 30)] {
        let answer = server
            .put(
                &format!("/tables/{id}/tableProfile"),
                &profile(timestamp, rows),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
    let path = format!("/tables/{}/tableProfile", encode(ORDERS));
    let all = server
        .get(&format!("{path}?startTs=0&endTs=9999&limit=100"))
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(timestamps(&all.body), vec![4_000, 3_000, 2_000, 1_000]);
    assert_eq!(all.body["paging"], json!({"total": 4}));
    assert_eq!(all.body["data"][0], profile(4_000, 40)["tableProfile"]);

    let ranged = server.get(&format!("{path}?startTs=2000&endTs=3000")).await;
    assert_eq!(timestamps(&ranged.body), vec![3_000, 2_000]);
    let limited = server
        .get(&format!("{path}?startTs=0&endTs=9999&limit=1"))
        .await;
    assert_eq!(timestamps(&limited.body), vec![4_000]);
    assert_eq!(limited.body["paging"]["total"], 4);

    let column = format!(
        "/tables/{}/columnProfile?startTs=1500&endTs=3000",
        encode(&format!("{ORDERS}.amount"))
    );
    let column = server.get(&column).await;
    assert_eq!(column.status, StatusCode::OK, "{}", column.body);
    assert_eq!(timestamps(&column.body), vec![3_000, 2_000]);
    assert_eq!(column.body["data"][0]["nullCount"], 3);
    assert_eq!(column.body["paging"]["total"], 2);

    let missing = server.get(&format!("{path}?endTs=9999")).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(
        missing.body["message"]
            .as_str()
            .unwrap()
            .contains("startTs"),
        "{}",
        missing.body
    );
}

#[tokio::test]
async fn a_profile_at_the_same_timestamp_replaces_it() {
    let (server, id) = setup().await;
    let path = format!("/tables/{id}/tableProfile");
    server.put(&path, &profile(1_000, 10)).await;
    let again = server.put(&path, &profile(1_000, 77)).await;
    assert_eq!(again.body["profile"]["rowCount"], 77);
    let history = server
        .get(&format!(
            "/tables/{}/tableProfile?startTs=0&endTs=9999",
            encode(ORDERS)
        ))
        .await;
    assert_eq!(history.body["paging"]["total"], 1);
    assert_eq!(history.body["data"][0]["rowCount"], 77);
}

#[tokio::test]
async fn bodies_are_checked_strictly() {
    let (server, id) = setup().await;
    let path = format!("/tables/{id}/tableProfile");
    let before = server.footprint();
    let mut unknown = profile(1_000, 10);
    unknown["colour"] = json!("red");
    let cases = [
        (unknown, "unknown field `colour`"),
        (
            json!({"tableProfile": {"rowCount": 1}}),
            "tableProfile: missing field `timestamp`",
        ),
        (json!({"columnProfile": []}), "missing field `tableProfile`"),
        (
            json!({"tableProfile": {"timestamp": "yesterday"}}),
            "tableProfile.timestamp",
        ),
        (
            json!({"tableProfile": {"timestamp": 1}, "columnProfile": [{"name": "pk"}]}),
            "columnProfile[0]: missing field `timestamp`",
        ),
    ];
    for (body, message) in cases {
        let answer = server.put(&path, &body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        let text = answer.body["message"].as_str().unwrap();
        assert!(
            text.starts_with("invalid CreateTableProfileRequest") && text.contains(message),
            "{text}"
        );
    }
    let bad_sample = server
        .put(
            &format!("/tables/{id}/sampleData"),
            &json!({"columns": ["pk"], "rows": [], "extra": 1}),
        )
        .await;
    assert_eq!(bad_sample.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_sample.body["message"]
            .as_str()
            .unwrap()
            .contains("`extra`")
    );
    let bad_column = server
        .put(
            &format!("/tables/{id}/sampleData"),
            &json!({"columns": ["nope"], "rows": [["x"]]}),
        )
        .await;
    assert_eq!(bad_column.status, StatusCode::BAD_REQUEST);
    assert_eq!(server.footprint(), before);
}

#[tokio::test]
async fn sample_data_round_trips() {
    let (server, id) = setup().await;
    let path = format!("/tables/{id}/sampleData");
    let empty = server.get(&path).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.get("sampleData").is_none());

    let data = json!({"columns": ["pk", "amount"], "rows": [["a", 1], ["b", 2.5], ["c", null]]});
    let answer = server.put(&path, &data).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["sampleData"], data);
    assert_eq!(answer.body["id"], id);
    assert_eq!(server.get(&path).await.body["sampleData"], data);
    let asked = server.get(&format!("/tables/{id}?fields=sampleData")).await;
    assert_eq!(asked.body["sampleData"], data);
    assert!(
        server
            .get(&format!("/tables/{id}"))
            .await
            .body
            .get("sampleData")
            .is_none()
    );

    let newer = json!({"columns": ["note"], "rows": [["hello"]]});
    server.put(&path, &newer).await;
    assert_eq!(server.get(&path).await.body["sampleData"], newer);
}

#[tokio::test]
async fn writes_need_a_token() {
    let (server, id) = setup().await;
    for (path, body) in [
        (format!("/tables/{id}/tableProfile"), profile(1, 1)),
        (
            format!("/tables/{id}/sampleData"),
            json!({"columns": [], "rows": []}),
        ),
    ] {
        let answer = send(
            server
                .client
                .put(format!("{}{path}", server.api))
                .json(&body),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let read = send(server.client.get(format!(
        "{}/tables/{}/tableProfile/latest",
        server.api,
        encode(ORDERS)
    )))
    .await;
    assert_eq!(read.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_tables_and_columns_are_404() {
    let (server, id) = setup().await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    let missing = "svc.default.default.missing";
    let cases = [
        server
            .put(&format!("/tables/{unknown}/tableProfile"), &profile(1, 1))
            .await,
        server
            .put(
                &format!("/tables/{unknown}/sampleData"),
                &json!({"columns": [], "rows": []}),
            )
            .await,
        server.get(&format!("/tables/{unknown}/sampleData")).await,
        server
            .get(&format!("/tables/{}/tableProfile/latest", encode(missing)))
            .await,
        server
            .get(&format!(
                "/tables/{}/tableProfile?startTs=0&endTs=1",
                encode(missing)
            ))
            .await,
        server
            .get(&format!(
                "/tables/{}/columnProfile?startTs=0&endTs=1",
                encode(&format!("{missing}.pk"))
            ))
            .await,
        server
            .get(&format!(
                "/tables/{}/columnProfile?startTs=0&endTs=1",
                encode(&format!("{ORDERS}.nope"))
            ))
            .await,
    ];
    for answer in cases {
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.body);
    }

    // A soft-deleted table is not found, and keeps its profile for a restore.
    server
        .put(&format!("/tables/{id}/tableProfile"), &profile(5, 50))
        .await;
    assert_eq!(
        server.delete(&format!("/tables/{id}")).await.status,
        StatusCode::OK
    );
    let latest = format!("/tables/{}/tableProfile/latest", encode(ORDERS));
    assert_eq!(server.get(&latest).await.status, StatusCode::NOT_FOUND);
    let restored = server.put("/tables/restore", &json!({"id": id})).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(server.get(&latest).await.body["profile"]["rowCount"], 50);
}

#[tokio::test]
async fn quoted_fqns_find_their_table_and_column() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let mut body = crate::harness::table_body(&schema, "a.b");
    body["columns"][1]["name"] = json!("x.y");
    let created = server.put("/tables", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    let request = json!({
        "tableProfile": {"timestamp": 7, "rowCount": 1},
        "columnProfile": [{"name": "x.y", "timestamp": 7, "nullCount": 0}]
    });
    server
        .put(&format!("/tables/{id}/tableProfile"), &request)
        .await;
    let column = r#"svc.default.default."a.b"."x.y""#;
    let answer = server
        .get(&format!(
            "/tables/{}/columnProfile?startTs=0&endTs=10",
            encode(column)
        ))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(timestamps(&answer.body), vec![7]);
}

#[tokio::test]
async fn profiles_survive_a_restart() {
    let (server, id) = setup().await;
    server
        .put(&format!("/tables/{id}/tableProfile"), &profile(1_000, 10))
        .await;
    let data = json!({"columns": ["pk"], "rows": [["a"]]});
    server.put(&format!("/tables/{id}/sampleData"), &data).await;
    let dir = server.stop().await;

    let server = Server::start_in(dir, |_| {}).await;
    let latest = server
        .get(&format!("/tables/{}/tableProfile/latest", encode(ORDERS)))
        .await;
    assert_eq!(latest.body["profile"], profile(1_000, 10)["tableProfile"]);
    assert_eq!(
        server.get(&format!("/tables/{id}/sampleData")).await.body["sampleData"],
        data
    );
    server.assert_intact();
}
