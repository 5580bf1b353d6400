//! Change detection and version numbers, as OpenMetadata's `EntityUpdater` records them.
//!
//! A write that changes nothing keeps the version. Any recorded change adds 0.1; a major
//! change adds 1.0. For tables a change is major when a column disappears: columns are
//! matched by case-insensitive name, `dataType` and `arrayDataType` (`EntityUtil.columnMatch`),
//! so a column whose type changed counts as removed and added. Nested children are compared
//! the same way. Versions are kept in tenths so that repeated bumps never drift.

use std::collections::{HashMap, HashSet};

use ferrometa_model::fqn::{build, quote_name};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// An entity version in tenths: `Version(1)` is OpenMetadata's `0.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Version(pub i64);

impl Version {
    /// The version of a newly created entity.
    pub const INITIAL: Version = Version(1);
}

/// Serialized as OpenMetadata's number (`1.2`).
impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0 as f64 / 10.0)
    }
}

/// One changed field (`type/entityHistory.json#/definitions/fieldChange`). Objects and
/// arrays are carried as JSON text, as OpenMetadata does.
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldChange {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_value: Option<Value>,
}

impl FieldChange {
    fn new(name: impl Into<String>, old: Option<&Value>, new: Option<&Value>) -> Self {
        let encode = |v: &Value| match v {
            Value::Object(_) | Value::Array(_) => Value::String(v.to_string()),
            scalar => scalar.clone(),
        };
        FieldChange {
            name: name.into(),
            old_value: old.map(encode),
            new_value: new.map(encode),
        }
    }
}

/// `type/entityHistory.json#/definitions/changeDescription`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangeDescription<'a> {
    fields_added: &'a [FieldChange],
    fields_updated: &'a [FieldChange],
    fields_deleted: &'a [FieldChange],
    previous_version: Version,
}

/// The differences between a stored entity and its replacement.
#[derive(Debug, Default)]
pub(crate) struct Change {
    added: Vec<FieldChange>,
    updated: Vec<FieldChange>,
    deleted: Vec<FieldChange>,
    major: bool,
}

impl Change {
    /// Compares two entities' contents (bookkeeping fields already removed).
    pub fn between(old: &Map<String, Value>, new: &Map<String, Value>) -> Change {
        let mut change = Change::default();
        change.fields(None, old, new);
        change
    }

    /// Records the `deleted` flag turning to `deleted` (a soft delete or a restore).
    pub fn record_deleted(&mut self, deleted: bool) {
        self.updated.push(FieldChange::new(
            "deleted",
            Some(&Value::Bool(!deleted)),
            Some(&Value::Bool(deleted)),
        ));
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.updated.is_empty() && self.deleted.is_empty()
    }

    /// The version after this change (`EntityUtil.nextVersion` / `nextMajorVersion`).
    pub fn next_version(&self, current: Version) -> Version {
        Version(current.0 + if self.major { 10 } else { 1 })
    }

    /// The `changeDescription` of the version this change leads to.
    pub fn description(&self, previous: Version) -> Value {
        let description = ChangeDescription {
            fields_added: &self.added,
            fields_updated: &self.updated,
            fields_deleted: &self.deleted,
            previous_version: previous,
        };
        serde_json::to_value(description).expect("change descriptions always serialize")
    }

    /// Compares the fields of an entity, or of the column at the local path `column`.
    /// `fullyQualifiedName` is derived from names, so it is never a change of its own.
    fn fields(&mut self, column: Option<&str>, old: &Map<String, Value>, new: &Map<String, Value>) {
        let name = |key: &str| {
            column.map_or_else(|| key.to_string(), |local| build(&["columns", local, key]))
        };
        let nested = if column.is_some() {
            "children"
        } else {
            "columns"
        };
        for (key, new_value) in new.iter().filter(|(k, _)| *k != "fullyQualifiedName") {
            match (old.get(key), new_value) {
                (None, _) => self
                    .added
                    .push(FieldChange::new(name(key), None, Some(new_value))),
                (Some(Value::Array(old_columns)), Value::Array(new_columns)) if key == nested => {
                    self.columns(column, old_columns, new_columns)
                }
                (Some(old_value), _) if old_value != new_value => {
                    if column.is_none() && key == "extension" {
                        self.entity_types(old_value, new_value);
                    }
                    self.updated.push(FieldChange::new(
                        name(key),
                        Some(old_value),
                        Some(new_value),
                    ));
                }
                _ => {}
            }
        }
        let removed = old
            .iter()
            .filter(|(k, _)| *k != "fullyQualifiedName" && !new.contains_key(*k));
        for (key, old_value) in removed {
            self.deleted
                .push(FieldChange::new(name(key), Some(old_value), None));
        }
    }

