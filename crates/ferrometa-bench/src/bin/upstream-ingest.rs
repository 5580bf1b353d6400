//! Runs OpenMetadata's own `metadata ingest` (openmetadata-ingestion 2.0.7.0, DynamoDB source,
//! `metadata-rest` sink) against this server, twice, over an embedded DynamoDB seeded with
//! the demo tables, and checks what the catalog holds afterwards.
//!
//! ```sh
//! scripts/upstream-venv.sh
//! cargo run -p ferrometa-bench --bin upstream-ingest -- .venv-upstream/bin/metadata
//! ```
//!
//! Then OpenMetadata's own `metadata profile` (a DynamoDB Profiler recipe with the
//! `orm-profiler` processor) profiles the ingested tables into the same server, and each
//! table's `tableProfile/latest` must answer the row count it computed (DynamoDB's
//! `ItemCount`, which the emulator keeps exact: the number of items seeded).
//!
//! Then ferrometa's own workflow ingests the same tables through its `metadata-rest` sink into
//! the same server (as service `ferrometa_dynamodb`), and both run times are printed.
//!
//! Exits non-zero when a run fails, the catalog lacks a table or its columns, or a table's
//! latest profile is missing or holds another row count. Server request logs go
//! to stderr (`RUST_LOG` filters them).

use std::path::PathBuf;
use std::process::ExitCode;

