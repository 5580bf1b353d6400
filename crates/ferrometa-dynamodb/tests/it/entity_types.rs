//! Entity types of single-table designs, found by a real run over the emulator's corpus of
//! tables written the way DynamoDB Toolbox, ElectroDB and hand-rolled key prefixes write
//! them, against the corpus's ground truth; and the negative tables, which must yield none.
//!
//! `FERROMETA_SHOW=1` prints each table's entity types and the precision and recall.

use ferrometa_emulator::single_table::{self, CorpusTable, ExpectedEntity, Recognition};
use ferrometa_emulator::{Emulator, seed};
use serde_json::{Value, json};

use crate::common;

/// Whether a found entity type (its JSON) is the expected one: same recognition, same
/// items, same indexes, and each top-level attribute at the expected presence.
fn same(found: &Value, expected: &ExpectedEntity, keys: &[&str]) -> bool {
    let recognised = &found["recognisedBy"];
    let recognition_matches = match &expected.recognised_by {
        Recognition::Attribute { attribute, value } => {
            recognised == &json!({"attribute": attribute, "value": value})
        }
        Recognition::KeyPattern { partition, sort } => {
            let pattern = &recognised["keyPattern"];
            let starts = |key: &str, literal: &str| {
                pattern[key]
                    .as_str()
                    .is_some_and(|p| p.starts_with(literal))
            };
            starts(keys[0], partition)
                && match (sort, keys.get(1)) {
                    (Some(sort), Some(key)) => starts(key, sort),
                    (None, None) => true,
                    _ => false,
                }
        }
    };
    let top_level: Vec<(String, f64)> = found["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| {
            let name = a["name"].as_str().unwrap();
            !name.contains('.') && !name.contains('[')
        })
        .map(|a| {
            let name = a["name"].as_str().unwrap().to_string();
            (name, a["presence"].as_f64().unwrap())
        })
        .collect();
    let attributes_match = top_level.len() == expected.attributes.len()
        && top_level
            .iter()
            .zip(&expected.attributes)
            .all(|((n, p), (en, ep))| n == en && (p - ep).abs() < 1e-3);
    recognition_matches
        && attributes_match
        && found["sampledItems"] == expected.items
        && found["indexes"] == json!(expected.indexes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_corpus_entity_types_are_found_exactly_and_the_negatives_yield_none() {
    let emu = Emulator::start().await.unwrap();
    let client = emu.client();
    let mut corpus = single_table::seed_single_table_corpus(&client)
        .await
        .unwrap();
    let demo = seed::seed_demo(&client).await.unwrap();
    corpus.push(CorpusTable {
        name: "app_data".into(),
        items: demo
            .tables
            .iter()
            .find(|t| t.name == "app_data")
            .unwrap()
            .items,
        expected: single_table::app_data_expected(),
    });
    let source = common::source(&emu.endpoint(), json!({})).await;
    let run = common::run(&source).await;
    assert!(run.failures.is_empty(), "{:?}", run.failures);

    let show = std::env::var_os("FERROMETA_SHOW").is_some();
    let (mut found_total, mut found_right, mut expected_total, mut expected_found) = (0, 0, 0, 0);
    let mut mistakes = Vec::new();
    for table in &corpus {
        let created = run.table(&table.name);
        let extension = &created.extension.as_ref().unwrap()["dynamodb"];
        let keys: Vec<&str> = extension["keySchema"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["attributeName"].as_str().unwrap())
            .collect();
        let found = extension["entityTypes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if show {
            let names: Vec<&str> = found.iter().map(|t| t["name"].as_str().unwrap()).collect();
            eprintln!("{}: {names:?}", table.name);
        }
        found_total += found.len();
        expected_total += table.expected.len();
        found_right += found
            .iter()
            .filter(|f| table.expected.iter().any(|e| same(f, e, &keys)))
            .count();
        for expected in &table.expected {
            if found.iter().any(|f| same(f, expected, &keys)) {
                expected_found += 1;
            } else {
                mistakes.push(format!("{}: missed {expected:?}", table.name));
            }
        }
        for f in &found {
            if !table.expected.iter().any(|e| same(f, e, &keys)) {
                mistakes.push(format!("{}: unexpected {f}", table.name));
            }
        }
    }
    let precision = found_right as f64 / found_total.max(1) as f64;
    let recall = expected_found as f64 / expected_total.max(1) as f64;
    if show {
        eprintln!(
            "{} tables, {expected_total} entity types expected, {found_total} found: \
             precision {precision:.3}, recall {recall:.3}",
            corpus.len()
        );
    }
    assert!(mistakes.is_empty(), "{mistakes:#?}");
    assert_eq!((precision, recall), (1.0, 1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entity_type_attribute_names_the_discriminator_or_turns_discovery_off() {
    let emu = Emulator::start().await.unwrap();
    single_table::seed_single_table_corpus(&emu.client())
        .await
        .unwrap();
    let types = |run: &common::Run, table: &str| {
        let extension = &run.table(table).extension.as_ref().unwrap()["dynamodb"];
        extension["entityTypes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };

    let off = common::source(&emu.endpoint(), json!({"entityTypeAttribute": ""})).await;
    let run = common::run(&off).await;
    assert!(types(&run, "st_typed").is_empty());
    assert!(types(&run, "st_hash_keys").is_empty());
    // Without entity types the columns say nothing of them.
    let table = run.table("st_typed");
    assert!(table.columns.iter().all(|c| {
        !c.description
            .as_deref()
            .unwrap_or_default()
            .contains("entity types")
    }));

    // Named, even an attribute discovery would not pick: ElectroDB's version attribute has
    // one value, so it makes one entity type.
    let named = common::source(&emu.endpoint(), json!({"entityTypeAttribute": "__edb_v__"})).await;
    let run = common::run(&named).await;
    let electro = types(&run, "st_electro");
    assert_eq!(electro.len(), 1, "{electro:?}");
    assert_eq!(
        electro[0]["recognisedBy"],
        json!({"attribute": "__edb_v__", "value": "1"})
    );
    assert_eq!(electro[0]["itemShare"], 1.0);
}
