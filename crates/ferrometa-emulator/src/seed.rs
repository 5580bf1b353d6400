//! Seed datasets: the demo tables, generated tables for scale tests, and small helpers.
//!
//! Everything here goes through the public DynamoDB API of the given client, so the same
//! functions can seed any DynamoDB-compatible endpoint. Data is generated from fixed seeds:
//! seeding twice gives the same items.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, LocalSecondaryIndex, Projection, ProjectionType, ProvisionedThroughput, PutRequest,
    ScalarAttributeType, StreamSpecification, StreamViewType, TableClass, Tag,
    TimeToLiveSpecification, WriteRequest,
};

/// An item as the SDK represents it.
pub type Item = HashMap<String, AttributeValue>;

/// A seeding request failed.
#[derive(Debug, thiserror::Error)]
#[error("{operation} on `{table}` failed: {message}")]
pub struct SeedError {
    pub operation: &'static str,
    pub table: String,
    pub message: String,
}

impl SeedError {
    pub(crate) fn new<E, R>(operation: &'static str, table: &str, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let message = match &err {
            SdkError::ServiceError(service) => {
                let e = service.err();
                format!(
                    "{}: {}",
                    e.code().unwrap_or("error"),
                    e.message().unwrap_or("")
                )
            }
            other => DisplayErrorContext(other).to_string(),
        };
        SeedError {
            operation,
            table: table.to_string(),
            message,
        }
    }
}

/// One seeded table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededTable {
    pub name: String,
    pub items: usize,
}

/// What [`seed_demo`] created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Tables in creation order.
    pub tables: Vec<SeededTable>,
}

impl DemoSummary {
    pub fn total_items(&self) -> usize {
        self.tables.iter().map(|t| t.items).sum()
    }

    pub fn table_names(&self) -> Vec<&str> {
        self.tables.iter().map(|t| t.name.as_str()).collect()
    }
}

/// What [`seed_generated`] created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSummary {
    pub tables: usize,
    pub items: usize,
}

// ----------------------------------------------------------------------------------------
// Attribute value helpers

/// A string value.
pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number value from its text (`"12"`, `"-1.5E-10"`).
pub fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A binary value.
pub fn b(v: impl Into<Vec<u8>>) -> AttributeValue {
    AttributeValue::B(Blob::new(v.into()))
}

/// A boolean value.
pub fn bool_(v: bool) -> AttributeValue {
    AttributeValue::Bool(v)
}

/// The NULL value.
pub fn null() -> AttributeValue {
    AttributeValue::Null(true)
}

