//! The server under concurrent load: writers and readers hammer the same few tables over
//! real HTTP at once, while an engine-like writer changes them through its own connection to
//! the file. No answer is a 5xx, nothing deadlocks (every request and the whole run
//! are bounded by timeouts), no acknowledged write is lost, and versions only move forward.
//!
//! How a lost update would show: every write carries a marker no other write uses (in
//! `sourceUrl`, which no merge rule protects). Each acknowledged write is matched with the
//! version it produced: a single PUT by the version it answered, a bulk row by the first
//! version holding its marker, a delete or restore by the version it answered. Then, per
//! table, the history must be one unbroken chain, each changing PUT must own a version of
//! its own holding exactly its marker, every version must belong to an acknowledged write,
//! and the final state must be the one of the last acknowledged write.
//!
//! `FERROMETA_LOAD_ITERATIONS=N` gives every writer N operations instead of the short default.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ferrometa_catalog::{Catalog, EntityRequest, WriteContext};
use ferrometa_model::EntityType;
use ferrometa_model::WriteOutcome;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Answer, Server, encode, send};

const WRITERS: usize = 16;
const READERS: usize = 8;
const TABLES: usize = 12;
/// Operations per writer in the default (CI) mode.
const DEFAULT_ITERATIONS: usize = 80;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The whole run's bound: minutes more than it takes on a loaded 2-core machine.
fn run_timeout(iterations: usize) -> Duration {
    Duration::from_secs(120 + 2 * iterations as u64)
}

/// A write the server acknowledged.
#[derive(Debug)]
enum Ack {
    /// A single PUT: the version it answered; `changed` unless `entityNoChange`.
    Put {
        version: i64,
        marker: String,
        changed: bool,
    },
    /// A bulk row that passed.
    Bulk { marker: String },
    /// A soft delete or restore: the version it answered and the flag it set.
    Deleted { version: i64, deleted: bool },
}

/// A small deterministic generator, one per task, so a failing run can be replayed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % sides as u64) as usize
    }
}

fn table_name(index: usize) -> String {
    format!("hot_{index}")
}

/// A `CreateTable` whose marker and columns change with every write: the third column
/// cycles through names and types, so some writes are major versions.
fn table(schema: &str, name: &str, marker: &str, step: usize) -> Value {
    let types = ["INT", "STRING", "BOOLEAN"];
    json!({
        "name": name,
        "description": format!("written by {marker}"),
        "columns": [
            {"name": "pk", "dataType": "STRING", "constraint": "PRIMARY_KEY"},
            {"name": "amount", "dataType": "INT"},
            {"name": format!("c{}", step % 4), "dataType": types[step % types.len()]},
        ],
        "databaseSchema": schema,
        "sourceUrl": marker_url(marker),
    })
}

fn marker_url(marker: &str) -> String {
    format!("https://load.test/{marker}")
}

/// The marker an entity (or one of its versions) holds.
fn marker_of(entity: &Value) -> &str {
    entity["sourceUrl"]
        .as_str()
        .and_then(|url| url.strip_prefix("https://load.test/"))
        .unwrap_or_else(|| panic!("no marker in {entity}"))
}

/// OpenMetadata's version number (`1.2`) in tenths.
fn tenths(version: &Value) -> i64 {
    (version.as_f64().unwrap_or_else(|| panic!("{version}")) * 10.0).round() as i64
}

fn timed(server: &Server, method: Method, path: &str) -> reqwest::RequestBuilder {
    server.request(method, path).timeout(REQUEST_TIMEOUT)
}

fn assert_not_5xx(answer: &Answer, what: &str) {
    assert!(
        !answer.status.is_server_error(),
        "{what}: {} {}",
        answer.status,
        answer.body
    );
}

