//! Request bodies: `Create*` requests checked against OpenMetadata's 2.0 schemas, normalized
//! the way its server does, and turned into catalog requests; the profiler's bodies
//! (`CreateTableProfileRequest`, `TableData`); and the small bodies of restore and
//! `deleteStale`.
//!
//! The body is parsed as JSON, then deserialized into ferrometa-model's `Create*` structs,
//! which deny unknown fields; that only validates: what is stored is the body itself (nulls
//! dropped), so every schema field the client sends is kept as sent. A field no schema has
//! is a 400 naming it, with its path.

use std::collections::HashSet;

use ferrometa_catalog::{EntityRequest, TableProfile};
use ferrometa_model::{
    Column, ColumnConstraint, ConstraintType, CreateDatabase, CreateDatabaseSchema,
    CreateDatabaseService, CreateTable, DataType, EntityReference, EntityType, TableType,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// `databaseService.json#/definitions/databaseServiceType` in 2.0.7.
#[rustfmt::skip]
const SERVICE_TYPES: &[&str] = &[
    "BigQuery", "BigTable", "Mysql", "Redshift", "Snowflake", "Postgres", "Timescale", "Mssql",
    "MicrosoftAccess", "Oracle", "Athena", "Hive", "Impala", "Presto", "Trino", "Vertica", "Glue",
    "MariaDB", "Druid", "Db2", "Clickhouse", "Databricks", "AzureSQL", "DynamoDB", "SingleStore",
    "SQLite", "DeltaLake", "Salesforce", "PinotDB", "Datalake", "DomoDatabase", "QueryLog",
    "CustomDatabase", "Dbt", "SapHana", "SapSuccessFactors", "MongoDB", "Cassandra", "Couchbase",
    "Greenplum", "Doris", "StarRocks", "UnityCatalog", "SAS", "Teradata", "SapErp", "Synapse",
    "Exasol", "Cockroach", "SSAS", "Epic", "ServiceNow", "Dremio", "MicrosoftFabric", "BurstIQ",
    "Informix", "Iomete", "QuestDB", "SapBw4Hana",
];

/// Connection keys whose values are secrets: replaced before storing, as OpenMetadata masks
/// password-format fields in its answers.
const SECRET_KEY_PARTS: &[&str] = &["password", "secret", "token", "privatekey", "apikey"];
const MASK: &str = "*********";

/// `api/data/restoreEntity.json`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RestoreEntity {
    pub id: uuid::Uuid,
}

/// `type/bulkDeleteStaleRequest.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct DeleteStale {
    pub scope_fqn: String,
    pub scope_entity_type: String,
    pub seen_fqns: Vec<String>,
    #[serde(default)]
    pub dry_run: Option<bool>,
    #[serde(default)]
    pub hard_delete: Option<bool>,
    #[serde(default)]
    pub recursive: Option<bool>,
}

/// `api/data/createTableProfile.json`. The parts are kept as sent; only the keys the catalog
/// and OpenMetadata's checks rely on are read (`timestamp`s, column `name`s).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateTableProfile {
    table_profile: Map<String, Value>,
    #[serde(default)]
    column_profile: Option<Vec<Map<String, Value>>>,
    #[serde(default)]
    system_profile: Option<Vec<Map<String, Value>>>,
}

/// `table.json#/definitions/tableData`: sample rows under their column names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableData {
    #[serde(default)]
    columns: Vec<String>,
    #[serde(default)]
    rows: Vec<Vec<Value>>,
}

const CREATE_TABLE_PROFILE: &str = "CreateTableProfileRequest";

/// The smallest timestamp OpenMetadata takes for milliseconds (12 digits, 1973-03-03):
/// anything shorter is taken for seconds (`RestUtil.validateTimestampMilliseconds`).
const MIN_TIMESTAMP_MS: i64 = 100_000_000_000;

