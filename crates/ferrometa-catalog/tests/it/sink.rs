//! The catalog behind the workflow's `Sink` trait.

use ferrometa_catalog::{Catalog, CatalogSink, Include};
use ferrometa_config::CatalogSinkConfig;
use ferrometa_core::{Record, Sink, WriteOutcome};
use ferrometa_model::{CreateEntity, DataType, EntityType};
use serde_json::json;

use crate::fixtures::{columns, hierarchy, schema_fqn, table};

/// The workflow's records of `entities`.
fn records(entities: &[CreateEntity]) -> Vec<Record> {
    entities.iter().cloned().map(Record::Entity).collect()
}

#[tokio::test]
async fn writes_batches_lists_live_tables_and_soft_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.db");
    let mut sink = CatalogSink::open(&CatalogSinkConfig { path: path.clone() }).unwrap();
    assert_eq!(sink.name(), "Catalog");
    assert_eq!(
        sink.location(),
        Some(std::path::absolute(&path).unwrap().display().to_string())
    );

    let mut batch = hierarchy("svc");
    batch.push(table(
        &schema_fqn("svc"),
        "a",
        columns(&[("pk", DataType::String)]),
    ));
    batch.push(table(
        "svc.default.unknown",
        "b",
        columns(&[("pk", DataType::String)]),
    ));
    let results = sink.write_batch(&records(&batch)).await;
    let outcomes: Vec<_> = results.iter().map(|r| r.as_ref().ok().copied()).collect();
    let created = Some(WriteOutcome::Created);
    assert_eq!(outcomes, [created, created, created, created, None]);
    assert!(
        results[4]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("parent svc.default.unknown")
    );

    let again = sink.write_batch(&records(&batch[..4])).await;
    assert!(
        again
            .iter()
            .all(|r| matches!(r, Ok(WriteOutcome::Unchanged)))
    );

    let live = sink
        .live_tables("svc.default.default")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        live.iter().map(|t| t.fqn.as_str()).collect::<Vec<_>>(),
        ["svc.default.default.a"]
    );
    sink.soft_delete_table("svc.default.default.a")
        .await
        .unwrap();
    assert_eq!(
        sink.live_tables("svc.default.default").await.unwrap(),
        Some(vec![])
    );
    assert!(
        sink.soft_delete_table("svc.default.default.zzz")
            .await
            .is_err()
    );

    sink.close().await.unwrap();
    let after_close = sink.write_batch(&records(&batch[..1])).await;
    let error = after_close[0].as_ref().unwrap_err();
    assert_eq!(error.to_string(), "batch not written");
    assert_eq!(
        error.source().map(ToString::to_string).as_deref(),
        Some("the catalog sink is closed")
    );

    let catalog = Catalog::open(&path).unwrap();
    let table = catalog
        .get_by_fqn(EntityType::Table, "svc.default.default.a", Include::All)
        .unwrap()
        .unwrap();
    assert_eq!(
        (table["deleted"].as_bool(), table["version"].as_f64()),
        (Some(true), Some(0.2))
    );
}

#[tokio::test]
async fn writes_profiles_and_sample_data_after_their_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.db");
    let mut sink = CatalogSink::open(&CatalogSinkConfig { path: path.clone() }).unwrap();
    let fqn = format!("{}.a", schema_fqn("svc"));
    let profile = |timestamp: i64, rows: u64| Record::TableProfile {
        table: fqn.clone(),
        profile: json!({
            "tableProfile": {"timestamp": timestamp, "rowCount": rows},
            "columnProfile": [{"name": "pk", "timestamp": timestamp, "valuesCount": rows}],
        }),
    };
    let sample = |value: &str| Record::SampleData {
        table: fqn.clone(),
        data: json!({"columns": ["pk"], "rows": [[value]]}),
    };
    let mut batch = records(&hierarchy("svc"));
    batch.push(Record::Entity(table(
        &schema_fqn("svc"),
        "a",
        columns(&[("pk", DataType::String)]),
    )));
    batch.extend([profile(1_000, 3), sample("x")]);
    batch.push(Record::TableProfile {
        table: "svc.default.default.missing".into(),
        profile: json!({"tableProfile": {"timestamp": 1}}),
    });
    let results = sink.write_batch(&batch).await;
    let outcomes: Vec<_> = results.iter().map(|r| r.as_ref().ok().copied()).collect();
    let created = Some(WriteOutcome::Created);
    assert_eq!(
        outcomes,
        [created, created, created, created, created, created, None]
    );
    assert_eq!(
        results[6].as_ref().unwrap_err().to_string(),
        "table svc.default.default.missing is not in the catalog"
    );

    // The same timestamp replaces its profile; a new one adds one; sample data is replaced.
    let again = sink
        .write_batch(&[profile(1_000, 4), profile(2_000, 5), sample("y")])
        .await;
    let outcomes: Vec<_> = again.iter().map(|r| r.as_ref().ok().copied()).collect();
    let updated = Some(WriteOutcome::Updated);
    assert_eq!(outcomes, [updated, created, updated]);
    sink.close().await.unwrap();

    let catalog = Catalog::open(&path).unwrap();
    let table = catalog
        .get_by_fqn(EntityType::Table, &fqn, Include::NonDeleted)
        .unwrap()
        .unwrap();
    let id = table["id"].as_str().unwrap();
    let all = ferrometa_catalog::TimeRange {
        start: 0,
        end: i64::MAX,
    };
    let page = catalog.table_profiles(id, all, 10).unwrap();
    let rows: Vec<_> = page
        .data
        .iter()
        .map(|p| (p.timestamp(), p.table_profile()["rowCount"].as_u64()))
        .collect();
    assert_eq!(rows, [(2_000, Some(5)), (1_000, Some(4))]);
    assert_eq!(page.data[1].column_profile()[0]["valuesCount"], 4);
    assert_eq!(
        catalog.sample_data(id).unwrap(),
        Some(json!({"columns": ["pk"], "rows": [["y"]]}))
    );
}
