//! Response shapes: entities with absolute `href`s and the optional fields asked for, list
//! cursors, `BulkOperationResult` and version histories. Each holds only fields of
//! OpenMetadata's schemas: the upstream client rejects any other key.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use ferrometa_catalog::Cursor;
use ferrometa_model::EntityType;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::kind::Kind;

/// Optional fields that hold lists: asked for and unset, they are answered with `[]`, as
/// OpenMetadata does.
const LIST_FIELDS: &[&str] = &[
    "owners",
    "followers",
    "tags",
    "domains",
    "dataProducts",
    "pipelines",
];

/// Fields holding references to entities this server serves, which get `href`s.
const REFERENCE_FIELDS: &[&str] = &[
    "service",
    "database",
    "databaseSchema",
    "databaseSchemas",
    "tables",
];

/// The optional fields a read asked for (`fields`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fields {
    All,
    Named(HashSet<String>),
}

impl Fields {
    /// Parses `fields` (a comma list, or `*`); a name the entity's schema lacks is a 400.
    pub fn parse(kind: &Kind, param: Option<&str>) -> Result<Fields, ApiError> {
        let Some(param) = param.map(str::trim).filter(|p| !p.is_empty()) else {
            return Ok(Fields::Named(HashSet::new()));
        };
        if param == "*" {
            return Ok(Fields::All);
        }
        let mut names = HashSet::new();
        for name in param.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !kind.known_fields.contains(&name) {
                return Err(ApiError::bad_request(format!("invalid field name {name}")));
            }
            names.insert(name.to_string());
        }
        Ok(Fields::Named(names))
    }

    pub fn wants(&self, name: &str) -> bool {
        match self {
            Fields::All => true,
            Fields::Named(names) => names.contains(name),
        }
    }
}

/// The URL of an entity.
pub(crate) fn href(base: &str, entity_type: EntityType, id: &str) -> String {
    format!("{base}/api/v1/{}/{id}", entity_type.collection())
}

/// An entity as answered: the optional fields `fields` does not ask for removed (all kept
/// when `None`, as writes answer), unset list fields asked for as `[]`, and `href`s on the
/// entity and its references.
pub(crate) fn entity(kind: &Kind, entity: Value, base: &str, fields: Option<&Fields>) -> Value {
    let Value::Object(mut entity) = entity else {
        return entity;
    };
    if let Some(fields) = fields {
        entity.retain(|key, _| !kind.optional_fields.contains(&key.as_str()) || fields.wants(key));
        for &name in kind.optional_fields {
            if LIST_FIELDS.contains(&name) && fields.wants(name) && !entity.contains_key(name) {
                entity.insert(name.into(), Value::Array(Vec::new()));
            }
        }
    }
    add_hrefs(&mut entity, kind.entity_type, base);
    Value::Object(entity)
}

/// A reference to an entity, as list fields such as `tables` hold them.
pub(crate) fn reference(entity_type: EntityType, entity: &Value, base: &str) -> Value {
    let mut reference = Map::new();
    reference.insert("id".into(), entity["id"].clone());
    reference.insert("type".into(), entity_type.as_str().into());
    for key in [
        "name",
        "fullyQualifiedName",
        "description",
        "displayName",
        "deleted",
    ] {
        if let Some(value) = entity.get(key) {
            reference.insert(key.into(), value.clone());
        }
    }
    add_hrefs(&mut reference, entity_type, base);
    Value::Object(reference)
}

fn add_hrefs(entity: &mut Map<String, Value>, entity_type: EntityType, base: &str) {
    if let Some(id) = entity.get("id").and_then(Value::as_str) {
        let url = href(base, entity_type, id);
        entity.insert("href".into(), url.into());
    }
    for (_, value) in entity
        .iter_mut()
        .filter(|(key, _)| REFERENCE_FIELDS.contains(&key.as_str()))
    {
        match value {
            Value::Object(reference) => add_reference_href(reference, base),
            Value::Array(items) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    add_reference_href(item, base);
                }
            }
            _ => {}
        }
    }
}

