//! Crash safety of the embedded catalog: `ferrometa ingest` killed with SIGKILL at varying
//! points leaves a catalog that passes SQLite's integrity check every time, and a final run
//! to completion converges to exactly what one uninterrupted run writes.
//!
//! `FERROMETA_CRASH_ITERATIONS=N` runs N kills instead of the short default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferrometa_catalog::Catalog;
use ferrometa_emulator::Emulator;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

/// Kills in the default (CI) mode.
const DEFAULT_ITERATIONS: usize = 12;
const TABLES: usize = 60;

fn recipe(dir: &Path, file: &str, endpoint: &str, catalog: &Path) -> PathBuf {
    let text = format!(
        r#"source:
  type: dynamodb
  serviceName: local_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsAccessKeyId: AKIDFERROMETATEST
        awsSecretAccessKey: not-a-secret
        awsRegion: us-east-1
        endPointURL: {endpoint}
  sourceConfig:
    config:
      type: DatabaseMetadata
sink:
  type: catalog
  config:
    path: {catalog}
workflowConfig:
  loggerLevel: INFO
"#,
        catalog = catalog.display()
    );
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path
}

fn ingest(config: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferrometa"));
    command
        .args(["ingest", "-c"])
        .arg(config)
        .env_remove("FERROMETA_LOG")
        .stdin(Stdio::null());
    command
}

/// The delay before the `i`th kill: a fixed permutation-like walk over 20..=400 ms, so early,
/// middle and late points of a run are all hit, in the same order on every run.
fn delay(i: usize) -> Duration {
    Duration::from_millis(20 + ((i * 137) % 381) as u64)
}

/// Runs SQLite's own checks on `catalog` as a fresh process would see it after a crash, and
/// returns how many tables it holds.
fn assert_intact(catalog: &Path, context: &str) -> i64 {
    if !catalog.exists() {
        // Killed before the catalog was created: nothing to check.
        return 0;
    }
    let conn = Connection::open_with_flags(
        catalog,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap_or_else(|e| panic!("{context}: cannot open the catalog: {e}"));
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, ["ok"], "{context}: integrity_check");
    let violations = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |_| Ok(()))
        .unwrap()
        .count();
    assert_eq!(violations, 0, "{context}: foreign_key_check");
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM entity WHERE entity_type = 'table'",
            [],
            |row| row.get(0),
        )
        .unwrap_or(0);
    drop(conn);
    // And the catalog itself opens (running its migrations) and answers.
    let catalog = Catalog::open(catalog).unwrap_or_else(|e| panic!("{context}: {e}"));
    catalog.stats().unwrap_or_else(|e| panic!("{context}: {e}"));
    tables
}

/// One entity as stored: version, deleted flag, columns (tables) and how many earlier versions
/// its history holds.
#[derive(Debug, PartialEq)]
struct Stored {
    version_tenths: i64,
    deleted: bool,
    columns: Value,
    history: i64,
}