/// The profile of a `CreateTableProfileRequest` body. Every part needs a `timestamp` in
/// milliseconds and each column profile a `name`, which the caller checks against the table.
pub(crate) fn table_profile(body: &[u8]) -> Result<TableProfile, ApiError> {
    let request: CreateTableProfile = parse_body(body, CREATE_TABLE_PROFILE)?;
    let mut table_profile = request.table_profile;
    check_timestamp("tableProfile", &mut table_profile)?;
    let mut columns = request.column_profile.unwrap_or_default();
    for (index, column) in columns.iter_mut().enumerate() {
        let at = format!("columnProfile[{index}]");
        if !column.get("name").is_some_and(Value::is_string) {
            return Err(invalid_profile(&at, "missing field `name`, a string"));
        }
        check_timestamp(&at, column)?;
    }
    let mut system = request.system_profile.unwrap_or_default();
    for (index, entry) in system.iter_mut().enumerate() {
        check_timestamp(&format!("systemProfile[{index}]"), entry)?;
    }
    TableProfile::new(
        Value::Object(table_profile),
        columns.into_iter().map(Value::Object).collect(),
        system.into_iter().map(Value::Object).collect(),
    )
    .map_err(ApiError::from)
}

/// A required `timestamp` in epoch milliseconds; an integral float (`1.7e12`) is stored as
/// the integer it is.
fn check_timestamp(at: &str, fields: &mut Map<String, Value>) -> Result<(), ApiError> {
    let timestamp = match fields.get("timestamp") {
        None | Some(Value::Null) => {
            return Err(invalid_profile(at, "missing field `timestamp`"));
        }
        Some(value) => value.as_i64().or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
    };
    let timestamp = timestamp
        .filter(|timestamp| *timestamp >= MIN_TIMESTAMP_MS)
        .ok_or_else(|| {
            invalid_profile(
                &format!("{at}.timestamp"),
                &format!(
                    "{} is not a timestamp in milliseconds since the epoch",
                    fields["timestamp"]
                ),
            )
        })?;
    fields.insert("timestamp".into(), timestamp.into());
    Ok(())
}

fn invalid_profile(at: &str, message: &str) -> ApiError {
    ApiError::bad_request(format!("invalid {CREATE_TABLE_PROFILE}: {at}: {message}"))
}

/// A `TableData` body, as stored: `{"columns": [...], "rows": [[...]]}`.
pub(crate) fn table_data(body: &[u8]) -> Result<Value, ApiError> {
    let data: TableData = parse_body(body, "TableData")?;
    Ok(serde_json::json!({"columns": data.columns, "rows": data.rows}))
}

/// Parses a JSON body into `T`, naming the offending field of a 400.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, ApiError> {
    let value: Value = parse_json(body)?;
    deserialize(&value, what)
}

/// Parses JSON text, with a 400 for bad syntax.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid json in the request body: {e}")))
}

fn deserialize<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // The path of an unknown field ends with the field, which the message names already.
        if let Some(field) = inner
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
        {
            path = path
                .strip_suffix(field)
                .map_or(path.clone(), |p| p.trim_end_matches('.').to_string());
        }
        if path.is_empty() || path == "." {
            ApiError::bad_request(format!("invalid {what}: {inner}"))
        } else {
            ApiError::bad_request(format!("invalid {what}: {path}: {inner}"))
        }
    })
}

/// The catalog request of a `Create*` body of `entity_type`, checked and normalized.
pub(crate) fn create_request(
    entity_type: EntityType,
    body: Value,
) -> Result<EntityRequest, ApiError> {
    let what = schema_name(entity_type);
    if !body.is_object() {
        return Err(ApiError::bad_request(format!(
            "invalid {what}: the body must be a json object"
        )));
    }
    match entity_type {
        EntityType::DatabaseService => {
            let request: CreateDatabaseService = deserialize(&body, what)?;
            check_ids(what, "owners", request.owners.as_deref())?;
            if let Some(runner) = &request.ingestion_runner {
                check_id(what, "ingestionRunner.id", runner)?;
            }
            check_name(&request.name)?;
            one_of(
                "serviceType",
                &request.service_type,
                SERVICE_TYPES,
                "service type",
            )?;
        }
        EntityType::Database => {
            let request: CreateDatabase = deserialize(&body, what)?;
            check_ids(what, "owners", request.owners.as_deref())?;
            check_name(&request.name)?;
            check_source_hash(request.source_hash.as_deref())?;
        }
        EntityType::DatabaseSchema => {
            let request: CreateDatabaseSchema = deserialize(&body, what)?;
            check_ids(what, "owners", request.owners.as_deref())?;
            check_name(&request.name)?;
            check_source_hash(request.source_hash.as_deref())?;
        }
        EntityType::Table => {
            check_table_enums(&body)?;
            let request: CreateTable = deserialize(&body, what)?;
            check_ids(what, "owners", request.owners.as_deref())?;
            check_table(&request)?;
        }
    }
    let Value::Object(mut fields) = body else {
        unreachable!("checked above")
    };
    normalize(entity_type, &mut fields)?;
    EntityRequest::from_json(entity_type, fields).map_err(ApiError::from)
}

