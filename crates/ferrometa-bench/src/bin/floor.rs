//! The floor of a DynamoDB metadata run: only the requests the workflow minimally needs,
//! at the same concurrency, with nothing done with the answers.
//!
//! ```sh
//! floor --endpoint http://127.0.0.1:PORT [--concurrency 16] [--sample-items 1000] [--segments 4]
//! ```
//!
//! ListTables is paged (100 names a page) and every table is handed on as soon as its page
//! arrives; at most `--concurrency` tables are in flight. Per table: one DescribeTable, then
//! the Scans ferrometa's sampling plan asks for (`Budget::for_table`: one request for a
//! table that fits in one page, otherwise `--segments` parallel segments, each asking for its
//! share of the item budget, the first page at most 100 items) until each share is read or
//! its segment ends. Prints one JSON line: tables, requests per operation, items read,
//! seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use aws_sdk_dynamodb::Client;
use clap::Parser;
use ferrometa_dynamodb::sample::Budget;

#[derive(Parser)]
#[command(about = "The minimal DynamoDB requests of a metadata run, answers discarded")]
struct Args {
    /// DynamoDB endpoint, `http://HOST:PORT`.
    #[arg(long)]
    endpoint: String,
    /// Tables processed at the same time (ferrometa's `concurrency`).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Items sampled per table at most (ferrometa's `sampleItems`).
    #[arg(long, default_value_t = 1000)]
    sample_items: u32,
    /// Parallel Scan segments per table (ferrometa's `sampleSegments`).
    #[arg(long, default_value_t = 4)]
    segments: u32,
}

#[derive(Default)]
struct Counters {
    list_tables: AtomicU64,
    describe_table: AtomicU64,
    scan: AtomicU64,
    items: AtomicU64,
    errors: AtomicU64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let started = Instant::now();
    let client = Client::from_conf(ferrometa_emulator::client_config_for(&args.endpoint).build());
    let counters = Arc::new(Counters::default());
    let permits = Arc::new(tokio::sync::Semaphore::new(args.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut tables = 0u64;
    let mut start: Option<String> = None;
    loop {
        let page = client
            .list_tables()
            .set_exclusive_start_table_name(start.take())
            .send()
            .await?;
        counters.list_tables.fetch_add(1, Ordering::Relaxed);
        for name in page.table_names.unwrap_or_default() {
            tables += 1;
            let permit = permits.clone().acquire_owned().await?;
            let (client, counters) = (client.clone(), counters.clone());
            let (budget, segments) = (args.sample_items, args.segments.max(1));
            tasks.spawn(async move {
                let _permit = permit;
                one_table(&client, &counters, &name, budget, segments).await;
            });
            // Reap finished tables so the set stays small.
            while tasks.try_join_next().is_some() {}
        }
        match page.last_evaluated_table_name {
            Some(last) => start = Some(last),
            None => break,
        }
    }
    while tasks.join_next().await.is_some() {}
    let json = serde_json::json!({
        "tables": tables,
        "requests": {
            "ListTables": counters.list_tables.load(Ordering::Relaxed),
            "DescribeTable": counters.describe_table.load(Ordering::Relaxed),
            "Scan": counters.scan.load(Ordering::Relaxed),
        },
        "items": counters.items.load(Ordering::Relaxed),
        "errors": counters.errors.load(Ordering::Relaxed),
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{json}");
    Ok(())
}

async fn one_table(client: &Client, counters: &Counters, table: &str, budget: u32, segments: u32) {
    counters.describe_table.fetch_add(1, Ordering::Relaxed);
    let Ok(Some(desc)) = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map(|out| out.table)
    else {
        counters.errors.fetch_add(1, Ordering::Relaxed);
        return;
    };
    // The byte budget plays no part here: the generated items are small.
    let plan =
        Budget::new(budget, u64::MAX, segments).for_table(desc.item_count, desc.table_size_bytes);
    let scans = (0..plan.segments).map(|segment| {
        let share = budget / plan.segments + u32::from(segment < budget % plan.segments);
        scan_segment(client, counters, table, segment, &plan, share)
    });
    futures::future::join_all(scans).await;
}

async fn scan_segment(
    client: &Client,
    counters: &Counters,
    table: &str,
    segment: u32,
    plan: &Budget,
    share: u32,
) {
    let mut read = 0u32;
    let mut start_key = None;
    while read < share {
        let left = share - read;
        let limit = if read == 0 {
            left.min(plan.first_page)
        } else {
            left
        };
        counters.scan.fetch_add(1, Ordering::Relaxed);
        let mut request = client.scan().table_name(table);
        if plan.segments > 1 {
            request = request
                .segment(segment as i32)
                .total_segments(plan.segments as i32);
        }
        let page = request
            .limit(limit as i32)
            .return_consumed_capacity(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total)
            .set_exclusive_start_key(start_key.take())
            .send()
            .await;
        let Ok(page) = page else {
            counters.errors.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let n = page.items.as_ref().map_or(0, Vec::len) as u32;
        counters.items.fetch_add(u64::from(n), Ordering::Relaxed);
        read += n;
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start_key = Some(key),
            _ => return,
        }
    }
}
