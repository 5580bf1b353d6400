//! Writes of the REST server: JSON requests, callers as `updatedBy`, POST, delete modes,
//! restore, single versions, stale deletes and backward paging.

use ferrometa_catalog::{
    Catalog, CatalogError, DeleteMode, EntityRequest, Filters, Include, Scope, WriteContext,
};
use ferrometa_core::WriteOutcome;
use ferrometa_model::EntityType;
use serde_json::{Map, Value, json};
use tempfile::TempDir;

use crate::fixtures::{hierarchy, schema_fqn};

const SCHEMA: &str = "svc.default.default";

fn request(entity_type: EntityType, body: Value) -> EntityRequest {
    EntityRequest::from_json(entity_type, body.as_object().cloned().unwrap()).unwrap()
}

fn table(name: &str) -> EntityRequest {
    request(
        EntityType::Table,
        json!({"name": name, "tableType": "Regular", "databaseSchema": SCHEMA,
               "columns": [{"name": "pk", "dataType": "STRING"}],
               "owners": [{"id": "8d9f1f4e-6c2b-4a51-9d27-0b9c2c1e5a10", "type": "user"}]}),
    )
}

fn by(user: &str) -> WriteContext<'_> {
    WriteContext {
        updated_by: user,
        merge: None,
    }
}

fn setup() -> (TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(dir.path().join("catalog.db")).unwrap();
    assert!(
        catalog
            .upsert_batch(&hierarchy("svc"))
            .unwrap()
            .iter()
            .all(Result::is_ok)
    );
    (dir, catalog)
}

fn stored(catalog: &Catalog, name: &str) -> Value {
    catalog
        .get_by_fqn(EntityType::Table, &format!("{SCHEMA}.{name}"), Include::All)
        .unwrap()
        .unwrap()
}

#[test]
fn json_requests_keep_fields_the_model_lacks() {
    let (_dir, mut catalog) = setup();
    let (outcome, entity) = catalog.put(&table("t"), by("alice")).unwrap();
    assert_eq!(outcome, WriteOutcome::Created);
    assert_eq!(entity["updatedBy"], "alice");
    assert_eq!(entity["owners"][0]["type"], "user");
    assert_eq!(
        entity["columns"][0]["fullyQualifiedName"],
        "svc.default.default.t.pk"
    );
    assert_eq!(entity["databaseSchema"]["fullyQualifiedName"], SCHEMA);

    let (outcome, same) = catalog.put(&table("t"), by("bob")).unwrap();
    assert_eq!(outcome, WriteOutcome::Unchanged);
    assert_eq!(
        same["updatedBy"], "alice",
        "no change keeps the last writer"
    );
}

#[test]
fn a_merge_hook_sees_the_stored_content() {
    let (_dir, mut catalog) = setup();
    catalog.put(&table("t"), by("alice")).unwrap();
    let keep_owners = |stored: &Map<String, Value>, new: &mut Map<String, Value>| {
        if let Some(owners) = stored.get("owners") {
            new.insert("owners".into(), owners.clone());
        }
    };
    let without_owners = request(
        EntityType::Table,
        json!({"name": "t", "tableType": "Regular", "databaseSchema": SCHEMA,
               "columns": [{"name": "pk", "dataType": "STRING"}]}),
    );
    let ctx = WriteContext {
        updated_by: "bot",
        merge: Some(&keep_owners),
    };
    let (outcome, entity) = catalog.put(&without_owners, ctx).unwrap();
    assert_eq!(outcome, WriteOutcome::Unchanged);
    assert_eq!(entity["owners"][0]["type"], "user");
    // The same request again is skipped by its hash; another one, without the hook, replaces.
    assert_eq!(
        catalog.put(&without_owners, by("bot")).unwrap().0,
        WriteOutcome::Unchanged
    );
    let described = request(
        EntityType::Table,
        json!({"name": "t", "description": "d", "tableType": "Regular", "databaseSchema": SCHEMA,
               "columns": [{"name": "pk", "dataType": "STRING"}]}),
    );
    let (outcome, entity) = catalog.put(&described, by("bot")).unwrap();
    assert_eq!(outcome, WriteOutcome::Updated);
    assert!(entity.get("owners").is_none());
}

#[test]
fn create_refuses_existing_names_even_deleted() {
    let (_dir, mut catalog) = setup();
    let created = catalog.create(&table("t"), by("alice")).unwrap();
    assert_eq!(created["version"], json!(0.1));
    assert!(matches!(
        catalog.create(&table("t"), by("alice")),
        Err(CatalogError::AlreadyExists { .. })
    ));
    let id = created["id"].as_str().unwrap();
    catalog
        .delete(EntityType::Table, id, DeleteMode::default(), "alice")
        .unwrap();
    assert!(matches!(
        catalog.create(&table("t"), by("alice")),
        Err(CatalogError::AlreadyExists { .. })
    ));
    let orphan = request(
        EntityType::Table,
        json!({"name": "t", "databaseSchema": "svc.default.nope", "columns": []}),
    );
    assert!(matches!(
        catalog.create(&orphan, by("alice")),
        Err(CatalogError::MissingParent { .. })
    ));
}