/// One writer's run: `iterations` operations on random tables; returns its acks per table.
async fn writer(
    server: Arc<Server>,
    schema: String,
    ids: Arc<Vec<String>>,
    writer: usize,
    iterations: usize,
) -> Vec<(usize, Ack)> {
    let mut dice = Dice(writer as u64 + 1);
    let mut acks = Vec::new();
    for step in 0..iterations {
        let index = dice.roll(TABLES);
        let name = table_name(index);
        let marker = format!("w{writer}-{step}");
        match dice.roll(20) {
            0..=13 => {
                let body = table(&schema, &name, &marker, step + writer);
                let answer = send(timed(&server, Method::PUT, "/tables").json(&body)).await;
                assert!(answer.status.is_success(), "put: {}", answer.body);
                let change = answer.headers["x-openmetadata-change"].to_str().unwrap();
                acks.push((
                    index,
                    Ack::Put {
                        version: tenths(&answer.body["version"]),
                        marker,
                        changed: change != "entityNoChange",
                    },
                ));
            }
            14..=16 => {
                // Two or three distinct tables in one request, each with its own marker.
                let count = 2 + dice.roll(2);
                let rows: Vec<(usize, String)> = (0..count)
                    .map(|offset| ((index + offset) % TABLES, format!("{marker}-{offset}")))
                    .collect();
                let body: Vec<Value> = rows
                    .iter()
                    .map(|(row, marker)| table(&schema, &table_name(*row), marker, step))
                    .collect();
                let path = if dice.roll(2) == 0 {
                    "/tables/bulk"
                } else {
                    "/tables/bulk?overrideMetadata=true"
                };
                let answer = send(timed(&server, Method::PUT, path).json(&body)).await;
                assert_eq!(answer.status, StatusCode::OK, "bulk: {}", answer.body);
                assert_eq!(answer.body["numberOfRowsFailed"], 0, "{}", answer.body);
                assert_eq!(answer.body["numberOfRowsPassed"], count, "{}", answer.body);
                acks.extend(
                    rows.into_iter()
                        .map(|(row, marker)| (row, Ack::Bulk { marker })),
                );
            }
            17..=18 => {
                let fqn = encode(&format!("{schema}.{name}"));
                let answer = send(timed(
                    &server,
                    Method::DELETE,
                    &format!("/tables/name/{fqn}"),
                ))
                .await;
                assert_not_5xx(&answer, "delete");
                // 404: another writer deleted it first, which is not an acknowledgement.
                if answer.status == StatusCode::OK {
                    acks.push((
                        index,
                        Ack::Deleted {
                            version: tenths(&answer.body["version"]),
                            deleted: true,
                        },
                    ));
                } else {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.body);
                }
            }
            _ => {
                let answer = send(
                    timed(&server, Method::PUT, "/tables/restore").json(&json!({"id": ids[index]})),
                )
                .await;
                assert_eq!(answer.status, StatusCode::OK, "restore: {}", answer.body);
                acks.push((
                    index,
                    Ack::Deleted {
                        version: tenths(&answer.body["version"]),
                        deleted: false,
                    },
                ));
            }
        }
    }
    acks
}

/// Writes as `ferrometa ingest` makes them, through a connection of its own: they meet the
/// server's at SQLite's write lock (and its busy timeout), not at the server's mutex.
fn engine_writer(catalog: &Path, schema: &str, iterations: usize) -> Vec<(usize, Ack)> {
    let mut catalog = Catalog::open(catalog).unwrap();
    let mut dice = Dice(999);
    (0..iterations)
        .map(|step| {
            let index = dice.roll(TABLES);
            let marker = format!("engine-{step}");
            let Value::Object(fields) = table(schema, &table_name(index), &marker, step) else {
                unreachable!("a table body is an object")
            };
            let request = EntityRequest::from_json(EntityType::Table, fields).unwrap();
            let (outcome, entity) = catalog
                .put(&request, WriteContext::ENGINE)
                .expect("the engine's write waits for the server's");
            let ack = Ack::Put {
                version: tenths(&entity["version"]),
                marker,
                changed: outcome != WriteOutcome::Unchanged,
            };
            (index, ack)
        })
        .collect()
}

