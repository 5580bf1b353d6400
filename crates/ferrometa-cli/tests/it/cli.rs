//! End-to-end tests of the `ferrometa` binary: a recipe file in, a catalog file out, against
//! a real DynamoDB-compatible endpoint over HTTP.

use std::path::{Path, PathBuf};

use crate::common::{Demo, Recipe, ferrometa};
use ferrometa_catalog::{Catalog, Filters, Include};
use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule};
use ferrometa_model::EntityType;
use serde_json::{Value, json};

/// The recipe of these tests, at debug level, written to `dir/recipe.yaml`, with `extra`
/// lines under sourceConfig.config.
fn recipe(dir: &Path, endpoint: &str, catalog: &Path, extra: &str) -> PathBuf {
    Recipe::new(endpoint)
        .session_token("not-a-session-token")
        .source_config(extra)
        .catalog(catalog)
        .logger_level("DEBUG")
        .write(&dir.join("recipe.yaml"))
}

fn tables(catalog: &Path, include: Include) -> Vec<Value> {
    let catalog = Catalog::open(catalog).unwrap();
    let filters = Filters {
        include,
        ..Filters::default()
    };
    catalog
        .list(EntityType::Table, &filters, 1000, None)
        .unwrap()
        .data
}

fn table(catalog: &Path, name: &str) -> Value {
    let fqn = format!("local_dynamodb.default.default.{name}");
    Catalog::open(catalog)
        .unwrap()
        .get_by_fqn(EntityType::Table, &fqn, Include::All)
        .unwrap()
        .expect("table in catalog")
}

