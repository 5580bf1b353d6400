//! Writing, skipping, updating and deleting against a healthy server.

use ferrometa_core::{Record, Sink, WriteOutcome};
use ferrometa_model::{Column, CreateEntity, DataType};

use crate::harness::{
    Hierarchy, Server, answer, api_url, count, records, table_name, urlencode, write_all,
};

#[tokio::test]
async fn the_hierarchy_lands_and_reads_back() {
    let server = Server::start().await;
    let h = Hierarchy::new("my.dyn", 150);
    let mut sink = server.connect(&server.url).await;
    assert_eq!(sink.name(), "OpenMetadata");
    assert_eq!(sink.location().as_deref(), Some(server.url.as_str()));

    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(count(&results, WriteOutcome::Created), 153, "{results:?}");
    sink.close().await.unwrap();

    let fqns = server.table_fqns(&h.schema_fqn()).await;
    assert_eq!(fqns.len(), 150);
    assert_eq!(fqns[0], "\"my.dyn\".default.default.table_00000");
    let table = server.table(&h.table_fqn(7)).await;
    assert_eq!(table["description"], "table number 7");
    assert_eq!(table["columns"][2]["children"][1]["name"], "zip");
    assert_eq!(table["sourceHash"].as_str().map(str::len), Some(32));
    assert_eq!(table["extension"]["dynamodb"]["itemCount"], 7);
    assert_eq!(
        table["databaseSchema"]["fullyQualifiedName"],
        "\"my.dyn\".default.default"
    );
}

#[tokio::test]
async fn an_unchanged_rerun_sends_only_reads() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    let h = Hierarchy::new("my.dyn", 100);
    let mut sink = server.connect(&api_url(&proxy)).await;
    write_all(&mut sink, &h.entities()).await;
    let version = server.table(&h.table_fqn(3)).await["version"].clone();
    proxy.take_log();

    // A new run: a new sink, as a new process would have.
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(count(&results, WriteOutcome::Unchanged), 103, "{results:?}");
    let log = proxy.take_log();
    let writes: Vec<_> = log
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| &r.target)
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    // Version, service lookup, one listing per parent level.
    assert!(
        log.len() <= 6,
        "{:#?}",
        log.iter().map(|r| &r.target).collect::<Vec<_>>()
    );
    assert_eq!(server.table(&h.table_fqn(3)).await["version"], version);
}

#[tokio::test]
async fn a_changed_table_is_updated_alone() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    let h = Hierarchy::new("svc", 20);
    let mut sink = server.connect(&api_url(&proxy)).await;
    write_all(&mut sink, &h.entities()).await;
    proxy.take_log();

    let mut entities = h.entities();
    entities[3 + 5] = h.table(5, &[Column::new("added", DataType::Boolean)]);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &entities).await;
    assert_eq!(results[8], Ok(WriteOutcome::Updated));
    assert_eq!(count(&results, WriteOutcome::Unchanged), 22);

    let puts: Vec<_> = proxy
        .take_log()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&puts[0].body).unwrap();
    assert_eq!(body.as_array().map(Vec::len), Some(1));
    assert_eq!(body[0]["name"], table_name(5));
    let table = server.table(&h.table_fqn(5)).await;
    assert_eq!(table["columns"][3]["name"], "added");
    assert!(
        table["version"].as_f64().unwrap() > 0.1,
        "{}",
        table["version"]
    );
}

#[tokio::test]
async fn stale_tables_are_listed_soft_deleted_and_restored() {
    let server = Server::start().await;
    let h = Hierarchy::new("svc", 5);
    let mut sink = server.connect(&server.url).await;
    write_all(&mut sink, &h.entities()).await;

    let live = sink.live_tables(&h.schema_fqn()).await.unwrap().unwrap();
    assert_eq!(live.len(), 5);
    assert_eq!(live[2].name, table_name(2));
    sink.soft_delete_table(&h.table_fqn(2)).await.unwrap();
    let live = sink.live_tables(&h.schema_fqn()).await.unwrap().unwrap();
    assert!(live.iter().all(|t| t.fqn != h.table_fqn(2)) && live.len() == 4);
    assert_eq!(server.table(&h.table_fqn(2)).await["deleted"], true);
    // Deleting what is already gone is not an error.
    sink.soft_delete_table(&format!("{}.nope", h.schema_fqn()))
        .await
        .unwrap();

    // The next run writes it again: the server restores it.
    let mut sink = server.connect(&server.url).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert_eq!(results[3 + 2], Ok(WriteOutcome::Updated));
    assert_eq!(server.table(&h.table_fqn(2)).await["deleted"], false);
    assert_eq!(server.table_fqns(&h.schema_fqn()).await.len(), 5);
}

#[tokio::test]
async fn an_existing_service_is_left_alone_unless_forced() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    let h = Hierarchy::new("svc", 1);
    let mut sink = server.connect(&api_url(&proxy)).await;
    write_all(&mut sink, &h.entities()[..1]).await;
    let mut sink = server.connect(&api_url(&proxy)).await;
    proxy.take_log();

    let results = write_all(&mut sink, &h.entities()[..1]).await;
    assert_eq!(results, [Ok(WriteOutcome::Unchanged)]);
    assert!(proxy.take_log().iter().all(|r| r.method == "GET"));

    let mut config = server.config(&api_url(&proxy));
    config.force_entity_overwriting = true;
    let mut sink = server.try_connect(config, None).await.unwrap();
    proxy.take_log();
    let results = write_all(&mut sink, &h.entities()[..1]).await;
    assert!(results[0].is_ok());
    let log = proxy.take_log();
    assert_eq!(
        log.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(),
        ["PUT"]
    );
}

