use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, TimeToLiveStatus};
use ferrometa_emulator::seed::{self, item, n, s};
use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule};

async fn list_all(client: &aws_sdk_dynamodb::Client) -> Vec<String> {
    client
        .list_tables()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
}

#[tokio::test]
async fn starts_and_serves_an_empty_database() {
    let emu = Emulator::start().await.unwrap();
    assert!(emu.endpoint().starts_with("http://127.0.0.1:"));
    assert!(list_all(&emu.client()).await.is_empty());
    emu.stop().await;
}

#[tokio::test]
async fn stop_refuses_new_connections() {
    let emu = Emulator::start().await.unwrap();
    let addr = emu.addr();
    emu.stop().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_demo_creates_every_table_shape() {
    let emu = Emulator::start().await.unwrap();
    let client = emu.client();
    let summary = seed::seed_demo(&client).await.unwrap();
    let mut expected: Vec<String> = summary
        .table_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    expected.sort();
    assert_eq!(list_all(&client).await, expected);
    assert!(expected.contains(&"events.v2".to_string()));
    assert!(summary.total_items() > 200);

    let orders = client
        .describe_table()
        .table_name("orders")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(orders.global_secondary_indexes().len(), 1);
    assert_eq!(orders.local_secondary_indexes().len(), 1);
    assert_eq!(orders.deletion_protection_enabled, Some(true));
    assert_eq!(orders.item_count, Some(60));
    let ttl = client
        .describe_time_to_live()
        .table_name("orders")
        .send()
        .await
        .unwrap();
    let ttl = ttl.time_to_live_description.unwrap();
    assert_eq!(ttl.time_to_live_status, Some(TimeToLiveStatus::Enabled));
    assert_eq!(ttl.attribute_name.as_deref(), Some("expires_at"));
    let tags = client
        .list_tags_of_resource()
        .resource_arn(orders.table_arn.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().len(), 3);

    let app = client
        .describe_table()
        .table_name("app_data")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(
        app.stream_specification.map(|s| s.stream_enabled),
        Some(true)
    );
    let empty = client
        .scan()
        .table_name("audit_log_empty")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.count, 0);
    let blobs = client
        .describe_table()
        .table_name("blobs")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(
        blobs.attribute_definitions()[0].attribute_type.as_str(),
        "B"
    );
    emu.stop().await;
}

