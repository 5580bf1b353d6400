use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use ferrometa_catalog::CatalogSink;
use ferrometa_config::{CatalogSinkConfig, FileSinkConfig, Recipe};
use ferrometa_core::{
    Emitter, Failure, SchemaListing, Sink, Source, SourceEvent, Workflow, WorkflowSettings,
    WorkflowStatus,
};
use ferrometa_dynamodb::DynamoDbSource;
use ferrometa_file_sink::FileSink;
use ferrometa_model::{Column, CreateEntity, CreateTable};
use serde_json::{Value, json};

pub const SERVICE: &str = "local_dynamodb";
pub const SCHEMA_FQN: &str = "local_dynamodb.default.default";

/// A recipe for `endpoint`, with `source_config` merged into `sourceConfig.config`.
pub fn recipe(endpoint: &str, source_config: Value) -> Recipe {
    let mut config = json!({"type": "DatabaseMetadata"});
    if let (Some(target), Some(extra)) = (config.as_object_mut(), source_config.as_object()) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
    }
    let value = json!({
        "source": {
            "type": "dynamodb",
            "serviceName": SERVICE,
            "serviceConnection": {"config": {
                "type": "DynamoDB",
                "awsConfig": {
                    "awsAccessKeyId": "test-key",
                    "awsSecretAccessKey": "test-secret",
                    "awsRegion": "us-east-1",
                    "endPointURL": endpoint,
                }
            }},
            "sourceConfig": {"config": config},
        },
        "workflowConfig": {"loggerLevel": "INFO"},
    });
    ferrometa_config::from_json_value(value, "test recipe").expect("valid recipe")
}

pub async fn source(endpoint: &str, source_config: Value) -> DynamoDbSource {
    source_of(&recipe(endpoint, source_config)).await
}

/// The source of a recipe's `source` section.
pub async fn source_of(recipe: &Recipe) -> DynamoDbSource {
    let section = &recipe.source;
    DynamoDbSource::new(
        &section.service_name,
        &section.service_connection.config,
        section.source_config.metadata().unwrap(),
    )
    .await
    .expect("source")
}

/// Everything one run emitted.
#[derive(Debug, Default)]
pub struct Run {
    pub entities: Vec<CreateEntity>,
    pub read_capacity: f64,
    pub totals: Vec<u64>,
    pub filtered: Vec<(String, String)>,
    pub warnings: Vec<(String, String)>,
    pub failures: Vec<Failure>,
    pub listings: Vec<SchemaListing>,
}

impl Run {
    pub fn tables(&self) -> BTreeMap<String, &CreateTable> {
        self.entities
            .iter()
            .filter_map(|e| match e {
                CreateEntity::Table(t) => Some((t.name.clone(), t.as_ref())),
                _ => None,
            })
            .collect()
    }

    pub fn table(&self, name: &str) -> &CreateTable {
        self.tables()
            .get(name)
            .copied()
            .unwrap_or_else(|| panic!("no table {name}: {:?}", self.tables().keys()))
    }

    pub fn listing(&self) -> &SchemaListing {
        assert_eq!(
            self.listings.len(),
            1,
            "one listing expected: {:?}",
            self.listings
        );
        &self.listings[0]
    }
}

pub async fn run(source: &DynamoDbSource) -> Run {
    let (emitter, mut rx) = Emitter::channel(16);
    let collect = async {
        let mut run = Run::default();
        while let Some(event) = rx.recv().await {
            match event {
                SourceEvent::Entity {
                    entity,
                    read_capacity,
                } => {
                    run.read_capacity += read_capacity;
                    run.entities.push(entity);
                }
                SourceEvent::Total(n) => run.totals.push(n),
                SourceEvent::Filtered { name, reason } => run.filtered.push((name, reason)),
                SourceEvent::Warning { name, reason } => run.warnings.push((name, reason)),
                SourceEvent::Failed(f) => run.failures.push(f),
                SourceEvent::SchemaListed(l) => run.listings.push(l),
                SourceEvent::Table { table, .. } => {
                    panic!("the metadata source emitted profiler records for {table}")
                }
            }
        }
        run
    };
    let (result, run) = tokio::join!(source.run(emitter), collect);
    result.expect("the run itself succeeds");
    run
}

/// Runs the whole workflow of `recipe` into `sink` and returns its status.
pub async fn ingest(recipe: &Recipe, sink: Box<dyn Sink>) -> WorkflowStatus {
    let source = Arc::new(source_of(recipe).await);
    let mut workflow = Workflow::new(WorkflowSettings::from_recipe(recipe), source, sink);
    workflow.execute().await.expect("the workflow runs");
    workflow.stop().await.expect("the sink closes");
    workflow.status().clone()
}

/// [`ingest`] into the embedded catalog at `path`.
pub async fn ingest_into_catalog(recipe: &Recipe, path: &Path) -> WorkflowStatus {
    let config = CatalogSinkConfig {
        path: path.to_path_buf(),
    };
    ingest(recipe, Box::new(CatalogSink::open(&config).unwrap())).await
}

/// [`ingest`] into a JSON file at `path`.
pub async fn ingest_into_file(recipe: &Recipe, path: &Path) -> WorkflowStatus {
    let config = FileSinkConfig {
        filename: path.to_path_buf(),
    };
    ingest(recipe, Box::new(FileSink::create(&config).unwrap())).await
}

pub fn column<'a>(columns: &'a [Column], name: &str) -> &'a Column {
    columns.iter().find(|c| c.name == name).unwrap_or_else(|| {
        panic!(
            "no column {name} in {:?}",
            columns.iter().map(|c| &c.name).collect::<Vec<_>>()
        )
    })
}

pub fn children(column: &Column) -> &[Column] {
    column
        .children
        .as_deref()
        .unwrap_or_else(|| panic!("{} has no children", column.name))
}

pub fn display(column: &Column) -> &str {
    column.data_type_display.as_deref().unwrap_or("")
}