#[tokio::test]
async fn reserved_characters_are_encoded_like_upstream() {
    let server = Server::start().await;
    let h = Hierarchy::new("svc", 0);
    let mut entities = h.entities();
    let CreateEntity::Table(mut table) =
        h.table(0, &[Column::new("we::ird>col", DataType::String)])
    else {
        unreachable!()
    };
    table.name = "odd::name".into();
    entities.push(CreateEntity::Table(table));

    let mut sink = server.connect(&server.url).await;
    let results = write_all(&mut sink, &entities).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let table = server
        .table(&format!("{}.odd__reserved__colon__name", h.schema_fqn()))
        .await;
    assert_eq!(
        table["columns"][3]["name"],
        "we__reserved__colon__ird__reserved__arrow__col"
    );
}

#[tokio::test]
async fn one_invalid_table_fails_alone_with_the_servers_message() {
    let server = Server::start().await;
    let h = Hierarchy::new("svc", 10);
    let mut entities = h.entities();
    let CreateEntity::Table(mut orphan) = h.table(99, &[]) else {
        unreachable!()
    };
    orphan.database_schema = "svc.default.missing".into();
    entities.insert(7, CreateEntity::Table(orphan));

    let mut sink = server.connect(&server.url).await;
    let results = write_all(&mut sink, &entities).await;
    let failures: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(failures.len(), 1, "{results:?}");
    assert!(results[7].is_err());
    assert!(failures[0].contains("missing"), "{}", failures[0]);
    assert_eq!(server.table_fqns(&h.schema_fqn()).await.len(), 10);
}

#[tokio::test]
async fn openmetadata_gets_no_extension() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    // What OpenMetadata answers: a git revision, not ferrometa's.
    answer(
        &proxy,
        "/system/version",
        200,
        r#"{"version":"1.13.4","revision":"3f1c2a9","timestamp":1}"#,
    );
    let h = Hierarchy::new("svc", 2);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let results = write_all(&mut sink, &h.entities()).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let bulk = proxy
        .take_log()
        .into_iter()
        .find(|r| r.target.contains("/tables/bulk"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&bulk.body).unwrap();
    assert_eq!(body.as_array().map(Vec::len), Some(2));
    assert!(body[0].get("extension").is_none(), "{body}");
}

#[tokio::test]
async fn profiles_and_sample_data_reach_their_tables() {
    use serde_json::json;

    let server = Server::start().await;
    let proxy = server.proxy().await;
    let h = Hierarchy::new("my.dyn", 2);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let profile = |i: usize, timestamp: i64| Record::TableProfile {
        table: h.table_fqn(i),
        profile: json!({
            "tableProfile": {"timestamp": timestamp, "rowCount": 7},
            "columnProfile": [{"name": "amount", "timestamp": timestamp, "max": 9.5}],
        }),
    };
    let sample = |i: usize| Record::SampleData {
        table: h.table_fqn(i),
        data: json!({"columns": ["pk", "amount"], "rows": [["a", 1.5]]}),
    };
    // A table and its profiler data in one batch: the table is written first.
    let mut batch = records(&h.entities());
    batch.insert(4, profile(0, 1_700_000_000_000));
    batch.push(sample(1));
    batch.push(Record::TableProfile {
        table: format!("{}.missing", h.schema_fqn()),
        profile: json!({"tableProfile": {"timestamp": 1_700_000_000_000_i64}}),
    });
    let results: Vec<_> = sink
        .write_batch(&batch)
        .await
        .into_iter()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect();
    assert_eq!(count(&results, WriteOutcome::Created), 7, "{results:?}");
    assert_eq!(
        results[7].as_ref().unwrap_err(),
        "table \"my.dyn\".default.default.missing is not on the openmetadata server: \
         its profiler data and column tags have nowhere to go"
    );

    // A second profile of table 0 needs no second id lookup.
    proxy.take_log();
    let again = sink.write_batch(&[profile(0, 1_700_000_100_000)]).await;
    assert!(matches!(again[0], Ok(WriteOutcome::Created)), "{again:?}");
    let targets: Vec<String> = proxy
        .take_log()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    let id = server.table(&h.table_fqn(0)).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(targets, [format!("PUT /api/v1/tables/{id}/tableProfile")]);

    let (status, latest) = server
        .get(&format!(
            "tables/{}/tableProfile/latest",
            urlencode(&h.table_fqn(0))
        ))
        .await;
    assert_eq!(status, 200, "{latest}");
    assert_eq!(latest["profile"]["timestamp"], 1_700_000_100_000_i64);
    assert_eq!(latest["profile"]["rowCount"], 7);
    let id = server.table(&h.table_fqn(1)).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, table) = server.get(&format!("tables/{id}/sampleData")).await;
    assert_eq!(status, 200, "{table}");
    assert_eq!(table["sampleData"]["rows"], json!([["a", 1.5]]));
}