/// The schema a body of `entity_type` follows, for messages.
pub(crate) fn schema_name(entity_type: EntityType) -> &'static str {
    match entity_type {
        EntityType::DatabaseService => "CreateDatabaseService request",
        EntityType::Database => "CreateDatabase request",
        EntityType::DatabaseSchema => "CreateDatabaseSchema request",
        EntityType::Table => "CreateTable request",
    }
}

/// The ids of references, which the model keeps as text, must be UUIDs; the message is
/// serde's for a `Uuid` field.
fn check_ids(
    what: &str,
    path: &str,
    references: Option<&[EntityReference]>,
) -> Result<(), ApiError> {
    for (index, reference) in references.into_iter().flatten().enumerate() {
        check_id(what, &format!("{path}[{index}].id"), reference)?;
    }
    Ok(())
}

fn check_id(what: &str, path: &str, reference: &EntityReference) -> Result<(), ApiError> {
    match uuid::Uuid::parse_str(&reference.id) {
        Ok(_) => Ok(()),
        Err(e) => Err(ApiError::bad_request(format!(
            "invalid {what}: {path}: UUID parsing failed: {e}"
        ))),
    }
}

/// `type/basic.json#/definitions/entityName`, plus what makes an FQN unparseable.
fn check_name(name: &str) -> Result<(), ApiError> {
    check_name_at("name", name)
}

fn check_name_at(path: &str, name: &str) -> Result<(), ApiError> {
    let length = name.chars().count();
    if !(1..=256).contains(&length) {
        return Err(ApiError::bad_request(format!(
            "{path} must be 1 to 256 characters long"
        )));
    }
    if name.contains("::") {
        return Err(ApiError::bad_request(format!(
            "{path} `{name}` must not contain `::`"
        )));
    }
    // Quotes cannot be escaped in FQNs; OpenMetadata's client encodes them.
    if name.contains('"') {
        return Err(ApiError::bad_request(format!(
            "{path} `{name}` must not contain `\"` (encode it as __reserved__quote__)"
        )));
    }
    Ok(())
}

fn check_source_hash(hash: Option<&str>) -> Result<(), ApiError> {
    match hash {
        Some(hash) if hash.is_empty() || hash.chars().count() > 32 => Err(ApiError::bad_request(
            "sourceHash must be 1 to 32 characters long",
        )),
        _ => Ok(()),
    }
}

fn one_of(path: &str, value: &str, allowed: &[&str], what: &str) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(unknown(path, value, what))
    }
}

fn unknown(path: &str, value: &str, what: &str) -> ApiError {
    ApiError::bad_request(format!("{path}: unknown {what} `{value}`"))
}

/// The table's enum values, checked on the body before it is deserialized: the model's
/// enums would reject an unknown one with serde's list of every variant. Values that are not
/// strings are left to serde.
fn check_table_enums(table: &Value) -> Result<(), ApiError> {
    if let Some(Value::String(table_type)) = table.get("tableType")
        && TableType::from_name(table_type).is_none()
    {
        return Err(unknown("tableType", table_type, "table type"));
    }
    if let Some(Value::Array(columns)) = table.get("columns") {
        check_column_enums("columns", columns)?;
    }
    if let Some(Value::Array(constraints)) = table.get("tableConstraints") {
        for (index, constraint) in constraints.iter().enumerate() {
            if let Some(Value::String(kind)) = constraint.get("constraintType")
                && ConstraintType::from_name(kind).is_none()
            {
                let path = format!("tableConstraints[{index}].constraintType");
                return Err(unknown(&path, kind, "constraint type"));
            }
        }
    }
    Ok(())
}

fn check_column_enums(path: &str, columns: &[Value]) -> Result<(), ApiError> {
    for (index, column) in columns.iter().enumerate() {
        let at = format!("{path}[{index}]");
        for key in ["dataType", "arrayDataType"] {
            if let Some(Value::String(data_type)) = column.get(key)
                && DataType::from_name(data_type).is_none()
            {
                return Err(unknown(&format!("{at}.{key}"), data_type, "data type"));
            }
        }
        if let Some(Value::String(constraint)) = column.get("constraint")
            && ColumnConstraint::from_name(constraint).is_none()
        {
            let path = format!("{at}.constraint");
            return Err(unknown(&path, constraint, "column constraint"));
        }
        if let Some(Value::Array(children)) = column.get("children") {
            check_column_enums(&format!("{at}.children"), children)?;
        }
    }
    Ok(())
}

