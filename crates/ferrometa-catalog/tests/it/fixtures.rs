//! Requests for a small DynamoDB-like hierarchy.

use ferrometa_model::{
    Column, CreateDatabase, CreateDatabaseSchema, CreateDatabaseService, CreateEntity, CreateTable,
    DataType, TableType,
};

/// Service, database `default` and schema `default`, as the DynamoDB source sends them.
pub fn hierarchy(service: &str) -> Vec<CreateEntity> {
    let database_fqn = ferrometa_model::fqn::build(&[service, "default"]);
    vec![
        CreateEntity::DatabaseService(CreateDatabaseService {
            name: service.into(),
            service_type: "DynamoDB".into(),
            description: None,
            connection: None,
        }),
        CreateEntity::Database(CreateDatabase {
            name: "default".into(),
            service: service.into(),
            description: None,
            source_url: None,
            source_hash: None,
        })
        .with_source_hash(),
        CreateEntity::DatabaseSchema(CreateDatabaseSchema {
            name: "default".into(),
            database: database_fqn,
            description: None,
            source_url: None,
            source_hash: None,
        })
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
        display_name: None,
        description: None,
        table_type: TableType::Regular,
        columns,
        table_constraints: None,
        database_schema: schema_fqn.into(),
        source_url: None,
        extension: None,
        source_hash: None,
    }))
    .with_source_hash()
}
