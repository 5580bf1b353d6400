//! Timing of large runs, for the numbers in the documentation:
//! `cargo test --release -p ferrometa-rest-sink --test it -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use ferrometa_core::WriteOutcome;
use ferrometa_model::{Column, DataType};

use crate::harness::{Hierarchy, Server, count, write_all};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "timing, run on demand"]
async fn first_run_unchanged_rerun_and_one_change() {
    for tables in [1_000, 10_000] {
        let server = Server::start().await;
        let h = Hierarchy::new("svc", tables);
        let mut entities = h.entities();
        let n = entities.len();

        let (first, results) = timed(&server, &entities).await;
        assert_eq!(count(&results, WriteOutcome::Created), n);
        let (rerun, results) = timed(&server, &entities).await;
        assert_eq!(count(&results, WriteOutcome::Unchanged), n);
        entities[3] = h.table(0, &[Column::new("added", DataType::Int)]);
        let (changed, results) = timed(&server, &entities).await;
        assert_eq!(count(&results, WriteOutcome::Updated), 1);

        eprintln!(
            "{tables} tables: first run {first:.2?}, unchanged re-run {rerun:.2?}, one table changed {changed:.2?}"
        );
    }
}

/// One run, connection included, as a new process would do it.
async fn timed(
    server: &Server,
    entities: &[ferrometa_model::CreateEntity],
) -> (Duration, Vec<Result<WriteOutcome, String>>) {
    let started = Instant::now();
    let mut sink = server.connect(&server.url).await;
    let results = write_all(&mut sink, entities).await;
    (started.elapsed(), results)
}