fn status(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingests_the_demo_tables_and_a_rerun_writes_nothing() {
    let Demo {
        emulator,
        seeded,
        dir,
        catalog,
    } = Demo::start().await;
    let config = recipe(dir.path(), &emulator.endpoint(), &catalog, "");
    let status_file = dir.path().join("status.json");
    let status_arg = status_file.to_str().unwrap();

    let first = ferrometa(&[
        "ingest",
        "-c",
        config.to_str().unwrap(),
        "--status-json",
        status_arg,
    ])
    .await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("Workflow DynamoDB Summary:"),
        "{}",
        first.stderr
    );

    let names: Vec<String> = tables(&catalog, Include::NonDeleted)
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    let mut expected: Vec<String> = seeded.table_names().iter().map(|s| s.to_string()).collect();
    expected.sort();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, expected);

    let orders = table(&catalog, "orders");
    let constraints: Vec<&str> = orders["tableConstraints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["constraintType"].as_str().unwrap())
        .collect();
    assert_eq!(constraints, ["PRIMARY_KEY", "SORT_KEY"]);
    assert!(
        orders["columns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("constraint").is_none())
    );
    let dynamo = &orders["extension"]["dynamodb"];
    assert!(
        !dynamo["globalSecondaryIndexes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !dynamo["localSecondaryIndexes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        table(&catalog, "\"events.v2\"")["fullyQualifiedName"],
        "local_dynamodb.default.default.\"events.v2\""
    );

    let s = status(&status_file);
    assert_eq!(
        s["sink"]["records"].as_array().unwrap().len(),
        3 + seeded.tables.len()
    );
    assert!(s["readCapacity"].as_f64().unwrap() > 0.0);
    let per_table: f64 = s["readCapacityByTable"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert_eq!(
        s["readCapacityByTable"].as_object().unwrap().len(),
        seeded.tables.len()
    );
    assert!((per_table - s["readCapacity"].as_f64().unwrap()).abs() < 1e-6);

    let second = ferrometa(&[
        "ingest",
        "-c",
        config.to_str().unwrap(),
        "--status-json",
        status_arg,
    ])
    .await;
    assert_eq!(second.code, 0, "{}", second.stderr);
    let s = status(&status_file);
    assert_eq!(
        s["sink"]["records"].as_array().unwrap().len(),
        0,
        "a re-run creates nothing"
    );
    assert_eq!(
        s["sink"]["updatedRecords"].as_array().unwrap().len(),
        0,
        "a re-run updates nothing"
    );
    assert_eq!(s["sink"]["unchanged"], 3 + seeded.tables.len());
    assert!(
        tables(&catalog, Include::All)
            .iter()
            .all(|t| t["version"] == 0.1)
    );
    emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marks_dropped_tables_deleted_and_restores_them() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    for name in ["tab_1", "tab_2", "tab_3", "tab_4"] {
        ferrometa_emulator::create_simple_table(&client, name, "pk", None)
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db");
    let config = recipe(dir.path(), &emulator.endpoint(), &catalog, "");
    let config = config.to_str().unwrap();
    assert_eq!(ferrometa(&["ingest", "-c", config]).await.code, 0);

    client
        .delete_table()
        .table_name("tab_4")
        .send()
        .await
        .unwrap();
    let run = ferrometa(&["ingest", "-c", config]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(table(&catalog, "tab_4")["deleted"], true);
    assert_eq!(tables(&catalog, Include::NonDeleted).len(), 3);

    ferrometa_emulator::create_simple_table(&client, "tab_4", "pk", None)
        .await
        .unwrap();
    assert_eq!(ferrometa(&["ingest", "-c", config]).await.code, 0);
    assert_eq!(table(&catalog, "tab_4")["deleted"], false);
    emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_deletes_when_listing_fails_or_too_much_would_go() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    for name in ["app_1", "app_2", "app_3", "app_4"] {
        ferrometa_emulator::create_simple_table(&client, name, "pk", None)
            .await
            .unwrap();
    }
    let proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db");
    let config = recipe(dir.path(), &proxy.endpoint(), &catalog, "");
    let config = config.to_str().unwrap();
    assert_eq!(ferrometa(&["ingest", "-c", config]).await.code, 0);

    // ListTables fails (after the connection check): the run fails, nothing is deleted.
    proxy.add_rule(
        FaultRule::new("DynamoDB_20120810.ListTables")
            .from_nth(1)
            .respond(FaultResponse::internal_error()),
    );
    let run = ferrometa(&["ingest", "-c", config]).await;
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert_eq!(tables(&catalog, Include::NonDeleted).len(), 4);
    proxy.clear_rules();

    // Three of four tables gone: above the default share of one half, so refused.
    for name in ["app_2", "app_3", "app_4"] {
        client.delete_table().table_name(name).send().await.unwrap();
    }
    let run = ferrometa(&["ingest", "-c", config]).await;
    assert!(run.stderr.contains("markDeletedForce"), "{}", run.stderr);
    assert_eq!(tables(&catalog, Include::NonDeleted).len(), 4);
    proxy.stop().await;
    emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_table_is_reported_and_the_threshold_decides_the_exit_code() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let names: Vec<String> = (0..12).map(|i| format!("tbl_{i:02}")).collect();
    for name in &names {
        ferrometa_emulator::create_simple_table(&client, name, "pk", None)
            .await
            .unwrap();
    }
    let proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    proxy.add_rule(
        FaultRule::new("DynamoDB_20120810.DescribeTable")
            .table("tbl_05")
            .respond(FaultResponse::access_denied()),
    );
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db");
    let status_file = dir.path().join("status.json");

    // 3 + 11 entities and one failure: 93% passes the default threshold of 90.
    let config = recipe(dir.path(), &proxy.endpoint(), &catalog, "");
    let run = ferrometa(&[
        "ingest",
        "-c",
        config.to_str().unwrap(),
        "--status-json",
        status_file.to_str().unwrap(),
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = status(&status_file);
    let failures = s["source"]["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0]["name"].as_str().unwrap().contains("tbl_05"));
    assert_eq!(tables(&catalog, Include::NonDeleted).len(), 11);

    // A stricter threshold turns the same run into a failure.
    let strict = recipe(dir.path(), &proxy.endpoint(), &catalog, "");
    let text = std::fs::read_to_string(&strict).unwrap().replace(
        "loggerLevel: DEBUG",
        "loggerLevel: INFO\n  successThreshold: 95",
    );
    std::fs::write(&strict, text).unwrap();
    let run = ferrometa(&["ingest", "-c", strict.to_str().unwrap()]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("reported errors"), "{}", run.stderr);
    proxy.stop().await;
    emulator.stop().await;
}

#[tokio::test]
async fn config_errors_name_file_line_and_field_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db");
    let config = recipe(
        dir.path(),
        "http://127.0.0.1:9",
        &catalog,
        "      tableFilterPatern:\n        includes: [a]",
    );
    let run = ferrometa(&["ingest", "-c", config.to_str().unwrap()]).await;
    assert_eq!(run.code, 1);
    let message = run.stderr.replace(dir.path().to_str().unwrap(), "[DIR]");
    insta::assert_snapshot!(message);
    assert!(!catalog.exists(), "a config error writes nothing");
}

#[tokio::test]
async fn validate_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let config = recipe(
        dir.path(),
        "http://127.0.0.1:9",
        &dir.path().join("c.db"),
        "",
    );
    let run = ferrometa(&["validate", "-c", config.to_str().unwrap()]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout.replace(dir.path().to_str().unwrap(), "[DIR]"));

    let schema = ferrometa(&["schema"]).await;
    let schema: Value = serde_json::from_str(&schema.stdout).unwrap();
    assert_eq!(schema["additionalProperties"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_reports_each_permission() {
    let emulator = Emulator::start().await.unwrap();
    ferrometa_emulator::create_simple_table(&emulator.client(), "only", "pk", None)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = recipe(
        dir.path(),
        &emulator.endpoint(),
        &dir.path().join("c.db"),
        "",
    );
    let run = ferrometa(&["test-connection", "-c", config.to_str().unwrap(), "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let checks: Value = serde_json::from_str(&run.stdout).unwrap();
    let actions: Vec<&str> = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    for action in [
        "dynamodb:ListTables",
        "dynamodb:DescribeTable",
        "dynamodb:Scan",
    ] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_commands_show_what_was_ingested() {
    let Demo {
        emulator,
        dir,
        catalog,
        ..
    } = Demo::start().await;
    let config = recipe(dir.path(), &emulator.endpoint(), &catalog, "");
    assert_eq!(
        ferrometa(&["ingest", "-c", config.to_str().unwrap()])
            .await
            .code,
        0
    );
    let c = catalog.to_str().unwrap();

    let list = ferrometa(&["catalog", "--catalog", c, "list", "--name", "ord"]).await;
    assert_eq!(list.code, 0, "{}", list.stderr);
    insta::assert_snapshot!("catalog_list", list.stdout);
    let show = ferrometa(&[
        "catalog",
        "--catalog",
        c,
        "show",
        "local_dynamodb.default.default.orders",
    ])
    .await;
    assert_eq!(show.code, 0, "{}", show.stderr);
    insta::assert_snapshot!("catalog_show_orders", show.stdout);

    // The classifier's tag shows on its column, and a later metadata run keeps it.
    let tag: ferrometa_model::TagLabel = serde_json::from_value(serde_json::json!({
        "tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Generated",
        "state": "Suggested"
    }))
    .unwrap();
    let outcome = ferrometa_catalog::Catalog::open(&catalog)
        .unwrap()
        .add_column_tags(
            "local_dynamodb.default.default.orders",
            &[ferrometa_model::ColumnTag {
                column: "local_dynamodb.default.default.orders.notes".into(),
                tag,
            }],
            "classifier",
        )
        .unwrap();
    assert_eq!(outcome, ferrometa_model::WriteOutcome::Updated);
    for _ in 0..2 {
        let show = ferrometa(&[
            "catalog",
            "--catalog",
            c,
            "show",
            "local_dynamodb.default.default.orders",
        ])
        .await;
        assert_eq!(show.code, 0, "{}", show.stderr);
        assert!(
            show.stdout
                .starts_with("local_dynamodb.default.default.orders  v0.2\n"),
            "{}",
            show.stdout
        );
        assert!(
            show.stdout.contains(
                "\n  ├─ notes: string  #PII.Sensitive  — present in 20 of 60 sampled items (33%)\n"
            ),
            "{}",
            show.stdout
        );
        assert_eq!(
            ferrometa(&["ingest", "-c", config.to_str().unwrap()])
                .await
                .code,
            0
        );
    }
    let history = ferrometa(&[
        "catalog",
        "--catalog",
        c,
        "history",
        "local_dynamodb.default.default.orders",
        "--json",
    ])
    .await;
    let versions: Value = serde_json::from_str(&history.stdout).unwrap();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    // A single-table design: its entity types, and one of them as a tree.
    let app = "local_dynamodb.default.default.app_data";
    let show = ferrometa(&["catalog", "--catalog", c, "show", app]).await;
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        show.stdout.contains(
            "  Entity types (single-table design):\n    ORDER  100 items (62%)  entity_type = ORDER\n"
        ),
        "{}",
        show.stdout
    );
    let user = ferrometa(&["catalog", "--catalog", c, "show", app, "--entity", "USER"]).await;
    assert_eq!(user.code, 0, "{}", user.stderr);
    insta::assert_snapshot!("catalog_show_entity_user", user.stdout);
    let json = ferrometa(&[
        "catalog",
        "--catalog",
        c,
        "show",
        app,
        "--entity",
        "USER",
        "--json",
    ])
    .await;
    let entity: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(entity["sampledItems"], 40);
    let unknown = ferrometa(&["catalog", "--catalog", c, "show", app, "--entity", "GAME"]).await;
    assert_eq!(unknown.code, 1);
    assert!(
        unknown
            .stderr
            .contains("has no entity type `GAME`: its entity types are ORDER, PRODUCT, USER"),
        "{}",
        unknown.stderr
    );
    // The latest profile, as a profiler would have sent it to `ferrometa serve`.
    let orders = "local_dynamodb.default.default.orders";
    let none = ferrometa(&["catalog", "--catalog", c, "profile", orders]).await;
    assert_eq!(none.code, 1);
    assert!(
        none.stderr.contains("has no profile yet"),
        "{}",
        none.stderr
    );
    {
        let mut store = Catalog::open(&catalog).unwrap();
        let table = store
            .get_by_fqn(EntityType::Table, orders, Include::All)
            .unwrap()
            .unwrap();
        let id = table["id"].as_str().unwrap().to_string();
        for (timestamp, rows) in [(1_764_000_000_000i64, 50), (1_764_800_000_000, 60)] {
            let profile = ferrometa_catalog::TableProfile::new(
                json!({"timestamp": timestamp, "rowCount": rows, "columnCount": 7}),
                vec![
                    json!({"name": "customer_id", "timestamp": timestamp, "valuesCount": rows, "nullCount": 0, "missingCount": 0, "distinctCount": 12}),
                    json!({"name": "total", "timestamp": timestamp, "valuesCount": rows - 2, "nullCount": 0, "missingCount": 2, "min": 3.5, "max": 990, "mean": 120.125}),
                ],
                Vec::new(),
            )
            .unwrap();
            store.put_table_profile(&id, &profile).unwrap();
        }
    }
    let profile = ferrometa(&["catalog", "--catalog", c, "profile", orders]).await;
    assert_eq!(profile.code, 0, "{}", profile.stderr);
    insta::assert_snapshot!("catalog_profile_orders", profile.stdout);
    let json = ferrometa(&["catalog", "--catalog", c, "profile", orders, "--json"]).await;
    let latest: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(latest["tableProfile"]["rowCount"], 60);
    let missing = ferrometa(&["catalog", "--catalog", c, "show", "nope"]).await;
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("no table `nope`"),
        "{}",
        missing.stderr
    );

    let sound = ferrometa(&["catalog", "--catalog", c, "check"]).await;
    assert_eq!(sound.code, 0, "{}", sound.stderr);
    assert_eq!(sound.stdout, format!("{c}: ok\n"));
    // A table whose schema row is gone, written behind the catalog's back.
    let conn = rusqlite::Connection::open(&catalog).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn.execute(
        "UPDATE entity SET parent_id = 'gone' WHERE fqn = 'local_dynamodb.default.default.orders'",
        [],
    )
    .unwrap();
    drop(conn);
    let broken = ferrometa(&["catalog", "--catalog", c, "check", "--json"]).await;
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    let report: Value = serde_json::from_str(&broken.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["problems"].as_array().unwrap().len(), 1, "{report}");
    assert!(
        broken.stderr.contains("has 1 problem(s)"),
        "{}",
        broken.stderr
    );
    let absent = dir.path().join("absent.db");
    let absent_run = ferrometa(&["catalog", "--catalog", absent.to_str().unwrap(), "check"]).await;
    assert_eq!(absent_run.code, 1);
    assert!(
        absent_run.stderr.contains("no catalog at"),
        "{}",
        absent_run.stderr
    );
    assert!(!absent.exists(), "check creates nothing");
    emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_without_effect_are_named_once_each_when_set() {
    let demo = Demo::start().await;
    let config = demo
        .recipe()
        .source_config("      markDeletedSchemas: true\n      threads: 4\n      includeViews: true")
        .write(&demo.dir.path().join("recipe.yaml"));
    let run = ferrometa(&["ingest", "-c", config.to_str().unwrap()]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    for key in ["markDeletedSchemas", "threads"] {
        let path = format!("`source.sourceConfig.config.{key}`");
        let lines: Vec<&str> = run.stderr.lines().filter(|l| l.contains(&path)).collect();
        assert_eq!(lines.len(), 1, "{}", run.stderr);
        assert!(lines[0].contains("has no effect"), "{}", lines[0]);
    }
    // Set to its default, a key without effect is not worth a warning.
    assert!(!run.stderr.contains("includeViews"), "{}", run.stderr);
}
