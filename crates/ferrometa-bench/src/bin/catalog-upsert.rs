//! Times the catalog sink on a first run, an unchanged re-run, and a run where every table
//! gained a column.
//!
//! ```sh
//! cargo run --release -p ferrometa-bench --bin catalog-upsert [-- TABLES COLUMNS BATCH]
//! ```
//! Defaults: 1000 tables of 20 columns, in batches of 64 (the workflow's batch size).

// The catalog tests' request fixtures: the benchmark writes what those tests write.
#[path = "../../../ferrometa-catalog/tests/it/fixtures.rs"]
mod fixtures;

use std::time::Instant;

use ferrometa_catalog::{Catalog, CatalogSink};
use ferrometa_core::{Record, Sink};
use ferrometa_model::{CreateEntity, DataType};

fn tables(count: usize, columns: usize) -> Vec<CreateEntity> {
    const TYPES: [DataType; 4] = [
        DataType::String,
        DataType::Number,
        DataType::Boolean,
        DataType::Json,
    ];
    let schema = fixtures::schema_fqn("bench");
    let names: Vec<String> = (0..columns).map(|c| format!("attribute_{c}")).collect();
    (0..count)
        .map(|t| {
            let spec: Vec<_> = names
                .iter()
                .enumerate()
                .map(|(c, name)| (name.as_str(), TYPES[(t + c) % TYPES.len()]))
                .collect();
            fixtures::table(&schema, &format!("table_{t:05}"), fixtures::columns(&spec))
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .map_or(default, |a| a.parse().expect("a number"))
    };
    let (count, columns, batch) = (arg(1, 1000), arg(2, 20), arg(3, 64));
    let dir = tempfile::tempdir().unwrap();
    let mut sink = CatalogSink::new(Catalog::open(dir.path().join("bench.db")).unwrap());

    let mut entities = fixtures::hierarchy("bench");
    entities.extend(tables(count, columns));
    let mut wider = fixtures::hierarchy("bench");
    wider.extend(tables(count, columns + 1));
    let records = |entities: Vec<CreateEntity>| -> Vec<Record> {
        entities.into_iter().map(Record::Entity).collect()
    };
    let (entities, wider) = (records(entities), records(wider));

    for (label, run) in [
        ("first run", &entities),
        ("unchanged re-run", &entities),
        ("one column added", &wider),
    ] {
        let started = Instant::now();
        for chunk in run.chunks(batch) {
            assert!(sink.write_batch(chunk).await.iter().all(Result::is_ok));
        }
        let elapsed = started.elapsed();
        println!(
            "{label:>17}: {count} tables x {columns} columns in batches of {batch}: {:>8.1} ms ({:.1} µs/table)",
            elapsed.as_secs_f64() * 1e3,
            elapsed.as_secs_f64() * 1e6 / count as f64
        );
    }
    sink.close().await.unwrap();
}
