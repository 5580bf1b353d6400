//! The `Create*` request shapes of OpenMetadata's database hierarchy.
//!
//! The structs carry every field of OpenMetadata's 2.0 schemas and reject any other, so the
//! REST server validates request bodies with them; the fields ferrometa's sources leave out
//! are `None` and not serialized. Optional fields have no `#[serde(default)]`: serde reads a
//! missing `Option` as `None` anyway, and without it a struct sent as a JSON array (a form
//! serde also reads) must still list every field.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// An enum of OpenMetadata string values, with `as_str`, `from_name` and serde as the text.
/// Deserializing reads a string: a derived enum would also take `{"INT": null}`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $text:literal,)* }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$variant_meta])* $variant,)*
        }

        impl $name {
            const NAMES: &[&str] = &[$($text),*];

            /// The value as OpenMetadata spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value OpenMetadata spells `name`, if any.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = String::deserialize(deserializer)?;
                $name::from_name(&name).ok_or_else(|| D::Error::unknown_variant(&name, $name::NAMES))
            }
        }
    };
}

string_enum! {
    /// Column data type (`table.json#/definitions/dataType` in 2.0.7).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum DataType {
        Number = "NUMBER",
        Tinyint = "TINYINT",
        Smallint = "SMALLINT",
        Int = "INT",
        Bigint = "BIGINT",
        Byteint = "BYTEINT",
        Bytes = "BYTES",
        Float = "FLOAT",
        Double = "DOUBLE",
        Decimal = "DECIMAL",
        Numeric = "NUMERIC",
        Timestamp = "TIMESTAMP",
        Timestampz = "TIMESTAMPZ",
        Time = "TIME",
        Date = "DATE",
        Datetime = "DATETIME",
        Interval = "INTERVAL",
        String = "STRING",
        Mediumtext = "MEDIUMTEXT",
        Text = "TEXT",
        Char = "CHAR",
        Long = "LONG",
        Varchar = "VARCHAR",
        Boolean = "BOOLEAN",
        Binary = "BINARY",
        Varbinary = "VARBINARY",
        Array = "ARRAY",
        Blob = "BLOB",
        Longblob = "LONGBLOB",
        Mediumblob = "MEDIUMBLOB",
        Map = "MAP",
        Struct = "STRUCT",
        Union = "UNION",
        Set = "SET",
        Geography = "GEOGRAPHY",
        Enum = "ENUM",
        Json = "JSON",
        Uuid = "UUID",
        Variant = "VARIANT",
        Geometry = "GEOMETRY",
        Bytea = "BYTEA",
        Aggregatefunction = "AGGREGATEFUNCTION",
        Error = "ERROR",
        Fixed = "FIXED",
        Record = "RECORD",
        Null = "NULL",
        Super = "SUPER",
        Hllsketch = "HLLSKETCH",
        PgLsn = "PG_LSN",
        PgSnapshot = "PG_SNAPSHOT",
        Tsquery = "TSQUERY",
        TxidSnapshot = "TXID_SNAPSHOT",
        Xml = "XML",
        Macaddr = "MACADDR",
        Tsvector = "TSVECTOR",
        Unknown = "UNKNOWN",
        Cidr = "CIDR",
        Inet = "INET",
        Clob = "CLOB",
        Rowid = "ROWID",
        Lowcardinality = "LOWCARDINALITY",
        Year = "YEAR",
        Point = "POINT",
        Polygon = "POLYGON",
        Tuple = "TUPLE",
        Spatial = "SPATIAL",
        Table = "TABLE",
        Ntext = "NTEXT",
        Image = "IMAGE",
        Ipv4 = "IPV4",
        Ipv6 = "IPV6",
        Datetimerange = "DATETIMERANGE",
        Hll = "HLL",
        Largeint = "LARGEINT",
        QuantileState = "QUANTILE_STATE",
        AggState = "AGG_STATE",
        Bitmap = "BITMAP",
        Uint = "UINT",
        Bit = "BIT",
        Money = "MONEY",
        MeasureHidden = "MEASURE HIDDEN",
        MeasureVisible = "MEASURE VISIBLE",
        Measure = "MEASURE",
        Kpi = "KPI",
        Heirarchy = "HEIRARCHY",
        Hierarchyid = "HIERARCHYID",
    }
}

