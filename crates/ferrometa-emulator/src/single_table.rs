//! A corpus of single-table designs with exact ground truth, to test entity-type discovery.
//!
//! [`seed_single_table_corpus`] creates twelve tables (all PAY_PER_REQUEST, at most 400
//! items each) written the way single-table-design libraries and hand-rolled key schemes
//! write them, and returns, per table, the entity types a discovery should find. Six
//! tables are negatives: their keys or attributes look like entity signals (timestamps
//! with `:`, a unique `type`, one entity only) and nothing must be found in them.
//! [`app_data_expected`] gives the same ground truth for the demo table `app_data`.
//!
//! | table | design | expected entity types |
//! |---|---|---|
//! | `st_toolbox` | DynamoDB Toolbox: `pk`/`sk`, `_et`, `_ct`/`_md`; GSI `gsi1`, LSI `lsi_ct` | 3 by `_et`: `User`, `Order`, `Product` (rare) |
//! | `st_electro` | ElectroDB: `$taskapp#userid_<id>`/`$user_1`, `__edb_e__`, `__edb_v__`; sparse GSI `gsi1pk-gsi1sk-index` | 3 by `__edb_e__`: `user`, `task`, `comment` (rare) |
//! | `st_typed` | plain `type`, uuid keys; GSI `by_status` | 4 by `type`: `customer`, `invoice`, `payment`, `refund` (rare) |
//! | `st_hash_keys` | `PK`/`SK` with `#`; inverted GSI `GSI1` | 3 by keys: `USER#`/`#METADATA#`, `GAME#`/`#METADATA#` (rare), `GAME#`/`USER#` |
//! | `st_colon_keys` | `pk`/`sk` with `:`; sparse GSI `by_email` | 3 by keys: `org:`/`org:` (rare), `org:`/`member:`, `org:`/`project:` |
//! | `st_pipe_keys` | hash-only `id` with `\|` | 2 by keys: `tenant\|` (rare), `device\|` |
//! | `st_neg_uuid` | hash-only random UUIDs | none |
//! | `st_neg_numeric` | numeric hash and sort keys | none |
//! | `st_neg_timestamps` | `device-<n>` and ISO-8601 sort keys | none |
//! | `st_neg_unique_type` | a `type` different in every item | none |
//! | `st_neg_one_entity` | one entity, `USER#<id>`/`PROFILE` | none: one entity is not a single-table design |
//! | `st_neg_free_text` | free-text hash keys with `#` and `:` anywhere | none |
//!
//! The ground truth is computed from the generated items (grouped by a labelling of each
//! item), never written by hand, so it cannot drift from the data.

use std::collections::{BTreeMap, HashSet};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeValue, BillingMode, GlobalSecondaryIndex, KeyType, LocalSecondaryIndex,
    ProjectionType, ScalarAttributeType,
};

use crate::seed::{
    Item, Rng, SeedError, app_data_items, attr_def, bool_, item, key, l, m, n, projection,
    put_items, s, ss,
};

/// One seeded table of the corpus and the entity types it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusTable {
    pub name: String,
    pub items: usize,
    /// In order of each entity's first item; empty for the negative tables.
    pub expected: Vec<ExpectedEntity>,
}

/// An entity type a discovery should find.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedEntity {
    pub recognised_by: Recognition,
    pub items: usize,
    /// Every top-level attribute of the entity's items (keys and discriminator included)
    /// with its share of those items in `0..=1`, sorted by name.
    pub attributes: Vec<(String, f64)>,
    /// The secondary indexes at least one item of the entity is in (it has all of the
    /// index's key attributes), sorted.
    pub indexes: Vec<String>,
}

/// What tells an entity's items apart from the others'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognition {
    /// A discriminator attribute with a string value.
    Attribute { attribute: String, value: String },
    /// Literal key prefixes, delimiter included (`USER#`, `#METADATA#`, `org:`).
    KeyPattern {
        partition: String,
        /// `None` when the table has no sort key.
        sort: Option<String>,
    },
}

/// Creates every corpus table and writes its items. Deterministic: seeding twice gives
/// the same items.
pub async fn seed_single_table_corpus(client: &Client) -> Result<Vec<CorpusTable>, SeedError> {
    let mut tables = Vec::new();
    for generated in corpus() {
        create_table(client, &generated.spec).await?;
        let name = generated.spec.name;
        let items = put_items(client, name, generated.items).await?;
        tables.push(CorpusTable {
            name: name.to_string(),
            items,
            expected: generated.expected,
        });
    }
    Ok(tables)
}

