//! The profiler's routes: table profiles (latest, history, per column) and sample data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Server, encode, send};

const ORDERS: &str = "svc.default.default.orders";
/// The profiles' timestamps are offsets from this one, in epoch milliseconds.
const T: i64 = 1_700_000_000_000;

/// A server holding the `orders` table, and its id.
async fn setup() -> (Server, String) {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    let id = table["id"].as_str().unwrap().to_string();
    (server, id)
}

/// A `CreateTableProfileRequest` as the upstream profiler sends it.
fn profile(offset: i64, rows: u64) -> Value {
    let timestamp = T + offset;
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
        .map(|p| p["timestamp"].as_i64().unwrap() - T)
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
        .get(&format!("{path}?startTs={T}&endTs={}&limit=100", T + 9999))
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(timestamps(&all.body), vec![4_000, 3_000, 2_000, 1_000]);
    assert_eq!(all.body["paging"], json!({"total": 4}));
    assert_eq!(all.body["data"][0], profile(4_000, 40)["tableProfile"]);

    let ranged = server
        .get(&format!("{path}?startTs={}&endTs={}", T + 2000, T + 3000))
        .await;
    assert_eq!(timestamps(&ranged.body), vec![3_000, 2_000]);
    let limited = server
        .get(&format!("{path}?startTs={T}&endTs={}&limit=1", T + 9999))
        .await;
    assert_eq!(timestamps(&limited.body), vec![4_000]);
    assert_eq!(limited.body["paging"]["total"], 4);

    let column = format!(
        "/tables/{}/columnProfile?startTs={}&endTs={}",
        encode(&format!("{ORDERS}.amount")),
        T + 1500,
        T + 3000
    );
    let column = server.get(&column).await;
    assert_eq!(column.status, StatusCode::OK, "{}", column.body);
    assert_eq!(timestamps(&column.body), vec![3_000, 2_000]);
    assert_eq!(column.body["data"][0]["nullCount"], 3);
    assert_eq!(column.body["paging"]["total"], 2);

    let missing = server.get(&format!("{path}?endTs={}", T + 9999)).await;
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
            "/tables/{}/tableProfile?startTs={T}&endTs={}",
            encode(ORDERS),
            T + 9999
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
            json!({"tableProfile": {"timestamp": T}, "columnProfile": [{"name": "pk"}]}),
            "columnProfile[0]: missing field `timestamp`",
        ),
        // Seconds, not milliseconds, as OpenMetadata refuses them.
        (
            json!({"tableProfile": {"timestamp": T / 1000}}),
            "tableProfile.timestamp: 1700000000 is not a timestamp in milliseconds",
        ),
        (
            json!({"tableProfile": {"timestamp": T}, "systemProfile": [{"operation": "INSERT"}]}),
            "systemProfile[0]: missing field `timestamp`",
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
    let mut unknown_column = profile(1_000, 10);
    unknown_column["columnProfile"][0]["name"] = json!("nope");
    let answer = server.put(&path, &unknown_column).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body["message"], "invalid column name nope");
    // An integral float is a timestamp like any other.
    let mut float = profile(1_000, 10);
    float["tableProfile"]["timestamp"] = json!((T + 1_000) as f64);
    assert_eq!(server.put(&path, &float).await.status, StatusCode::OK);
    let history = server
        .get(&format!(
            "/tables/{}/tableProfile?startTs={T}&endTs={}",
            encode(ORDERS),
            T + 9999
        ))
        .await;
    assert_eq!(timestamps(&history.body), vec![1_000]);
    assert_eq!(server.footprint(), before, "profiles are no entity change");
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

    // A soft-deleted table takes no profile or sample, and keeps those it has: the profile
    // reads still find it, as OpenMetadata's do.
    server
        .put(&format!("/tables/{id}/tableProfile"), &profile(5, 50))
        .await;
    assert_eq!(
        server.delete(&format!("/tables/{id}")).await.status,
        StatusCode::OK
    );
    let refused = server
        .put(&format!("/tables/{id}/tableProfile"), &profile(6, 60))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let sample = server.get(&format!("/tables/{id}/sampleData")).await;
    assert_eq!(sample.status, StatusCode::NOT_FOUND);
    let latest = format!("/tables/{}/tableProfile/latest", encode(ORDERS));
    let deleted = server.get(&latest).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(
        (
            &deleted.body["deleted"],
            &deleted.body["profile"]["rowCount"]
        ),
        (&json!(true), &json!(50))
    );
    let restored = server.put("/tables/restore", &json!({"id": id})).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(server.get(&latest).await.body["profile"]["rowCount"], 50);
}

#[tokio::test]
async fn quoted_fqns_and_nested_columns_find_their_profiles() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let mut body = crate::harness::table_body(&schema, "a.b");
    body["columns"][1]["name"] = json!("x.y");
    body["columns"][2] = json!({"name": "address", "dataType": "STRUCT", "children": [
        {"name": "city", "dataType": "STRING"}
    ]});
    let created = server.put("/tables", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    let request = json!({
        "tableProfile": {"timestamp": T + 7, "rowCount": 1},
        "columnProfile": [
            {"name": "x.y", "timestamp": T + 7, "nullCount": 0},
            {"name": "address.city", "timestamp": T + 7, "distinctCount": 4}
        ]
    });
    let answer = server
        .put(&format!("/tables/{id}/tableProfile"), &request)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    for column in [
        r#"svc.default.default."a.b"."x.y""#,
        r#"svc.default.default."a.b".address.city"#,
    ] {
        let answer = server
            .get(&format!(
                "/tables/{}/columnProfile?startTs={T}&endTs={}",
                encode(column),
                T + 10
            ))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert_eq!(timestamps(&answer.body), vec![7], "{column}");
    }
    let latest = server
        .get(&format!(
            "/tables/{}/tableProfile/latest",
            encode(r#"svc.default.default."a.b""#)
        ))
        .await;
    let columns = &latest.body["columns"];
    assert_eq!(columns[1]["profile"]["nullCount"], 0);
    assert_eq!(columns[2]["children"][0]["profile"]["distinctCount"], 4);
    assert!(columns[2].get("profile").is_none());
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
