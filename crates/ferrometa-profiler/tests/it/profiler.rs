//! The Profiler workflow: table and column metrics, the read budget, `profileSample`,
//! filters, failures.

use std::sync::Arc;

use ferrometa_config::{FilterPattern, PipelineConfig, ProfileSampleType, ProfilerConfig};
use ferrometa_core::{Record, Source, StoredTable};
use serde_json::Value;

use crate::common::{
    BrokenLister, MemoryLister, SERVICE, profiler_source, recipe, run, seeded, stored_tables,
    table_fqn,
};

fn column<'a>(profile: &'a Value, name: &str) -> &'a Value {
    profile["columnProfile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no column profile {name}: {profile}"))
}

#[tokio::test]
async fn profiles_budgets_samples_filters_and_failures() {
    let emu = seeded().await;
    let recipe = recipe(&emu.endpoint());
    let connection = &recipe.source.service_connection.config;
    let mut tables = stored_tables(&recipe).await;
    assert_eq!(tables.len(), 3);
    // A table the catalog holds that DynamoDB no longer has.
    tables.push(StoredTable {
        fqn: table_fqn("ghost"),
        name: "ghost".into(),
        columns: Vec::new(),
    });
    let lister = Arc::new(MemoryLister { tables });

    let config = ProfilerConfig {
        sample_read_capacity: Some(20.0),
        ..ProfilerConfig::default()
    };
    let source =
        profiler_source(connection, PipelineConfig::Profiler(config), lister.clone()).await;
    assert_eq!(source.name(), "Profiler");
    let out = run(&source).await;
    assert_eq!(out.events[0], "total 4", "{:?}", out.events);
    assert_eq!(out.tables.len(), 3, "{:?}", out.events);

    // Counts on a table read whole.
    let profile = out.profile("counts");
    let table = &profile["tableProfile"];
    assert_eq!(table["rowCount"], 10);
    assert_eq!(table["columnCount"], 3);
    assert_eq!(table["profileSampleType"], "PERCENTAGE");
    assert_eq!(table["profileSample"], 100.0);
    assert!(table["sizeInByte"].as_i64().unwrap() > 0, "{table}");
    assert!(
        table["createDateTime"].as_str().unwrap().contains('T'),
        "{table}"
    );
    let b = column(profile, "b");
    assert_eq!(
        (&b["valuesCount"], &b["nullCount"], &b["missingCount"]),
        (&Value::from(6), &Value::from(2), &Value::from(2))
    );
    assert_eq!(b["distinctCount"], 3);
    let a = column(profile, "a");
    assert_eq!(
        (&a["valuesCount"], &a["min"], &a["max"]),
        (&Value::from(10), &Value::from(0), &Value::from(9))
    );

    // Nested paths are profiled too, named as OpenMetadata names the stored columns (the
    // attribute path `lines[].sku` is the column `lines.sku`).
    let people = out.profile("people");
    assert_eq!(people["tableProfile"]["rowCount"], 30);
    assert_eq!(column(people, "lines.sku")["valuesCount"], 60);
    assert_eq!(column(people, "contact.email")["valuesCount"], 30);
    let names: Vec<&str> = people["columnProfile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.contains("[]")), "{names:?}");

    // The read budget: 20 RCU, exceeded by at most a first page per segment.
    let big = out.profile("big");
    let rcu = out.read_capacity("big");
    let page = 100.0 * 1100.0 / 8192.0 + 0.5;
    assert!(rcu > 0.0 && rcu <= 20.0 + 4.0 * page, "{rcu} RCU consumed");
    let sampled = column(big, "id")["valuesCount"].as_u64().unwrap();
    assert!(sampled > 0 && sampled < 2000, "{sampled} items");
    assert_eq!(big["tableProfile"]["rowCount"], 2000);
    let share = big["tableProfile"]["profileSample"].as_f64().unwrap();
    assert!((share - sampled as f64 / 20.0).abs() < 1e-9, "{share}");

    // The missing table fails, named; the others were processed.
    assert_eq!(out.failures.len(), 1, "{:?}", out.failures);
    assert_eq!(out.failures[0].name, table_fqn("ghost"));
    assert!(
        out.failures[0].error.contains("ghost"),
        "{}",
        out.failures[0].error
    );

    // profileSample ROWS, and a filter.
    let config = ProfilerConfig {
        profile_sample_type: ProfileSampleType::Rows,
        profile_sample: Some(7.0),
        table_filter_pattern: Some(
            FilterPattern::new(["^(big|people)$"], Vec::<String>::new()).unwrap(),
        ),
        compute_table_metrics: true,
        metrics: Some(vec!["valuesCount".into()]),
        ..ProfilerConfig::default()
    };
    let source =
        profiler_source(connection, PipelineConfig::Profiler(config), lister.clone()).await;
    let out = run(&source).await;
    assert_eq!(out.totals, [2]);
    let mut filtered: Vec<&str> = out.filtered.iter().map(|f| f.0.as_str()).collect();
    filtered.sort();
    assert_eq!(filtered, [table_fqn("counts"), table_fqn("ghost")]);
    assert!(out.filtered.iter().all(|f| f.1 == "Table Filtered Out"));
    for table in ["big", "people"] {
        let profile = out.profile(table);
        assert_eq!(profile["tableProfile"]["profileSampleType"], "ROWS");
        assert_eq!(profile["tableProfile"]["profileSample"], 7);
        let id = column(profile, "id");
        assert_eq!(id["valuesCount"], 7);
        // Only the metric asked for (with the column's name and timestamp).
        let mut keys: Vec<&str> = id.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["name", "timestamp", "valuesCount"]);
    }
    assert_eq!(out.profile("people")["tableProfile"]["rowCount"], 30);

    // No column metrics.
    let config = ProfilerConfig {
        compute_column_metrics: false,
        ..ProfilerConfig::default()
    };
    let source = profiler_source(connection, PipelineConfig::Profiler(config), lister).await;
    let out = run(&source).await;
    assert_eq!(out.profile("counts")["columnProfile"], Value::Array(vec![]));
    assert!(matches!(
        out.records("people"),
        [Record::TableProfile { .. }]
    ));
}

