//! Listings, paging, filters and counts.

use ferrometa_catalog::{Catalog, Cursor, Filters, Include, TypeStats};
use ferrometa_model::{DataType, EntityType};
use tempfile::TempDir;

use crate::fixtures::{columns, hierarchy, schema_fqn, table};

/// Two services; `svc_a` has tables t0..t4 (t3 deleted), `svc_b` has `orders`.
fn setup() -> (TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(dir.path().join("catalog.db")).unwrap();
    let pk = || columns(&[("pk", DataType::String)]);
    let mut batch = hierarchy("svc_a");
    batch.extend((0..5).map(|i| table(&schema_fqn("svc_a"), &format!("t{i}"), pk())));
    batch.extend(hierarchy("svc_b"));
    batch.push(table(&schema_fqn("svc_b"), "orders", pk()));
    assert!(
        catalog
            .upsert_batch(&batch)
            .unwrap()
            .iter()
            .all(Result::is_ok)
    );
    catalog
        .soft_delete(EntityType::Table, "svc_a.default.default.t3")
        .unwrap();
    (dir, catalog)
}

fn names(catalog: &Catalog, filters: &Filters) -> Vec<String> {
    let page = catalog.list(EntityType::Table, filters, 100, None).unwrap();
    page.data
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn pages_follow_name_order_with_an_after_cursor() {
    let (_dir, catalog) = setup();
    let filters = Filters::default();
    let first = catalog.list(EntityType::Table, &filters, 2, None).unwrap();
    assert_eq!(first.total, 5);
    assert_eq!(
        first
            .data
            .iter()
            .map(|t| t["name"].clone())
            .collect::<Vec<_>>(),
        ["orders", "t0"]
    );
    let after = first.after.clone().unwrap();
    assert_eq!(
        after,
        Cursor {
            name: "t0".into(),
            id: first.data[1]["id"].as_str().unwrap().into()
        }
    );

    let second = catalog
        .list(EntityType::Table, &filters, 2, Some(&after))
        .unwrap();
    assert_eq!(
        second
            .data
            .iter()
            .map(|t| t["name"].clone())
            .collect::<Vec<_>>(),
        ["t1", "t2"]
    );
    let third = catalog
        .list(EntityType::Table, &filters, 2, second.after.as_ref())
        .unwrap();
    assert_eq!(
        third
            .data
            .iter()
            .map(|t| t["name"].clone())
            .collect::<Vec<_>>(),
        ["t4"]
    );
    assert_eq!(third.after, None, "the last page has no cursor");

    let counted = catalog.list(EntityType::Table, &filters, 0, None).unwrap();
    assert_eq!(
        (counted.total, counted.data.len(), counted.after),
        (5, 0, None)
    );
}

#[test]
fn filters_by_parent_name_and_deletion() {
    let (_dir, catalog) = setup();
    let by_service = Filters {
        service: Some("svc_b".into()),
        ..Filters::default()
    };
    assert_eq!(names(&catalog, &by_service), ["orders"]);
    let by_database = Filters {
        database: Some("svc_a.default".into()),
        ..Filters::default()
    };
    assert_eq!(names(&catalog, &by_database), ["t0", "t1", "t2", "t4"]);
    let by_schema = Filters {
        schema: Some(schema_fqn("svc_a")),
        include: Include::All,
        ..Filters::default()
    };
    assert_eq!(names(&catalog, &by_schema), ["t0", "t1", "t2", "t3", "t4"]);
    let deleted = Filters {
        include: Include::Deleted,
        ..Filters::default()
    };
    assert_eq!(names(&catalog, &deleted), ["t3"]);

    let substring = Filters {
        name_pattern: Some("RDE".into()),
        ..Filters::default()
    };
    assert_eq!(names(&catalog, &substring), ["orders"]);
    let glob = Filters {
        name_pattern: Some("t[0-2]".into()),
        ..Filters::default()
    };
    assert_eq!(names(&catalog, &glob), ["t0", "t1", "t2"]);

    let databases = catalog.list(
        EntityType::Database,
        &Filters {
            service: Some("svc_a".into()),
            ..Filters::default()
        },
        10,
        None,
    );
    assert_eq!(
        databases.unwrap().data[0]["fullyQualifiedName"],
        "svc_a.default"
    );
}

#[test]
fn stats_count_live_and_deleted_entities_per_type() {
    let (_dir, catalog) = setup();
    let stats = catalog.stats().unwrap();
    let stat = |entity_type, live, deleted| TypeStats {
        entity_type,
        live,
        deleted,
    };
    assert_eq!(
        stats,
        [
            stat(EntityType::DatabaseService, 2, 0),
            stat(EntityType::Database, 2, 0),
            stat(EntityType::DatabaseSchema, 2, 0),
            stat(EntityType::Table, 5, 1),
        ]
    );
    assert_eq!(
        serde_json::to_value(&stats[3]).unwrap(),
        serde_json::json!({"entityType": "table", "live": 5, "deleted": 1})
    );
}

#[test]
fn a_parent_filter_never_takes_a_sibling_whose_name_extends_the_parents() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(dir.path().join("catalog.db")).unwrap();
    let pk = || columns(&[("pk", DataType::String)]);
    let mut batch = Vec::new();
    for service in ["svc_a", "svc_ab"] {
        batch.extend(hierarchy(service));
        batch.push(table(&schema_fqn(service), &format!("in_{service}"), pk()));
    }
    assert!(
        catalog
            .upsert_batch(&batch)
            .unwrap()
            .iter()
            .all(Result::is_ok)
    );
    let by_service = Filters {
        service: Some("svc_a".into()),
        ..Filters::default()
    };
    assert_eq!(names(&catalog, &by_service), ["in_svc_a"]);
    let by_schema = Filters {
        schema: Some(schema_fqn("svc_ab")),
        ..Filters::default()
    };
    assert_eq!(names(&catalog, &by_schema), ["in_svc_ab"]);
    let page = catalog
        .list(EntityType::Table, &by_service, 10, None)
        .unwrap();
    assert_eq!(page.total, 1);
}
