//! Integration test: the demo dataset's `app_data` table, scanned over HTTP with the real SDK
//! from the embedded emulator, then profiled.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use ferrometa_dynamodb::infer::{self, Inferrer};
use ferrometa_emulator::Emulator;
use ferrometa_profile::{ColumnProfile, Limits, Profiler, TableProfile, json};

type Item = HashMap<String, AttributeValue>;

async fn scan_all(client: &aws_sdk_dynamodb::Client, table: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut start: Option<Item> = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .expect("scan");
        items.extend(page.items.unwrap_or_default());
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => return items,
        }
    }
}

fn column<'a>(profile: &'a TableProfile, path: &str) -> &'a ColumnProfile {
    profile
        .columns
        .iter()
        .find(|c| c.path == path)
        .unwrap_or_else(|| panic!("no column {path}"))
}

fn number(text: &str) -> f64 {
    text.parse().expect("number")
}

#[tokio::test]
async fn app_data_profile() {
    let emu = Emulator::start().await.expect("emulator");
    let client = emu.client();
    ferrometa_emulator::seed::seed_demo(&client)
        .await
        .expect("seed");
    let items = scan_all(&client, "app_data").await;
    assert_eq!(items.len(), 160);

    let mut profiler = Profiler::new(Limits::default());
    for item in &items {
        profiler.add_item(item);
    }
    let profile = profiler.finish();
    assert_eq!(profile.items, 160);
    assert!(profile.warnings.is_empty(), "{:?}", profile.warnings);

    // The same paths as the inferred columns and children.
    let mut inferrer = Inferrer::new(infer::Limits::default());
    for item in &items {
        inferrer.add_item(item);
    }
    let mut inferred: Vec<String> = inferrer.paths().into_iter().map(|p| p.path).collect();
    inferred.sort();
    let profiled: Vec<&str> = profile.columns.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(profiled, inferred);

    // 40 users, every fourth with a nickname.
    let nickname = column(&profile, "nickname");
    assert_eq!(
        (
            nickname.values_count,
            nickname.null_count,
            nickname.missing_count
        ),
        (10, 0, 150)
    );
    // Users 0, 7, …, 35 have a NULL `deleted_at`: NULL, not missing.
    let deleted = column(&profile, "deleted_at");
    assert_eq!(
        (
            deleted.values_count,
            deleted.null_count,
            deleted.missing_count
        ),
        (0, 6, 154)
    );

    let lat = column(&profile, "address.geo.lat");
    assert_eq!((lat.values_count, lat.missing_count), (40, 120));
    let numbers = lat.numbers.as_ref().expect("numbers");
    assert!(numbers.quantiles_exact);
    assert!(number(&numbers.min) >= 10.0 && number(&numbers.max) < 60.0);
    assert!(numbers.min.contains('.'), "kept as DynamoDB's text");
    assert!(10.0 <= numbers.first_quartile && numbers.third_quartile < 60.0);
    assert_eq!(numbers.histogram.frequencies.iter().sum::<u64>(), 40);

    let entity = column(&profile, "entity_type");
    assert_eq!((entity.distinct_count, entity.distinct_exact), (3, true));
    assert_eq!(entity.type_mix, vec![("string".to_string(), 160)]);

    // Order lines: per element, every one a map with a sku.
    let sku = column(&profile, "lines[].sku");
    let lines = column(&profile, "lines");
    let elements = (lines.sizes.as_ref().expect("sizes").mean * 100.0).round() as u64;
    assert_eq!((sku.values_count, sku.missing_count), (elements, 0));
    assert!(sku.distinct_count <= 20);
    let sku_lengths = sku.lengths.as_ref().expect("lengths");
    assert_eq!((sku_lengths.min_length, sku_lengths.max_length), (7, 7));
    let qty = column(&profile, "lines[].qty")
        .numbers
        .as_ref()
        .expect("qty");
    assert!(number(&qty.min) >= 1.0 && number(&qty.max) <= 4.0);

    let interests = column(&profile, "interests");
    assert_eq!(interests.type_mix[0].0, "string_set");
    let avatar = column(&profile, "avatar");
    assert_eq!(avatar.values_count, 8);
    assert_eq!(avatar.lengths.as_ref().map(|l| l.max_length), Some(5));

    let body = json::create_table_profile(&profile, 1_700_000_000_000);
    let profiles = body["columnProfile"].as_array().expect("columnProfile");
    assert_eq!(profiles.len(), profile.columns.len());
    let nick = profiles
        .iter()
        .find(|c| c["name"] == "nickname")
        .expect("nickname profile");
    assert_eq!(nick["missingCount"], 150);
    assert_eq!(nick["missingPercentage"].as_f64(), Some(93.75));
    assert_eq!(body["tableProfile"]["rowCount"], 160);

    emu.stop().await;
}