/// `DatabaseUtil.validateColumns` and `validateConstraints`.
fn check_table(table: &CreateTable) -> Result<(), ApiError> {
    check_name(&table.name)?;
    check_source_hash(table.source_hash.as_deref())?;
    check_columns("columns", &table.columns, Level::Top)?;
    let keys = table
        .columns
        .iter()
        .filter(|c| c.constraint == Some(ColumnConstraint::PrimaryKey))
        .count();
    if keys > 1 {
        return Err(ApiError::bad_request(
            "multiple columns tagged with primary key constraints",
        ));
    }
    let names: HashSet<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    for (index, constraint) in table.table_constraints.iter().flatten().enumerate() {
        if constraint.constraint_type == Some(ConstraintType::PrimaryKey) && keys > 0 {
            return Err(ApiError::bad_request(
                "a table with a primary key constraint cannot also tag a column as primary key",
            ));
        }
        if let Some(missing) = constraint
            .columns
            .iter()
            .flatten()
            .find(|name| !names.contains(name.as_str()))
        {
            return Err(ApiError::bad_request(format!(
                "tableConstraints[{index}]: invalid column name `{missing}` found in table constraint"
            )));
        }
    }
    Ok(())
}

/// Which columns a check covers: OpenMetadata validates the type rules of top-level
/// columns only; nested ones get the schema's checks (names, enums) and, under a struct,
/// unique names. The upstream client relies on it: its JSON columns hold arrays without
/// `arrayDataType`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    StructChildren,
    Nested,
}

fn check_columns(path: &str, columns: &[Column], level: Level) -> Result<(), ApiError> {
    let mut seen = HashSet::new();
    for (index, column) in columns.iter().enumerate() {
        let at = format!("{path}[{index}]");
        check_name_at(&format!("{at}.name"), &column.name)?;
        if level != Level::Nested && !seen.insert(column.name.as_str()) {
            return Err(ApiError::bad_request(format!(
                "{at}: column name `{}` is repeated",
                column.name
            )));
        }
        if level == Level::Top {
            check_column_type(&at, column)?;
        }
        if let Some(children) = &column.children {
            let level = if level == Level::Top && column.data_type == DataType::Struct {
                Level::StructChildren
            } else {
                Level::Nested
            };
            check_columns(&format!("{at}.children"), children, level)?;
        }
    }
    Ok(())
}

/// `validateColumnDataLength`, `validateArrayColumn`, `validateStructColumn` and
/// `validatePrecisionAndScale`.
fn check_column_type(at: &str, column: &Column) -> Result<(), ApiError> {
    let data_type = column.data_type;
    let problem = if matches!(
        data_type,
        DataType::Char | DataType::Varchar | DataType::Binary | DataType::Varbinary
    ) && column.data_length.is_none()
    {
        Some("for column data types char, varchar, binary, varbinary dataLength must not be null")
    } else if data_type == DataType::Array && column.array_data_type.is_none() {
        Some("for column data type array, arrayDataType must not be null")
    } else if data_type == DataType::Struct && column.children.is_none() {
        Some("for column data type struct, children must not be null")
    } else {
        match (column.precision, column.scale) {
            (None, Some(_)) => Some("scale is set but precision is not"),
            (Some(precision), Some(scale)) if scale > precision => {
                Some("scale can't be greater than the precision")
            }
            _ => None,
        }
    };
    match problem {
        Some(problem) => Err(ApiError::bad_request(format!("{at}: {problem}"))),
        None => Ok(()),
    }
}

