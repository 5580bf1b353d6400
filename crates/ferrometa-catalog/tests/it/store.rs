//! Upserts, versions, change descriptions, soft delete and restore.

use std::path::Path;

use ferrometa_catalog::{Catalog, CatalogError, Include};
use ferrometa_core::WriteOutcome;
use ferrometa_model::{Column, CreateEntity, DataType, EntityType};
use rusqlite::Connection;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::fixtures::{columns, hierarchy, schema_fqn, table};

const SERVICE: &str = "local_dynamodb";
const ORDERS: &str = "local_dynamodb.default.default.orders";

fn orders(spec: &[(&str, DataType)]) -> CreateEntity {
    table(&schema_fqn(SERVICE), "orders", columns(spec))
}

fn table_named(name: &str) -> CreateEntity {
    table(&schema_fqn(SERVICE), name, columns(&base_columns()))
}

fn base_columns() -> Vec<(&'static str, DataType)> {
    vec![("pk", DataType::String), ("amount", DataType::Int)]
}

/// A catalog holding the hierarchy of [`SERVICE`] and the `orders` table.
fn setup() -> (TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(dir.path().join("catalog.db")).unwrap();
    let mut batch = hierarchy(SERVICE);
    batch.push(orders(&base_columns()));
    let results = catalog.upsert_batch(&batch).unwrap();
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(WriteOutcome::Created))),
        "{results:?}"
    );
    (dir, catalog)
}

fn get_table(catalog: &Catalog, fqn: &str) -> Value {
    catalog
        .get_by_fqn(EntityType::Table, fqn, Include::All)
        .unwrap()
        .expect("table is stored")
}

fn field_names(change: &Value, kind: &str) -> Vec<String> {
    change[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// Changes committed to the file, seen from another connection.
fn data_version(reader: &Connection) -> i64 {
    reader
        .pragma_query_value(None, "data_version", |r| r.get(0))
        .unwrap()
}

fn wal_len(db: &Path) -> u64 {
    std::fs::metadata(db.with_extension("db-wal")).map_or(0, |m| m.len())
}

#[test]
fn created_entities_have_version_0_1_and_openmetadata_shape() {
    let (_dir, catalog) = setup();
    let table = get_table(&catalog, ORDERS);
    assert_eq!(table["version"], json!(0.1));
    assert_eq!(table["deleted"], false);
    assert_eq!(table["updatedBy"], "ferrometa");
    assert_eq!(table["serviceType"], "DynamoDB");
    assert!(table["updatedAt"].as_i64().unwrap() > 0);
    assert!(table.get("changeDescription").is_none() && table.get("href").is_none());
    assert_eq!(
        table["columns"][1]["fullyQualifiedName"],
        format!("{ORDERS}.amount")
    );
    assert_eq!(table["sourceHash"].as_str().unwrap().len(), 32);

    let schema = catalog
        .get_by_fqn(
            EntityType::DatabaseSchema,
            &schema_fqn(SERVICE),
            Include::NonDeleted,
        )
        .unwrap()
        .unwrap();
    let service = catalog
        .get_by_fqn(EntityType::DatabaseService, SERVICE, Include::NonDeleted)
        .unwrap()
        .unwrap();
    assert_eq!(
        table["databaseSchema"],
        json!({"id": schema["id"], "type": "databaseSchema", "name": "default", "fullyQualifiedName": schema_fqn(SERVICE)})
    );
    assert_eq!(
        table["database"]["fullyQualifiedName"],
        "local_dynamodb.default"
    );
    assert_eq!(table["service"]["id"], service["id"]);
    let id = table["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 4);
    assert_eq!(
        catalog
            .get_by_id(EntityType::Table, id, Include::NonDeleted)
            .unwrap(),
        Some(table.clone())
    );
    assert_eq!(
        catalog
            .get_by_id(EntityType::Database, id, Include::All)
            .unwrap(),
        None,
        "ids are typed"
    );
}

#[test]
fn unchanged_rerun_writes_nothing() {
    let (dir, mut catalog) = setup();
    let db = dir.path().join("catalog.db");
    let reader = Connection::open(&db).unwrap();
    let (before, wal_before) = (data_version(&reader), wal_len(&db));

    let mut batch = hierarchy(SERVICE);
    batch.push(orders(&base_columns()));
    let results = catalog.upsert_batch(&batch).unwrap();
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(WriteOutcome::Unchanged))),
        "{results:?}"
    );
    assert_eq!(
        catalog.upsert(&orders(&base_columns())).unwrap(),
        WriteOutcome::Unchanged
    );

    assert_eq!(data_version(&reader), before, "no commit reached the file");
    assert_eq!(wal_len(&db), wal_before, "nothing was appended to the log");
    assert_eq!(get_table(&catalog, ORDERS)["version"], json!(0.1));
}