#[tokio::test]
async fn seeding_is_deterministic() {
    let a = seed::generated_items(3, 50);
    let b = seed::generated_items(3, 50);
    assert_eq!(a, b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_generated_creates_tables_and_items() {
    let emu = Emulator::start().await.unwrap();
    let client = emu.client();
    let summary = seed::seed_generated(&client, 12, 30, "gen_").await.unwrap();
    assert_eq!(summary.tables, 12);
    assert_eq!(summary.items, 360);
    let names = list_all(&client).await;
    assert_eq!(names.len(), 12);
    assert_eq!(names[0], "gen_00000");
    let count = client
        .scan()
        .table_name("gen_00004")
        .send()
        .await
        .unwrap()
        .count;
    assert_eq!(count, 30);
}

#[tokio::test]
async fn two_emulators_are_isolated() {
    let a = Emulator::start().await.unwrap();
    let b = Emulator::start().await.unwrap();
    assert_ne!(a.endpoint(), b.endpoint());
    seed::create_simple_table(&a.client(), "shared", "id", None)
        .await
        .unwrap();
    seed::create_simple_table(&b.client(), "shared", "id", Some("ts"))
        .await
        .unwrap();
    seed::put_items(
        &a.client(),
        "shared",
        (0..3).map(|i| item([("id", s(format!("a{i}")))])),
    )
    .await
    .unwrap();
    let only_b = seed::create_simple_table(&b.client(), "only_b", "id", None).await;
    assert!(only_b.is_ok());
    assert_eq!(list_all(&a.client()).await, vec!["shared"]);
    assert_eq!(list_all(&b.client()).await, vec!["only_b", "shared"]);
    let count_a = a
        .client()
        .scan()
        .table_name("shared")
        .send()
        .await
        .unwrap()
        .count;
    let count_b = b
        .client()
        .scan()
        .table_name("shared")
        .send()
        .await
        .unwrap()
        .count;
    assert_eq!((count_a, count_b), (3, 0));
}

#[tokio::test]
async fn put_items_writes_more_than_one_batch() {
    let emu = Emulator::start().await.unwrap();
    let client = emu.client();
    seed::create_simple_table(&client, "tab", "id", Some("ts"))
        .await
        .unwrap();
    let written = seed::put_items(
        &client,
        "tab",
        (0..60).map(|i| item([("id", s("x")), ("ts", n(i))])),
    )
    .await
    .unwrap();
    assert_eq!(written, 60);
    let out = client.scan().table_name("tab").send().await.unwrap();
    assert_eq!(out.count, 60);
    assert!(matches!(
        out.items()[0].get("ts"),
        Some(AttributeValue::N(_))
    ));
}

#[tokio::test]
async fn proxy_forwards_and_fails_the_nth_request() {
    let emu = Emulator::start().await.unwrap();
    seed::create_simple_table(&emu.client(), "tab", "id", None)
        .await
        .unwrap();
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(
        FaultRule::new("DynamoDB_20120810.ListTables")
            .on_nth(2)
            .respond(FaultResponse::access_denied()),
    );
    let client = proxy.client();
    assert_eq!(
        client.list_tables().send().await.unwrap().table_names(),
        ["tab"]
    );
    let err = client.list_tables().send().await.unwrap_err();
    let service = err.into_service_error();
    assert_eq!(service.meta().code(), Some("AccessDeniedException"));
    assert_eq!(
        client.list_tables().send().await.unwrap().table_names(),
        ["tab"]
    );
    assert_eq!(proxy.requests("ListTables"), 3);
    assert_eq!(proxy.faults_fired(), 1);
}

#[tokio::test]
async fn proxy_matches_by_table_name_and_500s_are_retried() {
    let emu = Emulator::start().await.unwrap();
    for name in ["tab_a", "tab_b"] {
        seed::create_simple_table(&emu.client(), name, "id", None)
            .await
            .unwrap();
    }
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    proxy.add_rule(
        FaultRule::new("DescribeTable")
            .table("tab_b")
            .respond(FaultResponse::access_denied()),
    );
    proxy.add_rule(FaultRule::new("Scan").on_nth(1));
    let client = proxy.client();
    assert!(
        client
            .describe_table()
            .table_name("tab_a")
            .send()
            .await
            .is_ok()
    );
    assert!(
        client
            .describe_table()
            .table_name("tab_b")
            .send()
            .await
            .is_err()
    );
    // The first Scan gets a 500; the SDK's standard retry succeeds on the second attempt.
    assert!(client.scan().table_name("tab_a").send().await.is_ok());
    assert_eq!(proxy.requests("Scan"), 2);
    proxy.clear_rules();
    assert!(
        client
            .describe_table()
            .table_name("tab_b")
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn every_transient_fault_is_ridden_out_by_the_sdk() {
    let emu = Emulator::start().await.unwrap();
    seed::create_simple_table(&emu.client(), "tab", "id", None)
        .await
        .unwrap();
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    let client = proxy.client();
    let mut faults = FaultResponse::throttling_errors().to_vec();
    faults.extend([
        FaultResponse::internal_error(),
        FaultResponse::service_unavailable(),
        FaultResponse::CloseConnection,
        FaultResponse::Reset,
        FaultResponse::Stall(Duration::from_millis(50)),
        FaultResponse::Truncate,
    ]);
    for (i, fault) in faults.iter().enumerate() {
        proxy.add_rule(
            FaultRule::new("DescribeTable")
                .on_nth(1)
                .respond(fault.clone()),
        );
        let out = client.describe_table().table_name("tab").send().await;
        assert!(out.is_ok(), "{}: {out:?}", fault.label());
        assert_eq!(
            proxy.requests("DescribeTable"),
            2 * (i + 1),
            "{}",
            fault.label()
        );
        proxy.clear_rules();
    }
    assert_eq!(proxy.faults_fired(), faults.len());

    proxy.add_rule(
        FaultRule::new("DescribeTable")
            .on_nth(1)
            .respond(FaultResponse::Latency(Duration::from_millis(300))),
    );
    let started = std::time::Instant::now();
    client
        .describe_table()
        .table_name("tab")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(proxy.requests("DescribeTable"), 2 * faults.len() + 1);
}

#[tokio::test]
async fn throttling_bodies_are_dynamodbs_own() {
    let emu = Emulator::start().await.unwrap();
    let proxy = FaultProxy::start(&emu.endpoint()).await.unwrap();
    let client = aws_sdk_dynamodb::Client::from_conf(
        proxy
            .client_config()
            .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
            .build(),
    );
    for (fault, code) in FaultResponse::throttling_errors().into_iter().zip([
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "RequestLimitExceeded",
    ]) {
        proxy.clear_rules();
        proxy.add_rule(FaultRule::new("ListTables").respond(fault));
        let err = client.list_tables().send().await.unwrap_err();
        let raw = err.raw_response().unwrap();
        assert_eq!(raw.status().as_u16(), 400);
        let body: serde_json::Value = serde_json::from_slice(raw.body().bytes().unwrap()).unwrap();
        assert!(
            body["__type"]
                .as_str()
                .unwrap()
                .ends_with(&format!("#{code}"))
        );
        assert_eq!(err.into_service_error().meta().code(), Some(code));
    }
    // One rule picks among several responses, reproducibly.
    proxy.clear_rules();
    proxy.add_rule(
        FaultRule::new("ListTables")
            .at_rate(1.0, 3)
            .respond_any(FaultResponse::throttling_errors()),
    );
    for _ in 0..20 {
        let _ = client.list_tables().send().await;
    }
    let kinds = proxy.faults_by_kind();
    assert!(kinds.len() >= 3, "{kinds:?}");
}
