//! What the kill -9 tests (`crash.rs`: `ferrometa ingest`, `serve_crash.rs`: `ferrometa
//! serve`) check on a catalog: SQLite's own checks after every kill, and, after a final run,
//! that the catalog holds exactly what an uninterrupted run writes.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use ferrometa_catalog::Catalog;
use rusqlite::Connection;
use serde_json::Value;

/// Kills to run: `var` from the environment (the long mode), else `default`.
pub fn iterations(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .map(|v| v.parse().unwrap_or_else(|_| panic!("{var} is a number")))
        .unwrap_or(default)
}

/// The delay before the `i`th kill, within `span`: a fixed permutation-like walk from 5 % to
/// 100 % of it, so early, middle and late points of a run are all hit, in the same order on
/// every run.
pub fn delay(i: usize, span: Duration) -> Duration {
    span * (20 + ((i * 137) % 381)) as u32 / 400
}

/// Runs SQLite's own checks on `catalog` as a fresh process would see it after a crash, and
/// returns how many tables it holds.
pub fn assert_intact(catalog: &Path, context: &str) -> i64 {
    if !catalog.exists() {
        // Killed before the catalog was created: nothing to check.
        return 0;
    }
    let problems = ferrometa_catalog::check(catalog)
        .unwrap_or_else(|e| panic!("{context}: cannot check the catalog: {e}"));
    assert_eq!(problems, Vec::<String>::new(), "{context}");
    let conn = Connection::open(catalog).unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM entity WHERE entity_type = 'table'",
            [],
            |row| row.get(0),
        )
        .unwrap_or(0);
    drop(conn);
    // And the catalog itself opens (running its migrations) and answers.
    let catalog = Catalog::open(catalog).unwrap_or_else(|e| panic!("{context}: {e}"));
    catalog.stats().unwrap_or_else(|e| panic!("{context}: {e}"));
    tables
}

/// One entity as stored: version, deleted flag, columns (tables) and how many earlier versions
/// its history holds.
#[derive(Debug, PartialEq)]
pub struct Stored {
    pub version_tenths: i64,
    pub deleted: bool,
    pub columns: Value,
    pub history: i64,
}

/// Every entity of `catalog`, keyed by `(entity_type, fqn)`; panics on a duplicate key.
pub fn contents(catalog: &Path) -> BTreeMap<(String, String), Stored> {
    let conn = Connection::open(catalog).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT e.entity_type, e.fqn, e.version_tenths, e.deleted, e.json,
                    (SELECT COUNT(*) FROM entity_version v WHERE v.id = e.id)
             FROM entity e ORDER BY e.entity_type, e.fqn",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, bool>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, i64>(5)?,
            ))
        })
        .unwrap();
    let mut map = BTreeMap::new();
    for row in rows {
        let (entity_type, fqn, version_tenths, deleted, json, history) = row.unwrap();
        let json: Value = serde_json::from_str(&json).unwrap();
        let stored = Stored {
            version_tenths,
            deleted,
            columns: json.get("columns").cloned().unwrap_or(Value::Null),
            history,
        };
        let key = (entity_type, fqn);
        assert!(
            map.insert(key.clone(), stored).is_none(),
            "duplicate {key:?}"
        );
    }
    map
}

/// The catalog a crashed-then-completed run left equals the one an uninterrupted run wrote:
/// the same entities, none deleted, the same columns and version histories, and every entity
/// at version 0.1 (each write is one transaction, and a committed entity is skipped by hash,
/// never rewritten). Returns what the uninterrupted run wrote.
pub fn assert_converged(crashed: &Path, fresh: &Path) -> BTreeMap<(String, String), Stored> {
    let crashed_contents = contents(crashed);
    let fresh_contents = contents(fresh);
    assert_eq!(
        crashed_contents.keys().collect::<Vec<_>>(),
        fresh_contents.keys().collect::<Vec<_>>(),
        "the same entities"
    );
    for (key, fresh) in &fresh_contents {
        let crashed = &crashed_contents[key];
        assert!(!fresh.deleted && !crashed.deleted, "{key:?} deleted");
        assert_eq!(crashed.columns, fresh.columns, "{key:?} columns");
        assert_eq!(fresh.version_tenths, 1, "{key:?} fresh version");
        assert_eq!(crashed.version_tenths, 1, "{key:?} version after kills");
        assert_eq!(crashed.history, fresh.history, "{key:?} history");
    }
    fresh_contents
}
