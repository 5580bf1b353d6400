//! Set-up shared by the tests: an emulator with seeded tables, a metadata run whose tables
//! become the lister's stored tables, and a profiler run collected into memory.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use ferrometa_config::{DynamoDbConnection, PipelineConfig, Recipe};
use ferrometa_core::{
    BoxError, Emitter, Failure, Record, Source, SourceEvent, StoredTable, TableLister,
};
use ferrometa_dynamodb::DynamoDbSource;
use ferrometa_emulator::Emulator;
use ferrometa_emulator::seed::{b, create_simple_table, l, m, n, null, put_items, s, ss};
use ferrometa_model::fqn::child;
use ferrometa_model::{Column, CreateEntity, TagLabel};
use ferrometa_profiler::ProfilerSource;
use serde_json::{Value, json};

pub const SERVICE: &str = "local_dynamodb";
pub const SCHEMA_FQN: &str = "local_dynamodb.default.default";

pub type Item = HashMap<String, AttributeValue>;

pub fn table_fqn(name: &str) -> String {
    child(SCHEMA_FQN, name)
}

/// A metadata recipe for `endpoint` (its connection is the profiler's).
pub fn recipe(endpoint: &str) -> Recipe {
    ferrometa_config::from_json_value(
        json!({
            "source": {
                "type": "dynamodb",
                "serviceName": SERVICE,
                "serviceConnection": {"config": {
                    "type": "DynamoDB",
                    "awsConfig": {
                        "awsAccessKeyId": "test-key",
                        "awsSecretAccessKey": "test-secret",
                        "awsRegion": "us-east-1",
                        "endPointURL": endpoint,
                    }
                }},
                "sourceConfig": {"config": {"type": "DatabaseMetadata", "sampleItems": 5000}},
            },
        }),
        "test recipe",
    )
    .expect("valid recipe")
}

/// The stored tables of a metadata run, column FQNs assigned as the catalog does.
pub struct MemoryLister {
    pub tables: Vec<StoredTable>,
}

#[async_trait]
impl TableLister for MemoryLister {
    async fn tables(&self, service: &str) -> Result<Vec<StoredTable>, BoxError> {
        assert_eq!(service, SERVICE);
        Ok(self.tables.clone())
    }
}

/// A lister whose destination cannot be read.
pub struct BrokenLister;

#[async_trait]
impl TableLister for BrokenLister {
    async fn tables(&self, _: &str) -> Result<Vec<StoredTable>, BoxError> {
        Err("the catalog is locked".into())
    }
}

fn assign_fqns(columns: &mut [Column], parent: &str) {
    for column in columns {
        let fqn = child(parent, &column.name);
        if let Some(children) = &mut column.children {
            assign_fqns(children, &fqn);
        }
        column.fully_qualified_name = Some(fqn);
    }
}

/// Runs the metadata workflow's source and turns its tables into stored tables.
pub async fn stored_tables(recipe: &Recipe) -> Vec<StoredTable> {
    let section = &recipe.source;
    let source = DynamoDbSource::new(
        &section.service_name,
        &section.service_connection.config,
        section.source_config.metadata().unwrap(),
    )
    .await
    .expect("source");
    let (emitter, mut rx) = Emitter::channel(16);
    let collect = async {
        let mut tables = Vec::new();
        while let Some(event) = rx.recv().await {
            if let SourceEvent::Entity {
                entity: CreateEntity::Table(table),
                ..
            } = event
            {
                let fqn = table_fqn(&table.name);
                let mut columns = table.columns.clone();
                assign_fqns(&mut columns, &fqn);
                tables.push(StoredTable {
                    fqn,
                    name: table.name.clone(),
                    columns,
                });
            }
        }
        tables
    };
    let (result, tables) = tokio::join!(source.run(emitter), collect);
    result.expect("the metadata run succeeds");
    tables
}

/// A `PII.Sensitive` tag set by a person.
pub fn manual_tag(tag: &str) -> TagLabel {
    TagLabel {
        tag_fqn: tag.to_string(),
        name: None,
        display_name: None,
        description: None,
        style: None,
        source: "Classification".into(),
        label_type: "Manual".into(),
        state: "Confirmed".into(),
        href: None,
        reason: None,
        applied_at: None,
        applied_by: None,
        metadata: None,
    }
}

/// Everything one profiler run emitted.
#[derive(Debug, Default)]
pub struct Run {
    pub events: Vec<String>,
    pub tables: Vec<(String, Vec<Record>, f64)>,
    pub totals: Vec<u64>,
    pub filtered: Vec<(String, String)>,
    pub warnings: Vec<(String, String)>,
    pub failures: Vec<Failure>,
}

impl Run {
    pub fn records(&self, table: &str) -> &[Record] {
        let fqn = table_fqn(table);
        let found: Vec<_> = self.tables.iter().filter(|t| t.0 == fqn).collect();
        assert_eq!(
            found.len(),
            1,
            "one Table event for {fqn}: {:?}",
            self.events
        );
        &found[0].1
    }

    pub fn read_capacity(&self, table: &str) -> f64 {
        let fqn = table_fqn(table);
        self.tables.iter().find(|t| t.0 == fqn).expect("table").2
    }

