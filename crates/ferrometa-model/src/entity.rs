//! The `Create*` request shapes of OpenMetadata's database hierarchy.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// OpenMetadata column data types used by ferrometa (a subset of `table.json#/definitions/dataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DataType {
    Number,
    Int,
    Bigint,
    Decimal,
    Double,
    Float,
    String,
    Binary,
    Bytes,
    Boolean,
    Null,
    Struct,
    Array,
    Set,
    Union,
    Map,
    Json,
    Unknown,
}

impl DataType {
    /// The enum value as OpenMetadata spells it (`"STRING"`).
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Number => "NUMBER",
            DataType::Int => "INT",
            DataType::Bigint => "BIGINT",
            DataType::Decimal => "DECIMAL",
            DataType::Double => "DOUBLE",
            DataType::Float => "FLOAT",
            DataType::String => "STRING",
            DataType::Binary => "BINARY",
            DataType::Bytes => "BYTES",
            DataType::Boolean => "BOOLEAN",
            DataType::Null => "NULL",
            DataType::Struct => "STRUCT",
            DataType::Array => "ARRAY",
            DataType::Set => "SET",
            DataType::Union => "UNION",
            DataType::Map => "MAP",
            DataType::Json => "JSON",
            DataType::Unknown => "UNKNOWN",
        }
    }
}

/// Column-level constraint (`table.json#/definitions/constraint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ColumnConstraint {
    Null,
    NotNull,
    Unique,
    PrimaryKey,
}

/// Table-level constraint type (`table.json#/definitions/tableConstraint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConstraintType {
    Unique,
    PrimaryKey,
    ForeignKey,
    SortKey,
    DistKey,
    ClusterKey,
}

/// A table constraint over local column names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableConstraint {
    pub constraint_type: ConstraintType,
    pub columns: Vec<String>,
}

/// One column, possibly with nested children (STRUCT, UNION, ARRAY of STRUCT).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Column {
    /// Encoded name (reserved characters replaced, see [`crate::fqn::encode_name`]).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub data_type: DataType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub array_data_type: Option<DataType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type_display: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<ColumnConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinal_position: Option<u32>,
    /// Server-assigned in responses; never sent in requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<Column>>,
}

impl Column {
    /// A column with only a name and a type.
    pub fn new(name: impl Into<String>, data_type: DataType) -> Self {
        Column {
            name: name.into(),
            display_name: None,
            data_type,
            array_data_type: None,
            data_type_display: None,
            description: None,
            constraint: None,
            ordinal_position: None,
            fully_qualified_name: None,
            children: None,
        }
    }
}

/// `TableType` enum; DynamoDB tables are `Regular`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TableType {
    #[default]
    Regular,
    External,
    View,
}

/// `api/services/createDatabaseService.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDatabaseService {
    pub name: String,
    pub service_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `{"config": {...}}`; carries no secrets unless the recipe asked to store them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<Value>,
}

/// `api/data/createDatabase.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDatabase {
    pub name: String,
    /// The service name (OpenMetadata's client sends the raw name).
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
}

/// `api/data/createDatabaseSchema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDatabaseSchema {
    pub name: String,
    /// FQN of the parent database.
    pub database: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
}

/// `api/data/createTable.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTable {
    /// Encoded table name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub table_type: TableType,
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_constraints: Option<Vec<TableConstraint>>,
    /// FQN of the parent schema.
    pub database_schema: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Source-specific properties (custom properties in OpenMetadata's terms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
}

/// Any create request of the database hierarchy, in topology order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CreateEntity {
    DatabaseService(CreateDatabaseService),
    Database(CreateDatabase),
    DatabaseSchema(CreateDatabaseSchema),
    Table(Box<CreateTable>),
}