/// One reader's run until the writers are done: reads by name, lists and histories, and
/// checks that no version it sees is older than one it saw before. Returns its request count.
async fn reader(
    server: Arc<Server>,
    schema: String,
    reader: usize,
    done: Arc<AtomicBool>,
) -> usize {
    let mut dice = Dice(1000 + reader as u64);
    let mut seen = [0_i64; TABLES];
    let mut requests = 0;
    while !done.load(Ordering::Relaxed) {
        let index = dice.roll(TABLES);
        let fqn = encode(&format!("{schema}.{}", table_name(index)));
        requests += 1;
        match dice.roll(4) {
            0 | 1 => {
                let answer = send(timed(
                    &server,
                    Method::GET,
                    &format!("/tables/name/{fqn}?include=all&fields=tags,owners"),
                ))
                .await;
                assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
                let version = tenths(&answer.body["version"]);
                assert!(
                    version >= seen[index],
                    "version went back to {version} from {}",
                    seen[index]
                );
                seen[index] = version;
            }
            2 => {
                let answer = send(timed(
                    &server,
                    Method::GET,
                    &format!(
                        "/tables?databaseSchema={}&include=all&limit=4",
                        encode(&schema)
                    ),
                ))
                .await;
                assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
                assert_eq!(answer.body["paging"]["total"], TABLES, "{}", answer.body);
            }
            _ => {
                let answer = send(timed(
                    &server,
                    Method::GET,
                    &format!("/tables/name/{fqn}?include=all"),
                ))
                .await;
                assert_not_5xx(&answer, "get");
                let id = answer.body["id"].as_str().unwrap();
                let history = send(timed(
                    &server,
                    Method::GET,
                    &format!("/tables/{id}/versions"),
                ))
                .await;
                requests += 1;
                assert_eq!(history.status, StatusCode::OK, "{}", history.body);
                let versions = history_versions(&history.body);
                assert!(
                    versions.windows(2).all(|pair| pair[0] < pair[1]),
                    "versions not strictly increasing: {versions:?}"
                );
                let newest = *versions.last().unwrap();
                assert!(
                    newest >= seen[index],
                    "history ends at {newest}, {} was seen",
                    seen[index]
                );
                seen[index] = newest;
            }
        }
    }
    requests
}

/// A versions answer as (tenths, entity), oldest first.
fn history(body: &Value) -> Vec<(i64, Value)> {
    let mut versions: Vec<(i64, Value)> = body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|text| {
            let entity: Value = serde_json::from_str(text.as_str().unwrap()).unwrap();
            (tenths(&entity["version"]), entity)
        })
        .collect();
    // Answered newest first, as OpenMetadata does; checked here, then reversed.
    assert!(
        versions.windows(2).all(|pair| pair[0].0 > pair[1].0),
        "{body}"
    );
    versions.reverse();
    versions
}

fn history_versions(body: &Value) -> Vec<i64> {
    history(body)
        .into_iter()
        .map(|(version, _)| version)
        .collect()
}

