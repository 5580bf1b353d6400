//! The stored shape of entities: OpenMetadata's response entities, built from `Create*`
//! requests.
//!
//! An entity's JSON is what an OpenMetadata server returns for it, minus `href` (which
//! depends on the server's address): the bookkeeping fields the store maintains (`id`,
//! `version`, `updatedAt`, `updatedBy`, `deleted`, `changeDescription`), then the request's
//! fields, with the request's parent FQN string replaced by `EntityReference`s to every
//! ancestor, the service's `serviceType`, and a `fullyQualifiedName` on every column.

use ferrometa_model::EntityType;
use serde_json::{Map, Value, json};

use crate::request::EntityRequest;
use crate::version::Version;

/// Fields the store maintains; everything else is content, compared between versions.
const BOOKKEEPING: [&str; 6] = [
    "id",
    "version",
    "updatedAt",
    "updatedBy",
    "deleted",
    "changeDescription",
];

/// The bookkeeping fields of one version.
pub(crate) struct Header<'a> {
    pub id: &'a str,
    pub version: Version,
    pub updated_at: i64,
    pub updated_by: &'a str,
    pub deleted: bool,
    pub change_description: Option<Value>,
}

/// The stored content of `request`, given its parent's stored JSON.
pub(crate) fn content(request: &EntityRequest, parent: Option<&Value>) -> Map<String, Value> {
    let mut content = Map::new();
    content.insert("fullyQualifiedName".into(), request.fqn().into());
    let mut parent_field = None;
    let entity_type = request.entity_type();
    if let (Some(parent_type), Some(field), Some(parent)) =
        (entity_type.parent(), entity_type.parent_field(), parent)
    {
        // Children inherit the service type and their parent's references to its ancestors.
        for key in ["serviceType", "service", "database"] {
            if let Some(value) = parent.get(key) {
                content.insert(key.into(), value.clone());
            }
        }
        content.insert(field.into(), reference(parent_type, parent));
        parent_field = Some(field);
    }
    // The request names its parent by FQN; the reference above takes that field's place.
    content.extend(
        request
            .fields
            .iter()
            .filter(|(key, _)| Some(key.as_str()) != parent_field)
            .map(|(key, value)| (key.clone(), value.clone())),
    );
    content
}

/// The whole stored entity: bookkeeping and identity fields first, then the content.
pub(crate) fn assemble(header: Header<'_>, mut content: Map<String, Value>) -> Value {
    let mut entity = Map::new();
    entity.insert("id".into(), header.id.into());
    for key in ["name", "displayName", "fullyQualifiedName", "description"] {
        if let Some(value) = content.shift_remove(key) {
            entity.insert(key.into(), value);
        }
    }
    entity.insert("version".into(), json!(header.version));
    entity.insert("updatedAt".into(), header.updated_at.into());
    entity.insert("updatedBy".into(), header.updated_by.into());
    entity.insert("deleted".into(), header.deleted.into());
    if let Some(description) = header.change_description {
        entity.insert("changeDescription".into(), description);
    }
    entity.extend(content);
    Value::Object(entity)
}

/// The content of a stored entity: everything but the bookkeeping fields.
pub(crate) fn strip(entity: Value) -> Map<String, Value> {
    let Value::Object(mut fields) = entity else {
        return Map::new();
    };
    fields.retain(|key, _| !BOOKKEEPING.contains(&key.as_str()));
    fields
}

/// An `EntityReference` to a stored entity.
fn reference(entity_type: EntityType, entity: &Value) -> Value {
    json!({
        "id": entity["id"],
        "type": entity_type.as_str(),
        "name": entity["name"],
        "fullyQualifiedName": entity["fullyQualifiedName"],
    })
}

#[cfg(test)]
mod tests {
    use ferrometa_model::{
        Column, CreateDatabaseService, CreateEntity, CreateTable, DataType, TableType,
    };

    use super::*;
    use crate::request::UPDATED_BY;

    #[test]
    fn service_is_stored_with_bookkeeping_first() {
        let service = CreateEntity::DatabaseService(Box::new(CreateDatabaseService {
            name: "my.dyn".into(),
            service_type: "DynamoDB".into(),
            ..Default::default()
        }));
        let header = Header {
            id: "i",
            version: Version::INITIAL,
            updated_at: 5,
            updated_by: UPDATED_BY,
            deleted: false,
            change_description: None,
        };
        let entity = assemble(header, content(&EntityRequest::from(&service), None));
        assert_eq!(
            serde_json::to_string(&entity).unwrap(),
            r#"{"id":"i","name":"my.dyn","fullyQualifiedName":"\"my.dyn\"","version":0.1,"updatedAt":5,"updatedBy":"ferrometa","deleted":false,"serviceType":"DynamoDB"}"#
        );
        assert_eq!(
            Value::Object(strip(entity)),
            json!({"name": "my.dyn", "fullyQualifiedName": "\"my.dyn\"", "serviceType": "DynamoDB"})
        );
    }

    #[test]
    fn table_gets_references_and_column_fqns() {
        let schema = json!({
            "id": "s1", "name": "default", "fullyQualifiedName": "svc.default.default", "serviceType": "DynamoDB",
            "service": {"id": "v1", "type": "databaseService", "name": "svc", "fullyQualifiedName": "svc"},
            "database": {"id": "d1", "type": "database", "name": "default", "fullyQualifiedName": "svc.default"},
        });
        let mut nested = Column::new("a.b", DataType::Struct);
        nested.children = Some(vec![Column::new("c", DataType::Int)]);
        let table = CreateEntity::Table(Box::new(CreateTable {
            name: "t".into(),
            table_type: Some(TableType::Regular),
            columns: vec![nested],
            database_schema: "svc.default.default".into(),
            source_hash: Some("h".into()),
            ..Default::default()
        }));
        let content = content(&EntityRequest::from(&table), Some(&schema));
        let keys: Vec<&str> = content.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "fullyQualifiedName",
                "serviceType",
                "service",
                "database",
                "databaseSchema",
                "name",
                "tableType",
                "columns",
                "sourceHash"
            ]
        );
        assert_eq!(content["databaseSchema"]["id"], "s1");
        assert_eq!(content["databaseSchema"]["type"], "databaseSchema");
        assert_eq!(content["database"]["id"], "d1");
        assert_eq!(
            content["columns"][0]["fullyQualifiedName"],
            "svc.default.default.t.\"a.b\""
        );
        assert_eq!(
            content["columns"][0]["children"][0]["fullyQualifiedName"],
            "svc.default.default.t.\"a.b\".c"
        );
    }
}
