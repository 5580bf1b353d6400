//! The tables a metadata run wrote, read back for the profiler and the classifier.

use ferrometa_catalog::{CatalogError, CatalogSink, CatalogTableLister};
use ferrometa_config::CatalogSinkConfig;
use ferrometa_core::{Record, Sink, StoredTable, TableLister};
use ferrometa_model::{Column, CreateEntity, DataType, TagLabel};

use crate::fixtures::{columns, hierarchy, schema_fqn, table};

fn pii(tag: &str) -> TagLabel {
    TagLabel {
        tag_fqn: tag.into(),
        name: None,
        display_name: None,
        description: None,
        style: None,
        source: "Classification".into(),
        label_type: "Automated".into(),
        state: "Suggested".into(),
        href: None,
        reason: None,
        applied_at: None,
        applied_by: None,
        metadata: None,
    }
}

/// `orders` with a nested, dotted and tagged column, as the DynamoDB source sends it.
fn orders(service: &str) -> CreateEntity {
    let mut email = Column::new("e.mail", DataType::String);
    email.tags = Some(vec![pii("PII.Sensitive")]);
    let mut address = Column::new("address", DataType::Struct);
    address.children = Some(vec![Column::new("zip", DataType::Int), email]);
    let mut spec = columns(&[("pk", DataType::String)]);
    spec.push(address);
    table(&schema_fqn(service), "orders", spec)
}

async fn write(sink: &mut CatalogSink, entities: Vec<CreateEntity>) {
    let records: Vec<Record> = entities.into_iter().map(Record::Entity).collect();
    for result in sink.write_batch(&records).await {
        result.unwrap();
    }
}

fn fqns(tables: &[StoredTable]) -> Vec<&str> {
    tables.iter().map(|t| t.fqn.as_str()).collect()
}

#[tokio::test]
async fn lists_the_live_tables_of_one_service_with_column_fqns_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    let config = CatalogSinkConfig {
        path: dir.path().join("catalog.db"),
    };
    let mut sink = CatalogSink::open(&config).unwrap();
    let service = "my.dyn";
    let mut entities = hierarchy(service);
    entities.push(orders(service));
    entities.push(table(
        &schema_fqn(service),
        "a.b",
        columns(&[("pk", DataType::String)]),
    ));
    entities.push(table(
        &schema_fqn(service),
        "gone",
        columns(&[("pk", DataType::String)]),
    ));
    // Another service, whose name is a prefix of the first one's.
    entities.extend(hierarchy("my"));
    entities.push(orders("my"));
    write(&mut sink, entities).await;
    let gone = format!("{}.gone", schema_fqn(service));
    sink.soft_delete_table(&gone).await.unwrap();
    sink.close().await.unwrap();

    let lister = CatalogTableLister::open(&config).unwrap();
    let tables = lister.tables(service).await.unwrap();
    assert_eq!(
        fqns(&tables),
        [
            "\"my.dyn\".default.default.\"a.b\"",
            "\"my.dyn\".default.default.orders"
        ]
    );
    assert_eq!(tables[0].name, "a.b");
    let orders = &tables[1];
    assert_eq!(orders.name, "orders");
    let column_fqns: Vec<_> = orders
        .columns
        .iter()
        .map(|c| c.fully_qualified_name.as_deref().unwrap())
        .collect();
    assert_eq!(
        column_fqns,
        [
            "\"my.dyn\".default.default.orders.pk",
            "\"my.dyn\".default.default.orders.address"
        ]
    );
    let children = orders.columns[1].children.as_ref().unwrap();
    assert_eq!(
        children[1].fully_qualified_name.as_deref(),
        Some("\"my.dyn\".default.default.orders.address.\"e.mail\"")
    );
    assert_eq!(
        children[1].tags.as_ref().unwrap()[0].tag_fqn,
        "PII.Sensitive"
    );
    assert_eq!(children[0].data_type, DataType::Int);

    let other = lister.tables("my").await.unwrap();
    assert_eq!(fqns(&other), ["my.default.default.orders"]);
    assert!(lister.tables("nobody").await.unwrap().is_empty());

    // A restored table is listed again.
    let mut sink = CatalogSink::open(&config).unwrap();
    write(
        &mut sink,
        vec![table(
            &schema_fqn(service),
            "gone",
            columns(&[("pk", DataType::String)]),
        )],
    )
    .await;
    sink.close().await.unwrap();
    assert_eq!(lister.tables(service).await.unwrap().len(), 3);
}

#[tokio::test]
async fn pages_through_many_tables() {
    let dir = tempfile::tempdir().unwrap();
    let config = CatalogSinkConfig {
        path: dir.path().join("catalog.db"),
    };
    let mut sink = CatalogSink::open(&config).unwrap();
    let mut entities = hierarchy("svc");
    entities.extend((0..1234).map(|i| {
        table(
            &schema_fqn("svc"),
            &format!("t{i:04}"),
            columns(&[("pk", DataType::String)]),
        )
    }));
    write(&mut sink, entities).await;
    sink.close().await.unwrap();

    let tables = CatalogTableLister::open(&config)
        .unwrap()
        .tables("svc")
        .await
        .unwrap();
    assert_eq!(tables.len(), 1234);
    assert_eq!(tables[1233].name, "t1233");
    assert_eq!(
        tables[1233].columns[0].fully_qualified_name.as_deref(),
        Some("svc.default.default.t1233.pk")
    );
}

#[test]
fn a_missing_catalog_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("never-ingested.db");
    let error = CatalogTableLister::open(&CatalogSinkConfig { path: path.clone() })
        .err()
        .unwrap();
    assert!(matches!(error, CatalogError::Missing { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "no catalog at {}: run the metadata workflow first",
            path.display()
        )
    );
    assert!(!path.exists());
}
