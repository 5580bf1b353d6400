//! Hostile data end to end: table names with dots and dashes up to DynamoDB's 255 bytes,
//! attribute names with dots, quotes, `::`, `>`, `<`, commas, spaces, control characters and
//! unicode (emoji, right-to-left, combining marks), 10,000 attributes in one item, nesting of
//! 32 levels and beyond, 400 KB items, and a table mixing them. Written into the emulator
//! through the real SDK, then ingested by the whole workflow into the embedded catalog and the
//! file sink: every table is ingested or reported, names survive exactly, FQNs are quoted by
//! OpenMetadata's rules and split back into the names, and limits give warnings, not errors.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{AttributeValue, KeyType, ScalarAttributeType};
use ferrometa_core::WorkflowStatus;
use ferrometa_emulator::Emulator;
use ferrometa_emulator::seed::{self, Item, b, item, m, n, s};
use ferrometa_model::fqn::{build, decode_name, encode_name, quote_name, split};
use ferrometa_model::{Column, CreateEntity, EntityType};
use serde_json::{Value, json};

use crate::common::{self, SCHEMA_FQN, SERVICE};

/// Attribute names a DynamoDB item may carry (any UTF-8), chosen to break quoting.
const NAMES: [&str; 27] = [
    "a.b",
    "a\"b",
    "\"quoted.name\"",
    "it's",
    "a::b",
    ":::",
    "a>b",
    "a<b",
    "struct<a:b>",
    "array[]",
    "a,b",
    "a b",
    " padded ",
    "tab\there",
    "new\nline",
    "cr\rx",
    "🦀 crab",
    "שלום עולם",
    "\u{202e}override",
    "e\u{301}te\u{301}",
    "...",
    "$",
    "%2F/..",
    "back\\slash",
    "__reserved__",
    "ﬁ",
    "名前",
];

/// Map nesting of the items of `deep-table`; DynamoDB refuses more than 32 levels, the
/// attribute itself counting as one.
const DEPTHS: [usize; 5] = [30, 31, 32, 33, 40];

const HASH: &str = "pk.\"q\" :: > <, 🦀";
const RANGE: &str = "sk.'s'";

/// `depth` maps around a string: the innermost map is at nesting level `depth`.
fn nested(depth: usize) -> AttributeValue {
    (0..depth).fold(s("leaf"), |v, _| m([("k", v)]))
}

fn hostile_items() -> Vec<Item> {
    let nested_names = m(NAMES.iter().map(|name| (*name, n(1))));
    (0..3)
        .map(|i| {
            let mut it = item(NAMES.iter().map(|name| (*name, s("v"))));
            it.insert(HASH.into(), s(format!("h{i}")));
            it.insert(RANGE.into(), n(i));
            it.insert("nested.map".into(), nested_names.clone());
            it.insert("x".repeat(300), s("long name"));
            it
        })
        .collect()
}

/// A table to create, and the items to write into it.
struct Table {
    name: String,
    items: Vec<Item>,
    hash: &'static str,
    range: Option<&'static str>,
}