/// The entity types of the demo table `app_data` (see [`crate::seed::seed_demo`]): `USER`,
/// `ORDER` and `PRODUCT` by `entity_type`.
pub fn app_data_expected() -> Vec<ExpectedEntity> {
    ground_truth(
        &app_data_items(),
        &[Index::global("gsi1", "gsi1pk", Some("gsi1sk"))],
        by_attribute("entity_type"),
    )
}

// ----------------------------------------------------------------------------------------
// Ground truth

/// A secondary index. Its key attributes other than the table's are strings.
struct Index {
    name: &'static str,
    local: bool,
    hash: &'static str,
    range: Option<&'static str>,
}

impl Index {
    fn global(name: &'static str, hash: &'static str, range: Option<&'static str>) -> Self {
        Index {
            name,
            local: false,
            hash,
            range,
        }
    }

    /// `hash` must be the table's hash key.
    fn local(name: &'static str, hash: &'static str, range: &'static str) -> Self {
        Index {
            name,
            local: true,
            hash,
            range: Some(range),
        }
    }

    fn key_attributes(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.hash).chain(self.range)
    }
}

/// Groups `items` by `label` (unlabelled items belong to no entity) and measures each
/// group: item count, attribute presence, indexes its items are in.
fn ground_truth(
    items: &[Item],
    indexes: &[Index],
    label: impl Fn(&Item) -> Option<Recognition>,
) -> Vec<ExpectedEntity> {
    let mut groups: Vec<(Recognition, Vec<&Item>)> = Vec::new();
    for it in items {
        let Some(recognition) = label(it) else {
            continue;
        };
        match groups.iter_mut().find(|(r, _)| *r == recognition) {
            Some((_, members)) => members.push(it),
            None => groups.push((recognition, vec![it])),
        }
    }
    groups
        .into_iter()
        .map(|(recognised_by, members)| {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for it in &members {
                for name in it.keys() {
                    *counts.entry(name).or_default() += 1;
                }
            }
            let total = members.len() as f64;
            let attributes = counts
                .into_iter()
                .map(|(name, count)| (name.to_string(), count as f64 / total))
                .collect();
            let mut in_indexes: Vec<String> = indexes
                .iter()
                .filter(|ix| {
                    members
                        .iter()
                        .any(|it| ix.key_attributes().all(|a| it.contains_key(a)))
                })
                .map(|ix| ix.name.to_string())
                .collect();
            in_indexes.sort();
            ExpectedEntity {
                recognised_by,
                items: members.len(),
                attributes,
                indexes: in_indexes,
            }
        })
        .collect()
}

/// Labels items by the string value of a discriminator attribute.
fn by_attribute(attribute: &'static str) -> impl Fn(&Item) -> Option<Recognition> {
    move |it| match it.get(attribute) {
        Some(AttributeValue::S(value)) => Some(Recognition::Attribute {
            attribute: attribute.to_string(),
            value: value.clone(),
        }),
        _ => None,
    }
}

/// Labels items by the prefixes of their key attributes, so the label is read from the
/// same keys a discovery reads.
fn by_key_prefix(
    partition: &'static str,
    sort: Option<&'static str>,
    delimiter: char,
) -> impl Fn(&Item) -> Option<Recognition> {
    move |it| {
        let prefix_of = |attribute: &str| match it.get(attribute) {
            Some(AttributeValue::S(value)) => key_prefix(value, delimiter),
            _ => None,
        };
        let partition = prefix_of(partition)?;
        let sort = match sort {
            Some(attribute) => Some(prefix_of(attribute)?),
            None => None,
        };
        Some(Recognition::KeyPattern { partition, sort })
    }
}

/// The start of `value` up to and including the first `delimiter` after its first
/// character, so a leading delimiter is kept: `#METADATA#x` gives `#METADATA#`.
fn key_prefix(value: &str, delimiter: char) -> Option<String> {
    let first = value.chars().next()?.len_utf8();
    let end = first + value[first..].find(delimiter)? + delimiter.len_utf8();
    Some(value[..end].to_string())
}

