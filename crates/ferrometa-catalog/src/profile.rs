//! The profiler's data of a table: its profiles over time and its latest sample data, by
//! table id, as OpenMetadata's time series keep them.
//!
//! A profile is the parts of a `CreateTableProfileRequest` (`tableProfile`,
//! `columnProfile[]`, `systemProfile[]`), keyed by `tableProfile.timestamp` (epoch ms): a
//! write with a stored timestamp replaces that profile. Sample data is one `TableData` per
//! table, replaced by each write. Both are written for live tables only, kept through a soft
//! delete (a restore shows them again) and removed with a hard delete.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Catalog, CatalogError, Result};

/// One profile of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableProfile {
    /// `tableProfile.timestamp`: the profile's key within its table.
    timestamp: i64,
    table_profile: Value,
    column_profile: Vec<Value>,
    system_profile: Vec<Value>,
}

impl TableProfile {
    /// A profile from a request's parts; `table_profile` must hold an integer `timestamp`.
    pub fn new(
        table_profile: Value,
        column_profile: Vec<Value>,
        system_profile: Vec<Value>,
    ) -> Result<TableProfile> {
        let timestamp = table_profile
            .get("timestamp")
            .and_then(Value::as_i64)
            .ok_or(CatalogError::ProfileTimestamp)?;
        Ok(TableProfile {
            timestamp,
            table_profile,
            column_profile,
            system_profile,
        })
    }

    /// Epoch milliseconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// OpenMetadata's `tableProfile`.
    pub fn table_profile(&self) -> &Value {
        &self.table_profile
    }

    /// OpenMetadata's `columnProfile[]`.
    pub fn column_profile(&self) -> &[Value] {
        &self.column_profile
    }

    /// OpenMetadata's `systemProfile[]`.
    pub fn system_profile(&self) -> &[Value] {
        &self.system_profile
    }
}

/// One column's entry of a stored profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnProfile {
    /// The timestamp of the table profile holding it.
    pub timestamp: i64,
    /// The `columnProfile` entry as written.
    pub profile: Value,
}

/// Profiles of a time range, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfilePage {
    pub data: Vec<TableProfile>,
    /// Profiles in the range, beyond the limit too.
    pub total: u64,
}

/// Timestamps from `start` to `end`, both included (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    pub start: i64,
    pub end: i64,
}

impl Catalog {
    /// Stores a profile of the live table `table_id`, replacing the one with its timestamp.
    pub fn put_table_profile(&mut self, table_id: &str, profile: &TableProfile) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_live_table(&tx, table_id)?;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO table_profile (table_id, timestamp, table_profile, column_profile, system_profile)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            table_id,
            profile.timestamp,
            profile.table_profile.to_string(),
            Value::from(profile.column_profile.clone()).to_string(),
            Value::from(profile.system_profile.clone()).to_string(),
        ])?;
        tx.commit()?;
        Ok(())
    }

    /// The newest profile of a table.
    pub fn latest_table_profile(&self, table_id: &str) -> Result<Option<TableProfile>> {
        let page = self.table_profiles(
            table_id,
            TimeRange {
                start: i64::MIN,
                end: i64::MAX,
            },
            1,
        )?;
        Ok(page.data.into_iter().next())
    }

    /// Up to `limit` profiles of a table in `range`, newest first.
    pub fn table_profiles(
        &self,
        table_id: &str,
        range: TimeRange,
        limit: usize,
    ) -> Result<ProfilePage> {
        let total = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM table_profile
                 WHERE table_id = ?1 AND timestamp BETWEEN ?2 AND ?3",
            )?
            .query_row(params![table_id, range.start, range.end], |r| r.get(0))?;
        let rows: Vec<(String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT table_profile, column_profile, system_profile FROM table_profile
                 WHERE table_id = ?1 AND timestamp BETWEEN ?2 AND ?3
                 ORDER BY timestamp DESC LIMIT ?4",
            )?
            .query_map(params![table_id, range.start, range.end, limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let data = rows
            .iter()
            .map(|(table, columns, system)| {
                TableProfile::new(
                    parse(table_id, table)?,
                    parse(table_id, columns)?,
                    parse(table_id, system)?,
                )
            })
            .collect::<Result<_>>()?;
        Ok(ProfilePage { data, total })
    }

    /// The `columnProfile` entries named `column` of a table's profiles in `range`, newest
    /// first.
    pub fn column_profiles(
        &self,
        table_id: &str,
        column: &str,
        range: TimeRange,
    ) -> Result<Vec<ColumnProfile>> {
        let rows: Vec<(i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT p.timestamp, c.value FROM table_profile p, json_each(p.column_profile) c
                 WHERE p.table_id = ?1 AND p.timestamp BETWEEN ?2 AND ?3
                   AND json_extract(c.value, '$.name') = ?4
                 ORDER BY p.timestamp DESC, c.key",
            )?
            .query_map(params![table_id, range.start, range.end, column], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        column_profiles(table_id, rows)
    }

    /// The newest `columnProfile` entry of each column a table's profiles name.
    pub fn latest_column_profiles(&self, table_id: &str) -> Result<Vec<ColumnProfile>> {
        // SQLite takes the bare columns of a max() aggregate from the row holding the max.
        let rows: Vec<(i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT max(p.timestamp), c.value FROM table_profile p, json_each(p.column_profile) c
                 WHERE p.table_id = ?1 AND json_type(c.value, '$.name') = 'text'
                 GROUP BY json_extract(c.value, '$.name')",
            )?
            .query_map([table_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        column_profiles(table_id, rows)
    }

    /// Stores the sample data (`TableData`) of the live table `table_id`, replacing any.
    pub fn put_sample_data(&mut self, table_id: &str, data: &Value) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_live_table(&tx, table_id)?;
        tx.prepare_cached("INSERT OR REPLACE INTO sample_data (table_id, json) VALUES (?1, ?2)")?
            .execute(params![table_id, data.to_string()])?;
        tx.commit()?;
        Ok(())
    }

    /// The sample data of a table.
    pub fn sample_data(&self, table_id: &str) -> Result<Option<Value>> {
        let text: Option<String> = self
            .conn
            .prepare_cached("SELECT json FROM sample_data WHERE table_id = ?1")?
            .query_row([table_id], |r| r.get(0))
            .optional()?;
        text.map(|text| parse(table_id, &text)).transpose()
    }
}

fn require_live_table(conn: &rusqlite::Connection, table_id: &str) -> Result<()> {
    let live = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM entity WHERE id = ?1 AND entity_type = 'table' AND deleted = 0)",
        )?
        .query_row([table_id], |r| r.get::<_, bool>(0))?;
    if live {
        Ok(())
    } else {
        Err(CatalogError::NotFound {
            entity_type: ferrometa_model::EntityType::Table,
            fqn: table_id.to_string(),
        })
    }
}

/// Parses stored profile or sample JSON.
fn parse<T: DeserializeOwned>(table_id: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|source| CatalogError::CorruptProfile {
        table_id: table_id.to_string(),
        source,
    })
}

fn column_profiles(table_id: &str, rows: Vec<(i64, String)>) -> Result<Vec<ColumnProfile>> {
    rows.into_iter()
        .map(|(timestamp, text)| {
            Ok(ColumnProfile {
                timestamp,
                profile: parse(table_id, &text)?,
            })
        })
        .collect()
}