/// A map value.
pub fn m<K: Into<String>>(pairs: impl IntoIterator<Item = (K, AttributeValue)>) -> AttributeValue {
    AttributeValue::M(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

/// A list value.
pub fn l(values: impl IntoIterator<Item = AttributeValue>) -> AttributeValue {
    AttributeValue::L(values.into_iter().collect())
}

/// A string set.
pub fn ss<S: Into<String>>(values: impl IntoIterator<Item = S>) -> AttributeValue {
    AttributeValue::Ss(values.into_iter().map(Into::into).collect())
}

/// A number set.
pub fn ns<S: ToString>(values: impl IntoIterator<Item = S>) -> AttributeValue {
    AttributeValue::Ns(values.into_iter().map(|v| v.to_string()).collect())
}

/// A binary set.
pub fn bs<V: Into<Vec<u8>>>(values: impl IntoIterator<Item = V>) -> AttributeValue {
    AttributeValue::Bs(values.into_iter().map(|v| Blob::new(v.into())).collect())
}

/// An item from name/value pairs.
pub fn item<K: Into<String>>(pairs: impl IntoIterator<Item = (K, AttributeValue)>) -> Item {
    pairs.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

// ----------------------------------------------------------------------------------------
// Small helpers for tests

/// Creates a PAY_PER_REQUEST table keyed by `hash` (type S) and, if given, `range` (type N).
pub async fn create_simple_table(
    client: &Client,
    name: &str,
    hash: &str,
    range: Option<&str>,
) -> Result<(), SeedError> {
    let mut keys = vec![(hash, KeyType::Hash, ScalarAttributeType::S)];
    if let Some(range) = range {
        keys.push((range, KeyType::Range, ScalarAttributeType::N));
    }
    create_keyed_table(client, name, &keys).await
}

/// Creates a PAY_PER_REQUEST table with the given key attributes (hash first).
pub async fn create_keyed_table(
    client: &Client,
    name: &str,
    keys: &[(&str, KeyType, ScalarAttributeType)],
) -> Result<(), SeedError> {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest);
    for (attr, key_type, attr_type) in keys {
        req = req
            .key_schema(key(attr, key_type.clone()))
            .attribute_definitions(attr_def(attr, attr_type.clone()));
    }
    req.send()
        .await
        .map_err(|e| SeedError::new("CreateTable", name, e))?;
    Ok(())
}

/// Writes items with BatchWriteItem, 25 at a time, retrying unprocessed items.
/// Returns how many were written.
pub async fn put_items(
    client: &Client,
    table: &str,
    items: impl IntoIterator<Item = Item>,
) -> Result<usize, SeedError> {
    let mut written = 0;
    let mut batch = Vec::with_capacity(25);
    for item in items {
        batch.push(item);
        if batch.len() == 25 {
            written += write_batch(client, table, std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        written += write_batch(client, table, batch).await?;
    }
    Ok(written)
}

async fn write_batch(client: &Client, table: &str, items: Vec<Item>) -> Result<usize, SeedError> {
    let count = items.len();
    let mut requests: Vec<WriteRequest> = items
        .into_iter()
        .map(|item| {
            let put = PutRequest::builder()
                .set_item(Some(item))
                .build()
                .expect("item is set");
            WriteRequest::builder().put_request(put).build()
        })
        .collect();
    for attempt in 0..10u32 {
        let out = client
            .batch_write_item()
            .request_items(table, requests)
            .send()
            .await
            .map_err(|e| SeedError::new("BatchWriteItem", table, e))?;
        requests = out
            .unprocessed_items
            .and_then(|mut u| u.remove(table))
            .unwrap_or_default();
        if requests.is_empty() {
            return Ok(count);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20 << attempt.min(6))).await;
    }
    Err(SeedError {
        operation: "BatchWriteItem",
        table: table.to_string(),
        message: format!(
            "{} items still unprocessed after 10 attempts",
            requests.len()
        ),
    })
}

pub(crate) fn key(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .expect("key fields are set")
}

pub(crate) fn attr_def(name: &str, attr_type: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(attr_type)
        .build()
        .expect("fields are set")
}

fn throughput(read: i64, write: i64) -> ProvisionedThroughput {
    ProvisionedThroughput::builder()
        .read_capacity_units(read)
        .write_capacity_units(write)
        .build()
        .expect("set")
}

pub(crate) fn projection(kind: ProjectionType, non_key: &[&str]) -> Projection {
    let mut p = Projection::builder().projection_type(kind);
    for attr in non_key {
        p = p.non_key_attributes(*attr);
    }
    p.build()
}

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder()
        .key(k)
        .value(v)
        .build()
        .expect("tag fields are set")
}

/// A small deterministic generator (xorshift64*), so seeded data never changes.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a, T>(&mut self, options: &'a [T]) -> &'a T {
        &options[self.below(options.len() as u64) as usize]
    }

    /// True with probability `num/den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
}

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

// ----------------------------------------------------------------------------------------
// The demo dataset

const FIRST: [&str; 8] = [
    "Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances",
];
const LAST: [&str; 6] = [
    "Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton",
];
const CITIES: [&str; 5] = ["Berlin", "Lisbon", "Osaka", "Toronto", "Nairobi"];
const STATUSES: [&str; 4] = ["PENDING", "PAID", "SHIPPED", "DELIVERED"];
const INTERESTS: [&str; 6] = ["cycling", "chess", "cooking", "jazz", "hiking", "robotics"];