// ----------------------------------------------------------------------------------------
// Tables

struct TableSpec {
    name: &'static str,
    hash: (&'static str, ScalarAttributeType),
    range: Option<(&'static str, ScalarAttributeType)>,
    indexes: Vec<Index>,
}

struct Generated {
    spec: TableSpec,
    items: Vec<Item>,
    expected: Vec<ExpectedEntity>,
}

impl Generated {
    /// A table whose entities `label` tells apart.
    fn labelled(
        spec: TableSpec,
        items: Vec<Item>,
        label: impl Fn(&Item) -> Option<Recognition>,
    ) -> Self {
        let expected = ground_truth(&items, &spec.indexes, label);
        Generated {
            spec,
            items,
            expected,
        }
    }

    /// A table in which no entity types must be found.
    fn negative(spec: TableSpec, items: Vec<Item>) -> Self {
        Generated {
            spec,
            items,
            expected: Vec::new(),
        }
    }
}

fn corpus() -> Vec<Generated> {
    vec![
        toolbox(),
        electro(),
        typed(),
        hash_keys(),
        colon_keys(),
        pipe_keys(),
        neg_uuid(),
        neg_numeric(),
        neg_timestamps(),
        neg_unique_type(),
        neg_one_entity(),
        neg_free_text(),
    ]
}

async fn create_table(client: &Client, spec: &TableSpec) -> Result<(), SeedError> {
    let mut req = client
        .create_table()
        .table_name(spec.name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(spec.hash.0, KeyType::Hash));
    let mut defined = vec![spec.hash.clone()];
    if let Some((name, attr_type)) = &spec.range {
        req = req.key_schema(key(name, KeyType::Range));
        defined.push((name, attr_type.clone()));
    }
    for ix in &spec.indexes {
        for attribute in ix.key_attributes() {
            if !defined.iter().any(|(d, _)| *d == attribute) {
                defined.push((attribute, ScalarAttributeType::S));
            }
        }
        let mut schema = vec![key(ix.hash, KeyType::Hash)];
        if let Some(range) = ix.range {
            schema.push(key(range, KeyType::Range));
        }
        let all = projection(ProjectionType::All, &[]);
        req = if ix.local {
            req.local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name(ix.name)
                    .set_key_schema(Some(schema))
                    .projection(all)
                    .build()
                    .expect("lsi fields are set"),
            )
        } else {
            req.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(ix.name)
                    .set_key_schema(Some(schema))
                    .projection(all)
                    .build()
                    .expect("gsi fields are set"),
            )
        };
    }
    for (name, attr_type) in defined {
        req = req.attribute_definitions(attr_def(name, attr_type));
    }
    req.send()
        .await
        .map_err(|e| SeedError::new("CreateTable", spec.name, e))?;
    Ok(())
}

fn string_keys(name: &'static str, hash: &'static str, range: Option<&'static str>) -> TableSpec {
    TableSpec {
        name,
        hash: (hash, ScalarAttributeType::S),
        range: range.map(|r| (r, ScalarAttributeType::S)),
        indexes: Vec::new(),
    }
}

const FIRST: [&str; 10] = [
    "Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Alan", "Radia",
];
const LAST: [&str; 8] = [
    "Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Perlman",
];

fn person(rng: &mut Rng) -> (&'static str, &'static str) {
    (*rng.pick(&FIRST), *rng.pick(&LAST))
}

fn uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// An ISO-8601 instant in 2024 with milliseconds, as JavaScript's `toISOString` writes.
fn iso(rng: &mut Rng) -> String {
    format!(
        "2024-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1000)
    )
}

fn price(rng: &mut Rng, max_cents: u64) -> AttributeValue {
    let cents = 100 + rng.below(max_cents);
    n(format!("{}.{:02}", cents / 100, cents % 100))
}

fn maybe(it: &mut Item, present: bool, name: &str, value: impl FnOnce() -> AttributeValue) {
    if present {
        it.insert(name.to_string(), value());
    }
}

const STATUSES: [&str; 4] = ["PENDING", "PAID", "SHIPPED", "DELIVERED"];

