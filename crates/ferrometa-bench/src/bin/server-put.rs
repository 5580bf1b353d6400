//! Throughput of the write and read paths over loopback, with a real HTTP client.
//!
//! ```sh
//! cargo run --release -p ferrometa-bench --bin server-put -- [TABLES] [CONCURRENCY]
//! ```
//!
//! Starts a server on a temporary catalog, then times, for TABLES tables (default 2000) and
//! CONCURRENCY requests in flight (default 8): PUT creating each table, PUT of the same
//! bodies (unchanged), PUT with a new description (a new version each), GET by FQN, and
//! bulk PUT in batches of 100 (the upstream client's batch size).

use std::time::Instant;

use ferrometa_server::ServerConfig;
use futures::StreamExt;
use serde_json::{Value, json};

fn table(name: &str, description: Option<&str>) -> Value {
    let mut body = json!({
        "name": name,
        "tableType": "Regular",
        "columns": (0..12).map(|i| json!({
            "name": format!("attr_{i}"), "displayName": format!("attr_{i}"),
            "dataType": if i == 0 { "STRING" } else { "INT" }, "dataTypeDisplay": "INT"
        })).collect::<Vec<_>>(),
        "databaseSchema": "bench.default.default",
        "sourceUrl": format!("https://console.aws.amazon.com/dynamodbv2/home#table?name={name}"),
    });
    if let Some(description) = description {
        body["description"] = description.into();
    }
    body
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let tables: usize = args
        .next()
        .map_or(2000, |a| a.parse().expect("TABLES is a number"));
    let concurrency: usize = args
        .next()
        .map_or(8, |a| a.parse().expect("CONCURRENCY is a number"));

    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db");
    let mut config = ServerConfig::new(&catalog);
    config.bind = "127.0.0.1:0".parse().unwrap();
    let token =
        ferrometa_server::mint_token(&ferrometa_server::default_key_file(&catalog), "bench", None)
            .unwrap();
    let server = ferrometa_server::bind(config).await.unwrap();
    let api = format!("http://{}/api/v1", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();

    let put = |path: &str, body: Value| {
        client
            .put(format!("{api}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    assert!(
        put(
            "/services/databaseServices",
            json!({"name": "bench", "serviceType": "DynamoDB"})
        )
        .await
        .unwrap()
        .status()
        .is_success()
    );
    assert!(
        put("/databases", json!({"name": "default", "service": "bench"}))
            .await
            .unwrap()
            .status()
            .is_success()
    );
    assert!(
        put(
            "/databaseSchemas",
            json!({"name": "default", "database": "bench.default"})
        )
        .await
        .unwrap()
        .status()
        .is_success()
    );

    let names: Vec<String> = (0..tables).map(|i| format!("table_{i:06}")).collect();
    let phases: [(&str, Option<&str>, u16); 3] = [
        ("PUT create", None, 201),
        ("PUT unchanged", None, 200),
        ("PUT new version", Some("changed"), 200),
    ];
    for (phase, description, expected) in phases {
        let started = Instant::now();
        futures::stream::iter(names.iter())
            .map(|name| put("/tables", table(name, description)))
            .buffer_unordered(concurrency)
            .for_each(|response| async move {
                assert_eq!(response.unwrap().status().as_u16(), expected);
            })
            .await;
        report(phase, tables, started);
    }

    let started = Instant::now();
    futures::stream::iter(names.iter())
        .map(|name| {
            client
                .get(format!("{api}/tables/name/bench.default.default.{name}"))
                .bearer_auth(&token)
                .send()
        })
        .buffer_unordered(concurrency)
        .for_each(|response| async move {
            assert_eq!(response.unwrap().status().as_u16(), 200);
        })
        .await;
    report("GET by FQN", tables, started);

    let started = Instant::now();
    let batches: Vec<Value> = names
        .chunks(100)
        .map(|chunk| {
            Value::Array(
                chunk
                    .iter()
                    .map(|name| table(&format!("bulk_{name}"), None))
                    .collect(),
            )
        })
        .collect();
    futures::stream::iter(batches)
        .map(|batch| put("/tables/bulk?async=false&overrideMetadata=false", batch))
        .buffer_unordered(concurrency.min(4))
        .for_each(|response| async move {
            let result: Value = response.unwrap().json().await.unwrap();
            assert_eq!(result["numberOfRowsFailed"], 0);
        })
        .await;
    report("bulk PUT create (tables)", tables, started);

    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}

fn report(phase: &str, count: usize, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{phase:<26} {count:>6} in {seconds:>6.2} s = {:>7.0}/s",
        count as f64 / seconds
    );
}