/// Every entity of `catalog`, keyed by `(entity_type, fqn)`; panics on a duplicate key.
fn contents(catalog: &Path) -> BTreeMap<(String, String), Stored> {
    let conn = Connection::open(catalog).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT e.entity_type, e.fqn, e.version_tenths, e.deleted, e.json,
                    (SELECT COUNT(*) FROM entity_version v WHERE v.id = e.id)
             FROM entity e ORDER BY e.entity_type, e.fqn",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, bool>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, i64>(5)?,
            ))
        })
        .unwrap();
    let mut map = BTreeMap::new();
    for row in rows {
        let (entity_type, fqn, version_tenths, deleted, json, history) = row.unwrap();
        let json: Value = serde_json::from_str(&json).unwrap();
        let stored = Stored {
            version_tenths,
            deleted,
            columns: json.get("columns").cloned().unwrap_or(Value::Null),
            history,
        };
        let key = (entity_type, fqn);
        assert!(
            map.insert(key.clone(), stored).is_none(),
            "duplicate {key:?}"
        );
    }
    map
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_ingests_never_corrupt_the_catalog_and_a_rerun_converges() {
    let iterations: usize = std::env::var("FERROMETA_CRASH_ITERATIONS")
        .ok()
        .map(|v| v.parse().expect("FERROMETA_CRASH_ITERATIONS is a number"))
        .unwrap_or(DEFAULT_ITERATIONS);
    let emulator = Emulator::start().await.unwrap();
    let seeded = ferrometa_emulator::seed_generated(&emulator.client(), TABLES, 20, "crash_")
        .await
        .unwrap();
    assert_eq!(seeded.tables, TABLES);
    let dir = tempfile::tempdir().unwrap();
    let crashed = dir.path().join("crashed.db");
    let fresh = dir.path().join("fresh.db");
    let crashed_config = recipe(dir.path(), "crashed.yaml", &emulator.endpoint(), &crashed);
    let fresh_config = recipe(dir.path(), "fresh.yaml", &emulator.endpoint(), &fresh);

    let (killed, finished) = tokio::task::spawn_blocking({
        let crashed = crashed.clone();
        let crashed_config = crashed_config.clone();
        move || {
            let mut killed = 0;
            let mut finished = 0;
            for i in 0..iterations {
                let delay = delay(i);
                let mut child = ingest(&crashed_config)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("the binary runs");
                std::thread::sleep(delay);
                match child.try_wait().unwrap() {
                    // Done before the kill: a complete run, also fine to check.
                    Some(_) => finished += 1,
                    None => {
                        child.kill().unwrap(); // SIGKILL
                        child.wait().unwrap();
                        killed += 1;
                    }
                }
                let tables = assert_intact(&crashed, &format!("after kill {i} at {delay:?}"));
                eprintln!("kill {i} at {delay:?}: intact, {tables} tables");
            }
            (killed, finished)
        }
    })
    .await
    .unwrap();
    eprintln!("{killed} runs killed, {finished} finished before their kill");

    let (crashed_run, fresh_run, elapsed) = tokio::task::spawn_blocking({
        move || {
            let crashed_run = ingest(&crashed_config).output().unwrap();
            let start = Instant::now();
            let fresh_run = ingest(&fresh_config).output().unwrap();
            (crashed_run, fresh_run, start.elapsed())
        }
    })
    .await
    .unwrap();
    eprintln!("one uninterrupted run took {elapsed:?}");
    for run in [&crashed_run, &fresh_run] {
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    assert_intact(&crashed, "after the final run");
    assert_intact(&fresh, "the uninterrupted run");

    let crashed_contents = contents(&crashed);
    let fresh_contents = contents(&fresh);
    let tables = fresh_contents
        .keys()
        .filter(|(entity_type, _)| entity_type == "table")
        .count();
    assert_eq!(tables, TABLES);
    assert_eq!(
        fresh_contents.len(),
        3 + TABLES,
        "service, database, schema"
    );
    assert_eq!(
        crashed_contents.keys().collect::<Vec<_>>(),
        fresh_contents.keys().collect::<Vec<_>>(),
        "the same entities"
    );
    for (key, fresh) in &fresh_contents {
        let crashed = &crashed_contents[key];
        assert!(!fresh.deleted && !crashed.deleted, "{key:?} deleted");
        assert_eq!(crashed.columns, fresh.columns, "{key:?} columns");
        // Every write is one transaction and unchanged entities are skipped by hash, so an
        // entity a killed run committed is never rewritten: one version, 0.1, everywhere.
        assert_eq!(fresh.version_tenths, 1, "{key:?} fresh version");
        assert_eq!(crashed.version_tenths, 1, "{key:?} version after kills");
        assert_eq!(crashed.history, fresh.history, "{key:?} history");
    }
    emulator.stop().await;
}