fn toolbox() -> Generated {
    let mut spec = string_keys("st_toolbox", "pk", Some("sk"));
    spec.indexes = vec![
        Index::global("gsi1", "gsi1pk", Some("gsi1sk")),
        Index::local("lsi_ct", "pk", "_ct"),
    ];
    let mut rng = Rng::new(101);
    // Toolbox writes the entity name and both timestamps on every item.
    let stamp = |it: &mut Item, entity: &str, rng: &mut Rng| {
        it.insert("_et".into(), s(entity));
        it.insert("_ct".into(), s(iso(rng)));
        it.insert("_md".into(), s(iso(rng)));
    };
    let mut items = Vec::new();
    for u in 0..60u64 {
        let (first, last) = person(&mut rng);
        let mut it = item([
            ("pk", s(format!("USER#{u:04}"))),
            ("sk", s("#PROFILE")),
            ("name", s(format!("{first} {last}"))),
            ("email", s(format!("user{u}@example.com"))),
        ]);
        let tier = *rng.pick(&["free", "pro", "team"]);
        maybe(&mut it, rng.chance(3, 5), "tier", || s(tier));
        let phone = format!("+49 30 {:07}", rng.below(10_000_000));
        maybe(&mut it, rng.chance(3, 10), "phone", || s(phone));
        stamp(&mut it, "User", &mut rng);
        items.push(it);
    }
    for o in 0..250u64 {
        let user = rng.below(60);
        let lines = (0..1 + rng.below(3))
            .map(|_| {
                m([
                    ("sku", s(format!("SKU-{:03}", rng.below(20)))),
                    ("qty", n(1 + rng.below(4))),
                ])
            })
            .collect::<Vec<_>>();
        let mut it = item([
            ("pk", s(format!("USER#{user:04}"))),
            ("sk", s(format!("ORDER#{o:05}"))),
            ("gsi1pk", s(format!("ORDER#{o:05}"))),
            ("gsi1sk", s(format!("USER#{user:04}"))),
            ("status", s(*rng.pick(&STATUSES))),
            ("total", price(&mut rng, 50_000)),
            ("lines", l(lines)),
        ]);
        let coupon = format!("SAVE{}", 5 + rng.below(20));
        maybe(&mut it, rng.chance(1, 5), "coupon", || s(coupon));
        stamp(&mut it, "Order", &mut rng);
        items.push(it);
    }
    for p in 0..20u64 {
        let mut it = item([
            ("pk", s(format!("PRODUCT#{p:03}"))),
            ("sk", s(format!("PRODUCT#{p:03}"))),
            ("title", s(format!("Widget {p}"))),
            ("price", price(&mut rng, 9_800)),
        ]);
        maybe(&mut it, p % 2 == 0, "tags", || ss(["tools", "garden"]));
        stamp(&mut it, "Product", &mut rng);
        items.push(it);
    }
    Generated::labelled(spec, items, by_attribute("_et"))
}

fn electro() -> Generated {
    let mut spec = string_keys("st_electro", "pk", Some("sk"));
    spec.indexes = vec![Index::global(
        "gsi1pk-gsi1sk-index",
        "gsi1pk",
        Some("gsi1sk"),
    )];
    let mut rng = Rng::new(102);
    let entity = |it: &mut Item, name: &str| {
        it.insert("__edb_e__".into(), s(name));
        it.insert("__edb_v__".into(), s("1"));
    };
    let mut items = Vec::new();
    for u in 0..80u64 {
        let (first, last) = person(&mut rng);
        let mut it = item([
            ("pk", s(format!("$taskapp#userid_u{u:04}"))),
            ("sk", s("$user_1")),
            ("userId", s(format!("u{u:04}"))),
            ("name", s(format!("{first} {last}"))),
            ("email", s(format!("u{u}@example.com"))),
        ]);
        let role = *rng.pick(&["admin", "member"]);
        maybe(&mut it, rng.chance(3, 5), "role", || s(role));
        entity(&mut it, "user");
        items.push(it);
    }
    for t in 0..280u64 {
        let user = rng.below(80);
        let status = *rng.pick(&["open", "doing", "done"]);
        let mut it = item([
            ("pk", s(format!("$taskapp#userid_u{user:04}"))),
            ("sk", s(format!("$task_1#taskid_t{t:05}"))),
            ("taskId", s(format!("t{t:05}"))),
            ("userId", s(format!("u{user:04}"))),
            ("title", s(format!("Task {t}"))),
            ("status", s(status)),
        ]);
        // Only assigned tasks are in the index: it is sparse within the entity too.
        if rng.chance(7, 10) {
            let assignee = format!("u{:04}", rng.below(80));
            it.insert("gsi1pk".into(), s(format!("$taskapp#assignee_{assignee}")));
            it.insert(
                "gsi1sk".into(),
                s(format!("$task_1#status_{status}#taskid_t{t:05}")),
            );
            it.insert("assignee".into(), s(assignee));
        }
        let due = iso(&mut rng);
        maybe(&mut it, rng.chance(3, 5), "due", || s(due));
        maybe(&mut it, rng.chance(2, 5), "labels", || {
            ss(["bug", "urgent"])
        });
        entity(&mut it, "task");
        items.push(it);
    }
    for c in 0..20u64 {
        let task = rng.below(280);
        let mut it = item([
            ("pk", s(format!("$taskapp#taskid_t{task:05}"))),
            ("sk", s(format!("$comment_1#commentid_c{c:03}"))),
            ("commentId", s(format!("c{c:03}"))),
            ("taskId", s(format!("t{task:05}"))),
            ("body", s("Looks good to me")),
            ("author", s(format!("u{:04}", rng.below(80)))),
        ]);
        entity(&mut it, "comment");
        items.push(it);
    }
    Generated::labelled(spec, items, by_attribute("__edb_e__"))
}