    pub fn profile(&self, table: &str) -> &Value {
        match self.records(table) {
            [Record::TableProfile { profile, .. }] => profile,
            other => panic!("one profile expected: {other:?}"),
        }
    }
}

pub async fn profiler_source(
    connection: &DynamoDbConnection,
    config: PipelineConfig,
    tables: Arc<dyn TableLister>,
) -> ProfilerSource {
    ProfilerSource::new(SERVICE, connection, &config, tables)
        .await
        .expect("profiler source")
}

pub async fn run(source: &ProfilerSource) -> Run {
    let (emitter, mut rx) = Emitter::channel(16);
    let collect = async {
        let mut run = Run::default();
        while let Some(event) = rx.recv().await {
            match event {
                SourceEvent::Table {
                    table,
                    records,
                    read_capacity,
                } => {
                    run.events.push(format!("table {table}"));
                    run.tables.push((table, records, read_capacity));
                }
                SourceEvent::Total(n) => {
                    run.events.push(format!("total {n}"));
                    run.totals.push(n);
                }
                SourceEvent::Filtered { name, reason } => {
                    run.events.push(format!("filtered {name}"));
                    run.filtered.push((name, reason));
                }
                SourceEvent::Warning { name, reason } => run.warnings.push((name, reason)),
                SourceEvent::Failed(f) => {
                    run.events.push(format!("failed {}", f.name));
                    run.failures.push(f);
                }
                other => panic!("unexpected event {other:?}"),
            }
        }
        run
    };
    let (result, run) = tokio::join!(source.run(emitter), collect);
    result.expect("the run itself succeeds");
    run
}

/// A Luhn-valid 16-digit number starting with `prefix` (15 digits given).
fn luhn(prefix15: &str) -> String {
    let digits: Vec<u32> = prefix15.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut d = *d;
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    format!("{prefix15}{}", (10 - sum % 10) % 10)
}

/// The emulator with the test tables:
/// - `counts`: 10 items, `a` in every item, `b` a value in 6, NULL in 2, absent in 2;
/// - `people`: 30 items of personal data (ids are UUIDs, emails, phones, card numbers,
///   order numbers that look like cards but fail Luhn, a nested `contact.email`, a list of
///   order lines, sets, binary);
/// - `big`: 2000 items of about 1 KB.
pub async fn seeded() -> Emulator {
    let emu = Emulator::start().await.expect("emulator");
    let client = emu.client();
    create_simple_table(&client, "counts", "id", None)
        .await
        .unwrap();
    let counts = (0..10).map(|i| {
        let mut item: Item = [
            ("id".to_string(), s(format!("c{i}"))),
            ("a".to_string(), n(i)),
        ]
        .into();
        match i {
            0..6 => {
                item.insert("b".into(), s(format!("v{}", i % 3)));
            }
            6 | 7 => {
                item.insert("b".into(), null());
            }
            _ => {}
        }
        item
    });
    put_items(&client, "counts", counts).await.unwrap();

    create_simple_table(&client, "people", "id", None)
        .await
        .unwrap();
    let first = [
        "ana", "bo", "chen", "dara", "eli", "fay", "gus", "hana", "ivo", "jun",
    ];
    let people = (0..30u32).map(|i| {
        let name = first[i as usize % first.len()];
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            0x1234_0000 + i * 7919,
            i * 31,
            i,
            i * 3,
            0xabcdef + u64::from(i) * 104_729
        );
        let card = luhn(&format!(
            "4{:014}",
            11_111_111_111_111u64 + u64::from(i) * 7_777
        ));
        let mut order = card.clone();
        let last = order.pop().unwrap().to_digit(10).unwrap();
        order.push(char::from_digit((last + 1) % 10, 10).unwrap());
        let item: Item = [
            ("id".to_string(), s(id)),
            ("email".to_string(), s(format!("{name}.{i}@example.com"))),
            (
                "phone".to_string(),
                s(format!("+44 20 7946 {:04}", 100 + i)),
            ),
            ("card".to_string(), s(card)),
            ("order_no".to_string(), s(order)),
            (
                "contact".to_string(),
                m([
                    ("email", s(format!("{name}{i}@mail.example.org"))),
                    ("city", s(["Oslo", "Lima", "Pune"][i as usize % 3])),
                ]),
            ),
            (
                "lines".to_string(),
                l([
                    m([("sku", s(format!("SKU-{i}"))), ("qty", n(i % 4 + 1))]),
                    m([("sku", s("SKU-X")), ("qty", n("2.5"))]),
                ]),
            ),
            ("labels".to_string(), ss(["a", "b"])),
            ("blob".to_string(), b(vec![0u8, 1, 2, 255])),
            (
                "big_number".to_string(),
                n("123456789012345678901234567890"),
            ),
        ]
        .into();
        item
    });
    put_items(&client, "people", people).await.unwrap();

    create_simple_table(&client, "big", "id", None)
        .await
        .unwrap();
    let filler = "x".repeat(1000);
    let big = (0..2000).map(|i| -> Item {
        [
            ("id".to_string(), s(format!("k{i:05}"))),
            ("pad".to_string(), s(filler.clone())),
        ]
        .into()
    });
    put_items(&client, "big", big).await.unwrap();
    emu
}