fn tables() -> Vec<Table> {
    let mut long = String::from("long.table-");
    while long.len() < 255 {
        long.push_str("a.b-c_");
    }
    long.truncate(255);
    let wide = item(
        (0..10_000)
            .map(|i| (format!("attr_{i:05}"), n(i)))
            .chain([("id".into(), s("w"))]),
    );
    let deep = DEPTHS
        .iter()
        .map(|&d| {
            item([
                ("id".into(), s(format!("d{d}"))),
                (format!("deep{d}"), nested(d)),
            ])
        })
        .collect();
    // 400 KB with names and keys: DynamoDB's item size limit.
    let big = vec![
        item([("id", s("bytes")), ("blob", b(vec![7u8; 409_600 - 16]))]),
        item([("id", s("text")), ("text", s("é".repeat(204_700)))]),
    ];
    let mut mixed: Vec<Item> = hostile_items();
    mixed.extend([
        item([("id", s("m1")), ("any", s("x")), ("deep", nested(31))]),
        item([
            ("id", s("m2")),
            ("any", n("1e125")),
            ("any.dotted", b(vec![0; 300_000])),
        ]),
        item([("id", s("m3")), ("any", m([("a.b", n("-0"))]))]),
        item([("id", s("m4")), ("any", seed::ss(["a", "b"]))]),
        item(
            (0..3000)
                .map(|i| (format!("w{i}"), n(i)))
                .chain([("id".into(), s("m5"))]),
        ),
    ]);
    for it in mixed.iter_mut().skip(3) {
        it.insert(HASH.into(), it["id"].clone());
        it.insert(RANGE.into(), n(0));
    }
    vec![
        Table {
            name: "hostile.names-table_1".into(),
            items: hostile_items(),
            hash: HASH,
            range: Some(RANGE),
        },
        Table {
            name: long,
            items: vec![item([("id", s("x")), ("a.b", s("y"))])],
            hash: "id",
            range: None,
        },
        Table {
            name: "...".into(),
            items: vec![],
            hash: "id",
            range: None,
        },
        Table {
            name: "wide_table".into(),
            items: vec![wide],
            hash: "id",
            range: None,
        },
        Table {
            name: "deep-table".into(),
            items: deep,
            hash: "id",
            range: None,
        },
        Table {
            name: "big.items".into(),
            items: big,
            hash: "id",
            range: None,
        },
        Table {
            name: "mixed.all-of_it".into(),
            items: mixed,
            hash: HASH,
            range: Some(RANGE),
        },
    ]
}

/// Creates the tables and writes their items one by one; returns per table the items the
/// emulator refused (DynamoDB refuses items nested deeper than 32 levels, for one).
async fn seed_tables(emulator: &Emulator, tables: &[Table]) -> Vec<Vec<String>> {
    let client = emulator.client();
    let mut refused = Vec::new();
    for table in tables {
        let mut keys = vec![(table.hash, KeyType::Hash, ScalarAttributeType::S)];
        if let Some(range) = table.range {
            keys.push((range, KeyType::Range, ScalarAttributeType::N));
        }
        seed::create_keyed_table(&client, &table.name, &keys)
            .await
            .unwrap();
        let mut errors = Vec::new();
        for it in &table.items {
            let put = client
                .put_item()
                .table_name(&table.name)
                .set_item(Some(it.clone()));
            if let Err(e) = put.send().await {
                let error = e.into_service_error();
                errors.push(error.meta().message().unwrap_or_default().to_string());
            }
        }
        refused.push(errors);
    }
    refused
}

fn table_fqn(name: &str) -> String {
    format!("{SCHEMA_FQN}.{}", quote_name(&encode_name(name)))
}

/// Every column, with its FQN from the catalog, at any depth.
fn flatten<'a>(columns: &'a [Value], out: &mut Vec<&'a Value>) {
    for c in columns {
        out.push(c);
        flatten(c["children"].as_array().map_or(&[][..], Vec::as_slice), out);
    }
}

/// Levels of nested columns, the top level being 1.
fn levels(columns: &Value) -> usize {
    let columns = columns.as_array().map_or(&[][..], Vec::as_slice);
    columns
        .iter()
        .map(|c| 1 + levels(&c["children"]))
        .max()
        .unwrap_or(0)
}