fn typed() -> Generated {
    let mut spec = string_keys("st_typed", "pk", Some("sk"));
    spec.indexes = vec![Index::global("by_status", "status", None)];
    let mut rng = Rng::new(103);
    let mut items = Vec::new();
    let customers: Vec<String> = (0..50).map(|_| uuid(&mut rng)).collect();
    for id in &customers {
        let (first, last) = person(&mut rng);
        let mut it = item([
            ("pk", s(id.clone())),
            ("sk", s(id.clone())),
            ("type", s("customer")),
            ("name", s(format!("{first} {last}"))),
            ("email", s(format!("{}@example.com", &id[..8]))),
        ]);
        let vat = format!("DE{:09}", rng.below(1_000_000_000));
        maybe(&mut it, rng.chance(3, 5), "vat_id", || s(vat));
        items.push(it);
    }
    let mut invoices = Vec::new();
    for _ in 0..200 {
        let id = uuid(&mut rng);
        let mut it = item([
            ("pk", s(rng.pick(&customers).clone())),
            ("sk", s(id.clone())),
            ("type", s("invoice")),
            ("amount", price(&mut rng, 100_000)),
            ("currency", s("EUR")),
            ("status", s(*rng.pick(&["draft", "sent", "paid"]))),
            ("due_date", s(iso(&mut rng))),
        ]);
        let po = format!("PO-{}", rng.below(10_000));
        maybe(&mut it, rng.chance(2, 5), "po_number", || s(po));
        items.push(it);
        invoices.push(id);
    }
    let mut payments = Vec::new();
    for _ in 0..120 {
        let id = uuid(&mut rng);
        let mut it = item([
            ("pk", s(rng.pick(&invoices).clone())),
            ("sk", s(id.clone())),
            ("type", s("payment")),
            ("amount", price(&mut rng, 100_000)),
            ("method", s(*rng.pick(&["card", "sepa", "wire"]))),
        ]);
        let reference = format!("REF{:06}", rng.below(1_000_000));
        maybe(&mut it, rng.chance(3, 5), "reference", || s(reference));
        items.push(it);
        payments.push(id);
    }
    for _ in 0..16 {
        items.push(item([
            ("pk", s(rng.pick(&payments).clone())),
            ("sk", s(uuid(&mut rng))),
            ("type", s("refund")),
            ("amount", price(&mut rng, 10_000)),
            ("reason", s(*rng.pick(&["damaged", "late", "duplicate"]))),
        ]));
    }
    Generated::labelled(spec, items, by_attribute("type"))
}

