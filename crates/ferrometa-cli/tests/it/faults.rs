//! Fault injection end to end: `ferrometa ingest` (the real binary) against the embedded
//! DynamoDB-compatible server and the server `ferrometa serve` runs (in this process, on
//! loopback), each behind the emulator crate's fault proxy.
//!
//! - 20 % of requests failing transiently on both sides (DynamoDB's throttling errors, 500,
//!   503, resets, stalls, truncated answers, latency): every table lands, exit 0, and the
//!   status counts exactly one retry per fault on each step;
//! - one table failing permanently: it alone is a reported failure and `successThreshold`
//!   decides the exit code;
//! - `markDeletedTables` with ListTables failing on each page, DescribeTable failing for some
//!   tables, or the catalog failing mid-run (`ferrometa serve` answering errors, or the
//!   embedded catalog's write lock held by another connection past the busy timeout):
//!   nothing that exists in DynamoDB is marked deleted, while a table really dropped is,
//!   once a run can be trusted.
//!
//! The faults are drawn from seeded sequences, so a run is reproducible up to the order in
//! which concurrent requests reach the proxy; no request is failed more often in a row than
//! its client retries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{Recipe, Run, ferrometa};
use ferrometa_catalog::{Catalog, Filters, Include};
use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule};
use ferrometa_model::EntityType;
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;

const SCHEMA: &str = "local_dynamodb.default.default";

/// The transient faults of a DynamoDB endpoint under load, 20 % of requests, never more
/// than three in a row for one request (the SDK makes six attempts).
fn dynamodb_noise(seed: u64) -> FaultRule {
    let mut mix = FaultResponse::throttling_errors().to_vec();
    mix.extend([
        FaultResponse::internal_error(),
        FaultResponse::service_unavailable(),
        FaultResponse::CloseConnection,
        FaultResponse::Reset,
        FaultResponse::Stall(Duration::from_millis(50)),
        FaultResponse::Truncate,
        FaultResponse::Latency(Duration::from_millis(20)),
    ]);
    FaultRule::any()
        .at_rate(0.2, seed)
        .at_most_in_a_row(3)
        .respond_any(mix)
}

/// The transient faults of a flaky OpenMetadata server, 20 % of requests, never more than
/// twice in a row for one request (the sink makes at least three attempts).
fn server_noise(seed: u64) -> FaultRule {
    FaultRule::any()
        .at_rate(0.2, seed)
        .at_most_in_a_row(2)
        .respond_any([
            FaultResponse::rest_error(500),
            FaultResponse::rest_error(503).retry_after(0),
            FaultResponse::CloseConnection,
            FaultResponse::Reset,
            FaultResponse::Stall(Duration::from_millis(50)),
            FaultResponse::Truncate,
            FaultResponse::Latency(Duration::from_millis(20)),
        ])
}

/// Faults that cost the client a retry: all but added latency.
fn retried_faults(proxy: &FaultProxy) -> u64 {
    let kinds = proxy.faults_by_kind();
    (proxy.faults_fired() - kinds.get("latency").copied().unwrap_or(0)) as u64
}

/// What a proxy did, for the test's log: requests and faults per kind.
fn figures(side: &str, proxy: &FaultProxy) -> String {
    format!(
        "{side}: {} requests, {} faults {:?}",
        proxy.total_requests(),
        proxy.faults_fired(),
        proxy.faults_by_kind()
    )
}

/// An emulator with `count` generated tables (`{prefix}00000`, …) of a few items each.
async fn dynamodb(count: usize, prefix: &str) -> (Emulator, Vec<String>) {
    let emulator = Emulator::start().await.unwrap();
    ferrometa_emulator::seed_generated(&emulator.client(), count, 4, prefix)
        .await
        .unwrap();
    let names = (0..count).map(|i| format!("{prefix}{i:05}")).collect();
    (emulator, names)
}

/// `ferrometa serve`'s server over a catalog in `dir`, on loopback, and a token for it.
struct Served {
    /// `http://127.0.0.1:<port>`.
    endpoint: String,
    token: String,
    catalog: PathBuf,
    _stop: oneshot::Sender<()>,
}

impl Served {
    async fn start(dir: &Path) -> Served {
        let catalog = dir.join("served.db");
        let mut config = ferrometa_server::ServerConfig::new(&catalog);
        config.bind = "127.0.0.1:0".parse().unwrap();
        let key = ferrometa_server::default_key_file(&catalog);
        let token = ferrometa_server::mint_token(&key, "ingestion-bot", None).unwrap();
        let server = ferrometa_server::bind(config).await.unwrap();
        let endpoint = format!("http://{}", server.local_addr());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Served {
            endpoint,
            token,
            catalog,
            _stop: stop,
        }
    }