/// Creates the demo dataset:
///
/// | table | shape |
/// |---|---|
/// | `app_data` | single-table design: pk/sk strings, USER/ORDER/PRODUCT items with sparse attributes, nested maps with numbers, SS/NS/BS sets, lists of maps; a GSI; stream enabled; tags; PAY_PER_REQUEST |
/// | `orders` | `customer_id` S + `order_ts` N, GSI `by_status`, LSI `by_total`, TTL on `expires_at`, tags, PROVISIONED, deletion protection |
/// | `audit_log_empty` | `user_id` S + `created_at` N, no items |
/// | `blobs` | hash-only binary key `blob_id`, PROVISIONED |
/// | `events.v2` | dotted name, STANDARD_INFREQUENT_ACCESS, an attribute that is a string or a map |
/// | `customers` | hash-only string key `id` |
pub async fn seed_demo(client: &Client) -> Result<DemoSummary, SeedError> {
    let mut tables = Vec::new();

    // app_data
    let name = "app_data";
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("sk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("gsi1pk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("gsi1sk", ScalarAttributeType::S))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("gsi1")
                .key_schema(key("gsi1pk", KeyType::Hash))
                .key_schema(key("gsi1sk", KeyType::Range))
                .projection(projection(ProjectionType::All, &[]))
                .build()
                .expect("gsi fields are set"),
        )
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("stream fields are set"),
        )
        .tags(tag("env", "demo"))
        .tags(tag("team", "platform"))
        .send()
        .await
        .map_err(|e| SeedError::new("CreateTable", name, e))?;
    let written = put_items(client, name, app_data_items()).await?;
    tables.push(SeededTable {
        name: name.into(),
        items: written,
    });

    // orders
    let name = "orders";
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(5, 5))
        .key_schema(key("customer_id", KeyType::Hash))
        .key_schema(key("order_ts", KeyType::Range))
        .attribute_definitions(attr_def("customer_id", ScalarAttributeType::S))
        .attribute_definitions(attr_def("order_ts", ScalarAttributeType::N))
        .attribute_definitions(attr_def("status", ScalarAttributeType::S))
        .attribute_definitions(attr_def("total", ScalarAttributeType::N))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("by_status")
                .key_schema(key("status", KeyType::Hash))
                .key_schema(key("order_ts", KeyType::Range))
                .projection(projection(ProjectionType::Include, &["total"]))
                .provisioned_throughput(throughput(5, 5))
                .build()
                .expect("gsi fields are set"),
        )
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("by_total")
                .key_schema(key("customer_id", KeyType::Hash))
                .key_schema(key("total", KeyType::Range))
                .projection(projection(ProjectionType::KeysOnly, &[]))
                .build()
                .expect("lsi fields are set"),
        )
        .deletion_protection_enabled(true)
        .tags(tag("env", "demo"))
        .tags(tag("owner", "sales"))
        .tags(tag("cost-center", "cc-42"))
        .send()
        .await
        .map_err(|e| SeedError::new("CreateTable", name, e))?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("expires_at")
                .build()
                .expect("set"),
        )
        .send()
        .await
        .map_err(|e| SeedError::new("UpdateTimeToLive", name, e))?;
    let written = put_items(client, name, orders_items()).await?;
    tables.push(SeededTable {
        name: name.into(),
        items: written,
    });

    // audit_log_empty
    let name = "audit_log_empty";
    create_keyed_table(
        client,
        name,
        &[
            ("user_id", KeyType::Hash, ScalarAttributeType::S),
            ("created_at", KeyType::Range, ScalarAttributeType::N),
        ],
    )
    .await?;
    tables.push(SeededTable {
        name: name.into(),
        items: 0,
    });

    // blobs
    let name = "blobs";
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(2, 1))
        .key_schema(key("blob_id", KeyType::Hash))
        .attribute_definitions(attr_def("blob_id", ScalarAttributeType::B))
        .send()
        .await
        .map_err(|e| SeedError::new("CreateTable", name, e))?;
    let written = put_items(client, name, blobs_items()).await?;
    tables.push(SeededTable {
        name: name.into(),
        items: written,
    });

    // events.v2
    let name = "events.v2";
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .table_class(TableClass::StandardInfrequentAccess)
        .key_schema(key("event_id", KeyType::Hash))
        .attribute_definitions(attr_def("event_id", ScalarAttributeType::S))
        .send()
        .await
        .map_err(|e| SeedError::new("CreateTable", name, e))?;
    let written = put_items(client, name, events_items()).await?;
    tables.push(SeededTable {
        name: name.into(),
        items: written,
    });

    // customers
    let name = "customers";
    create_keyed_table(
        client,
        name,
        &[("id", KeyType::Hash, ScalarAttributeType::S)],
    )
    .await?;
    let written = put_items(client, name, customers_items()).await?;
    tables.push(SeededTable {
        name: name.into(),
        items: written,
    });

    Ok(DemoSummary { tables })
}