fn hash_keys() -> Generated {
    let mut spec = string_keys("st_hash_keys", "PK", Some("SK"));
    // The inverted index: every item is in it.
    spec.indexes = vec![Index::global("GSI1", "SK", Some("PK"))];
    let mut rng = Rng::new(104);
    let mut items = Vec::new();
    let mut users = Vec::new();
    for u in 0..60u64 {
        let (first, last) = person(&mut rng);
        let username = format!("{}{u}", first.to_lowercase());
        let mut it = item([
            ("PK", s(format!("USER#{username}"))),
            ("SK", s(format!("#METADATA#{username}"))),
            ("username", s(username.clone())),
            ("name", s(format!("{first} {last}"))),
            ("email", s(format!("{username}@example.com"))),
        ]);
        let city = *rng.pick(&["Berlin", "Lisbon", "Osaka"]);
        maybe(&mut it, rng.chance(3, 5), "address", || {
            m([("city", s(city)), ("country", s("XX"))])
        });
        let born = format!(
            "19{:02}-0{}-1{}",
            50 + rng.below(50),
            1 + rng.below(9),
            rng.below(10)
        );
        maybe(&mut it, rng.chance(3, 10), "birthdate", || s(born));
        items.push(it);
        users.push(username);
    }
    for g in 0..20u64 {
        let game = format!("{:04x}{g:02}", rng.below(0x1_0000));
        items.push(item([
            ("PK", s(format!("GAME#{game}"))),
            ("SK", s(format!("#METADATA#{game}"))),
            ("game_id", s(game.clone())),
            (
                "map",
                s(*rng.pick(&["Green Grasslands", "Juicy Jungle", "Dirty Desert"])),
            ),
            ("start_time", s(iso(&mut rng))),
            ("creator", s(rng.pick(&users).clone())),
            ("open", bool_(rng.chance(1, 2))),
            ("people", n(2 + rng.below(8))),
        ]));
        // Distinct users per game: 13 is coprime with 60.
        for k in 0..12 + g % 2 {
            let username = &users[((g * 7 + k * 13) % 60) as usize];
            let mut it = item([
                ("PK", s(format!("GAME#{game}"))),
                ("SK", s(format!("USER#{username}"))),
                ("game_id", s(game.clone())),
                ("username", s(username.clone())),
            ]);
            let place = 1 + rng.below(10);
            maybe(&mut it, rng.chance(3, 5), "place", || n(place));
            items.push(it);
        }
    }
    Generated::labelled(spec, items, by_key_prefix("PK", Some("SK"), '#'))
}

fn colon_keys() -> Generated {
    let mut spec = string_keys("st_colon_keys", "pk", Some("sk"));
    spec.indexes = vec![Index::global("by_email", "email", None)];
    let mut rng = Rng::new(105);
    let mut items = Vec::new();
    for o in 0..15u64 {
        let org = format!("org:{}", 1001 + o);
        items.push(item([
            ("pk", s(org.clone())),
            ("sk", s(org)),
            ("name", s(format!("Org {o}"))),
            ("plan", s(*rng.pick(&["free", "business"]))),
            ("created_at", s(iso(&mut rng))),
        ]));
    }
    for i in 0..200u64 {
        let (first, last) = person(&mut rng);
        let email = format!(
            "{}.{}{i}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let mut it = item([
            ("pk", s(format!("org:{}", 1001 + rng.below(15)))),
            ("sk", s(format!("member:{email}"))),
            ("email", s(email)),
            ("role", s(*rng.pick(&["owner", "admin", "member"]))),
            ("joined_at", s(iso(&mut rng))),
        ]);
        let inviter = format!("{}@example.com", rng.pick(&FIRST).to_lowercase());
        maybe(&mut it, rng.chance(3, 5), "invited_by", || s(inviter));
        items.push(it);
    }
    for p in 0..85u64 {
        let mut it = item([
            ("pk", s(format!("org:{}", 1001 + rng.below(15)))),
            ("sk", s(format!("project:{p:04}"))),
            ("name", s(format!("Project {p}"))),
            ("status", s(*rng.pick(&["active", "paused", "archived"]))),
        ]);
        let budget = 1_000 * (1 + rng.below(100));
        maybe(&mut it, rng.chance(1, 2), "budget", || n(budget));
        items.push(it);
    }
    Generated::labelled(spec, items, by_key_prefix("pk", Some("sk"), ':'))
}