    /// `recipe` with the metadata-rest sink pointed at `host` (this server or a proxy).
    fn sink(&self, recipe: Recipe, host: &str) -> Recipe {
        recipe
            .sink("  type: metadata-rest\n  config: {}")
            .workflow_config(&format!(
                "  openMetadataServerConfig:\n    hostPort: {host}/api\n    authProvider: openmetadata\n    \
                 securityConfig:\n      jwtToken: {}",
                self.token
            ))
    }
}

/// The tables of a catalog file by name, with their `deleted` flag.
fn tables(catalog: &Path) -> BTreeMap<String, bool> {
    let catalog = Catalog::open(catalog).unwrap();
    let filters = Filters {
        include: Include::All,
        ..Filters::default()
    };
    catalog
        .list(EntityType::Table, &filters, 10_000, None)
        .unwrap()
        .data
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["deleted"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Asserts that every one of `names` is in the catalog and not marked deleted.
fn assert_all_live(catalog: &Path, names: &[String], context: &str) {
    let tables = tables(catalog);
    for name in names {
        assert_eq!(
            tables.get(name),
            Some(&false),
            "{context}: {name} is missing or marked deleted"
        );
    }
}

/// A recipe file and a status file in a temporary directory.
struct Job {
    dir: TempDir,
    catalog: PathBuf,
}

impl Job {
    fn new() -> Job {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("catalog.db");
        Job { dir, catalog }
    }

    /// Runs `ferrometa ingest` on `recipe`; its outcome and its status file.
    async fn ingest(&self, recipe: &Recipe) -> (Run, Value) {
        let config = recipe.write(&self.dir.path().join("recipe.yaml"));
        let status = self.dir.path().join("status.json");
        let _ = std::fs::remove_file(&status);
        let run = ferrometa(&[
            "ingest",
            "-c",
            config.to_str().unwrap(),
            "--status-json",
            status.to_str().unwrap(),
        ])
        .await;
        let text = std::fs::read_to_string(&status)
            .unwrap_or_else(|e| panic!("no status file ({e}):\n{}", run.stderr));
        (run, serde_json::from_str(&text).unwrap())
    }
}

/// A table of a catalog file by name, deleted or not.
fn table(catalog: &Path, name: &str) -> Value {
    Catalog::open(catalog)
        .unwrap()
        .get_by_fqn(EntityType::Table, &format!("{SCHEMA}.{name}"), Include::All)
        .unwrap()
        .unwrap_or_else(|| panic!("no table {name}"))
}

/// Drops the last of `names` in DynamoDB: the one table a later run may mark deleted.
async fn drop_last(emulator: &Emulator, names: &[String]) -> String {
    let dropped = names.last().unwrap().clone();
    emulator
        .client()
        .delete_table()
        .table_name(&dropped)
        .send()
        .await
        .unwrap();
    dropped
}

/// The exit code a run's status calls for under `successThreshold: threshold`: 1 when a step
/// with failures has a lower success rate.
fn expected_code(status: &Value, threshold: f64) -> i32 {
    let failed = ["source", "sink"].into_iter().any(|step| {
        let failures = count(status, &format!("/{step}/failures")) as f64;
        let ok = ["records", "updatedRecords", "unchanged"]
            .into_iter()
            .map(|field| count(status, &format!("/{step}/{field}")) as f64)
            .sum::<f64>();
        failures > 0.0 && ok * 100.0 / (ok + failures) < threshold
    });
    i32::from(failed)
}

fn count(status: &Value, path: &str) -> u64 {
    status
        .pointer(path)
        .and_then(|v| v.as_array().map(|a| a.len() as u64).or(v.as_u64()))
        .unwrap_or_else(|| panic!("no {path} in {status}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifth_of_requests_failing_on_both_sides_loses_nothing() {
    const TABLES: usize = 30;
    let started = Instant::now();
    let (emulator, names) = dynamodb(TABLES, "noisy_").await;
    let job = Job::new();
    let served = Served::start(job.dir.path()).await;
    let dynamodb_proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    let server_proxy = FaultProxy::start(&served.endpoint).await.unwrap();
    dynamodb_proxy.add_rule(dynamodb_noise(11));
    server_proxy.add_rule(server_noise(12));

    // Small bulk requests, so that the server side sees many of them.
    let recipe = served
        .sink(
            Recipe::new(&dynamodb_proxy.endpoint()),
            &server_proxy.endpoint(),
        )
        .sink("  type: metadata-rest\n  config:\n    bulk_sink_batch_size: 3");
    let (run, status) = job.ingest(&recipe).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(count(&status, "/source/failures"), 0, "{status:#}");
    assert_eq!(count(&status, "/sink/failures"), 0, "{status:#}");
    assert_eq!(count(&status, "/sink/records"), 3 + TABLES as u64);
    assert_all_live(&served.catalog, &names, "after a noisy run");

    // Every fault that failed a request cost exactly one retry, counted by its step.
    let source_retries = retried_faults(&dynamodb_proxy);
    let sink_retries = retried_faults(&server_proxy);
    assert!(source_retries > 0 && sink_retries > 0);
    assert_eq!(count(&status, "/source/retries"), source_retries);
    assert_eq!(count(&status, "/sink/retries"), sink_retries);
    assert!(
        run.stderr
            .contains(&format!("Errors: 0\nRetries: {source_retries}\n")),
        "{}",
        run.stderr
    );
    eprintln!(
        "{}; {}; retries {source_retries} + {sink_retries}; {:?}",
        figures("dynamodb", &dynamodb_proxy),
        figures("server", &server_proxy),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifth_of_dynamodb_requests_failing_loses_nothing_in_the_embedded_catalog() {
    const TABLES: usize = 30;
    let (emulator, names) = dynamodb(TABLES, "noisy_").await;
    let job = Job::new();
    let proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    proxy.add_rule(dynamodb_noise(21));

    let recipe = Recipe::new(&proxy.endpoint()).catalog(&job.catalog);
    let (run, status) = job.ingest(&recipe).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(count(&status, "/source/failures"), 0, "{status:#}");
    assert_all_live(&job.catalog, &names, "after a noisy run");
    let retries = retried_faults(&proxy);
    assert!(retries > 0);
    assert_eq!(count(&status, "/source/retries"), retries);
    assert_eq!(count(&status, "/sink/retries"), 0);
    eprintln!("{}; retries {retries}", figures("dynamodb", &proxy));

    // The same tables read without faults are the same entities: nothing was cut short.
    proxy.clear_rules();
    let (run, status) = job.ingest(&recipe).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        count(&status, "/sink/unchanged"),
        3 + TABLES as u64,
        "{status:#}"
    );
    assert_eq!(count(&status, "/source/retries"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_table_failing_for_good_fails_alone_and_the_threshold_decides() {
    const TABLES: usize = 12;
    let (emulator, names) = dynamodb(TABLES, "tbl_").await;
    let proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    let job = Job::new();
    let recipe = |threshold: u8| {
        Recipe::new(&proxy.endpoint())
            .catalog(&job.catalog)
            .workflow_config(&format!("  successThreshold: {threshold}"))
    };
    let (run, _) = job.ingest(&recipe(90)).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let broken = &names[5];
    let before = table(&job.catalog, broken);
    assert!(before["columns"].as_array().unwrap().len() > 1, "{before}");

    let permanent = [
        FaultRule::new("DescribeTable")
            .table(broken)
            .respond(FaultResponse::internal_error()),
        // Regression: a table whose every Scan failed was written with the key column alone.
        FaultRule::new("Scan")
            .table(broken)
            .respond(FaultResponse::access_denied()),
    ];
    for (i, rule) in permanent.into_iter().enumerate() {
        proxy.clear_rules();
        proxy.add_rule(rule);
        proxy.add_rule(dynamodb_noise(31 + i as u64));
        // 14 of 15 entities is 93 %: above the default threshold of 90, under 95.
        for (threshold, code) in [(90, 0), (95, 1)] {
            let (run, status) = job.ingest(&recipe(threshold)).await;
            let context = format!(
                "rule {i}, threshold {threshold}: {status:#}\n{}",
                run.stderr
            );
            assert_eq!(run.code, code, "{context}");
            let failures = status["source"]["failures"].as_array().unwrap();
            assert_eq!(failures.len(), 1, "{context}");
            assert_eq!(
                failures[0]["name"],
                format!("{SCHEMA}.{broken}"),
                "{context}"
            );
            // Every other table went through (unchanged since the first run).
            assert_eq!(count(&status, "/sink/failures"), 0, "{context}");
            assert_eq!(
                count(&status, "/sink/unchanged"),
                3 + TABLES as u64 - 1,
                "{context}"
            );
            // The failed table keeps what the catalog knew.
            assert_eq!(table(&job.catalog, broken), before, "{context}");
        }
    }
    assert_all_live(&job.catalog, &names, "after the failing runs");
    eprintln!("{}", figures("dynamodb", &proxy));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_deleted_never_deletes_what_exists_when_listing_or_describing_fails() {
    // Three pages of ListTables (100 names each), one table dropped.
    const TABLES: usize = 202;
    let (emulator, names) = dynamodb(TABLES, "page_").await;
    let job = Job::new();
    let proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    let recipe = Recipe::new(&proxy.endpoint())
        .catalog(&job.catalog)
        .source_config("      markDeletedTables: true");
    let (run, _) = job.ingest(&recipe).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_all_live(&job.catalog, &names, "after the first run");

    // A table really dropped: no run below may take the others for dropped too.
    let dropped = drop_last(&emulator, &names).await;
    let existing = &names[..TABLES - 1];

    for page in 1..=3 {
        // Each page is asked for by the last name of the one before (the first by none).
        let request = match page {
            1 => r#"{"Limit":100}"#.to_string(),
            _ => format!(r#""ExclusiveStartTableName":"{}""#, names[page * 100 - 101]),
        };
        proxy.clear_rules();
        proxy.add_rule(
            FaultRule::new("ListTables")
                .body_contains(request)
                .respond(FaultResponse::internal_error()),
        );
        proxy.add_rule(dynamodb_noise(40 + page as u64));
        let (run, status) = job.ingest(&recipe).await;
        let context = format!(
            "ListTables failing on page {page}: {status:#}\n{}",
            run.stderr
        );
        assert!(
            status["deleted"].as_array().unwrap().is_empty(),
            "{context}"
        );
        assert_all_live(&job.catalog, existing, &context);
        assert_eq!(
            tables(&job.catalog).get(&dropped),
            Some(&false),
            "{context}"
        );
        let failures = status["source"]["failures"].as_array().unwrap();
        assert!(
            failures
                .iter()
                .any(|f| f["name"] == SCHEMA && f["error"].as_str().unwrap().contains("ListTables")),
            "{context}"
        );
        // The tables of the pages before went through, and no other.
        let listed = (page - 1) * 100;
        assert_eq!(
            count(&status, "/source/records"),
            3 + listed as u64,
            "{context}"
        );
        // Tables past the failed page were never looked at: the run fails whatever the
        // success threshold says.
        assert_eq!(run.code, 1, "{context}");
        assert!(
            run.stderr.contains("so this run is incomplete"),
            "{context}"
        );
    }

    // DescribeTable failing for good on some tables: they are failures, not deletions, and
    // the dropped table is marked deleted since the listing is complete.
    proxy.clear_rules();
    let failing = [&names[3], &names[104], &names[150]];
    for name in failing {
        proxy.add_rule(
            FaultRule::new("DescribeTable")
                .table(name)
                .respond(FaultResponse::access_denied()),
        );
    }
    // After the permanent faults: the first rule that fires decides.
    proxy.add_rule(dynamodb_noise(50));
    let (run, status) = job.ingest(&recipe).await;
    let context = format!("DescribeTable failing: {status:#}\n{}", run.stderr);
    assert_eq!(run.code, 0, "{context}");
    assert_eq!(count(&status, "/source/failures"), 3, "{context}");
    assert_all_live(&job.catalog, existing, &context);
    assert_eq!(tables(&job.catalog).get(&dropped), Some(&true), "{context}");
    eprintln!("{}", figures("dynamodb", &proxy));
    assert_eq!(
        status["deleted"],
        serde_json::json!([format!("{SCHEMA}.{dropped}")]),
        "{context}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_deleted_never_deletes_when_the_server_fails_mid_run() {
    const TABLES: usize = 40;
    let (emulator, names) = dynamodb(TABLES, "srv_").await;
    let job = Job::new();
    let served = Served::start(job.dir.path()).await;
    let dynamodb_proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    let server_proxy = FaultProxy::start(&served.endpoint).await.unwrap();
    let recipe = served
        .sink(
            Recipe::new(&dynamodb_proxy.endpoint()),
            &server_proxy.endpoint(),
        )
        .source_config("      markDeletedTables: true");
    let (run, _) = job.ingest(&recipe).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_all_live(&served.catalog, &names, "after the first run");

    let dropped = drop_last(&emulator, &names).await;
    let existing = &names[..TABLES - 1];

    // The server answering 503 for good from some point on, both sides noisy before that.
    let down = || FaultResponse::rest_error(503).retry_after(0);
    let cases = [
        (
            "deleting",
            FaultRule::http("DELETE", "/tables/").respond(down()),
        ),
        (
            "listing tables",
            FaultRule::http("GET", "/tables?").respond(down()),
        ),
        (
            "at connection",
            FaultRule::any().from_nth(3).respond(down()),
        ),
        ("mid-run", FaultRule::any().from_nth(8).respond(down())),
        (
            "writing tables",
            FaultRule::http("PUT", "/tables").respond(down()),
        ),
    ];
    let dropped_fqn = format!("{SCHEMA}.{dropped}");
    let mut marked = false;
    for (i, (when, rule)) in cases.into_iter().enumerate() {
        dynamodb_proxy.clear_rules();
        server_proxy.clear_rules();
        dynamodb_proxy.add_rule(dynamodb_noise(60 + i as u64));
        server_proxy.add_rule(rule);
        server_proxy.add_rule(server_noise(70 + i as u64));
        let (run, status) = job.ingest(&recipe).await;
        let context = format!("server failing {when}: {status:#}\n{}", run.stderr);
        assert_eq!(run.code, expected_code(&status, 90.0), "{context}");
        let deleted = status["deleted"].as_array().unwrap();
        assert!(deleted.iter().all(|fqn| *fqn == dropped_fqn), "{context}");
        marked |= !deleted.is_empty();
        assert_all_live(&served.catalog, existing, &context);
        assert_eq!(
            tables(&served.catalog).get(&dropped),
            Some(&marked),
            "{context}"
        );
        let failed = |prefix: &str| {
            status["sink"]["failures"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["error"].as_str().unwrap().starts_with(prefix))
        };
        match when {
            "deleting" => assert!(failed("mark deleted failed") && !marked, "{context}"),
            "listing tables" => assert!(
                failed("could not list catalog tables") && !marked,
                "{context}"
            ),
            _ => {}
        }
    }

    // Once the server is back, the dropped table is marked deleted, if no run did it yet.
    server_proxy.clear_rules();
    dynamodb_proxy.clear_rules();
    let (run, status) = job.ingest(&recipe).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = if marked { vec![] } else { vec![dropped_fqn] };
    assert_eq!(status["deleted"], serde_json::json!(expected));
    assert_eq!(tables(&served.catalog).get(&dropped), Some(&true));
    assert_all_live(&served.catalog, existing, "after the server came back");
    eprintln!(
        "{}; {}",
        figures("dynamodb", &dynamodb_proxy),
        figures("server", &server_proxy)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_deleted_never_deletes_when_the_embedded_catalog_fails_mid_run() {
    const TABLES: usize = 20;
    let (emulator, names) = dynamodb(TABLES, "locked_").await;
    let proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    let job = Job::new();
    let recipe = Recipe::new(&proxy.endpoint())
        .catalog(&job.catalog)
        .source_config("      markDeletedTables: true");
    let (run, _) = job.ingest(&recipe).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dropped = drop_last(&emulator, &names).await;
    let existing = &names[..TABLES - 1];

    // One table's Scan is held back while another connection takes the catalog's write lock
    // for longer than the engine's busy timeout (10 s): the writes that come then fail.
    proxy.add_rule(
        FaultRule::new("Scan")
            .table(&names[3])
            .respond(FaultResponse::Latency(Duration::from_secs(2))),
    );
    let catalog = job.catalog.clone();
    let locker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        let conn = rusqlite::Connection::open(&catalog).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        std::thread::sleep(Duration::from_secs(13));
        conn.execute_batch("ROLLBACK").unwrap();
    });
    let (run, status) = job.ingest(&recipe).await;
    locker.join().unwrap();
    let context = format!("catalog locked mid-run: {status:#}\n{}", run.stderr);
    assert!(count(&status, "/sink/failures") >= 1, "{context}");
    assert_eq!(run.code, expected_code(&status, 90.0), "{context}");
    assert_all_live(&job.catalog, existing, &context);
    // The dropped table is marked deleted only if the run said so.
    let deleted = !status["deleted"].as_array().unwrap().is_empty();
    assert_eq!(
        tables(&job.catalog).get(&dropped),
        Some(&deleted),
        "{context}"
    );
    assert_intact(&job.catalog, &context);

    // With the catalog free again, a run converges: every table live, the dropped one deleted.
    proxy.clear_rules();
    let (run, status) = job.ingest(&recipe).await;
    let context = format!("after the lock: {status:#}\n{}", run.stderr);
    assert_eq!(run.code, 0, "{context}");
    assert_eq!(count(&status, "/sink/failures"), 0, "{context}");
    assert_all_live(&job.catalog, existing, &context);
    assert_eq!(tables(&job.catalog).get(&dropped), Some(&true), "{context}");
}

/// The catalog passes SQLite's integrity and foreign key checks.
fn assert_intact(catalog: &Path, context: &str) {
    let problems = ferrometa_catalog::check(catalog).unwrap();
    assert_eq!(problems, Vec::<String>::new(), "{context}");
}