/// What OpenMetadata's server does to a valid request before storing it.
fn normalize(entity_type: EntityType, fields: &mut Map<String, Value>) -> Result<(), ApiError> {
    drop_nulls(fields);
    // Domains and data products are named by FQN in requests and stored as references; this
    // catalog holds none, so any name is unknown, as it would be to OpenMetadata.
    for (key, kind) in [("domains", "domain"), ("dataProducts", "dataProduct")] {
        if let Some(Value::Array(names)) = fields.remove(key)
            && let Some(name) = names.first()
        {
            let name = name.as_str().unwrap_or_default();
            return Err(ApiError::not_found(kind, name));
        }
    }
    match entity_type {
        EntityType::DatabaseService => {
            if let Some(connection) = fields.get_mut("connection") {
                mask_secrets(connection);
            }
        }
        EntityType::Table => {
            if let Some(Value::Array(columns)) = fields.get_mut("columns") {
                normalize_columns(columns);
            }
            if let Some(Value::Array(constraints)) = fields.get_mut("tableConstraints") {
                for constraint in constraints.iter_mut().filter_map(Value::as_object_mut) {
                    drop_nulls(constraint);
                }
            }
        }
        EntityType::Database | EntityType::DatabaseSchema => {}
    }
    Ok(())
}

/// `validateColumnDataTypeDisplay` (lower case, defaulting to the type) and
/// `validateArrayColumn` (an array type only on arrays), which apply to top-level columns;
/// column FQNs are the catalog's.
fn normalize_columns(columns: &mut [Value]) {
    for column in columns.iter_mut().filter_map(Value::as_object_mut) {
        let data_type = column
            .get("dataType")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let display = column
            .get("dataTypeDisplay")
            .and_then(Value::as_str)
            .unwrap_or(&data_type)
            .to_lowercase();
        column.insert("dataTypeDisplay".into(), display.into());
        if data_type != "ARRAY" {
            column.remove("arrayDataType");
        }
    }
    clean_columns(columns);
}

/// Drops nulls and client-sent FQNs at every level.
fn clean_columns(columns: &mut [Value]) {
    for column in columns.iter_mut().filter_map(Value::as_object_mut) {
        drop_nulls(column);
        column.remove("fullyQualifiedName");
        if let Some(Value::Array(children)) = column.get_mut("children") {
            clean_columns(children);
        }
    }
}

fn drop_nulls(fields: &mut Map<String, Value>) {
    fields.retain(|_, value| !value.is_null());
}