/// OpenMetadata's entity type names (`EntityReference.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EntityType {
    DatabaseService,
    Database,
    DatabaseSchema,
    Table,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::DatabaseService => "databaseService",
            EntityType::Database => "database",
            EntityType::DatabaseSchema => "databaseSchema",
            EntityType::Table => "table",
        }
    }

    /// The type of the entity this one belongs to: none for a service.
    pub fn parent(self) -> Option<EntityType> {
        match self {
            EntityType::DatabaseService => None,
            EntityType::Database => Some(EntityType::DatabaseService),
            EntityType::DatabaseSchema => Some(EntityType::Database),
            EntityType::Table => Some(EntityType::DatabaseSchema),
        }
    }

    /// The field naming the parent, in a `Create*` request and in the stored entity.
    pub fn parent_field(self) -> Option<&'static str> {
        match self {
            EntityType::DatabaseService => None,
            EntityType::Database => Some("service"),
            EntityType::DatabaseSchema => Some("database"),
            EntityType::Table => Some("databaseSchema"),
        }
    }

    /// The REST collection path under `/api/v1`.
    pub fn collection(self) -> &'static str {
        match self {
            EntityType::DatabaseService => "services/databaseServices",
            EntityType::Database => "databases",
            EntityType::DatabaseSchema => "databaseSchemas",
            EntityType::Table => "tables",
        }
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CreateEntity {
    pub fn entity_type(&self) -> EntityType {
        match self {
            CreateEntity::DatabaseService(_) => EntityType::DatabaseService,
            CreateEntity::Database(_) => EntityType::Database,
            CreateEntity::DatabaseSchema(_) => EntityType::DatabaseSchema,
            CreateEntity::Table(_) => EntityType::Table,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            CreateEntity::DatabaseService(e) => &e.name,
            CreateEntity::Database(e) => &e.name,
            CreateEntity::DatabaseSchema(e) => &e.name,
            CreateEntity::Table(e) => &e.name,
        }
    }

    /// The FQN OpenMetadata's server assigns to this entity.
    pub fn fqn(&self) -> String {
        use crate::fqn::{build, child, quote_name};
        match self {
            CreateEntity::DatabaseService(e) => quote_name(&e.name),
            CreateEntity::Database(e) => build(&[&e.service, &e.name]),
            CreateEntity::DatabaseSchema(e) => child(&e.database, &e.name),
            CreateEntity::Table(e) => child(&e.database_schema, &e.name),
        }
    }

    /// FQN of the parent entity, if any.
    pub fn parent_fqn(&self) -> Option<String> {
        match self {
            CreateEntity::DatabaseService(_) => None,
            CreateEntity::Database(e) => Some(crate::fqn::quote_name(&e.service)),
            CreateEntity::DatabaseSchema(e) => Some(e.database.clone()),
            CreateEntity::Table(e) => Some(e.database_schema.clone()),
        }
    }

    /// The request as JSON, without `sourceHash`.
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self).expect("entities always serialize");
        if let Some(o) = v.as_object_mut() {
            o.remove("sourceHash");
        }
        v
    }

    /// A stable content hash of the request (hex, 32 chars: OpenMetadata limits `sourceHash` to 32).
    ///
    /// Key order is canonicalised, so the hash depends only on content.
    pub fn content_hash(&self) -> String {
        let canonical = canonical_json(&self.to_json());
        let digest = Sha256::digest(canonical.as_bytes());
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Sets `sourceHash` to [`Self::content_hash`].
    pub fn with_source_hash(mut self) -> Self {
        let hash = self.content_hash();
        match &mut self {
            CreateEntity::DatabaseService(_) => {}
            CreateEntity::Database(e) => e.source_hash = Some(hash),
            CreateEntity::DatabaseSchema(e) => e.source_hash = Some(hash),
            CreateEntity::Table(e) => e.source_hash = Some(hash),
        }
        self
    }
}

/// JSON text with object keys sorted at every level.
pub fn canonical_json(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<_> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sort(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    sort(v).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> CreateEntity {
        CreateEntity::Table(Box::new(CreateTable {
            name: name.into(),
            display_name: None,
            description: None,
            table_type: TableType::Regular,
            columns: vec![Column::new("pk", DataType::String)],
            table_constraints: None,
            database_schema: "svc.default.default".into(),
            source_url: None,
            extension: None,
            source_hash: None,
        }))
    }

    #[test]
    fn serializes_camel_case_without_empty_optionals() {
        let json = serde_json::to_string(&table("orders")).unwrap();
        assert_eq!(
            json,
            r#"{"name":"orders","tableType":"Regular","columns":[{"name":"pk","dataType":"STRING"}],"databaseSchema":"svc.default.default"}"#
        );
    }

    #[test]
    fn fqn_quotes_dotted_table_names() {
        assert_eq!(table("a.b").fqn(), "svc.default.default.\"a.b\"");
    }

    #[test]
    fn hash_ignores_source_hash_and_changes_with_content() {
        let a = table("orders");
        let hashed = a.clone().with_source_hash();
        assert_eq!(a.content_hash(), hashed.content_hash());
        assert_eq!(a.content_hash().len(), 32);
        assert_ne!(a.content_hash(), table("orders2").content_hash());
    }
}
