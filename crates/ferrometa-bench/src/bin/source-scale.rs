//! Runs the source over generated tables in the embedded emulator and reports timings.
//!
//! ```sh
//! cargo run --release -p ferrometa-bench --bin source-scale -- [TABLES] [ITEMS_PER_TABLE] [CONCURRENCY]
//! ```

use std::time::Instant;

use ferrometa_core::{Emitter, Source, SourceEvent};
use ferrometa_dynamodb::DynamoDbSource;
use ferrometa_emulator::{Emulator, seed};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let tables = args.next().transpose()?.unwrap_or(1000);
    let items = args.next().transpose()?.unwrap_or(100);
    let concurrency = args.next().transpose()?.unwrap_or(16);

    let emulator = Emulator::start().await?;
    let started = Instant::now();
    let seeded = seed::seed_generated(&emulator.client(), tables, items, "gen_").await?;
    println!(
        "seeded {} tables, {} items in {:.1?}",
        seeded.tables,
        seeded.items,
        started.elapsed()
    );

    let recipe = ferrometa_config::from_json_value(
        json!({
            "source": {
                "type": "dynamodb",
                "serviceName": "scale",
                "serviceConnection": {"config": {"awsConfig": {
                    "awsAccessKeyId": "scale", "awsSecretAccessKey": "scale",
                    "awsRegion": "us-east-1", "endPointURL": emulator.endpoint(),
                }}},
                "sourceConfig": {"config": {"concurrency": concurrency}},
            }
        }),
        "scale",
    )?;
    let source = DynamoDbSource::new(
        &recipe.source.service_name,
        &recipe.source.service_connection.config,
        recipe.source.source_config.metadata().unwrap(),
    )
    .await?;
    let (emitter, mut rx) = Emitter::channel(256);
    let started = Instant::now();
    let count = async {
        let (mut tables, mut failures, mut warnings, mut capacity) =
            (0usize, 0usize, 0usize, 0.0f64);
        while let Some(event) = rx.recv().await {
            match event {
                SourceEvent::Entity {
                    entity,
                    read_capacity,
                } => {
                    capacity += read_capacity;
                    tables +=
                        usize::from(entity.entity_type() == ferrometa_model::EntityType::Table);
                }
                SourceEvent::Failed(_) => failures += 1,
                SourceEvent::Warning { .. } => warnings += 1,
                _ => {}
            }
        }
        (tables, failures, warnings, capacity)
    };
    let (result, (tables_out, failures, warnings, capacity)) =
        tokio::join!(source.run(emitter), count);
    result.map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    println!(
        "source: {tables_out} tables, {failures} failures, {warnings} warnings, {capacity:.1} RCU in {elapsed:.2?} ({:.0} tables/s)",
        tables_out as f64 / elapsed.as_secs_f64()
    );
    emulator.stop().await;
    Ok(())
}
