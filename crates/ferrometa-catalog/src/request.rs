//! [`EntityRequest`]: a create request as the store writes it, and the context of a write.
//!
//! Requests come from ferrometa's model ([`CreateEntity`]) or, through
//! [`EntityRequest::from_json`], from JSON carrying fields the model lacks: the REST server
//! accepts every field of OpenMetadata's `Create*` schemas and stores the ones it keeps. Either
//! way the store sees a type, a name, the parent's FQN and the request's fields.

use ferrometa_model::fqn::{assign_column_fqns, child, quote_name, split};
use ferrometa_model::{CreateEntity, EntityType, canonical_json};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::{CatalogError, Result};

/// `updatedBy` of the versions the engine writes.
pub(crate) const UPDATED_BY: &str = "ferrometa";

/// A create request ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRequest {
    entity_type: EntityType,
    name: String,
    fqn: String,
    parent_fqn: Option<String>,
    /// The request's fields, the parent's FQN string included; columns carry their FQNs.
    pub(crate) fields: Map<String, Value>,
    /// What the store compares with the stored hash to skip unchanged writes early.
    pub(crate) hash: String,
}

/// Adjusts a request's content to the stored entity's content before the two are compared,
/// e.g. to keep fields a PUT may not remove. Arguments: stored content, new content.
pub type MergeFn = dyn Fn(&Map<String, Value>, &mut Map<String, Value>) + Send + Sync;

/// Who writes (`updatedBy`) and how a write treats what the stored entity holds.
#[derive(Clone, Copy)]
pub struct WriteContext<'a> {
    pub updated_by: &'a str,
    /// `None`: the request replaces the stored content, as the engine's writes do.
    pub merge: Option<&'a MergeFn>,
}

impl WriteContext<'_> {
    /// The engine's writes: `updatedBy` is `ferrometa` and requests are authoritative.
    pub const ENGINE: WriteContext<'static> = WriteContext {
        updated_by: UPDATED_BY,
        merge: None,
    };
}

impl std::fmt::Debug for WriteContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteContext")
            .field("updated_by", &self.updated_by)
            .field("merge", &self.merge.is_some())
            .finish()
    }
}

/// How a delete treats the entity and its descendants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeleteMode {
    /// Remove the rows and their history instead of marking them deleted.
    pub hard: bool,
    /// Delete descendants too; without it an entity that has any is not deleted.
    pub recursive: bool,
}

/// The entity below which a stale delete looks, e.g. the schema whose tables were listed.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub entity_type: EntityType,
    pub fqn: &'a str,
}

impl EntityRequest {
    /// A request of `entity_type` from its JSON fields. `name` and the parent's field
    /// (`service`, `database` or `databaseSchema`) must be strings; parent FQNs are taken in
    /// any quoting, and a database's `service` as the raw service name or its FQN. Every other
    /// field is stored as it is: validating it is the caller's business.
    pub fn from_json(entity_type: EntityType, mut fields: Map<String, Value>) -> Result<Self> {
        let text = |fields: &Map<String, Value>, key: &str| -> Result<String> {
            match fields.get(key) {
                Some(Value::String(value)) => Ok(value.clone()),
                _ => Err(CatalogError::InvalidRequest(format!(
                    "{entity_type} request needs a string `{key}`"
                ))),
            }
        };
        let name = text(&fields, "name")?;
        let parent_fqn = match entity_type.parent_field() {
            None => None,
            Some(field) => {
                let parent = text(&fields, field)?;
                Some(if entity_type == EntityType::Database {
                    quote_name(&parent)
                } else {
                    canonical_fqn(&parent)
                })
            }
        };
        let fqn = match &parent_fqn {
            None => quote_name(&name),
            Some(parent) => child(parent, &name),
        };
        if entity_type == EntityType::Table
            && let Some(Value::Array(columns)) = fields.get_mut("columns")
        {
            assign_json_column_fqns(columns, &fqn);
        }
        let digest = Sha256::digest(canonical_json(&Value::Object(fields.clone())).as_bytes());
        let hash = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Ok(EntityRequest {
            entity_type,
            name,
            fqn,
            parent_fqn,
            fields,
            hash,
        })
    }

