use ferrometa_dynamodb::Clients;
use ferrometa_dynamodb::sample::{Budget, FIRST_PAGE, item_size, sample_table};
use ferrometa_emulator::seed::{self, item, m, n, s};
use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule};
use serde_json::json;

use crate::common;

async fn big_table(emu: &Emulator, name: &str, count: usize) {
    let client = emu.client();
    seed::create_simple_table(&client, name, "pk", Some("sk"))
        .await
        .unwrap();
    let chunks: Vec<Vec<_>> = (0..count)
        .map(|i| {
            item([
                ("pk", s(format!("p{}", i % 97))),
                ("sk", n(i)),
                ("payload", s("x".repeat(150))),
                ("nested", m([("a", n(i % 7)), ("b", s("y"))])),
            ])
        })
        .collect::<Vec<_>>()
        .chunks(count.div_ceil(4).max(1))
        .map(|c| c.to_vec())
        .collect();
    let writes = chunks.into_iter().map(|chunk| {
        let client = client.clone();
        async move { seed::put_items(&client, name, chunk).await.unwrap() }
    });
    let written: usize = futures::future::join_all(writes).await.into_iter().sum();
    assert_eq!(written, count);
}

async fn clients(endpoint: &str) -> Clients {
    let recipe = common::recipe(endpoint, json!({}));
    Clients::from_config(&recipe.source.service_connection.config.aws_config)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn budgets_bound_the_sample_and_segments_spread_it() {
    let emu = Emulator::start().await.unwrap();
    big_table(&emu, "big_table", 5000).await;
    let clients = clients(&emu.endpoint()).await;

    let sample = sample_table(&clients, "big_table", Budget::new(1000, 4 << 20, 4)).await;
    assert!(sample.error.is_none(), "{:?}", sample.error);
    assert_eq!(
        sample.items, 1000,
        "the item budget is exact: Limit never asks for more"
    );
    assert!(sample.truncated);
    assert!(sample.consumed_capacity > 0.0);
    assert_eq!(sample.segments.len(), 4);
    let used = sample.segments.iter().filter(|s| !s.is_empty()).count();
    assert!(
        used > 1,
        "items come from several segments: {:?}",
        sample.segments.iter().map(Vec::len).collect::<Vec<_>>()
    );
    assert_eq!(sample.bytes, sample.items().map(item_size).sum::<u64>());

    // Byte budget: exceeded by at most one page per segment.
    let max_item = sample.items().map(item_size).max().unwrap();
    let bytes = 20_000;
    let small = sample_table(&clients, "big_table", Budget::new(1000, bytes, 4)).await;
    assert!(small.items < 1000);
    assert!(
        small.bytes <= bytes + 4 * 100 * max_item,
        "{} bytes",
        small.bytes
    );
    assert!(small.truncated);

    // Read capacity: the sample stops once its units are spent, at most one page over per
    // segment, and reports what it consumed.
    let unbounded = sample_table(&clients, "big_table", Budget::new(5000, 4 << 20, 4)).await;
    for rcu in [1.0, 5.0] {
        let bounded = Budget::new(5000, 4 << 20, 4).with_read_capacity(Some(rcu));
        let sample = sample_table(&clients, "big_table", bounded).await;
        assert!(sample.error.is_none(), "{:?}", sample.error);
        assert!(sample.truncated);
        assert!(sample.items > 0 && sample.items < unbounded.items);
        // A page holds at most a first page's items (later pages are sized to what is left).
        let page = (FIRST_PAGE as f64 * max_item as f64) / 8192.0 + 0.5;
        assert!(
            sample.consumed_capacity <= rcu + 4.0 * page,
            "{rcu} RCU budget, {} consumed",
            sample.consumed_capacity
        );
    }

    // One segment: a plain paged Scan.
    let single = sample_table(&clients, "big_table", Budget::new(250, 4 << 20, 1)).await;
    assert_eq!((single.items, single.segments.len()), (250, 1));

    // A table smaller than the budget is read whole, whatever the segments.
    seed::create_simple_table(&emu.client(), "small_table", "id", None)
        .await
        .unwrap();
    seed::put_items(
        &emu.client(),
        "small_table",
        (0..37).map(|i| item([("id", s(format!("k{i}")))])),
    )
    .await
    .unwrap();
    let whole = sample_table(&clients, "small_table", Budget::new(1000, 4 << 20, 8)).await;
    assert_eq!(whole.items, 37);
    assert!(!whole.truncated);

    // Sized by DescribeTable, the same small table costs one Scan.
    let desc = clients
        .dynamodb
        .describe_table()
        .table_name("small_table")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let sized = Budget::new(1000, 4 << 20, 8).for_table(desc.item_count, desc.table_size_bytes);
    let one = sample_table(&clients, "small_table", sized).await;
    assert_eq!((one.items, one.requests, one.segments.len()), (37, 1, 1));
    assert!(!one.truncated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unused_budget_moves_to_segments_with_items() {
    let emu = Emulator::start().await.unwrap();
    big_table(&emu, "skew_table", 600).await;
    let clients = clients(&emu.endpoint()).await;
    // 64 segments over 97 partition keys: many segments are small, the budget still fills.
    let sample = sample_table(&clients, "skew_table", Budget::new(500, 4 << 20, 64)).await;
    assert_eq!(sample.items, 500);
    // Deterministic: the same items in the same order.
    let again = sample_table(&clients, "skew_table", Budget::new(500, 4 << 20, 64)).await;
    assert_eq!(sample.segments, again.segments);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_records_the_sample_and_capacity() {
    let emu = Emulator::start().await.unwrap();
    big_table(&emu, "big_table", 2000).await;
    let source = common::source(
        &emu.endpoint(),
        json!({"sampleItems": 300, "sampleSegments": 3}),
    )
    .await;
    let run = common::run(&source).await;
    let table = run.table("big_table");
    let ext = &table.extension.as_ref().unwrap()["dynamodb"];
    assert_eq!(
        ext["sample"],
        json!({"items": 300, "segments": 3, "truncated": true, "partial": false})
    );
    assert!(run.read_capacity > 0.0);
    assert!(
        table
            .description
            .as_deref()
            .unwrap()
            .contains("inferred from 300 sampled items (the table has more)")
    );
}

#[tokio::test]
async fn a_scan_failing_mid_table_is_a_warning_and_a_partial_sample() {
    let emu = Emulator::start().await.unwrap();
    // More items than the budget, so the configured segments are scanned.
    big_table(&emu, "big_table", 1500).await;
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    // The first page of each segment goes through; later pages are denied.
    proxy.add_rule(
        FaultRule::new("Scan")
            .from_nth(3)
            .respond(FaultResponse::access_denied()),
    );
    let source = common::source(&proxy.endpoint(), json!({"sampleSegments": 2})).await;
    let run = common::run(&source).await;
    assert!(run.failures.is_empty(), "{:?}", run.failures);
    let table = run.table("big_table");
    let ext = &table.extension.as_ref().unwrap()["dynamodb"];
    assert_eq!(ext["sample"]["partial"], true);
    assert_eq!(ext["sample"]["items"], 200);
    let warning = run
        .warnings
        .iter()
        .find(|(name, _)| name.ends_with(".big_table"))
        .expect("a sampling warning");
    assert!(warning.1.contains("sampling stopped early"), "{warning:?}");
    assert!(warning.1.contains("AccessDeniedException"), "{warning:?}");
    assert!(table.columns.iter().any(|c| c.name == "payload"));
}