    /// Records each entity type of a single-table design (`extension.dynamodb.entityTypes`,
    /// by name) that appeared or disappeared, as `entityTypes.NAME`, so the history says so
    /// and not only that the extension changed.
    fn entity_types(&mut self, old: &Value, new: &Value) {
        let names = |extension: &Value| -> Vec<String> {
            extension["dynamodb"]["entityTypes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["name"].as_str().map(str::to_string))
                .collect()
        };
        let (old, new) = (names(old), names(new));
        for name in new.iter().filter(|n| !old.contains(n)) {
            let field = build(&["entityTypes", name]);
            self.added.push(FieldChange::new(
                field,
                None,
                Some(&Value::from(name.as_str())),
            ));
        }
        for name in old.iter().filter(|n| !new.contains(n)) {
            let field = build(&["entityTypes", name]);
            self.deleted.push(FieldChange::new(
                field,
                Some(&Value::from(name.as_str())),
                None,
            ));
        }
    }

    /// Compares the columns of an entity, or the children of the column at the local path
    /// `parent`. Added and removed columns are each recorded as one list.
    fn columns(&mut self, parent: Option<&str>, old: &[Value], new: &[Value]) {
        let old_by_key: HashMap<String, &Value> = old.iter().map(|c| (column_key(c), c)).collect();
        let new_keys: HashSet<String> = new.iter().map(column_key).collect();
        let mut added = Vec::new();
        for column in new {
            match (old_by_key.get(&column_key(column)), column) {
                (Some(Value::Object(old_fields)), Value::Object(new_fields)) => {
                    let name = quote_name(
                        new_fields
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                    );
                    let local = parent.map_or(name.clone(), |p| format!("{p}.{name}"));
                    self.fields(Some(&local), old_fields, new_fields);
                }
                _ => added.push(column.clone()),
            }
        }
        let removed: Vec<Value> = old
            .iter()
            .filter(|c| !new_keys.contains(&column_key(c)))
            .cloned()
            .collect();
        let field =
            parent.map_or_else(|| "columns".to_string(), |local| build(&["columns", local]));
        if !added.is_empty() {
            self.added
                .push(FieldChange::new(&field, None, Some(&Value::Array(added))));
        }
        if !removed.is_empty() {
            self.major = true;
            self.deleted
                .push(FieldChange::new(field, Some(&Value::Array(removed)), None));
        }
    }
}

/// What identifies a column across versions: lower-cased name, `dataType`, `arrayDataType`.
fn column_key(column: &Value) -> String {
    let text = |key: &str| column.get(key).and_then(Value::as_str).unwrap_or_default();
    format!(
        "{}\u{0}{}\u{0}{}",
        text("name").to_lowercase(),
        text("dataType"),
        text("arrayDataType")
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn table(columns: Value) -> Map<String, Value> {
        map(json!({"name": "t", "tableType": "Regular", "columns": columns}))
    }

    fn col(name: &str, data_type: &str) -> Value {
        json!({"name": name, "dataType": data_type, "fullyQualifiedName": format!("s.d.sc.t.{name}")})
    }

    #[test]
    fn versions_serialize_as_openmetadata_numbers() {
        assert_eq!(serde_json::to_string(&Version(3)).unwrap(), "0.3");
        assert_eq!(serde_json::to_string(&Version(10)).unwrap(), "1.0");
        assert_eq!(serde_json::to_string(&Version(123)).unwrap(), "12.3");
    }

    #[test]
    fn identical_content_is_no_change() {
        let t = table(json!([col("a", "STRING")]));
        assert!(Change::between(&t, &t).is_empty());
    }

    #[test]
    fn top_level_fields_are_added_updated_and_deleted() {
        let old = map(json!({"name": "t", "description": "old", "sourceUrl": "u"}));
        let new = map(json!({"name": "t", "description": "new", "extension": {"k": 1}}));
        let change = Change::between(&old, &new);
        assert_eq!(
            change.updated,
            vec![FieldChange::new(
                "description",
                Some(&json!("old")),
                Some(&json!("new"))
            )]
        );
        assert_eq!(
            change.added,
            vec![FieldChange::new("extension", None, Some(&json!({"k": 1})))]
        );
        assert_eq!(
            change.added[0].new_value,
            Some(json!("{\"k\":1}")),
            "complex values are json text"
        );
        assert_eq!(
            change.deleted,
            vec![FieldChange::new("sourceUrl", Some(&json!("u")), None)]
        );
        assert_eq!(change.next_version(Version(1)), Version(2));
    }

    #[test]
    fn added_column_is_minor() {
        let old = table(json!([col("a", "STRING")]));
        let new = table(json!([col("a", "STRING"), col("b", "INT")]));
        let change = Change::between(&old, &new);
        assert_eq!(change.added.len(), 1);
        assert_eq!(change.added[0].name, "columns");
        assert!(change.updated.is_empty() && change.deleted.is_empty());
        assert_eq!(change.next_version(Version(1)), Version(2));
    }

    #[test]
    fn removed_or_retyped_column_is_major() {
        let old = table(json!([col("a", "STRING"), col("b", "INT")]));
        let removed = Change::between(&old, &table(json!([col("a", "STRING")])));
        assert_eq!(removed.deleted.len(), 1);
        assert_eq!(removed.next_version(Version(2)), Version(12));

        let retyped = Change::between(
            &old,
            &table(json!([col("a", "STRING"), col("b", "STRING")])),
        );
        assert_eq!((retyped.added.len(), retyped.deleted.len()), (1, 1));
        assert!(retyped.major);
    }

    #[test]
    fn columns_match_case_insensitively_and_record_field_changes() {
        let old = table(json!([{"name": "Amount", "dataType": "INT", "description": "x"}]));
        let new = table(
            json!([{"name": "amount", "dataType": "INT", "description": "y", "constraint": "NOT_NULL"}]),
        );
        let change = Change::between(&old, &new);
        let names = |v: &[FieldChange]| v.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&change.updated),
            ["columns.amount.name", "columns.amount.description"]
        );
        assert_eq!(names(&change.added), ["columns.amount.constraint"]);
        assert!(!change.major);
    }