fn warnings_of<'a>(status: &'a WorkflowStatus, fqn: &str) -> Vec<&'a str> {
    let warnings = status.source.warnings.iter();
    warnings
        .filter(|w| w.name == fqn)
        .map(|w| w.reason.as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_names_and_shapes_are_ingested_or_reported() {
    let emulator = Emulator::start().await.unwrap();
    let tables = tables();
    let refused = seed_tables(&emulator, &tables).await;
    let recipe = common::recipe(&emulator.endpoint(), json!({}));
    let dir = tempfile::tempdir().unwrap();
    let catalog_path = dir.path().join("catalog.db");

    let started = Instant::now();
    let status = common::ingest_into_catalog(&recipe, &catalog_path).await;
    let elapsed = started.elapsed();
    // Peak memory of the whole test process (emulator included), for the record.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_string)
        });
    eprintln!("hostile run: peak memory {peak:?}");
    eprintln!(
        "hostile run: {} tables in {elapsed:?}; refused puts: {refused:?}",
        tables.len()
    );
    assert!(elapsed < Duration::from_secs(120), "took {elapsed:?}");

    // Every table is ingested or reported, and nothing failed here.
    assert!(
        status.source.failures.is_empty(),
        "{:?}",
        status.source.failures
    );
    assert!(
        status.sink.failures.is_empty(),
        "{:?}",
        status.sink.failures
    );
    let catalog = ferrometa_catalog::Catalog::open(&catalog_path).unwrap();
    let get = |fqn: &str| {
        catalog
            .get_by_fqn(EntityType::Table, fqn, ferrometa_catalog::Include::All)
            .unwrap()
            .unwrap_or_else(|| panic!("{fqn} not in the catalog"))
    };
    for table in &tables {
        let fqn = table_fqn(&table.name);
        assert_eq!(fqn, build(&[SERVICE, "default", "default", &table.name]));
        let stored = get(&fqn);
        assert_eq!(stored["name"], table.name.as_str());
        assert_eq!(stored["fullyQualifiedName"], fqn.as_str());
        // The FQN splits back into its four names, the table's quoted when it has a dot.
        let parts = split(&fqn);
        assert_eq!(parts.len(), 4, "{parts:?}");
        assert_eq!(parts[3], quote_name(&table.name));
        assert_eq!(parts[3].trim_matches('"'), table.name);
        assert_eq!(parts[3].starts_with('"'), table.name.contains('.'));
        // Columns: FQNs under the table's, each splitting into five parts or more (children).
        let mut columns = Vec::new();
        flatten(stored["columns"].as_array().unwrap(), &mut columns);
        for c in &columns {
            let column_fqn = c["fullyQualifiedName"].as_str().unwrap();
            let name = c["name"].as_str().unwrap();
            assert!(column_fqn.starts_with(&format!("{fqn}.")), "{column_fqn}");
            let parts = split(column_fqn);
            assert!(parts.len() >= 5, "{column_fqn}: {parts:?}");
            assert_eq!(parts.last().unwrap(), &quote_name(name), "{column_fqn}");
        }
    }

    // Attribute names survive exactly: encoded in `name`, raw in `displayName`.
    for table in ["hostile.names-table_1", "mixed.all-of_it"] {
        let stored = get(&table_fqn(table));
        let columns: Vec<Column> = serde_json::from_value(strip_fqns(&stored["columns"])).unwrap();
        let by_raw = |raw: &str| {
            columns
                .iter()
                .find(|c| c.display_name.as_deref().unwrap_or(&c.name) == raw)
                .unwrap_or_else(|| panic!("no column for {raw:?} in {table}"))
        };
        for raw in NAMES.iter().copied().chain([HASH, RANGE, "nested.map"]) {
            let c = by_raw(raw);
            assert_eq!(c.name, encode_name(raw));
            assert_eq!(decode_name(&c.name), raw);
        }
        let long = "x".repeat(300);
        assert_eq!(by_raw(&long).name, "x".repeat(256));
        let children = by_raw("nested.map").children.as_deref().unwrap();
        let child_names: BTreeSet<&str> = children.iter().map(|c| c.name.as_str()).collect();
        let expected: BTreeSet<String> = NAMES.iter().map(|n| encode_name(n)).collect();
        assert_eq!(child_names, expected.iter().map(String::as_str).collect());
        // Keys first, by their raw names encoded.
        assert_eq!(columns[0].name, encode_name(HASH));
        assert_eq!(columns[1].name, encode_name(RANGE));
    }

    // The width limit (2000) and the depth limit (32) are warnings, not failures.
    let wide = get(&table_fqn("wide_table"));
    assert_eq!(wide["columns"].as_array().unwrap().len(), 2001);
    let wide_warnings = warnings_of(&status, &table_fqn("wide_table"));
    assert!(
        wide_warnings
            .iter()
            .any(|w| w.contains("more than 2000 attributes")),
        "{wide_warnings:?}"
    );
    // The deepest item the server took is described to its leaf, without a warning.
    let others_refused = refused
        .iter()
        .enumerate()
        .filter(|(i, r)| *i != 4 && !r.is_empty());
    assert_eq!(others_refused.count(), 0, "{refused:?}");
    let accepted = DEPTHS.len() - refused[4].len();
    assert!(
        refused[4].iter().all(|e| e.contains("nested levels")),
        "{refused:?}"
    );
    assert!(accepted > 0, "{refused:?}");
    let deepest = DEPTHS[accepted - 1];
    let deep = get(&table_fqn("deep-table"));
    let column = |table: &Value, name: &str| {
        let columns = table["columns"].as_array().unwrap();
        columns.iter().find(|c| c["name"] == name).unwrap().clone()
    };
    let deepest_column = column(&deep, &format!("deep{deepest}"));
    assert_eq!(
        levels(&json!([deepest_column])),
        deepest + 1,
        "maps and the leaf"
    );
    assert_eq!(
        warnings_of(&status, &table_fqn("deep-table")),
        Vec::<&str>::new()
    );
    let mixed_warnings = warnings_of(&status, &table_fqn("mixed.all-of_it"));
    assert!(
        mixed_warnings.iter().any(|w| w.contains("more than 2000")),
        "{mixed_warnings:?}"
    );
    let mixed = get(&table_fqn("mixed.all-of_it"));
    let any = mixed["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "any")
        .unwrap();
    assert_eq!(any["dataType"], "UNION");

    // Big items are read whole.
    let big = get(&table_fqn("big.items"));
    assert_eq!(
        big["extension"]["dynamodb"]["sample"]["items"], 2,
        "{}",
        big["extension"]
    );

    // A re-run writes nothing: hostile content hashes are stable.
    let again = common::ingest_into_catalog(&recipe, &catalog_path).await;
    assert!(
        again.sink.records.is_empty() && again.sink.updated_records.is_empty(),
        "{again:?}"
    );
    assert!(again.deleted.is_empty());

    // A lower depth limit turns the rest into json, with a warning and no failure.
    let shallow = common::recipe(&emulator.endpoint(), json!({"maxDepth": 8}));
    let shallow_catalog = dir.path().join("shallow.db");
    let status = common::ingest_into_catalog(&shallow, &shallow_catalog).await;
    assert!(
        status.source.failures.is_empty(),
        "{:?}",
        status.source.failures
    );
    let warnings = warnings_of(&status, &table_fqn("deep-table"));
    assert!(
        warnings.iter().any(|w| w.contains("deeper than 8")),
        "{warnings:?}"
    );
    let deep = ferrometa_catalog::Catalog::open(&shallow_catalog)
        .unwrap()
        .get_by_fqn(
            EntityType::Table,
            &table_fqn("deep-table"),
            ferrometa_catalog::Include::All,
        )
        .unwrap()
        .unwrap();
    let deepest_column = column(&deep, &format!("deep{deepest}"));
    assert_eq!(levels(&json!([deepest_column])), 8);

    // The file sink gets the same requests.
    let file = dir.path().join("out.json");
    let status = common::ingest_into_file(&recipe, &file).await;
    assert!(
        status.source.failures.is_empty() && status.sink.failures.is_empty(),
        "{status:?}"
    );
    let written: Vec<CreateEntity> =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let names: BTreeSet<String> = written
        .iter()
        .filter(|e| e.entity_type() == EntityType::Table)
        .map(|e| e.fqn())
        .collect();
    assert_eq!(names, tables.iter().map(|t| table_fqn(&t.name)).collect());
    let hostile = written.iter().find_map(|e| match e {
        CreateEntity::Table(t) if t.name == "hostile.names-table_1" => Some(t),
        _ => None,
    });
    let stored = get(&table_fqn("hostile.names-table_1"));
    let stored: Vec<Column> = serde_json::from_value(strip_fqns(&stored["columns"])).unwrap();
    assert_eq!(hostile.unwrap().columns, stored);
}

/// The catalog's columns without the FQNs it assigns, as they were requested.
fn strip_fqns(columns: &Value) -> Value {
    let mut columns = columns.clone();
    fn strip(value: &mut Value) {
        for c in value.as_array_mut().into_iter().flatten() {
            let c = c.as_object_mut().unwrap();
            c.remove("fullyQualifiedName");
            if let Some(children) = c.get_mut("children") {
                strip(children);
            }
        }
    }
    strip(&mut columns);
    columns
}
