use ferrometa_emulator::{Emulator, seed};
use serde_json::json;

use crate::common::{self, SCHEMA_FQN};

async fn emulator_with(names: &[&str]) -> Emulator {
    let emu = Emulator::start().await.unwrap();
    for name in names {
        seed::create_simple_table(&emu.client(), name, "id", None)
            .await
            .unwrap();
    }
    emu
}

fn table_names(run: &common::Run) -> Vec<String> {
    run.tables().keys().cloned().collect()
}

#[tokio::test]
async fn table_includes_and_excludes() {
    let emu = emulator_with(&["orders", "orders_archive", "users", "events.v2"]).await;
    let include = common::source(
        &emu.endpoint(),
        json!({"tableFilterPattern": {"includes": ["^orders$", "EVENTS"]}}),
    )
    .await;
    let run = common::run(&include).await;
    assert_eq!(table_names(&run), ["events.v2", "orders"]);
    let mut filtered: Vec<_> = run
        .filtered
        .iter()
        .map(|(n, r)| (n.as_str(), r.as_str()))
        .collect();
    filtered.sort();
    assert_eq!(
        filtered,
        [
            (
                "local_dynamodb.default.default.orders_archive",
                "Table Filtered Out"
            ),
            ("local_dynamodb.default.default.users", "Table Filtered Out"),
        ]
    );
    assert_eq!(run.totals, [2]);
    // Filtered tables are still listed, so they are never taken for deleted ones.
    assert_eq!(run.listing().listed.len(), 4);
    assert!(run.listing().complete);

    let exclude = common::source(
        &emu.endpoint(),
        json!({"tableFilterPattern": {"excludes": ["orders"]}}),
    )
    .await;
    assert_eq!(
        table_names(&common::run(&exclude).await),
        ["events.v2", "users"]
    );
}

#[tokio::test]
async fn fqn_filtering() {
    let emu = emulator_with(&["orders", "events.v2"]).await;
    let by_fqn = common::source(
        &emu.endpoint(),
        json!({"useFqnForFiltering": true, "tableFilterPattern": {"includes": ["local_dynamodb\\.default\\.default\\.\"events\\.v2\""]}}),
    )
    .await;
    let run = common::run(&by_fqn).await;
    assert_eq!(table_names(&run), ["events.v2"]);
    assert_eq!(
        run.filtered,
        [(
            format!("{SCHEMA_FQN}.orders"),
            "Table Filtered Out".to_string()
        )]
    );

    // Without useFqnForFiltering, the same pattern matches nothing.
    let by_name = common::source(
        &emu.endpoint(),
        json!({"tableFilterPattern": {"includes": ["local_dynamodb\\.default"]}}),
    )
    .await;
    assert!(common::run(&by_name).await.tables().is_empty());
}

#[tokio::test]
async fn schema_filter() {
    let emu = emulator_with(&["orders"]).await;
    let source = common::source(
        &emu.endpoint(),
        json!({"schemaFilterPattern": {"excludes": ["^default$"]}}),
    )
    .await;
    let run = common::run(&source).await;
    assert_eq!(run.entities.len(), 2);
    assert_eq!(
        run.filtered,
        [(SCHEMA_FQN.to_string(), "Schema Filtered Out".to_string())]
    );
    assert!(
        run.listings.is_empty(),
        "nothing may be deleted in a filtered schema"
    );

    let by_fqn = common::source(
        &emu.endpoint(),
        json!({"useFqnForFiltering": true, "schemaFilterPattern": {"includes": ["local_dynamodb\\.default\\.default$"]}}),
    )
    .await;
    assert_eq!(table_names(&common::run(&by_fqn).await), ["orders"]);
}

#[tokio::test]
async fn database_filter_excludes_the_database() {
    let emu = emulator_with(&["orders"]).await;
    let source = common::source(
        &emu.endpoint(),
        json!({"databaseFilterPattern": {"excludes": ["def"]}}),
    )
    .await;
    let run = common::run(&source).await;
    assert_eq!(run.entities.len(), 1, "only the service");
    assert_eq!(
        run.filtered,
        [(
            "local_dynamodb.default".to_string(),
            "Database Filtered Out".to_string()
        )]
    );
    assert!(run.listings.is_empty());

    let kept = common::source(
        &emu.endpoint(),
        json!({"databaseFilterPattern": {"includes": ["default"]}}),
    )
    .await;
    assert_eq!(table_names(&common::run(&kept).await), ["orders"]);
}