    #[test]
    fn nested_children_are_compared_recursively() {
        let parent = |children: Value| {
            table(json!([{"name": "p.q", "dataType": "STRUCT", "children": children}]))
        };
        let old = parent(json!([col("x", "INT"), col("y", "INT")]));
        let new = parent(json!([col("x", "INT")]));
        let change = Change::between(&old, &new);
        assert_eq!(change.deleted.len(), 1);
        assert_eq!(change.deleted[0].name, "columns.\"p.q\"");
        assert!(change.major, "a removed child is a major change");
    }

    #[test]
    fn entity_types_appearing_or_disappearing_are_recorded_by_name() {
        let with = |names: &[&str]| {
            let types: Vec<Value> = names.iter().map(|n| json!({"name": n})).collect();
            map(json!({"extension": {"dynamodb": {"entityTypes": types}}}))
        };
        let change = Change::between(&with(&["ORDER", "USER"]), &with(&["GAME#USER", "USER"]));
        let description = change.description(Version(1));
        let names = |list: &str| -> Vec<String> {
            description[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names("fieldsAdded"), ["entityTypes.GAME#USER"]);
        assert_eq!(names("fieldsDeleted"), ["entityTypes.ORDER"]);
        assert_eq!(names("fieldsUpdated"), ["extension"]);
    }

    #[test]
    fn soft_delete_and_restore_are_recorded() {
        let mut change = Change::default();
        change.record_deleted(true);
        let description = change.description(Version(4));
        assert_eq!(
            description,
            json!({"fieldsAdded": [], "fieldsUpdated": [{"name": "deleted", "oldValue": false, "newValue": true}],
                   "fieldsDeleted": [], "previousVersion": 0.4})
        );
    }
}