fn pipe_keys() -> Generated {
    let spec = string_keys("st_pipe_keys", "id", None);
    let mut rng = Rng::new(106);
    let mut items = Vec::new();
    for t in 0..20u64 {
        items.push(item([
            ("id", s(format!("tenant|{t}"))),
            ("name", s(format!("Tenant {t}"))),
            ("region", s(*rng.pick(&["eu-west-1", "us-east-1"]))),
            ("seats", n(5 + rng.below(500))),
        ]));
    }
    for _ in 0..300 {
        let mut it = item([
            ("id", s(format!("device|{}", uuid(&mut rng)))),
            ("tenant", s(format!("tenant|{}", rng.below(20)))),
            ("model", s(*rng.pick(&["T-100", "T-200", "X-1"]))),
            (
                "firmware",
                s(format!("1.{}.{}", rng.below(5), rng.below(20))),
            ),
            ("last_seen", s(iso(&mut rng))),
        ]);
        let battery = rng.below(101);
        maybe(&mut it, rng.chance(3, 5), "battery", || n(battery));
        items.push(it);
    }
    Generated::labelled(spec, items, by_key_prefix("id", None, '|'))
}

fn neg_uuid() -> Generated {
    let spec = string_keys("st_neg_uuid", "id", None);
    let mut rng = Rng::new(201);
    let items = (0..200)
        .map(|_| {
            let mut it = item([
                ("id", s(uuid(&mut rng))),
                ("value", n(rng.below(1_000))),
                ("created_at", s(iso(&mut rng))),
            ]);
            maybe(&mut it, rng.chance(1, 2), "note", || s("checked"));
            it
        })
        .collect();
    Generated::negative(spec, items)
}

fn neg_numeric() -> Generated {
    let spec = TableSpec {
        name: "st_neg_numeric",
        hash: ("account", ScalarAttributeType::N),
        range: Some(("seq", ScalarAttributeType::N)),
        indexes: Vec::new(),
    };
    let mut rng = Rng::new(202);
    let mut items = Vec::new();
    for account in 0..40u64 {
        for seq in 0..5u64 {
            let mut it = item([
                ("account", n(100_000 + account * 37)),
                ("seq", n(seq)),
                ("amount", price(&mut rng, 10_000)),
            ]);
            maybe(&mut it, rng.chance(2, 5), "memo", || s("transfer"));
            items.push(it);
        }
    }
    Generated::negative(spec, items)
}

fn neg_timestamps() -> Generated {
    let spec = string_keys("st_neg_timestamps", "device", Some("ts"));
    let mut rng = Rng::new(203);
    let mut items = Vec::new();
    for d in 0..5u64 {
        for j in 0..60u64 {
            // Every 37 minutes from 2024-05-01T12:00:00Z: the `:`s repeat in every key.
            let minutes = 12 * 60 + j * 37;
            let ts = format!(
                "2024-05-{:02}T{:02}:{:02}:00Z",
                1 + minutes / 1440,
                minutes % 1440 / 60,
                minutes % 60
            );
            let mut it = item([
                ("device", s(format!("device-{d}"))),
                ("ts", s(ts)),
                (
                    "temperature",
                    n(format!("{}.{}", 15 + rng.below(15), rng.below(10))),
                ),
            ]);
            let humidity = 30 + rng.below(60);
            maybe(&mut it, rng.chance(7, 10), "humidity", || n(humidity));
            items.push(it);
        }
    }
    Generated::negative(spec, items)
}

fn neg_unique_type() -> Generated {
    let spec = string_keys("st_neg_unique_type", "id", None);
    let mut rng = Rng::new(204);
    let items = (0..150u64)
        .map(|i| {
            item([
                ("id", s(format!("item-{i:04}"))),
                ("type", s(format!("t-{i}"))),
                ("value", n(rng.below(1_000))),
            ])
        })
        .collect();
    Generated::negative(spec, items)
}

fn neg_one_entity() -> Generated {
    let spec = string_keys("st_neg_one_entity", "pk", Some("sk"));
    let mut rng = Rng::new(205);
    let items = (0..120u64)
        .map(|i| {
            let (first, last) = person(&mut rng);
            item([
                ("pk", s(format!("USER#{i:04}"))),
                ("sk", s("PROFILE")),
                ("name", s(format!("{first} {last}"))),
                ("email", s(format!("user{i}@example.com"))),
                ("created_at", s(iso(&mut rng))),
            ])
        })
        .collect();
    Generated::negative(spec, items)
}