#[test]
fn added_column_is_a_minor_version() {
    let (_dir, mut catalog) = setup();
    let mut spec = base_columns();
    spec.push(("note", DataType::String));
    assert_eq!(
        catalog.upsert(&orders(&spec)).unwrap(),
        WriteOutcome::Updated
    );
    let table = get_table(&catalog, ORDERS);
    assert_eq!(table["version"], json!(0.2));
    let change = &table["changeDescription"];
    assert_eq!(change["previousVersion"], json!(0.1));
    assert_eq!(field_names(change, "fieldsAdded"), ["columns"]);
    assert_eq!(field_names(change, "fieldsUpdated"), ["sourceHash"]);
    assert!(change["fieldsDeleted"].as_array().unwrap().is_empty());
    let added: Value =
        serde_json::from_str(change["fieldsAdded"][0]["newValue"].as_str().unwrap()).unwrap();
    assert_eq!(added[0]["name"], "note");
}

#[test]
fn changed_column_type_is_a_major_version() {
    let (_dir, mut catalog) = setup();
    let mut spec = base_columns();
    spec.push(("note", DataType::String));
    catalog.upsert(&orders(&spec)).unwrap();
    spec[1].1 = DataType::Double;
    assert_eq!(
        catalog.upsert(&orders(&spec)).unwrap(),
        WriteOutcome::Updated
    );
    let table = get_table(&catalog, ORDERS);
    assert_eq!(table["version"], json!(1.2));
    let change = &table["changeDescription"];
    assert_eq!(change["previousVersion"], json!(0.2));
    assert_eq!(field_names(change, "fieldsAdded"), ["columns"]);
    assert_eq!(field_names(change, "fieldsDeleted"), ["columns"]);
    assert!(
        change["fieldsDeleted"][0]["oldValue"]
            .as_str()
            .unwrap()
            .contains("\"INT\"")
    );
}

#[test]
fn removed_column_is_a_major_version() {
    let (_dir, mut catalog) = setup();
    catalog
        .upsert(&orders(&[("pk", DataType::String)]))
        .unwrap();
    let table = get_table(&catalog, ORDERS);
    assert_eq!(table["version"], json!(1.1));
    assert_eq!(
        field_names(&table["changeDescription"], "fieldsDeleted"),
        ["columns"]
    );
}

