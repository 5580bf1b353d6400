//! Requests for a small DynamoDB-like hierarchy.

use ferrometa_model::{
    Column, CreateDatabase, CreateDatabaseSchema, CreateDatabaseService, CreateEntity, CreateTable,
    DataType, TableType,
};

/// Service, database `default` and schema `default`, as the DynamoDB source sends them.
pub fn hierarchy(service: &str) -> Vec<CreateEntity> {
    let database_fqn = ferrometa_model::fqn::build(&[service, "default"]);
    vec![
        CreateEntity::DatabaseService(Box::new(CreateDatabaseService {
            name: service.into(),
            service_type: "DynamoDB".into(),
            ..Default::default()
        })),
        CreateEntity::Database(Box::new(CreateDatabase {
            name: "default".into(),
            service: service.into(),
            ..Default::default()
        }))
        .with_source_hash(),
        CreateEntity::DatabaseSchema(Box::new(CreateDatabaseSchema {
            name: "default".into(),
            database: database_fqn,
            ..Default::default()
        }))
        .with_source_hash(),
    ]
}

/// The schema FQN of [`hierarchy`].
pub fn schema_fqn(service: &str) -> String {
    ferrometa_model::fqn::build(&[service, "default", "default"])
}

pub fn columns(spec: &[(&str, DataType)]) -> Vec<Column> {
    spec.iter()
        .map(|(name, data_type)| Column::new(*name, *data_type))
        .collect()
}

/// A table request with its source hash set, as the source sends it.
pub fn table(schema_fqn: &str, name: &str, columns: Vec<Column>) -> CreateEntity {
    CreateEntity::Table(Box::new(CreateTable {
        name: name.into(),
        table_type: Some(TableType::Regular),
        columns,
        database_schema: schema_fqn.into(),
        ..Default::default()
    }))
    .with_source_hash()
}