    pub fn entity_type(&self) -> EntityType {
        self.entity_type
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The FQN OpenMetadata's server assigns to this entity.
    pub fn fqn(&self) -> &str {
        &self.fqn
    }

    /// The FQN of the parent entity, if any.
    pub fn parent_fqn(&self) -> Option<&str> {
        self.parent_fqn.as_deref()
    }
}

impl From<&CreateEntity> for EntityRequest {
    fn from(request: &CreateEntity) -> Self {
        let fqn = request.fqn();
        let fields = match request {
            CreateEntity::Table(table) => {
                let mut table = table.clone();
                assign_column_fqns(&mut table.columns, &fqn);
                serde_json::to_value(table)
            }
            other => serde_json::to_value(other),
        };
        let Ok(Value::Object(fields)) = fields else {
            unreachable!("requests serialize to objects")
        };
        EntityRequest {
            entity_type: request.entity_type(),
            name: request.name().to_string(),
            parent_fqn: request.parent_fqn(),
            fqn,
            fields,
            // The model's hash leaves `sourceHash` out, as the engine's stored hashes do.
            hash: request.content_hash(),
        }
    }
}

/// An FQN with every part quoted by `quoteName`, as the store keeps them: `"a".b."c.d"` and
/// `a.b."c.d"` name the same entity, as OpenMetadata's FQN hashes make them.
pub fn canonical_fqn(fqn: &str) -> String {
    split(fqn)
        .iter()
        .map(|part| quote_name(part))
        .collect::<Vec<_>>()
        .join(".")
}

/// [`assign_column_fqns`] over JSON columns: non-objects and nameless columns are left alone.
fn assign_json_column_fqns(columns: &mut [Value], parent_fqn: &str) {
    for column in columns.iter_mut().filter_map(Value::as_object_mut) {
        let Some(name) = column.get("name").and_then(Value::as_str) else {
            continue;
        };
        let fqn = child(parent_fqn, name);
        if let Some(Value::Array(children)) = column.get_mut("children") {
            assign_json_column_fqns(children, &fqn);
        }
        column.insert("fullyQualifiedName".into(), fqn.into());
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn json_requests_get_canonical_fqns() {
        let database = EntityRequest::from_json(
            EntityType::Database,
            object(json!({"name": "default", "service": "my.dyn"})),
        )
        .unwrap();
        assert_eq!(database.fqn(), "\"my.dyn\".default");
        assert_eq!(database.parent_fqn(), Some("\"my.dyn\""));

        let table = EntityRequest::from_json(
            EntityType::Table,
            object(json!({
                "name": "a.b", "databaseSchema": "\"my.dyn\".\"default\".s",
                "columns": [{"name": "x", "dataType": "STRUCT", "children": [{"name": "y.z", "dataType": "INT"}]}]
            })),
        )
        .unwrap();
        assert_eq!(table.fqn(), "\"my.dyn\".default.s.\"a.b\"");
        assert_eq!(
            table.fields["columns"][0]["children"][0]["fullyQualifiedName"],
            "\"my.dyn\".default.s.\"a.b\".x.\"y.z\""
        );
    }

    #[test]
    fn json_requests_need_a_name_and_a_parent() {
        let error =
            EntityRequest::from_json(EntityType::Table, object(json!({"name": "t"}))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid request: table request needs a string `databaseSchema`"
        );
    }

    #[test]
    fn model_requests_keep_the_model_hash() {
        let service =
            CreateEntity::DatabaseService(Box::new(ferrometa_model::CreateDatabaseService {
                name: "svc".into(),
                service_type: "DynamoDB".into(),
                ..Default::default()
            }));
        let request = EntityRequest::from(&service);
        assert_eq!(request.hash, service.content_hash());
        assert_eq!((request.fqn(), request.parent_fqn()), ("svc", None));
    }
}