pub(crate) fn app_data_items() -> Vec<Item> {
    let mut rng = Rng::new(1);
    let mut items = Vec::new();
    for u in 0..40u64 {
        let first = *rng.pick(&FIRST);
        let last = *rng.pick(&LAST);
        let email = format!(
            "{}.{}{}@example.com",
            first.to_lowercase(),
            last.to_lowercase(),
            u
        );
        let mut it = item([
            ("pk", s(format!("USER#{u:04}"))),
            ("sk", s("PROFILE")),
            ("entity_type", s("USER")),
            ("name", s(format!("{first} {last}"))),
            ("email", s(email.clone())),
            ("created_at", n(1_700_000_000 + u * 3600)),
            ("login_count", n(rng.below(500))),
            ("active", bool_(rng.chance(4, 5))),
            (
                "address",
                m([
                    ("street", s(format!("{} Main St", 1 + rng.below(200)))),
                    ("city", s(*rng.pick(&CITIES))),
                    ("zip", s(format!("{:05}", rng.below(99_999)))),
                    (
                        "geo",
                        m([
                            (
                                "lat",
                                n(format!("{}.{:04}", 10 + rng.below(50), rng.below(10_000))),
                            ),
                            (
                                "lon",
                                n(format!("-{}.{:04}", rng.below(120), rng.below(10_000))),
                            ),
                        ]),
                    ),
                ]),
            ),
            ("gsi1pk", s(format!("EMAIL#{email}"))),
            ("gsi1sk", s("USER")),
        ]);
        if rng.chance(3, 4) {
            let mut picked: Vec<&str> = INTERESTS
                .iter()
                .copied()
                .filter(|_| rng.chance(1, 2))
                .collect();
            if picked.is_empty() {
                picked.push(INTERESTS[0]);
            }
            it.insert("interests".into(), ss(picked));
        }
        it.insert(
            "lucky_numbers".into(),
            ns([1 + rng.below(9), 10 + rng.below(40), 50 + rng.below(50)]),
        );
        if u % 4 == 0 {
            it.insert("nickname".into(), s(first.to_lowercase()));
        }
        if u % 5 == 0 {
            it.insert("avatar".into(), b(vec![0x89, b'P', b'N', b'G', u as u8]));
        }
        if u % 7 == 0 {
            it.insert("deleted_at".into(), null());
        }
        items.push(it);
    }
    for o in 0..100u64 {
        let user = rng.below(40);
        let lines: Vec<AttributeValue> = (0..1 + rng.below(3))
            .map(|_| {
                m([
                    ("sku", s(format!("SKU-{:03}", rng.below(20)))),
                    ("qty", n(1 + rng.below(4))),
                    ("unit_price", n(money(199 + rng.below(9_800)))),
                ])
            })
            .collect();
        let mut it = item([
            ("pk", s(format!("USER#{user:04}"))),
            ("sk", s(format!("ORDER#{o:05}"))),
            ("entity_type", s("ORDER")),
            ("status", s(*rng.pick(&STATUSES))),
            ("total", n(money(500 + rng.below(50_000)))),
            ("currency", s("EUR")),
            ("lines", l(lines)),
            (
                "shipping",
                m([
                    ("method", s(*rng.pick(&["standard", "express"]))),
                    ("cost", n(money(rng.below(1_500)))),
                ]),
            ),
            ("placed_at", n(1_700_100_000 + o * 600)),
        ]);
        if o % 6 == 0 {
            it.insert("coupon".into(), s(format!("SAVE{}", 5 + rng.below(20))));
        }
        items.push(it);
    }
    for p in 0..20u64 {
        let mut it = item([
            ("pk", s(format!("PRODUCT#{p:03}"))),
            ("sk", s("META")),
            ("entity_type", s("PRODUCT")),
            ("title", s(format!("Widget {p}"))),
            ("price", n(money(199 + rng.below(9_800)))),
            ("stock", n(rng.below(1_000))),
            (
                "dimensions",
                m([
                    ("width_cm", n(1 + rng.below(80))),
                    ("height_cm", n(1 + rng.below(80))),
                    (
                        "weight_kg",
                        n(format!("{}.{}", rng.below(20), rng.below(10))),
                    ),
                ]),
            ),
            (
                "categories",
                l((0..1 + rng.below(3))
                    .map(|i| s(["tools", "garden", "kitchen", "toys"][i as usize]))),
            ),
            ("thumbnails", bs([vec![p as u8, 1], vec![p as u8, 2]])),
            ("discontinued", bool_(p % 9 == 0)),
        ]);
        if p % 2 == 0 {
            it.insert("color".into(), s(*rng.pick(&["red", "blue", "green"])));
        }
        items.push(it);
    }
    items
}