use ferrometa_emulator::Emulator;
use ferrometa_server::ServerConfig;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("ferrometa_server=info,dynoxide=error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let metadata = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| ".venv-upstream/bin/metadata".into()),
    );

    let emulator = Emulator::start().await.expect("emulator starts");
    let seeded = ferrometa_emulator::seed_demo(&emulator.client())
        .await
        .expect("demo tables are created");
    let dir = tempfile::tempdir().expect("temporary directory");
    let catalog = dir.path().join("catalog.db");
    let mut config = ServerConfig::new(&catalog);
    config.bind = "127.0.0.1:0".parse().unwrap();
    let key_file = ferrometa_server::default_key_file(&catalog);
    let token = ferrometa_server::mint_token(&key_file, "ingestion-bot", None).unwrap();
    let server = ferrometa_server::bind(config).await.expect("server binds");
    let api = format!("http://{}/api", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));

    let recipe = dir.path().join("dynamodb.yaml");
    std::fs::write(&recipe, recipe_text(&emulator.endpoint(), &api, &token)).unwrap();
    let mut failed = false;
    let mut upstream_seconds = Vec::new();
    for run in 1..=2 {
        let started = std::time::Instant::now();
        let (recipe, program) = (recipe.clone(), metadata.clone());
        let status = tokio::task::spawn_blocking(move || {
            std::process::Command::new(&program)
                .args(["ingest", "-c"])
                .arg(&recipe)
                .status()
        })
        .await
        .unwrap();
        match status {
            Ok(status) if status.success() => {
                upstream_seconds.push(started.elapsed().as_secs_f64());
                eprintln!(
                    "run {run}: metadata ingest succeeded in {:.2} s",
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(status) => {
                eprintln!("run {run}: metadata ingest failed: {status}");
                failed = true;
            }
            Err(e) => {
                eprintln!("cannot run {}: {e}", metadata.display());
                return ExitCode::FAILURE;
            }
        }
    }

    // OpenMetadata's profiler over what its ingest wrote.
    let profile_recipe = dir.path().join("dynamodb-profiler.yaml");
    std::fs::write(
        &profile_recipe,
        profiler_recipe_text(&emulator.endpoint(), &api, &token),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let program = metadata.clone();
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&program)
            .args(["profile", "-c"])
            .arg(&profile_recipe)
            .status()
    })
    .await
    .unwrap();
    match status {
        Ok(status) if status.success() => eprintln!(
            "metadata profile succeeded in {:.2} s",
            started.elapsed().as_secs_f64()
        ),
        Ok(status) => {
            eprintln!("metadata profile failed: {status}");
            failed = true;
        }
        Err(e) => {
            eprintln!("cannot run {}: {e}", metadata.display());
            return ExitCode::FAILURE;
        }
    }
    let client = reqwest::Client::new();
    for table in &seeded.tables {
        let fqn = ferrometa_model::fqn::child("local_dynamodb.default.default", &table.name);
        // The FQN as one percent-encoded path segment (it may hold quotes and dots).
        let mut url = reqwest::Url::parse(&format!("{api}/v1/tables")).unwrap();
        url.path_segments_mut()
            .unwrap()
            .extend([fqn.as_str(), "tableProfile", "latest"]);
        let answer = client.get(url).bearer_auth(&token).send().await.unwrap();
        let status = answer.status();
        let body: serde_json::Value = answer.json().await.unwrap_or_default();
        let rows = body["profile"]["rowCount"].as_f64();
        if !status.is_success() || rows != Some(table.items as f64) {
            eprintln!(
                "table {fqn}: expected a latest profile with rowCount {}, got {status} {}",
                table.items, body["profile"]
            );
            failed = true;
        } else {
            eprintln!("table {fqn}: latest profile rowCount {}", table.items);
        }
    }

    // ferrometa's workflow, same tables, same server, its own service.
    let ours_text = recipe_text(&emulator.endpoint(), &api, &token)
        .replace("local_dynamodb", "ferrometa_dynamodb");
    let recipe =
        ferrometa_config::load_str(&ours_text, ferrometa_config::Format::Yaml, "ferrometa.yaml")
            .expect("the same recipe loads");
    let mut ours_seconds = Vec::new();
    for run in 1..=2 {
        let started = std::time::Instant::now();
        let mut workflow = ferrometa_registry::create_workflow(&recipe)
            .await
            .expect("workflow");
        let executed = workflow.execute().await;
        let stopped = workflow.stop().await;
        if executed.is_err() || stopped.is_err() || workflow.raise_from_status(false).is_err() {
            eprintln!("run {run}: ferrometa failed:\n{}", workflow.print_status());
            failed = true;
        }
        ours_seconds.push(started.elapsed().as_secs_f64());
        eprintln!(
            "run {run}: ferrometa ingest succeeded in {:.2} s",
            started.elapsed().as_secs_f64()
        );
    }
    eprintln!(
        "run times for {} tables (first, second): upstream metadata ingest {upstream_seconds:.2?} s, ferrometa {ours_seconds:.2?} s",
        seeded.tables.len()
    );

    let tables: serde_json::Value = client
        .get(format!(
            "{api}/v1/tables?limit=1000&fields=*&service=local_dynamodb"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = tables["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let versions: Vec<String> = tables["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["version"].to_string())
        .collect();
    eprintln!("catalog tables: {names:?}, versions {versions:?}");
    for table in tables["data"].as_array().unwrap() {
        if table["columns"].as_array().is_none_or(|c| c.is_empty()) {
            eprintln!("table {} has no columns", table["name"]);
            failed = true;
        }
    }
    if names.len() != seeded.tables.len() {
        eprintln!(
            "expected {} tables, found {}",
            seeded.tables.len(),
            names.len()
        );
        failed = true;
    }
    for expected in seeded.table_names() {
        if !names.contains(&expected) {
            eprintln!("missing table {expected}");
            failed = true;
        }
    }
    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
    emulator.stop().await;
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The upstream profiler's recipe: the same source and server, a Profiler workflow with
/// OpenMetadata's `orm-profiler` processor.
fn profiler_recipe_text(dynamodb: &str, api: &str, token: &str) -> String {
    let metadata = recipe_text(dynamodb, api, token);
    let workflow_type = "      type: DatabaseMetadata\n";
    assert!(metadata.contains(workflow_type), "{metadata}");
    metadata.replace(
        workflow_type,
        "      type: Profiler\nprocessor:\n  type: orm-profiler\n  config: {}\n",
    )
}

/// The upstream client's recipe: DynamoDB source against the emulator, metadata-rest sink
/// against this server.
fn recipe_text(dynamodb: &str, api: &str, token: &str) -> String {
    format!(
        "source:
  type: dynamodb
  serviceName: local_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsAccessKeyId: testing
        awsSecretAccessKey: testing
        awsRegion: us-east-1
        endPointURL: {dynamodb}
  sourceConfig:
    config:
      type: DatabaseMetadata
sink:
  type: metadata-rest
  config: {{}}
workflowConfig:
  loggerLevel: INFO
  openMetadataServerConfig:
    hostPort: {api}
    authProvider: openmetadata
    securityConfig:
      jwtToken: {token}
"
    )
}