string_enum! {
    /// Column-level constraint (`table.json#/definitions/constraint`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ColumnConstraint {
        Null = "NULL",
        NotNull = "NOT_NULL",
        Unique = "UNIQUE",
        PrimaryKey = "PRIMARY_KEY",
    }
}

string_enum! {
    /// Table-level constraint type (`table.json#/definitions/tableConstraint`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    pub enum ConstraintType {
        Unique = "UNIQUE",
        PrimaryKey = "PRIMARY_KEY",
        ForeignKey = "FOREIGN_KEY",
        SortKey = "SORT_KEY",
        DistKey = "DIST_KEY",
        ClusterKey = "CLUSTER_KEY",
    }
}

string_enum! {
    /// `table.json#/definitions/tableType` in 2.0.7; DynamoDB tables are `Regular`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum TableType {
        #[default]
        Regular = "Regular",
        External = "External",
        Dynamic = "Dynamic",
        View = "View",
        SecureView = "SecureView",
        MaterializedView = "MaterializedView",
        Iceberg = "Iceberg",
        Local = "Local",
        Partitioned = "Partitioned",
        Foreign = "Foreign",
        Transient = "Transient",
        Stream = "Stream",
        Stage = "Stage",
        SemanticView = "SemanticView",
    }
}

/// `type/entityReference.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntityReference {
    /// A UUID, kept as text (the model has no UUID type): a reader of client input checks it.
    pub id: String,
    pub r#type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// `type/tagLabel.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagLabel {
    #[serde(rename = "tagFQN")]
    pub tag_fqn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<Value>,
    pub source: String,
    pub label_type: String,
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// `table.json#/definitions/tableConstraint`; ferrometa's are over local column names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableConstraint {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_type: Option<ConstraintType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referred_columns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship_type: Option<String>,
}

impl TableConstraint {
    /// A constraint of `constraint_type` over `columns`.
    pub fn new(constraint_type: ConstraintType, columns: Vec<String>) -> Self {
        TableConstraint {
            constraint_type: Some(constraint_type),
            columns: Some(columns),
            referred_columns: None,
            relationship_type: None,
        }
    }
}

/// One column (`table.json#/definitions/column`), possibly with nested children (STRUCT,
/// UNION, ARRAY of STRUCT).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Column {
    /// Encoded name (reserved characters replaced, see [`crate::fqn::encode_name`]).
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub data_type: DataType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub array_data_type: Option<DataType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_length: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_type_display: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagLabel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<ColumnConstraint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinal_position: Option<i64>,
    /// Server-assigned in responses; never sent in requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<Column>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_metrics: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<Value>,
}

impl Column {
    /// A column with only a name and a type.
    pub fn new(name: impl Into<String>, data_type: DataType) -> Self {
        Column {
            name: name.into(),
            display_name: None,
            data_type,
            array_data_type: None,
            data_length: None,
            precision: None,
            scale: None,
            data_type_display: None,
            description: None,
            tags: None,
            constraint: None,
            ordinal_position: None,
            fully_qualified_name: None,
            json_schema: None,
            children: None,
            profile: None,
            custom_metrics: None,
            extension: None,
        }
    }
}

impl Column {
    /// A column as a server or a catalog answers it: keys that [`Column`] (or the
    /// [`TagLabel`] of its tags) does not know are dropped at every level of nesting first,
    /// since an answer may carry fields a request cannot. Known fields must still be valid.
    pub fn from_response(mut value: Value) -> Result<Column, serde_json::Error> {
        drop_unknown_column_fields(&mut value);
        serde_json::from_value(value)
    }
}

fn drop_unknown_column_fields(value: &mut Value) {
    let Value::Object(column) = value else {
        return;
    };
    let known = field_names::<Column>();
    column.retain(|key, _| known.contains(&key.as_str()));
    if let Some(Value::Array(tags)) = column.get_mut("tags") {
        let known = field_names::<TagLabel>();
        for tag in tags.iter_mut().filter_map(Value::as_object_mut) {
            tag.retain(|key, _| known.contains(&key.as_str()));
        }
    }
    if let Some(Value::Array(children)) = column.get_mut("children") {
        children.iter_mut().for_each(drop_unknown_column_fields);
    }
}

