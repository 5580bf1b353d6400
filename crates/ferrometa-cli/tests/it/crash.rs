//! Crash safety of the embedded catalog: `ferrometa ingest` killed with SIGKILL at varying
//! points leaves a catalog that passes SQLite's integrity check every time, and a final run
//! to completion converges to exactly what one uninterrupted run writes.
//!
//! `FERROMETA_CRASH_ITERATIONS=N` runs N kills instead of the short default.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, Recipe};
use crate::crash_checks::{self, assert_converged, assert_intact, delay};
use ferrometa_emulator::Emulator;

/// Kills in the default (CI) mode.
const DEFAULT_ITERATIONS: usize = 12;
const TABLES: usize = 60;

fn recipe(dir: &Path, file: &str, endpoint: &str, catalog: &Path) -> PathBuf {
    Recipe::new(endpoint)
        .catalog(catalog)
        .write(&dir.join(file))
}

fn ingest(config: &Path) -> Command {
    let mut command = common::command();
    command.args(["ingest", "-c"]).arg(config);
    command
}

/// Kills land within this span of a run's start.
const KILL_SPAN: Duration = Duration::from_millis(400);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_ingests_never_corrupt_the_catalog_and_a_rerun_converges() {
    let iterations = crash_checks::iterations("FERROMETA_CRASH_ITERATIONS", DEFAULT_ITERATIONS);
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
                let delay = delay(i, KILL_SPAN);
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

    let fresh_contents = assert_converged(&crashed, &fresh);
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
    emulator.stop().await;
}