/// Adds `href` to an `EntityReference` of a type this server serves.
fn add_reference_href(reference: &mut Map<String, Value>, base: &str) {
    let entity_type = reference
        .get("type")
        .and_then(Value::as_str)
        .and_then(entity_type_named);
    if let (Some(entity_type), Some(id)) =
        (entity_type, reference.get("id").and_then(Value::as_str))
    {
        let url = href(base, entity_type, id);
        reference.insert("href".into(), url.into());
    }
}

fn entity_type_named(name: &str) -> Option<EntityType> {
    [
        EntityType::DatabaseService,
        EntityType::Database,
        EntityType::DatabaseSchema,
        EntityType::Table,
    ]
    .into_iter()
    .find(|t| t.as_str() == name)
}

/// OpenMetadata's cursor: URL-safe base64 (padded) of `{"name":…,"id":…}`.
pub(crate) fn encode_cursor(cursor: &Cursor) -> String {
    URL_SAFE.encode(serde_json::to_vec(cursor).expect("cursors always serialize"))
}

pub(crate) fn decode_cursor(text: &str) -> Result<Cursor, ApiError> {
    let bytes = URL_SAFE
        .decode(text.trim())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()));
    bytes
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| ApiError::bad_request(format!("invalid cursor `{text}`")))
}

/// A `BulkOperationResult` being built.
#[derive(Default)]
pub(crate) struct BulkResult {
    dry_run: bool,
    passed: Vec<Value>,
    failed: Vec<Value>,
}

impl BulkResult {
    pub fn new(dry_run: bool) -> Self {
        BulkResult {
            dry_run,
            ..BulkResult::default()
        }
    }

    /// A row that went through; `request` is its FQN, as OpenMetadata's server reports it.
    pub fn pass(&mut self, request: Value) {
        self.passed.push(json!({"request": request, "status": 200}));
    }

    pub fn fail(&mut self, request: Value, error: &ApiError) {
        self.failed.push(json!({
            "request": request,
            "message": error.message,
            "status": error.status.as_u16(),
        }));
    }

    pub fn into_json(self) -> Value {
        let (passed, failed) = (self.passed.len(), self.failed.len());
        let status = match (passed, failed) {
            (_, 0) => "success",
            (0, _) => "failure",
            _ => "partialSuccess",
        };
        json!({
            "dryRun": self.dry_run,
            "status": status,
            "numberOfRowsProcessed": passed + failed,
            "numberOfRowsPassed": passed,
            "numberOfRowsFailed": failed,
            "successRequest": self.passed,
            "failedRequest": self.failed,
        })
    }
}

/// `EntityHistory`: every version as JSON text, newest first, as OpenMetadata serves them.
pub(crate) fn history(entity_type: EntityType, versions: Vec<Value>) -> Value {
    let versions: Vec<Value> = versions
        .into_iter()
        .map(|version| Value::String(version.to_string()))
        .collect();
    json!({"entityType": entity_type.as_str(), "versions": versions})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_as_openmetadata_encodes_them() {
        let cursor = Cursor {
            name: "orders".into(),
            id: "1f7c".into(),
        };
        let text = encode_cursor(&cursor);
        assert_eq!(
            String::from_utf8(URL_SAFE.decode(&text).unwrap()).unwrap(),
            r#"{"name":"orders","id":"1f7c"}"#
        );
        assert_eq!(decode_cursor(&text).unwrap(), cursor);
        assert_eq!(decode_cursor("%%").unwrap_err().status.as_u16(), 400);
    }

    #[test]
    fn bulk_status_reflects_failures() {
        let mut result = BulkResult::default();
        result.pass("a".into());
        result.fail("b".into(), &ApiError::bad_request("bad"));
        let json = result.into_json();
        assert_eq!(json["status"], "partialSuccess");
        assert_eq!(json["numberOfRowsProcessed"], 2);
        assert_eq!(
            json["failedRequest"],
            json!([{"request": "b", "message": "bad", "status": 400}])
        );
    }
}