#[test]
fn deletes_need_recursive_for_parents_and_hard_deletes_remove_history() {
    let (_dir, mut catalog) = setup();
    let t = catalog.create(&table("t"), by("alice")).unwrap();
    let schema = catalog
        .get_by_fqn(EntityType::DatabaseSchema, &schema_fqn("svc"), Include::All)
        .unwrap()
        .unwrap();
    let schema_id = schema["id"].as_str().unwrap();
    assert!(matches!(
        catalog.delete(
            EntityType::DatabaseSchema,
            schema_id,
            DeleteMode::default(),
            "bob"
        ),
        Err(CatalogError::NotEmpty { .. })
    ));
    let recursive = DeleteMode {
        hard: false,
        recursive: true,
    };
    let deleted = catalog
        .delete(EntityType::DatabaseSchema, schema_id, recursive, "bob")
        .unwrap();
    assert_eq!(
        (deleted["deleted"].clone(), deleted["updatedBy"].clone()),
        (json!(true), json!("bob"))
    );
    assert_eq!(stored(&catalog, "t")["deleted"], true);
    assert!(matches!(
        catalog.delete(EntityType::DatabaseSchema, schema_id, recursive, "bob"),
        Err(CatalogError::NotFound { .. })
    ));

    let restored = catalog
        .restore(EntityType::DatabaseSchema, schema_id, "carol")
        .unwrap();
    assert_eq!(restored["deleted"], false);
    assert_eq!(restored["version"], json!(0.3));
    assert_eq!(stored(&catalog, "t")["updatedBy"], "carol");

    let t_id = t["id"].as_str().unwrap();
    let hard = DeleteMode {
        hard: true,
        recursive: false,
    };
    catalog
        .delete(EntityType::Table, t_id, hard, "bob")
        .unwrap();
    assert!(
        catalog
            .get_by_id(EntityType::Table, t_id, Include::All)
            .unwrap()
            .is_none()
    );
    assert!(catalog.versions(t_id).unwrap().is_empty());
}

#[test]
fn single_versions_are_served() {
    let (_dir, mut catalog) = setup();
    let t = catalog.create(&table("t"), by("alice")).unwrap();
    let id = t["id"].as_str().unwrap();
    catalog
        .delete(EntityType::Table, id, DeleteMode::default(), "bob")
        .unwrap();
    assert_eq!(catalog.version(id, 1).unwrap().unwrap()["deleted"], false);
    assert_eq!(catalog.version(id, 2).unwrap().unwrap()["deleted"], true);
    assert!(catalog.version(id, 3).unwrap().is_none());
}

#[test]
fn stale_deletes_spare_seen_entities_and_other_scopes() {
    let (_dir, mut catalog) = setup();
    for name in ["a", "b", "c.d"] {
        catalog.put(&table(name), by("alice")).unwrap();
    }
    let scope = Scope {
        entity_type: EntityType::DatabaseSchema,
        fqn: SCHEMA,
    };
    let mode = DeleteMode {
        hard: false,
        recursive: true,
    };
    assert!(
        catalog
            .delete_stale(EntityType::Table, scope, &[], mode, "bot")
            .unwrap()
            .is_empty()
    );
    let seen = ["svc.\"default\".default.a".to_string()];
    assert_eq!(
        catalog.stale(EntityType::Table, scope, &seen).unwrap(),
        ["svc.default.default.\"c.d\"", "svc.default.default.b"]
    );
    let deleted = catalog
        .delete_stale(EntityType::Table, scope, &seen, mode, "bot")
        .unwrap();
    assert_eq!(deleted.len(), 2);
    assert!(deleted.iter().all(|(_, outcome)| outcome.is_ok()));
    assert_eq!(stored(&catalog, "a")["deleted"], false);
    assert_eq!(stored(&catalog, "b")["deleted"], true);

    let elsewhere = Scope {
        entity_type: EntityType::DatabaseSchema,
        fqn: "svc.default.other",
    };
    assert!(
        catalog
            .stale(EntityType::Table, elsewhere, &seen)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn backward_pages_mirror_forward_ones() {
    let (_dir, mut catalog) = setup();
    for i in 0..7 {
        catalog.put(&table(&format!("t{i}")), by("alice")).unwrap();
    }
    let filters = Filters::default();
    let first = catalog.list(EntityType::Table, &filters, 3, None).unwrap();
    let second = catalog
        .list(EntityType::Table, &filters, 3, first.after.as_ref())
        .unwrap();
    let back = catalog
        .list_before(
            EntityType::Table,
            &filters,
            3,
            &ferrometa_catalog::Cursor {
                name: second.data[0]["name"].as_str().unwrap().into(),
                id: second.data[0]["id"].as_str().unwrap().into(),
            },
        )
        .unwrap();
    assert_eq!(back.data, first.data);
    assert_eq!(back.before, None, "nothing precedes the first page");
    assert_eq!(back.after, first.after);
    assert_eq!(back.total, 7);
}