/// Replaces secret-looking string values anywhere in a service connection.
fn mask_secrets(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields.iter_mut() {
                let key = key.to_lowercase();
                if value.is_string() && SECRET_KEY_PARTS.iter().any(|part| key.contains(part)) {
                    *value = MASK.into();
                } else {
                    mask_secrets(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn table(columns: Value) -> Value {
        json!({"name": "orders", "databaseSchema": "svc.default.default", "columns": columns})
    }

    fn error(entity_type: EntityType, body: Value) -> String {
        create_request(entity_type, body).unwrap_err().message
    }

    #[test]
    fn unknown_fields_are_named_with_their_path() {
        let message = error(
            EntityType::Table,
            table(json!([{"name": "a", "dataType": "INT", "colour": 1}])),
        );
        assert!(
            message.starts_with("invalid CreateTable request: columns[0]: unknown field `colour`"),
            "{message}"
        );
        let message = error(
            EntityType::Database,
            json!({"name": "d", "service": "s", "bogus": true}),
        );
        assert!(
            message.starts_with("invalid CreateDatabase request: unknown field `bogus`"),
            "{message}"
        );
    }

    #[test]
    fn column_rules_follow_openmetadata() {
        let cases = [
            (
                json!([{"name": "a", "dataType": "VARCHAR"}]),
                "dataLength must not be null",
            ),
            (
                json!([{"name": "a", "dataType": "ARRAY"}]),
                "arrayDataType must not be null",
            ),
            (
                json!([{"name": "a", "dataType": "INT"}, {"name": "a", "dataType": "INT"}]),
                "is repeated",
            ),
            (
                json!([{"name": "a", "dataType": "WIDGET"}]),
                "columns[0].dataType: unknown data type `WIDGET`",
            ),
            (
                json!([{"name": "a::b", "dataType": "INT"}]),
                "must not contain `::`",
            ),
            (
                json!([{"name": "a", "dataType": "DECIMAL", "scale": 2}]),
                "precision is not",
            ),
            (
                json!([{"name": "a", "dataType": "INT", "constraint": "PRIMARY_KEY"}, {"name": "b", "dataType": "INT", "constraint": "PRIMARY_KEY"}]),
                "multiple columns",
            ),
        ];
        for (columns, expected) in cases {
            let message = error(EntityType::Table, table(columns));
            assert!(message.contains(expected), "{message} lacks {expected}");
        }
    }

    #[test]
    fn nested_columns_only_get_the_schema_checks() {
        let json_column = json!([{"name": "doc", "dataType": "JSON", "children": [
            {"name": "tags", "dataType": "ARRAY", "dataTypeDisplay": "ARRAY"},
            {"name": "tags", "dataType": "STRING"}]}]);
        assert!(create_request(EntityType::Table, table(json_column)).is_ok());
        let struct_column = json!([{"name": "s", "dataType": "STRUCT", "children": [
            {"name": "a", "dataType": "INT"}, {"name": "a", "dataType": "INT"}]}]);
        assert!(error(EntityType::Table, table(struct_column)).contains("is repeated"));
        let bad_enum = json!([{"name": "doc", "dataType": "JSON", "children": [{"name": "x", "dataType": "WIDGET"}]}]);
        assert!(
            error(EntityType::Table, table(bad_enum)).contains("columns[0].children[0].dataType")
        );
    }

    #[test]
    fn columns_are_normalized() {
        let request = create_request(
            EntityType::Table,
            table(json!([{"name": "a", "dataType": "STRING", "dataTypeDisplay": "STRING", "arrayDataType": "INT", "description": null}, {"name": "b", "dataType": "INT"}])),
        )
        .unwrap();
        assert_eq!(request.fqn(), "svc.default.default.orders");
        let stored = EntityRequest::from_json(
            EntityType::Table,
            json!({"name": "orders", "databaseSchema": "svc.default.default", "columns": [
                {"name": "a", "dataType": "STRING", "dataTypeDisplay": "string"},
                {"name": "b", "dataType": "INT", "dataTypeDisplay": "int"}]})
            .as_object()
            .cloned()
            .unwrap(),
        )
        .unwrap();
        assert_eq!(request, stored);
    }

    #[test]
    fn service_secrets_are_masked_and_domains_must_exist() {
        let request = create_request(
            EntityType::DatabaseService,
            json!({"name": "s", "serviceType": "DynamoDB", "connection": {"config": {"type": "DynamoDB",
                "awsConfig": {"awsAccessKeyId": "AKID", "awsSecretAccessKey": "s3cr3t", "awsSessionToken": "t"}}}}),
        )
        .unwrap();
        let masked = EntityRequest::from_json(
            EntityType::DatabaseService,
            json!({"name": "s", "serviceType": "DynamoDB", "connection": {"config": {"type": "DynamoDB",
                "awsConfig": {"awsAccessKeyId": "AKID", "awsSecretAccessKey": MASK, "awsSessionToken": MASK}}}})
            .as_object()
            .cloned()
            .unwrap(),
        )
        .unwrap();
        assert_eq!(request, masked);

        let error = create_request(
            EntityType::Database,
            json!({"name": "d", "service": "s", "domains": ["Sales"]}),
        )
        .unwrap_err();
        assert_eq!(
            (error.status.as_u16(), error.message.as_str()),
            (404, "domain instance for Sales not found")
        );
        assert!(error_free(
            EntityType::Database,
            json!({"name": "d", "service": "s", "domains": []})
        ));
    }

    #[test]
    fn schema_enum_values_are_accepted_and_reference_ids_are_uuids() {
        let mut body = table(json!([
            {"name": "a", "dataType": "VARCHAR", "dataLength": 8, "constraint": "NOT_NULL"},
            {"name": "b", "dataType": "JSON", "children": [{"name": "c", "dataType": "MEASURE HIDDEN"}]}]));
        body["tableType"] = "SemanticView".into();
        body["tableConstraints"] = json!([{"constraintType": "CLUSTER_KEY", "columns": ["a"]}]);
        assert!(error_free(EntityType::Table, body));
        assert!(
            error(
                EntityType::Table,
                table(json!([{"name": "a", "dataType": "INT", "constraint": "KEY"}]))
            )
            .contains("columns[0].constraint: unknown column constraint `KEY`")
        );

        let owner =
            |id: &str| json!({"name": "d", "service": "s", "owners": [{"id": id, "type": "user"}]});
        assert!(error_free(
            EntityType::Database,
            owner("2a3e7c5e-1111-2222-3333-444444444444")
        ));
        let message = error(EntityType::Database, owner("x"));
        assert!(
            message
                .starts_with("invalid CreateDatabase request: owners[0].id: UUID parsing failed:"),
            "{message}"
        );
    }

    fn error_free(entity_type: EntityType, body: Value) -> bool {
        create_request(entity_type, body).is_ok()
    }
}