fn orders_items() -> Vec<Item> {
    let mut rng = Rng::new(2);
    (0..60u64)
        .map(|i| {
            let mut it = item([
                ("customer_id", s(format!("C{:03}", i % 10))),
                ("order_ts", n(1_700_000_000 + i * 97)),
                ("status", s(*rng.pick(&STATUSES))),
                ("total", n(money(100 + rng.below(90_000)))),
                ("items_count", n(1 + rng.below(9))),
                ("expires_at", n(1_800_000_000 + i)),
            ]);
            if i % 3 == 0 {
                it.insert("notes".into(), s("leave at the door"));
            }
            it
        })
        .collect()
}

fn blobs_items() -> Vec<Item> {
    let mut rng = Rng::new(3);
    (0..15u64)
        .map(|i| {
            let mut it = item([
                ("blob_id", b(vec![0xB1, 0x0B, i as u8])),
                (
                    "content_type",
                    s(*rng.pick(&["image/png", "application/pdf", "text/plain"])),
                ),
                ("size_bytes", n(100 + rng.below(1_000_000))),
                ("checksum", s(format!("{:016x}", rng.next_u64()))),
                (
                    "data",
                    b((0..16).map(|_| rng.below(256) as u8).collect::<Vec<u8>>()),
                ),
            ]);
            if i % 2 == 1 {
                it.insert(
                    "labels".into(),
                    ss(["archived", "public"]
                        .iter()
                        .take(1 + (i % 2) as usize)
                        .copied()),
                );
            }
            it
        })
        .collect()
}

fn events_items() -> Vec<Item> {
    let mut rng = Rng::new(4);
    (0..30u64)
        .map(|i| {
            let kind = ["click", "purchase", "signup"][(i % 3) as usize];
            let payload = match kind {
                "click" => m([
                    ("x", n(rng.below(1920))),
                    ("y", n(rng.below(1080))),
                    ("target", s("button#buy")),
                ]),
                "purchase" => m([
                    ("amount", n(money(100 + rng.below(20_000)))),
                    ("items", l([s("SKU-001"), s("SKU-002")])),
                    ("first_purchase", bool_(rng.chance(1, 3))),
                ]),
                _ => m([("referrer", s("newsletter")), ("plan", s("free"))]),
            };
            let context = if i % 2 == 0 {
                s("web")
            } else {
                m([("app", s("ios")), ("version", s(format!("2.{}", i % 5)))])
            };
            item([
                ("event_id", s(format!("evt-{i:04}"))),
                ("type", s(kind)),
                ("ts", n(1_700_000_000_000u64 + i * 1_234)),
                ("payload", payload),
                ("context", context),
            ])
        })
        .collect()
}

fn customers_items() -> Vec<Item> {
    let mut rng = Rng::new(5);
    (0..8u64)
        .map(|i| {
            item([
                ("id", s(format!("{}", 1001 + i))),
                (
                    "name",
                    s(format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST))),
                ),
                ("tier", s(*rng.pick(&["gold", "silver", "bronze"]))),
            ])
        })
        .collect()
}

// ----------------------------------------------------------------------------------------
// Generated datasets

/// Creates `tables` tables named `{prefix}{i:05}` with `items_per_table` items each, for
/// scale tests and benchmarks. Shapes rotate over five kinds (hash S; hash S + range N;
/// plus a GSI; plus an LSI and a GSI; hash B), billing alternates between PAY_PER_REQUEST
/// and PROVISIONED. Up to 16 tables are created and filled concurrently.
pub async fn seed_generated(
    client: &Client,
    tables: usize,
    items_per_table: usize,
    prefix: &str,
) -> Result<GeneratedSummary, SeedError> {
    let permits = Arc::new(tokio::sync::Semaphore::new(16));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..tables {
        let client = client.clone();
        let name = format!("{prefix}{i:05}");
        let permits = permits.clone();
        set.spawn(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .expect("semaphore never closes");
            create_generated_table(&client, &name, i).await?;
            put_items(&client, &name, generated_items(i, items_per_table)).await
        });
    }
    let mut items = 0;
    let mut first_error = None;
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(n)) => items += n,
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error.get_or_insert(SeedError {
                    operation: "seed task",
                    table: prefix.to_string(),
                    message: e.to_string(),
                });
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(GeneratedSummary { tables, items }),
    }
}

