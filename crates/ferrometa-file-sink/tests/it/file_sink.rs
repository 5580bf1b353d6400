//! The file sink writes OpenMetadata's file-sink array, and only ever a whole one.

use std::path::Path;

use ferrometa_config::FileSinkConfig;
use ferrometa_core::{Record, Sink, WriteOutcome};
use ferrometa_file_sink::{FileSink, FileSinkError};
use ferrometa_model::{
    Column, CreateDatabase, CreateDatabaseService, CreateEntity, CreateTable, DataType, TableType,
};
use serde_json::{Value, json};

fn entities() -> Vec<CreateEntity> {
    let table = |name: &str| {
        CreateEntity::Table(Box::new(CreateTable {
            name: name.into(),
            table_type: Some(TableType::Regular),
            columns: vec![Column::new("pk", DataType::String)],
            database_schema: "svc.default.default".into(),
            ..Default::default()
        }))
        .with_source_hash()
    };
    vec![
        CreateEntity::DatabaseService(Box::new(CreateDatabaseService {
            name: "svc".into(),
            service_type: "DynamoDB".into(),
            ..Default::default()
        })),
        CreateEntity::Database(Box::new(CreateDatabase {
            name: "default".into(),
            service: "svc".into(),
            ..Default::default()
        })),
        table("orders"),
        table("a.b"),
    ]
}

/// The workflow's records of `entities`.
fn records(entities: &[CreateEntity]) -> Vec<Record> {
    entities.iter().cloned().map(Record::Entity).collect()
}

fn sink_for(path: &Path) -> FileSink {
    FileSink::create(&FileSinkConfig {
        filename: path.to_path_buf(),
    })
    .unwrap()
}

/// Files in `dir` other than `keep`: temporary files left behind.
fn strays(dir: &Path, keep: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != keep)
        .map(|p| p.display().to_string())
        .collect()
}

#[tokio::test]
async fn writes_a_json_array_of_the_requests_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let mut sink = sink_for(&path);
    assert_eq!(sink.name(), "File");
    assert_eq!(sink.location(), Some(path.display().to_string()));

    let entities = entities();
    let (first, rest) = entities.split_at(2);
    for batch in [first, rest] {
        let results = sink.write_batch(&records(batch)).await;
        assert!(
            results
                .iter()
                .all(|r| matches!(r, Ok(WriteOutcome::Created)))
        );
    }
    assert_eq!(sink.live_tables("svc.default.default").await.unwrap(), None);
    assert!(!path.exists(), "nothing is published before close");
    sink.close().await.unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    let objects: Vec<String> = entities
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    assert_eq!(
        text,
        format!("[\n{}\n]", objects.join(",\n")),
        "the layout of OpenMetadata's file sink"
    );
    let written: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(written, serde_json::to_value(&entities).unwrap());
    assert_eq!(written[3]["name"], "a.b");
    assert!(written[2]["sourceHash"].is_string());
    assert!(strays(dir.path(), &path).is_empty());
}

#[tokio::test]
async fn profiles_and_sample_data_follow_their_table_as_one_key_objects() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let mut sink = sink_for(&path);
    let table = entities().remove(2);
    let fqn = table.fqn();
    let profile = json!({"tableProfile": {"timestamp": 1_700_000_000_000_i64, "rowCount": 3}});
    let data = json!({"columns": ["pk"], "rows": [["a"]]});
    let batch = [
        Record::Entity(table.clone()),
        Record::TableProfile {
            table: fqn.clone(),
            profile: profile.clone(),
        },
        Record::SampleData {
            table: fqn.clone(),
            data: data.clone(),
        },
    ];
    let results = sink.write_batch(&batch).await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(WriteOutcome::Created)))
    );
    sink.close().await.unwrap();

    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        written,
        json!([
            serde_json::to_value(&table).unwrap(),
            {"tableProfile": {"table": fqn, "profile": profile}},
            {"sampleData": {"table": fqn, "data": data}},
        ])
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_file_gets_the_mode_of_any_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let mut sink = sink_for(&path);
    sink.close().await.unwrap();
    let reference = dir.path().join("reference");
    std::fs::write(&reference, "").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
    assert_eq!(mode(&path), mode(&reference));
}

#[tokio::test]
async fn an_empty_run_writes_an_empty_array() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let mut sink = sink_for(&path);
    sink.close().await.unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&std::fs::read_to_string(&path).unwrap()).unwrap(),
        Value::Array(vec![])
    );
}

#[tokio::test]
async fn a_sink_dropped_before_close_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    std::fs::write(&path, "previous run").unwrap();

    let mut sink = sink_for(&path);
    sink.write_batch(&records(&entities())).await;
    drop(sink);

    assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous run");
    assert!(
        strays(dir.path(), &path).is_empty(),
        "the temporary file is removed"
    );
}

#[tokio::test]
async fn replaces_the_old_file_on_close_and_refuses_to_delete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    std::fs::write(&path, "previous run").unwrap();
    let mut sink = sink_for(&path);
    sink.write_batch(&records(&entities()[..1])).await;
    assert!(
        sink.soft_delete_table("svc.default.default.orders")
            .await
            .is_err()
    );
    sink.close().await.unwrap();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written.as_array().unwrap().len(), 1);

    let late = sink.write_batch(&records(&entities()[..1])).await;
    assert!(
        late[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("abandoned")
    );
}

#[test]
fn a_missing_directory_fails_at_creation() {
    let dir = tempfile::tempdir().unwrap();
    let config = FileSinkConfig {
        filename: dir.path().join("missing/out.json"),
    };
    let error = FileSink::create(&config).err().unwrap();
    assert!(matches!(error, FileSinkError::Create { .. }));
    assert!(
        error
            .to_string()
            .starts_with("cannot create a temporary file next to "),
        "{error}"
    );
}
