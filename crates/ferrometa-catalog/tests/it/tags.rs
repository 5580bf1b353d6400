//! The classifier's column tags: added to the stored table as a new version, never over a
//! tag of the same classification, and kept by later metadata runs.

use ferrometa_catalog::{Catalog, CatalogSink, Include};
use ferrometa_core::{Record, Sink, WriteOutcome};
use ferrometa_model::{ColumnTag, CreateEntity, DataType, EntityType, TagLabel};
use serde_json::{Value, json};

use crate::fixtures::{columns, hierarchy, schema_fqn, table};

fn label(fqn: &str, label_type: &str) -> TagLabel {
    serde_json::from_value(json!({
        "tagFQN": fqn, "source": "Classification", "labelType": label_type,
        "state": "Suggested", "reason": "looks like an email address"
    }))
    .unwrap()
}

fn tag(column: &str, fqn: &str) -> ColumnTag {
    ColumnTag {
        column: column.into(),
        tag: label(fqn, "Generated"),
    }
}

/// The service, database, schema and table `t` with `pk`, `email` and `address.city`.
fn entities() -> Vec<CreateEntity> {
    let mut address = ferrometa_model::Column::new("address", DataType::Struct);
    address.children = Some(columns(&[("city", DataType::String)]));
    let mut table_columns = columns(&[("pk", DataType::String), ("email", DataType::String)]);
    table_columns.push(address);
    let mut entities = hierarchy("svc");
    entities.push(table(&schema_fqn("svc"), "t", table_columns));
    entities
}

fn stored(catalog: &Catalog) -> Value {
    catalog
        .get_by_fqn(EntityType::Table, "svc.default.default.t", Include::All)
        .unwrap()
        .unwrap()
}

fn tag_fqns(column: &Value) -> Vec<&str> {
    column["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|tag| tag["tagFQN"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_sink_adds_tags_as_a_new_version_and_metadata_runs_keep_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.db");
    let mut sink = CatalogSink::new(Catalog::open(&path).unwrap());
    let metadata: Vec<Record> = entities().into_iter().map(Record::Entity).collect();
    sink.write_batch(&metadata).await;

    let tags = Record::ColumnTags {
        table: "svc.default.default.t".into(),
        tags: vec![
            tag("svc.default.default.t.email", "PII.Sensitive"),
            tag("svc.default.default.t.address.city", "PII.Sensitive"),
        ],
    };
    let results = sink.write_batch(std::slice::from_ref(&tags)).await;
    assert_eq!(results[0].as_ref().unwrap(), &WriteOutcome::Updated);
    // The same tags again, or another tag of the same classification, add nothing.
    let again = Record::ColumnTags {
        table: "svc.default.default.t".into(),
        tags: vec![tag("svc.default.default.t.email", "PII.NonSensitive")],
    };
    for record in [&tags, &again] {
        let results = sink.write_batch(std::slice::from_ref(record)).await;
        assert_eq!(results[0].as_ref().unwrap(), &WriteOutcome::Unchanged);
    }

    // The same metadata run again is skipped; one with a new column is an update that keeps
    // the tags.
    let results = sink.write_batch(&metadata).await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(WriteOutcome::Unchanged)))
    );
    let mut changed = entities();
    if let Some(CreateEntity::Table(table)) = changed.last_mut() {
        table
            .columns
            .push(ferrometa_model::Column::new("added", DataType::Int));
    }
    let changed = changed.into_iter().map(Record::Entity).collect::<Vec<_>>();
    let results = sink.write_batch(&changed).await;
    assert_eq!(results[3].as_ref().unwrap(), &WriteOutcome::Updated);
    sink.close().await.unwrap();

    let catalog = Catalog::open(&path).unwrap();
    let table = stored(&catalog);
    assert_eq!(table["version"], json!(0.3));
    assert_eq!(tag_fqns(&table["columns"][0]), Vec::<&str>::new());
    assert_eq!(tag_fqns(&table["columns"][1]), ["PII.Sensitive"]);
    assert_eq!(
        table["columns"][1]["tags"][0],
        json!({"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Generated",
               "state": "Suggested", "reason": "looks like an email address"})
    );
    assert_eq!(
        tag_fqns(&table["columns"][2]["children"][0]),
        ["PII.Sensitive"]
    );
    assert_eq!(table["columns"][3]["name"], "added");

    // The tags' version records them as column changes.
    let versions = catalog.versions(table["id"].as_str().unwrap()).unwrap();
    let tagged = &versions[1];
    assert_eq!(tagged["version"], json!(0.2));
    let updated: Vec<&str> = tagged["changeDescription"]["fieldsAdded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        updated,
        ["columns.email.tags", "columns.\"address.city\".tags"]
    );
}

#[test]
fn a_persons_tag_is_never_replaced_or_duplicated() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(dir.path().join("catalog.db")).unwrap();
    let mut entities = entities();
    if let Some(CreateEntity::Table(table)) = entities.last_mut() {
        table.columns[1].tags = Some(vec![label("PII.NonSensitive", "Manual")]);
    }
    catalog.upsert_batch(&entities).unwrap();
    let outcome = catalog
        .add_column_tags(
            "svc.default.default.t",
            &[
                tag("svc.default.default.t.email", "PII.Sensitive"),
                tag("svc.default.default.t.email", "Tier.Tier1"),
            ],
            "classifier",
        )
        .unwrap();
    assert_eq!(outcome, WriteOutcome::Updated);
    let table = stored(&catalog);
    assert_eq!(
        tag_fqns(&table["columns"][1]),
        ["PII.NonSensitive", "Tier.Tier1"]
    );
    assert_eq!(table["columns"][1]["tags"][0]["labelType"], "Manual");
    assert_eq!(table["updatedBy"], "classifier");
}

#[test]
fn unknown_tables_and_columns_are_errors_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(dir.path().join("catalog.db")).unwrap();
    catalog.upsert_batch(&entities()).unwrap();
    let error = catalog
        .add_column_tags(
            "svc.default.default.nope",
            &[tag("svc.default.default.nope.email", "PII.Sensitive")],
            "classifier",
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "table svc.default.default.nope is not in the catalog"
    );
    let error = catalog
        .add_column_tags(
            "svc.default.default.t",
            &[
                tag("svc.default.default.t.email", "PII.Sensitive"),
                tag("svc.default.default.t.address.zip", "PII.Sensitive"),
            ],
            "classifier",
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "table svc.default.default.t has no column svc.default.default.t.address.zip"
    );
    let table = stored(&catalog);
    assert_eq!(table["version"], json!(0.1));
    assert!(table["columns"][1].get("tags").is_none());

    catalog
        .soft_delete(EntityType::Table, "svc.default.default.t")
        .unwrap();
    let error = catalog
        .add_column_tags(
            "svc.default.default.t",
            &[tag("svc.default.default.t.email", "PII.Sensitive")],
            "classifier",
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "table svc.default.default.t is not in the catalog"
    );
}
