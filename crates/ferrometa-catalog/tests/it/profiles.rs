//! Table profiles and sample data: history, replacement, ranges, column series, deletes,
//! and the migration that added them.

use ferrometa_catalog::{Catalog, CatalogError, DeleteMode, Include, TableProfile, TimeRange};
use ferrometa_model::{DataType, EntityType};
use rusqlite::Connection;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::fixtures::{columns, hierarchy, schema_fqn, table};

const SERVICE: &str = "local_dynamodb";
const ORDERS: &str = "local_dynamodb.default.default.orders";
const ALL: TimeRange = TimeRange {
    start: i64::MIN,
    end: i64::MAX,
};

/// A catalog holding the `orders` table, and its id.
fn setup() -> (TempDir, Catalog, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(dir.path().join("catalog.db")).unwrap();
    let mut batch = hierarchy(SERVICE);
    let spec = [("pk", DataType::String), ("amount", DataType::Int)];
    batch.push(table(&schema_fqn(SERVICE), "orders", columns(&spec)));
    assert!(
        catalog
            .upsert_batch(&batch)
            .unwrap()
            .iter()
            .all(Result::is_ok)
    );
    let id = table_id(&catalog);
    (dir, catalog, id)
}

fn table_id(catalog: &Catalog) -> String {
    let table = catalog
        .get_by_fqn(EntityType::Table, ORDERS, Include::All)
        .unwrap()
        .expect("orders is stored");
    table["id"].as_str().unwrap().to_string()
}

/// A profile at `timestamp` with `rows` rows and a profile of column `amount`.
fn profile(timestamp: i64, rows: u64) -> TableProfile {
    TableProfile::new(
        json!({"timestamp": timestamp, "rowCount": rows, "columnCount": 2}),
        vec![
            json!({"name": "amount", "timestamp": timestamp, "nullCount": rows / 10, "mean": 2.5}),
            json!({"name": "pk", "timestamp": timestamp, "uniqueCount": rows}),
        ],
        vec![json!({"timestamp": timestamp, "operation": "INSERT", "rowsAffected": rows})],
    )
    .unwrap()
}

fn timestamps(profiles: &[TableProfile]) -> Vec<i64> {
    profiles.iter().map(TableProfile::timestamp).collect()
}

#[test]
fn profiles_keep_their_history_newest_first_within_a_range() {
    let (_dir, mut catalog, id) = setup();
    for (timestamp, rows) in [(2_000, 20), (1_000, 10), (3_000, 30)] {
        catalog
            .put_table_profile(&id, &profile(timestamp, rows))
            .unwrap();
    }
    let latest = catalog.latest_table_profile(&id).unwrap().unwrap();
    assert_eq!(latest, profile(3_000, 30));
    assert_eq!(latest.system_profile()[0]["operation"], "INSERT");

    let all = catalog.table_profiles(&id, ALL, 10).unwrap();
    assert_eq!(
        (timestamps(&all.data), all.total),
        (vec![3_000, 2_000, 1_000], 3)
    );
    let range = TimeRange {
        start: 1_000,
        end: 2_000,
    };
    let ranged = catalog.table_profiles(&id, range, 10).unwrap();
    assert_eq!(
        (timestamps(&ranged.data), ranged.total),
        (vec![2_000, 1_000], 2)
    );
    let limited = catalog.table_profiles(&id, ALL, 1).unwrap();
    assert_eq!((timestamps(&limited.data), limited.total), (vec![3_000], 3));
    assert_eq!(catalog.table_profiles(&id, ALL, 0).unwrap().data, vec![]);
}

#[test]
fn a_profile_at_a_stored_timestamp_replaces_it() {
    let (_dir, mut catalog, id) = setup();
    catalog.put_table_profile(&id, &profile(1_000, 10)).unwrap();
    catalog.put_table_profile(&id, &profile(1_000, 99)).unwrap();
    let all = catalog.table_profiles(&id, ALL, 10).unwrap();
    assert_eq!(all.total, 1);
    assert_eq!(all.data[0].table_profile()["rowCount"], 99);
}