#[tokio::test]
async fn a_failed_listing_fails_the_run_and_the_metadata_workflow_is_refused() {
    let emu = seeded().await;
    let recipe = recipe(&emu.endpoint());
    let connection = &recipe.source.service_connection.config;
    let source = profiler_source(
        connection,
        PipelineConfig::Profiler(ProfilerConfig::default()),
        Arc::new(BrokenLister),
    )
    .await;
    let (emitter, mut rx) = ferrometa_core::Emitter::channel(4);
    let drain = async { while rx.recv().await.is_some() {} };
    let (result, ()) = tokio::join!(source.run(emitter), drain);
    let error = result.expect_err("the listing fails the run");
    assert_eq!(
        error.to_string(),
        format!("listing the stored tables of service `{SERVICE}` failed")
    );
    assert_eq!(error.source().unwrap().to_string(), "the catalog is locked");

    let refused = ferrometa_profiler::ProfilerSource::new(
        SERVICE,
        connection,
        &PipelineConfig::default(),
        Arc::new(BrokenLister),
    )
    .await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn a_table_past_its_timeout_fails_and_the_others_are_profiled() {
    use ferrometa_emulator::{FaultProxy, FaultResponse, FaultRule};
    use std::time::Duration;

    let emu = seeded().await;
    let tables = stored_tables(&recipe(&emu.endpoint())).await;
    let proxy = FaultProxy::start(&emu.endpoint()).await.expect("proxy");
    proxy.add_rule(
        FaultRule::new("Scan")
            .table("people")
            .respond(FaultResponse::Latency(Duration::from_millis(2500))),
    );
    let recipe = recipe(&proxy.endpoint());
    let config = ProfilerConfig {
        timeout_seconds: 1,
        ..ProfilerConfig::default()
    };
    let source = profiler_source(
        &recipe.source.service_connection.config,
        PipelineConfig::Profiler(config),
        Arc::new(MemoryLister { tables }),
    )
    .await;
    let out = run(&source).await;
    assert_eq!(out.failures.len(), 1, "{:?}", out.events);
    assert_eq!(out.failures[0].name, table_fqn("people"));
    assert!(
        out.failures[0].error.contains("timeoutSeconds"),
        "{}",
        out.failures[0].error
    );
    assert_eq!(out.profile("counts")["tableProfile"]["rowCount"], 10);
    assert_eq!(out.profile("big")["tableProfile"]["rowCount"], 2000);
}

#[tokio::test]
async fn the_connection_test_passes_against_the_emulator() {
    let emu = seeded().await;
    let recipe = recipe(&emu.endpoint());
    let source = profiler_source(
        &recipe.source.service_connection.config,
        PipelineConfig::Profiler(ProfilerConfig::default()),
        Arc::new(BrokenLister),
    )
    .await;
    let checks = source.test_connection().await;
    for name in ["ListTables", "DescribeTable", "Scan"] {
        let check = checks.iter().find(|c| c.name == name).expect(name);
        assert!(check.passed && check.mandatory, "{check:?}");
    }
}

#[tokio::test]
async fn database_filters_and_fqn_filters() {
    let emu = seeded().await;
    let recipe = recipe(&emu.endpoint());
    let connection = &recipe.source.service_connection.config;
    let lister = Arc::new(MemoryLister {
        tables: stored_tables(&recipe).await,
    });
    let none: Vec<String> = Vec::new();

    // The database filtered out: reported once, no table processed.
    let config = ProfilerConfig {
        database_filter_pattern: Some(FilterPattern::new(none.clone(), ["^default$"]).unwrap()),
        ..ProfilerConfig::default()
    };
    let source =
        profiler_source(connection, PipelineConfig::Profiler(config), lister.clone()).await;
    let out = run(&source).await;
    assert_eq!(out.totals, [0]);
    assert_eq!(
        out.filtered,
        [(
            format!("{SERVICE}.default"),
            "Database Filtered Out".to_string()
        )]
    );
    assert!(out.tables.is_empty());

    // useFqnForFiltering: the pattern sees the table's FQN.
    let config = ProfilerConfig {
        use_fqn_for_filtering: true,
        table_filter_pattern: Some(
            FilterPattern::new([format!("^{SERVICE}\\.default\\.default\\.counts$")], none)
                .unwrap(),
        ),
        ..ProfilerConfig::default()
    };
    let source = profiler_source(connection, PipelineConfig::Profiler(config), lister).await;
    let out = run(&source).await;
    assert_eq!(out.totals, [1]);
    assert_eq!(out.filtered.len(), 2, "{:?}", out.filtered);
    assert_eq!(out.profile("counts")["tableProfile"]["rowCount"], 10);
}