async fn create_generated_table(client: &Client, name: &str, i: usize) -> Result<(), SeedError> {
    let shape = i % 5;
    let mut req = client.create_table().table_name(name);
    req = if i.is_multiple_of(2) {
        req.billing_mode(BillingMode::PayPerRequest)
    } else {
        req.billing_mode(BillingMode::Provisioned)
            .provisioned_throughput(throughput(5, 5))
    };
    if shape == 4 {
        req = req
            .key_schema(key("id", KeyType::Hash))
            .attribute_definitions(attr_def("id", ScalarAttributeType::B));
    } else {
        req = req
            .key_schema(key("pk", KeyType::Hash))
            .attribute_definitions(attr_def("pk", ScalarAttributeType::S));
    }
    if (1..=3).contains(&shape) {
        req = req
            .key_schema(key("sk", KeyType::Range))
            .attribute_definitions(attr_def("sk", ScalarAttributeType::N));
    }
    if (2..=3).contains(&shape) {
        let mut gsi = GlobalSecondaryIndex::builder()
            .index_name("by_group")
            .key_schema(key("grp", KeyType::Hash))
            .key_schema(key("sk", KeyType::Range))
            .projection(projection(ProjectionType::Include, &["name"]));
        if i % 2 == 1 {
            gsi = gsi.provisioned_throughput(throughput(3, 4));
        }
        req = req
            .attribute_definitions(attr_def("grp", ScalarAttributeType::S))
            .global_secondary_indexes(gsi.build().expect("gsi fields are set"));
    }
    if shape == 3 {
        req = req
            .attribute_definitions(attr_def("rank", ScalarAttributeType::N))
            .local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name("by_rank")
                    .key_schema(key("pk", KeyType::Hash))
                    .key_schema(key("rank", KeyType::Range))
                    .projection(projection(ProjectionType::KeysOnly, &[]))
                    .build()
                    .expect("lsi fields are set"),
            );
    }
    req = req
        .tags(tag("generated", "true"))
        .tags(tag("shape", &shape.to_string()));
    req.send()
        .await
        .map_err(|e| SeedError::new("CreateTable", name, e))?;
    Ok(())
}

/// The items of generated table number `table`: deterministic, varied, some sparse.
pub fn generated_items(table: usize, count: usize) -> Vec<Item> {
    let shape = table % 5;
    let mut rng = Rng::new(1_000 + table as u64);
    (0..count)
        .map(|j| {
            let mut it = Item::new();
            if shape == 4 {
                it.insert("id".into(), b((j as u32).to_be_bytes().to_vec()));
            } else if shape == 0 {
                it.insert("pk".into(), s(format!("item-{j:06}")));
            } else {
                it.insert("pk".into(), s(format!("p{}", j % 17)));
                it.insert("sk".into(), n(j));
            }
            if (2..=3).contains(&shape) {
                it.insert("grp".into(), s(format!("g{}", j % 5)));
            }
            if shape == 3 {
                it.insert("rank".into(), n(rng.below(1000)));
            }
            it.insert(
                "name".into(),
                s(format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST))),
            );
            it.insert("amount".into(), n(money(rng.below(100_000))));
            it.insert("count".into(), n(rng.below(10_000)));
            it.insert("enabled".into(), bool_(rng.chance(1, 2)));
            it.insert(
                "meta".into(),
                m([
                    ("source", s(*rng.pick(&["api", "batch", "ui"]))),
                    ("version", n(1 + rng.below(5))),
                ]),
            );
            if rng.chance(1, 3) {
                it.insert(
                    "labels".into(),
                    ss(["a", "b", "c"]
                        .iter()
                        .take(1 + rng.below(3) as usize)
                        .copied()),
                );
            }
            if rng.chance(1, 4) {
                it.insert(
                    "history".into(),
                    l((0..1 + rng.below(3)).map(|k| m([("step", n(k)), ("note", s("ok"))]))),
                );
            }
            if j % 10 == 0 {
                it.insert("archived_at".into(), null());
            }
            it
        })
        .collect()
}