/// The keys a derived `Deserialize` of a struct accepts (renamed as serialized), read from
/// what the derive hands to `deserialize_struct`: one list, the struct's own.
fn field_names<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{Visitor, value::Error};

    struct Fields<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            *self.0 = fields;
            Err(Error::custom("fields read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

/// `api/services/createDatabaseService.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDatabaseService {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `databaseService.json#/definitions/databaseServiceType`.
    pub service_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagLabel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<Value>,
    /// `{"config": {...}}`; carries no secrets unless the recipe asked to store them.
    #[serde(
        default,
        deserialize_with = "json_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub connection: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<EntityReference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_products: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingestion_runner: Option<EntityReference>,
}

/// A JSON object, or null: the schema's `connection` is an object.
fn json_object<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Ok(Option::<Map<String, Value>>::deserialize(deserializer)?.map(Value::Object))
}

/// `api/data/createDatabase.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDatabase {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The service name (OpenMetadata's client sends the raw name).
    pub service: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagLabel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<EntityReference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_products: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub life_cycle: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
}

/// `api/data/createDatabaseSchema.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDatabaseSchema {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// FQN of the parent database.
    pub database: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<EntityReference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_products: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagLabel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub life_cycle: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
}

/// `api/data/createTable.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTable {
    /// Encoded table name.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_type: Option<TableType>,
    pub columns: Vec<Column>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_model: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_constraints: Option<Vec<TableConstraint>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_partition: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_profiler_config: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<EntityReference>>,
    /// FQN of the parent schema.
    pub database_schema: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagLabel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_definition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Source-specific properties (custom properties in OpenMetadata's terms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_products: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub life_cycle: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
}

/// Any create request of the database hierarchy, in topology order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CreateEntity {
    DatabaseService(Box<CreateDatabaseService>),
    Database(Box<CreateDatabase>),
    DatabaseSchema(Box<CreateDatabaseSchema>),
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
            table_type: Some(TableType::Regular),
            columns: vec![Column::new("pk", DataType::String)],
            database_schema: "svc.default.default".into(),
            ..CreateTable::default()
        }))
    }

    #[test]
    fn field_names_are_the_serialized_keys() {
        let names = field_names::<Column>();
        assert_eq!(names.len(), 18, "{names:?}");
        assert!(names.contains(&"fullyQualifiedName") && names.contains(&"children"));
        assert!(field_names::<TagLabel>().contains(&"tagFQN"));
    }

    #[test]
    fn response_columns_lose_unknown_keys_at_every_level() {
        let answer = serde_json::json!({
            "name": "address", "dataType": "STRUCT", "fullyQualifiedName": "s.d.sc.t.address",
            "futureField": 1,
            "tags": [{"tagFQN": "PII.Sensitive", "source": "Classification",
                      "labelType": "Automated", "state": "Suggested", "newInTwoDotOne": true}],
            "children": [{"name": "zip", "dataType": "INT", "unknown": "x"}]
        });
        let column = Column::from_response(answer).unwrap();
        assert_eq!(
            column.fully_qualified_name.as_deref(),
            Some("s.d.sc.t.address")
        );
        assert_eq!(column.tags.unwrap()[0].tag_fqn, "PII.Sensitive");
        assert_eq!(column.children.unwrap()[0].data_type, DataType::Int);
        // Known fields are still checked.
        let error = Column::from_response(serde_json::json!({"name": "x", "dataType": "NOPE"}));
        assert!(error.unwrap_err().to_string().contains("NOPE"));
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
    fn string_enums_take_only_their_spelling() {
        for name in DataType::NAMES {
            let data_type: DataType = serde_json::from_value(Value::from(*name)).unwrap();
            assert_eq!(data_type.as_str(), *name);
        }
        let unknown = serde_json::from_value::<DataType>(Value::from("WIDGET")).unwrap_err();
        assert!(
            unknown.to_string().starts_with("unknown variant `WIDGET`"),
            "{unknown}"
        );
        let map = serde_json::json!({"INT": null});
        let map = serde_json::from_value::<DataType>(map).unwrap_err();
        assert_eq!(map.to_string(), "invalid type: map, expected a string");
        assert_eq!(
            serde_json::to_string(&DataType::MeasureHidden).unwrap(),
            r#""MEASURE HIDDEN""#
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