#[test]
fn column_profiles_follow_the_column_over_time() {
    let (_dir, mut catalog, id) = setup();
    for (timestamp, rows) in [(1_000, 10), (2_000, 20), (3_000, 30)] {
        catalog
            .put_table_profile(&id, &profile(timestamp, rows))
            .unwrap();
    }
    let range = TimeRange {
        start: 1_500,
        end: 3_000,
    };
    let amount = catalog.column_profiles(&id, "amount", range).unwrap();
    let seen: Vec<(i64, Value)> = amount
        .iter()
        .map(|c| (c.timestamp, c.profile["nullCount"].clone()))
        .collect();
    assert_eq!(seen, vec![(3_000, json!(3)), (2_000, json!(2))]);
    assert!(
        catalog
            .column_profiles(&id, "none", ALL)
            .unwrap()
            .is_empty()
    );

    let latest = catalog.latest_column_profiles(&id).unwrap();
    let names: Vec<(&str, i64)> = latest
        .iter()
        .map(|c| (c.profile["name"].as_str().unwrap(), c.timestamp))
        .collect();
    assert_eq!(names, vec![("amount", 3_000), ("pk", 3_000)]);
}

#[test]
fn sample_data_is_replaced_and_a_profile_needs_a_timestamp() {
    let (_dir, mut catalog, id) = setup();
    assert_eq!(catalog.sample_data(&id).unwrap(), None);
    let first = json!({"columns": ["pk"], "rows": [["a"], ["b"]]});
    let second = json!({"columns": ["pk", "amount"], "rows": [["c", 3]]});
    catalog.put_sample_data(&id, &first).unwrap();
    catalog.put_sample_data(&id, &second).unwrap();
    assert_eq!(catalog.sample_data(&id).unwrap(), Some(second));

    let error = TableProfile::new(json!({"rowCount": 1}), vec![], vec![]).unwrap_err();
    assert!(matches!(error, CatalogError::ProfileTimestamp), "{error}");
    let unknown = catalog
        .put_table_profile("no-such-id", &profile(1, 1))
        .unwrap_err();
    assert!(
        matches!(unknown, CatalogError::NotFound { .. }),
        "{unknown}"
    );
}

#[test]
fn soft_deletes_keep_profiles_and_hard_deletes_remove_them() {
    let (_dir, mut catalog, id) = setup();
    catalog.put_table_profile(&id, &profile(1_000, 10)).unwrap();
    catalog
        .put_sample_data(&id, &json!({"columns": ["pk"], "rows": [["a"]]}))
        .unwrap();
    catalog
        .delete(EntityType::Table, &id, DeleteMode::default(), "bob")
        .unwrap();
    assert!(catalog.latest_table_profile(&id).unwrap().is_some());
    assert!(catalog.sample_data(&id).unwrap().is_some());
    // A deleted table takes no new profile.
    let refused = catalog.put_table_profile(&id, &profile(2_000, 20));
    assert!(matches!(refused, Err(CatalogError::NotFound { .. })));

    catalog.restore(EntityType::Table, &id, "bob").unwrap();
    assert_eq!(catalog.table_profiles(&id, ALL, 10).unwrap().total, 1);
    let hard = DeleteMode {
        hard: true,
        recursive: false,
    };
    catalog.delete(EntityType::Table, &id, hard, "bob").unwrap();
    assert_eq!(catalog.table_profiles(&id, ALL, 10).unwrap().total, 0);
    assert_eq!(catalog.sample_data(&id).unwrap(), None);
    assert_eq!(
        ferrometa_catalog::check(catalog.path()).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn a_catalog_from_before_profiles_opens_and_keeps_its_data() {
    let (dir, catalog, id) = setup();
    let before = catalog.versions(&id).unwrap();
    catalog.close().unwrap();
    let db = dir.path().join("catalog.db");
    // The file as the previous schema left it: migration 2 only added these two tables.
    let old = Connection::open(&db).unwrap();
    old.execute_batch("DROP TABLE table_profile; DROP TABLE sample_data; PRAGMA user_version = 1")
        .unwrap();
    old.close().unwrap();

    let mut catalog = Catalog::open(&db).unwrap();
    assert_eq!(catalog.versions(&id).unwrap(), before);
    catalog.put_table_profile(&id, &profile(1_000, 10)).unwrap();
    catalog.close().unwrap();
    let reopened = Catalog::open(&db).unwrap();
    assert_eq!(
        reopened.latest_table_profile(&id).unwrap(),
        Some(profile(1_000, 10))
    );
    let version: i64 = Connection::open(&db)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
}