fn neg_free_text() -> Generated {
    let spec = string_keys("st_neg_free_text", "title", None);
    let mut rng = Rng::new(206);
    const WORDS: [&str; 16] = [
        "meeting", "notes", "about", "the", "release", "plan", "for", "Q3", "review", "budget",
        "and", "hiring", "weekly", "sync", "with", "design",
    ];
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    while items.len() < 150 {
        let mut title = Vec::new();
        for _ in 0..3 + rng.below(5) {
            let word = *rng.pick(&WORDS);
            // `#` and `:` where people type them: anywhere, so no prefix repeats.
            title.push(match rng.below(6) {
                0 => format!("{word}:"),
                1 => format!("#{word}"),
                2 => format!("{word} #{}", rng.below(100)),
                _ => word.to_string(),
            });
        }
        let title = title.join(" ");
        if seen.insert(title.clone()) {
            let mut it = item([("title", s(title)), ("words", n(seen.len()))]);
            maybe(&mut it, rng.chance(1, 3), "author", || s(*rng.pick(&FIRST)));
            items.push(it);
        }
    }
    Generated::negative(spec, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognition(value: &str) -> Recognition {
        Recognition::Attribute {
            attribute: "kind".into(),
            value: value.into(),
        }
    }

    #[test]
    fn ground_truth_counts_items_presence_and_indexes_per_entity() {
        let items = vec![
            item([("pk", s("a1")), ("kind", s("A")), ("gpk", s("x"))]),
            item([("pk", s("b1")), ("kind", s("B")), ("gpk", s("y"))]),
            item([("pk", s("a2")), ("kind", s("A")), ("opt", n(1))]),
            item([("pk", s("a3")), ("kind", s("A")), ("gpk", s("z"))]),
            item([("pk", s("c1")), ("gpk", s("w")), ("gsk", s("v"))]),
        ];
        let indexes = [
            Index::global("by_gpk", "gpk", None),
            Index::global("by_both", "gpk", Some("gsk")),
        ];
        let entities = ground_truth(&items, &indexes, by_attribute("kind"));
        let third = 1.0 / 3.0;
        assert_eq!(
            entities,
            vec![
                ExpectedEntity {
                    recognised_by: recognition("A"),
                    items: 3,
                    attributes: vec![
                        ("gpk".into(), 2.0 * third),
                        ("kind".into(), 1.0),
                        ("opt".into(), third),
                        ("pk".into(), 1.0),
                    ],
                    indexes: vec!["by_gpk".into()],
                },
                ExpectedEntity {
                    recognised_by: recognition("B"),
                    items: 1,
                    attributes: vec![
                        ("gpk".into(), 1.0),
                        ("kind".into(), 1.0),
                        ("pk".into(), 1.0),
                    ],
                    indexes: vec!["by_gpk".into()],
                },
            ]
        );
    }

    #[test]
    fn key_prefixes_keep_a_leading_delimiter() {
        assert_eq!(key_prefix("USER#ada", '#').as_deref(), Some("USER#"));
        assert_eq!(
            key_prefix("#METADATA#ada", '#').as_deref(),
            Some("#METADATA#")
        );
        assert_eq!(key_prefix("tenant|7", '|').as_deref(), Some("tenant|"));
        assert_eq!(key_prefix("plain", '#'), None);
    }

    #[test]
    fn every_positive_table_has_two_to_five_entities_covering_all_items() {
        for table in corpus() {
            assert!(table.items.len() <= 400, "{}", table.spec.name);
            if table.spec.name.starts_with("st_neg_") {
                assert!(table.expected.is_empty(), "{}", table.spec.name);
                continue;
            }
            let counts: Vec<usize> = table.expected.iter().map(|e| e.items).collect();
            assert!((2..=5).contains(&counts.len()), "{}", table.spec.name);
            assert_eq!(counts.iter().sum::<usize>(), table.items.len());
            // A rare entity: at most ~6 % of the table.
            let rarest = counts.iter().min().copied().unwrap_or_default();
            assert!(rarest * 16 <= table.items.len(), "{}", table.spec.name);
        }
    }

    #[test]
    fn the_corpus_is_deterministic() {
        let first: Vec<Vec<Item>> = corpus().into_iter().map(|t| t.items).collect();
        let second: Vec<Vec<Item>> = corpus().into_iter().map(|t| t.items).collect();
        assert_eq!(first, second);
    }
}
