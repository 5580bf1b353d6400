//! What a healthy server never does, played by the proxy: failures, a missing bulk
//! endpoint, an unsupported version.

use ferrometa_core::WriteOutcome;
use ferrometa_emulator::{FaultResponse, FaultRule};

use crate::harness::{Hierarchy, Server, answer, api_url, count, flaky, write_all};

#[tokio::test]
async fn everything_lands_through_a_flaky_connection() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    // One request in three fails: a 500 or a connection closed without an answer.
    flaky(&proxy, 3);
    let h = Hierarchy::new("svc", 200);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(count(&results, WriteOutcome::Created), 203, "{results:?}");
    let log = proxy.take_log();
    let faulted = log.iter().filter(|r| r.fault.is_some()).count();
    assert!(faulted >= 3, "{log:?}");
    // Each fault cost one retry, and nothing else did.
    assert_eq!(ferrometa_core::Sink::retries(&sink), faulted as u64);
    assert_eq!(server.table_fqns(&h.schema_fqn()).await.len(), 200);

    // Deletion planning goes through the same retries.
    proxy.clear_rules();
    flaky(&proxy, 2);
    let live = ferrometa_core::Sink::live_tables(&mut sink, &h.schema_fqn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.len(), 200);
}

#[tokio::test]
async fn without_bulk_endpoints_single_puts_are_sent() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    answer(
        &proxy,
        "/bulk",
        404,
        r#"{"code":404,"message":"HTTP 404 Not Found"}"#,
    );
    let h = Hierarchy::new("svc", 70);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(count(&results, WriteOutcome::Created), 73, "{results:?}");
    assert_eq!(server.table_fqns(&h.schema_fqn()).await.len(), 70);

    let log = proxy.take_log();
    let bulk = log.iter().filter(|r| r.target.contains("/bulk")).count();
    // One refused bulk request per collection, then never again.
    assert_eq!(
        bulk,
        3,
        "{:#?}",
        log.iter().map(|r| &r.target).collect::<Vec<_>>()
    );
    let singles = log
        .iter()
        .filter(|r| r.method == "PUT" && !r.target.contains("/bulk"))
        .count();
    assert_eq!(singles, 1 + 1 + 1 + 70);

    // Skipping unchanged entities does not depend on bulk.
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(count(&results, WriteOutcome::Unchanged), 73);
    assert!(proxy.take_log().iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn a_bulk_request_refused_as_a_whole_is_split() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    answer(
        &proxy,
        "/tables/bulk",
        413,
        r#"{"code":413,"message":"request entity too large"}"#,
    );
    let h = Hierarchy::new("svc", 5);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(count(&results, WriteOutcome::Created), 8, "{results:?}");
    let log = proxy.take_log();
    // Refused once for the chunk, but bulk stays on for later chunks.
    assert_eq!(
        log.iter()
            .filter(|r| r.target.contains("/tables/bulk"))
            .count(),
        1
    );
    assert_eq!(
        log.iter().filter(|r| r.target == "/api/v1/tables").count(),
        5
    );
}

#[tokio::test]
async fn a_server_failing_on_tables_fails_them_alone_and_quickly() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    answer(
        &proxy,
        "/tables",
        503,
        r#"{"code":503,"message":"under maintenance"}"#,
    );
    let h = Hierarchy::new("svc", 4);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(count(&results, WriteOutcome::Created), 3, "{results:?}");
    for result in &results[3..] {
        let err = result.as_ref().unwrap_err();
        assert!(err.ends_with("answered 503: under maintenance"), "{err}");
    }
    let log = proxy.take_log();
    let bulk = log
        .iter()
        .filter(|r| r.target.contains("/tables/bulk"))
        .count();
    let singles = log.iter().filter(|r| r.target == "/api/v1/tables").count();
    // The bulk request gets the full retries; once they ran out, each single request gets
    // the short ones only.
    assert_eq!(bulk, 7);
    assert_eq!(singles, 4 * 6);
}

#[tokio::test]
async fn versions_are_checked_unless_told_not_to() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    answer(
        &proxy,
        "/system/version",
        200,
        r#"{"version":"0.13.2","revision":"x","timestamp":1}"#,
    );
    let err = server
        .try_connect(server.config(&api_url(&proxy)), None)
        .await
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "openmetadata server version 0.13.2 is not supported: the metadata-rest sink supports 1.x and 2.x \
         (set enableVersionValidation: false to try anyway)"
    );
    let mut config = server.config(&api_url(&proxy));
    config.enable_version_validation = false;
    assert!(server.try_connect(config, None).await.is_ok());
}

#[tokio::test]
async fn an_unreachable_server_is_reported_at_connect() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    drop(listener);
    let server = Server::start().await;
    let started = std::time::Instant::now();
    let err = server
        .try_connect(server.config(&url), None)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with("GET /api/v1/system/version failed: error sending request"),
        "{err}"
    );
    // A wrong hostPort fails within seconds.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn an_answer_lost_after_the_server_wrote_is_still_a_creation() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    // The server applies each of these, but the sink never sees the answer.
    for target in ["/databases/bulk", "/tables/bulk"] {
        proxy.add_rule(
            FaultRule::http("PUT", target)
                .on_nth(1)
                .respond(FaultResponse::Truncate),
        );
    }
    let h = Hierarchy::new("svc", 10);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(count(&results, WriteOutcome::Created), 13, "{results:?}");
    assert_eq!(proxy.faults_fired(), 2);
    assert_eq!(ferrometa_core::Sink::retries(&sink), 2);
}

#[tokio::test]
async fn a_deletion_whose_answer_is_lost_is_done_once() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    let h = Hierarchy::new("svc", 3);
    let mut sink = server.connect(&api_url(&proxy)).await;
    write_all(&mut sink, &h.entities()).await;
    proxy.add_rule(
        FaultRule::http("DELETE", "/tables/name/")
            .on_nth(1)
            .respond(FaultResponse::Truncate),
    );
    ferrometa_core::Sink::soft_delete_table(&mut sink, &h.table_fqn(1))
        .await
        .unwrap();
    assert_eq!(proxy.faults_fired(), 1);
    assert_eq!(server.table(&h.table_fqn(1)).await["deleted"], true);
    assert_eq!(server.table_fqns(&h.schema_fqn()).await.len(), 2);
}