/// The checks of the module docs, for one table.
fn check_table(name: &str, versions: &[(i64, Value)], acks: &[&Ack], current: &Value) {
    let by_version: BTreeMap<i64, &Value> = versions.iter().map(|(v, e)| (*v, e)).collect();
    for pair in versions.windows(2) {
        assert_eq!(
            tenths(&pair[1].1["changeDescription"]["previousVersion"]),
            pair[0].0,
            "{name}: the history has a gap before {}",
            pair[1].0
        );
    }
    let mut owner: HashMap<i64, &Ack> = HashMap::new();
    let claimed = |version: i64, ack: &'static str| {
        assert!(
            by_version.contains_key(&version),
            "{name}: {ack} answered version {version}, which the history lacks"
        );
        version
    };
    let mut claims = Vec::new();
    for ack in acks {
        match ack {
            Ack::Put {
                version,
                marker,
                changed,
            } => {
                let version = claimed(*version, "a put");
                assert_eq!(
                    marker_of(by_version[&version]),
                    marker,
                    "{name}: version {version} lost its write"
                );
                if *changed && let Some(other) = owner.insert(version, ack) {
                    panic!(
                        "{name}: two writes answered as version {version}: {other:?} and {ack:?}"
                    );
                }
                claims.push(version);
            }
            Ack::Bulk { marker } => {
                let version = versions
                    .iter()
                    .find(|(_, entity)| marker_of(entity) == marker)
                    .unwrap_or_else(|| panic!("{name}: the bulk write {marker} was lost"))
                    .0;
                claims.push(version);
            }
            Ack::Deleted { version, deleted } => {
                let version = claimed(*version, "a delete or restore");
                assert_eq!(
                    by_version[&version]["deleted"], *deleted,
                    "{name}: version {version}"
                );
                claims.push(version);
            }
        }
    }
    for version in by_version.keys() {
        assert!(
            claims.contains(version),
            "{name}: version {version} belongs to no acknowledged write"
        );
    }
    let last = claims.iter().max().copied().unwrap();
    assert_eq!(
        tenths(&current["version"]),
        last,
        "{name}: the final state is not the last acknowledged write"
    );
    assert_eq!(
        marker_of(current),
        marker_of(by_version[&last]),
        "{name}: marker"
    );
    assert_eq!(
        current["deleted"], by_version[&last]["deleted"],
        "{name}: deleted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_and_readers_lose_nothing() {
    let iterations: usize = std::env::var("FERROMETA_LOAD_ITERATIONS")
        .ok()
        .map(|v| v.parse().expect("FERROMETA_LOAD_ITERATIONS is a number"))
        .unwrap_or(DEFAULT_ITERATIONS);
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let mut ids = Vec::new();
    let mut acks: Vec<(usize, Ack)> = Vec::new();
    for index in 0..TABLES {
        let marker = format!("init-{index}");
        let answer = server
            .put("/tables", &table(&schema, &table_name(index), &marker, 0))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        ids.push(answer.body["id"].as_str().unwrap().to_string());
        acks.push((
            index,
            Ack::Put {
                version: 1,
                marker,
                changed: true,
            },
        ));
    }
    let server = Arc::new(server);
    let ids = Arc::new(ids);
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let (written, reads) = tokio::time::timeout(run_timeout(iterations), async {
        let readers: Vec<_> = (0..READERS)
            .map(|r| {
                tokio::spawn(reader(
                    Arc::clone(&server),
                    schema.clone(),
                    r,
                    Arc::clone(&done),
                ))
            })
            .collect();
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                tokio::spawn(writer(
                    Arc::clone(&server),
                    schema.clone(),
                    Arc::clone(&ids),
                    w,
                    iterations,
                ))
            })
            .collect();
        let engine = tokio::task::spawn_blocking({
            let (catalog, schema) = (server.catalog.clone(), schema.clone());
            move || engine_writer(&catalog, &schema, iterations)
        });
        let mut written = Vec::new();
        for handle in writers {
            written.extend(handle.await.expect("a writer failed"));
        }
        written.extend(engine.await.expect("the engine writer failed"));
        done.store(true, Ordering::Relaxed);
        let mut reads = 0;
        for handle in readers {
            reads += handle.await.expect("a reader failed");
        }
        (written, reads)
    })
    .await
    .expect("the load finished in time: no deadlock");
    let elapsed = started.elapsed();
    let writes = WRITERS * iterations;
    eprintln!(
        "load: {writes} writes and {reads} reads by {WRITERS} writers and {READERS} readers over \
         HTTP, {iterations} engine writes, in {elapsed:?}"
    );
    acks.extend(written);

    for index in 0..TABLES {
        let name = table_name(index);
        let id = &ids[index];
        let body = server.get(&format!("/tables/{id}/versions")).await.body;
        let versions = history(&body);
        let current = server.get(&format!("/tables/{id}?include=all")).await.body;
        let mine: Vec<&Ack> = acks
            .iter()
            .filter(|(i, _)| *i == index)
            .map(|(_, a)| a)
            .collect();
        check_table(&name, &versions, &mine, &current);
    }
    server.assert_intact();
}
