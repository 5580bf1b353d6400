use ferrometa_core::Source;
use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule, seed};
use serde_json::json;

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mandatory_check_passes_against_the_emulator() {
    let emu = Emulator::start().await.unwrap();
    seed::seed_demo(&emu.client()).await.unwrap();
    let source = common::source(&emu.endpoint(), json!({})).await;
    let checks = source.test_connection().await;
    let names: Vec<_> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ListTables",
            "DescribeTable",
            "Scan",
            "DescribeTimeToLive",
            "DescribeContinuousBackups",
            "ListTagsOfResource",
            "GetResources"
        ]
    );
    for check in checks.iter().filter(|c| c.mandatory) {
        assert!(check.passed, "{check:?}");
    }
    let by_name = |n: &str| checks.iter().find(|c| c.name == n).unwrap();
    assert_eq!(by_name("ListTables").action, "dynamodb:ListTables");
    assert!(by_name("ListTagsOfResource").passed);
    assert!(by_name("DescribeTimeToLive").passed);
    let pitr = by_name("DescribeContinuousBackups");
    assert!(!pitr.passed && !pitr.mandatory);
    assert!(
        pitr.message.as_deref().unwrap().contains("not supported"),
        "{pitr:?}"
    );
    let bulk = by_name("GetResources");
    assert!(!bulk.passed && !bulk.mandatory);
    assert_eq!(bulk.action, "tag:GetResources");
}

#[tokio::test]
async fn a_missing_permission_is_named() {
    let emu = Emulator::start().await.unwrap();
    seed::create_simple_table(&emu.client(), "things", "id", None)
        .await
        .unwrap();
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(FaultRule::new("DescribeTable").respond(FaultResponse::access_denied()));
    let source = common::source(&proxy.endpoint(), json!({})).await;
    let checks = source.test_connection().await;
    let describe = checks.iter().find(|c| c.name == "DescribeTable").unwrap();
    assert!(!describe.passed && describe.mandatory);
    assert!(
        describe
            .message
            .as_deref()
            .unwrap()
            .starts_with("missing permission dynamodb:DescribeTable"),
        "{describe:?}"
    );
}

#[tokio::test]
async fn list_tables_denied_stops_the_test() {
    let emu = Emulator::start().await.unwrap();
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(FaultRule::new("ListTables").respond(FaultResponse::access_denied()));
    let source = common::source(&proxy.endpoint(), json!({})).await;
    let checks = source.test_connection().await;
    assert_eq!(checks.len(), 1);
    assert!(!checks[0].passed);
}

#[tokio::test]
async fn no_tables_means_table_checks_are_not_run() {
    let emu = Emulator::start().await.unwrap();
    let source = common::source(&emu.endpoint(), json!({"sampleItems": 0})).await;
    let checks = source.test_connection().await;
    assert!(checks.iter().filter(|c| c.mandatory).all(|c| c.passed));
    let scan = checks.iter().find(|c| c.name == "Scan").unwrap();
    assert!(!scan.mandatory);
    assert!(scan.message.as_deref().unwrap().contains("not checked"));
}

#[tokio::test]
async fn unreachable_endpoint_fails_list_tables_quickly() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let source = common::source(&endpoint, json!({})).await;
    let checks = source.test_connection().await;
    assert_eq!(checks.len(), 1);
    assert!(!checks[0].passed);
    let message = checks[0].message.as_deref().unwrap();
    assert!(message.len() < 500, "{message}");
    assert!(!message.contains("test-secret"));
}
