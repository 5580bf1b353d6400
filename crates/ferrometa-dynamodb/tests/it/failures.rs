use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule, seed};
use serde_json::json;

use crate::common::{self, SCHEMA_FQN};

async fn many_tables(count: usize) -> Emulator {
    let emu = Emulator::start().await.unwrap();
    for i in 0..count {
        seed::create_simple_table(&emu.client(), &format!("tbl_{i:03}"), "id", None)
            .await
            .unwrap();
    }
    emu
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_tables_failing_mid_listing_is_incomplete() {
    let emu = many_tables(150).await;
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(
        FaultRule::new("DynamoDB_20120810.ListTables")
            .on_nth(2)
            .respond(FaultResponse::access_denied()),
    );
    let source = common::source(&proxy.endpoint(), json!({"sampleItems": 10})).await;
    let run = common::run(&source).await;
    assert_eq!(proxy.requests("ListTables"), 2);
    assert!(run.failures.is_empty(), "{:?}", run.failures);
    let listing = run.listing();
    assert_eq!(listing.schema_fqn, SCHEMA_FQN);
    let error = listing.error.as_deref().expect("the listing error");
    assert!(error.contains("after 100 names"), "{error}");
    assert!(error.contains("ListTables"), "{error}");
    assert!(!listing.complete, "never complete after a listing error");
    assert_eq!(listing.listed.len(), 100);
    // The tables of the first page are still ingested.
    assert_eq!(run.tables().len(), 100);
}

#[tokio::test]
async fn list_tables_failing_at_once() {
    let emu = many_tables(3).await;
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(FaultRule::new("ListTables").respond(FaultResponse::access_denied()));
    let source = common::source(&proxy.endpoint(), json!({})).await;
    let run = common::run(&source).await;
    assert!(run.listing().error.is_some());
    assert!(run.tables().is_empty());
    assert!(!run.listing().complete);
    assert!(run.listing().listed.is_empty());
}

#[tokio::test]
async fn transient_errors_are_retried() {
    let emu = many_tables(3).await;
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(
        FaultRule::new("ListTables")
            .on_nth(1)
            .respond(FaultResponse::internal_error()),
    );
    proxy.add_rule(
        FaultRule::new("DescribeTable")
            .table("tbl_001")
            .on_nth(1)
            .respond(FaultResponse::throttling()),
    );
    let source = common::source(&proxy.endpoint(), json!({})).await;
    let run = common::run(&source).await;
    assert!(run.failures.is_empty(), "{:?}", run.failures);
    assert!(run.listing().complete);
    assert_eq!(run.tables().len(), 3);
    assert_eq!(proxy.faults_fired(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_table_failing_does_not_stop_the_others() {
    let emu = Emulator::start().await.unwrap();
    let summary = seed::seed_demo(&emu.client()).await.unwrap();
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(
        FaultRule::new("DescribeTable")
            .table("orders")
            .respond(FaultResponse::access_denied()),
    );
    let source = common::source(&proxy.endpoint(), json!({})).await;
    let run = common::run(&source).await;
    assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
    let failure = &run.failures[0];
    assert_eq!(failure.name, format!("{SCHEMA_FQN}.orders"));
    assert!(
        failure.error.contains("AccessDeniedException"),
        "{}",
        failure.error
    );
    assert!(!failure.error.contains("test-secret"));
    assert_eq!(run.tables().len(), summary.tables.len() - 1);
    assert!(!run.tables().contains_key("orders"));
    // A failed table is still listed: it is not taken for a deleted one.
    assert!(run.listing().complete);
    assert!(run.listing().listed.contains("orders"));
}

#[tokio::test]
async fn optional_metadata_denied_is_one_warning() {
    let emu = many_tables(4).await;
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(FaultRule::new("DescribeTimeToLive").respond(FaultResponse::access_denied()));
    let source = common::source(&proxy.endpoint(), json!({})).await;
    let run = common::run(&source).await;
    assert!(run.failures.is_empty());
    assert_eq!(run.tables().len(), 4);
    let ttl: Vec<_> = run
        .warnings
        .iter()
        .filter(|(_, r)| r.contains("DescribeTimeToLive"))
        .collect();
    assert_eq!(ttl.len(), 1, "{:?}", run.warnings);
    for table in run.tables().values() {
        assert_eq!(
            table.extension.as_ref().unwrap()["dynamodb"]["ttl"],
            serde_json::Value::Null
        );
    }
}

#[tokio::test]
async fn a_table_whose_scan_reads_nothing_is_a_failure_not_an_empty_schema() {
    let emu = many_tables(3).await;
    seed::put_items(
        &emu.client(),
        "tbl_001",
        (0..5).map(|i| seed::item([("id", seed::s(i.to_string())), ("extra", seed::n(i))])),
    )
    .await
    .unwrap();
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(
        FaultRule::new("Scan")
            .table("tbl_001")
            .respond(FaultResponse::access_denied()),
    );
    let source = common::source(&proxy.endpoint(), json!({})).await;
    let run = common::run(&source).await;
    // Written, it would replace the catalog's columns with the key alone.
    assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
    assert_eq!(run.failures[0].name, format!("{SCHEMA_FQN}.tbl_001"));
    assert!(
        run.failures[0].error.contains("AccessDeniedException"),
        "{}",
        run.failures[0].error
    );
    assert!(!run.tables().contains_key("tbl_001"));
    assert_eq!(run.tables().len(), 2);
    assert!(run.listing().listed.contains("tbl_001"));
}
