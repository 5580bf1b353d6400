//! The catalog behind the workflow's `Sink` trait.

use ferrometa_catalog::{Catalog, CatalogSink, Include};
use ferrometa_config::CatalogSinkConfig;
use ferrometa_core::{Sink, WriteOutcome};
use ferrometa_model::{DataType, EntityType};

use crate::fixtures::{columns, hierarchy, schema_fqn, table};

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
    let results = sink.write_batch(&batch).await;
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

    let again = sink.write_batch(&batch[..4]).await;
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
    let after_close = sink.write_batch(&batch[..1]).await;
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