#[test]
fn content_the_entity_does_not_keep_is_no_change() {
    let (_dir, mut catalog) = setup();
    // Column FQNs in a request change its content hash, but the store assigns them itself.
    let mut spec = columns(&base_columns());
    spec[0].fully_qualified_name = Some(format!("{ORDERS}.pk"));
    let CreateEntity::Table(mut request) = table(&schema_fqn(SERVICE), "orders", spec) else {
        unreachable!()
    };
    request.source_hash = get_table(&catalog, ORDERS)["sourceHash"]
        .as_str()
        .map(String::from);
    let request = CreateEntity::Table(request);

    assert_eq!(catalog.upsert(&request).unwrap(), WriteOutcome::Unchanged);
    let stored = get_table(&catalog, ORDERS);
    assert_eq!(stored["version"], json!(0.1));
    assert_eq!(
        catalog
            .versions(stored["id"].as_str().unwrap())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn soft_delete_hides_the_table_and_bumps_its_version() {
    let (_dir, mut catalog) = setup();
    assert_eq!(catalog.live_tables(&schema_fqn(SERVICE)).unwrap().len(), 1);
    catalog.soft_delete(EntityType::Table, ORDERS).unwrap();

    assert!(
        catalog
            .live_tables(&schema_fqn(SERVICE))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        catalog
            .get_by_fqn(EntityType::Table, ORDERS, Include::NonDeleted)
            .unwrap(),
        None
    );
    let table = catalog
        .get_by_fqn(EntityType::Table, ORDERS, Include::Deleted)
        .unwrap()
        .unwrap();
    assert_eq!(table["deleted"], true);
    assert_eq!(table["version"], json!(0.2));
    assert_eq!(
        table["changeDescription"]["fieldsUpdated"],
        json!([{"name": "deleted", "oldValue": false, "newValue": true}])
    );

    catalog.soft_delete(EntityType::Table, ORDERS).unwrap();
    assert_eq!(
        get_table(&catalog, ORDERS)["version"],
        json!(0.2),
        "deleting twice changes nothing"
    );
    assert!(matches!(
        catalog.soft_delete(EntityType::Table, "local_dynamodb.default.default.nope"),
        Err(CatalogError::NotFound { .. })
    ));
}

#[test]
fn upsert_restores_a_soft_deleted_table() {
    let (_dir, mut catalog) = setup();
    catalog.soft_delete(EntityType::Table, ORDERS).unwrap();
    assert_eq!(
        catalog.upsert(&orders(&base_columns())).unwrap(),
        WriteOutcome::Updated
    );
    let table = get_table(&catalog, ORDERS);
    assert_eq!(table["deleted"], false);
    assert_eq!(table["version"], json!(0.3));
    assert_eq!(
        table["changeDescription"]["fieldsUpdated"],
        json!([{"name": "deleted", "oldValue": true, "newValue": false}])
    );
    assert_eq!(
        catalog.live_tables(&schema_fqn(SERVICE)).unwrap()[0].fqn,
        ORDERS
    );
}

#[test]
fn schema_soft_delete_and_restore_are_recursive() {
    let (_dir, mut catalog) = setup();
    catalog
        .soft_delete(EntityType::DatabaseSchema, &schema_fqn(SERVICE))
        .unwrap();
    assert_eq!(get_table(&catalog, ORDERS)["deleted"], true);
    assert!(
        matches!(
            catalog.upsert(&orders(&base_columns())),
            Err(CatalogError::MissingParent { .. })
        ),
        "a deleted parent takes no children"
    );

    let schema = hierarchy(SERVICE).pop().unwrap();
    assert_eq!(catalog.upsert(&schema).unwrap(), WriteOutcome::Updated);
    let table = get_table(&catalog, ORDERS);
    assert_eq!(
        (table["deleted"].clone(), table["version"].clone()),
        (json!(false), json!(0.3))
    );
}

#[test]
fn history_lists_every_version_newest_first() {
    let (_dir, mut catalog) = setup();
    let mut spec = base_columns();
    spec.push(("note", DataType::String));
    catalog.upsert(&orders(&spec)).unwrap();
    spec.pop();
    catalog.upsert(&orders(&spec)).unwrap();
    catalog.soft_delete(EntityType::Table, ORDERS).unwrap();

    let id = get_table(&catalog, ORDERS)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let history = catalog.versions(&id).unwrap();
    let versions: Vec<f64> = history
        .iter()
        .map(|v| v["version"].as_f64().unwrap())
        .collect();
    assert_eq!(versions, [1.3, 1.2, 0.2, 0.1]);
    let previous: Vec<Value> = history
        .iter()
        .map(|v| v["changeDescription"]["previousVersion"].clone())
        .collect();
    assert_eq!(previous, [json!(1.2), json!(0.2), json!(0.1), Value::Null]);
    assert_eq!(history[1]["columns"].as_array().unwrap().len(), 2);
    assert_eq!(history[2]["columns"].as_array().unwrap().len(), 3);
    assert!(catalog.versions("no-such-id").unwrap().is_empty());
}

#[test]
fn dotted_names_are_quoted_in_fqns() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(dir.path().join("catalog.db")).unwrap();
    let mut batch = hierarchy("my.dyn");
    batch.push(table(
        &schema_fqn("my.dyn"),
        "a.b",
        columns(&[("x.y", DataType::String)]),
    ));
    let results = catalog.upsert_batch(&batch).unwrap();
    assert!(results.iter().all(Result::is_ok), "{results:?}");

    assert_eq!(schema_fqn("my.dyn"), "\"my.dyn\".default.default");
    let table = get_table(&catalog, "\"my.dyn\".default.default.\"a.b\"");
    assert_eq!(table["name"], "a.b");
    assert_eq!(table["service"]["fullyQualifiedName"], "\"my.dyn\"");
    assert_eq!(
        table["columns"][0]["fullyQualifiedName"],
        "\"my.dyn\".default.default.\"a.b\".\"x.y\""
    );
    let live = catalog.live_tables("\"my.dyn\".default.default").unwrap();
    assert_eq!(
        (live[0].name.as_str(), live[0].fqn.as_str()),
        ("a.b", "\"my.dyn\".default.default.\"a.b\"")
    );
}

#[test]
fn nested_children_get_fqns() {
    let (_dir, mut catalog) = setup();
    let mut address = Column::new("address", DataType::Struct);
    let mut geo = Column::new("geo", DataType::Struct);
    geo.children = Some(columns(&[("lat", DataType::Double)]));
    address.children = Some(vec![Column::new("city", DataType::String), geo]);
    let request = table(&schema_fqn(SERVICE), "customers", vec![address]);
    assert_eq!(catalog.upsert(&request).unwrap(), WriteOutcome::Created);

    let column = &get_table(&catalog, "local_dynamodb.default.default.customers")["columns"][0];
    assert_eq!(
        column["fullyQualifiedName"],
        "local_dynamodb.default.default.customers.address"
    );
    assert_eq!(
        column["children"][0]["fullyQualifiedName"],
        "local_dynamodb.default.default.customers.address.city"
    );
    assert_eq!(
        column["children"][1]["children"][0]["fullyQualifiedName"],
        "local_dynamodb.default.default.customers.address.geo.lat"
    );
}

#[test]
fn an_entity_with_an_unknown_parent_fails_alone() {
    let (_dir, mut catalog) = setup();
    let batch = vec![
        table(
            "local_dynamodb.default.missing",
            "lost",
            columns(&[("pk", DataType::String)]),
        ),
        table(
            &schema_fqn(SERVICE),
            "kept",
            columns(&[("pk", DataType::String)]),
        ),
    ];
    let results = catalog.upsert_batch(&batch).unwrap();
    let error = results[0].as_ref().unwrap_err();
    assert!(matches!(error, CatalogError::MissingParent { .. }));
    assert_eq!(
        error.to_string(),
        "cannot write table local_dynamodb.default.missing.lost: \
         its parent local_dynamodb.default.missing is missing or deleted"
    );
    assert!(matches!(results[1], Ok(WriteOutcome::Created)));
    assert_eq!(catalog.live_tables(&schema_fqn(SERVICE)).unwrap().len(), 2);
}

#[test]
fn data_survives_reopening() {
    let (dir, catalog) = setup();
    let before = get_table(&catalog, ORDERS);
    catalog.close().unwrap();
    let mut reopened = Catalog::open(dir.path().join("catalog.db")).unwrap();
    assert_eq!(get_table(&reopened, ORDERS), before);
    assert_eq!(
        reopened.upsert(&orders(&base_columns())).unwrap(),
        WriteOutcome::Unchanged
    );
}

#[test]
fn readers_keep_their_snapshot_while_a_batch_commits() {
    let (dir, mut catalog) = setup();
    let db = dir.path().join("catalog.db");
    // A second store on the same file, as a server process would hold.
    let other = Catalog::open(&db).unwrap();
    let reader = Connection::open(&db).unwrap();
    let count = |c: &Connection| -> i64 {
        c.query_row("SELECT count(*) FROM entity", [], |r| r.get(0))
            .unwrap()
    };

    reader.execute_batch("BEGIN").unwrap();
    assert_eq!(count(&reader), 4);
    let batch: Vec<_> = (0..10).map(|i| table_named(&format!("t{i}"))).collect();
    assert!(
        catalog
            .upsert_batch(&batch)
            .unwrap()
            .iter()
            .all(Result::is_ok),
        "the writer is not blocked"
    );
    assert_eq!(count(&reader), 4, "an open read keeps its snapshot");
    reader.execute_batch("COMMIT").unwrap();
    assert_eq!(count(&reader), 14);
    assert_eq!(other.live_tables(&schema_fqn(SERVICE)).unwrap().len(), 11);
}

#[test]
fn a_newer_schema_is_refused() {
    let (dir, catalog) = setup();
    catalog.close().unwrap();
    let db = dir.path().join("catalog.db");
    Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let error = Catalog::open(&db).err().unwrap();
    assert!(
        matches!(error, CatalogError::NewerSchema { found: 99, .. }),
        "{error}"
    );
}

#[test]
fn check_finds_a_broken_index_and_a_dangling_parent() {
    let missing = ferrometa_catalog::check(Path::new("/nonexistent/catalog.db")).unwrap_err();
    assert!(matches!(missing, CatalogError::Open { .. }), "{missing:?}");
    let (dir, catalog) = setup();
    catalog.close().unwrap();
    let path = dir.path().join("catalog.db");
    assert_eq!(
        ferrometa_catalog::check(&path).unwrap(),
        Vec::<String>::new()
    );
    // Damage made behind the catalog's back: a table whose schema row is gone, and an index
    // whose declared columns no longer match what it holds.
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn.execute(
        "UPDATE entity SET parent_id = 'gone' WHERE fqn = ?1",
        [ORDERS],
    )
    .unwrap();
    conn.execute_batch(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE INDEX entity_listing ON entity(entity_type, fqn, id)'
         WHERE name = 'entity_listing';",
    )
    .unwrap();
    drop(conn);

    let problems = ferrometa_catalog::check(&path).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("missing from index entity_listing")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.ends_with("of entity refers to a missing row of entity")),
        "{problems:?}"
    );
}
