//! The Profiler's `CreateTableProfileRequest`: [`ferrometa_profile::json::create_table_profile`]
//! of the sample, with `tableProfile` completed from DescribeTable and the sample actually read.
//!
//! - `rowCount`: the sample's count when it read the whole table (DescribeTable's `ItemCount`
//!   is refreshed by AWS only about every six hours), else `ItemCount`, or the sample's count
//!   when that is larger;
//! - `columnCount`: the stored table's top-level columns (the sample's top-level attributes
//!   when nothing is stored);
//! - `sizeInByte`: `TableSizeBytes`; `createDateTime`: `CreationDateTime` (ISO 8601);
//! - `profileSample` / `profileSampleType`: the share of `rowCount` the sample covered
//!   (`PERCENTAGE`), or, with `ROWS` asked or the row count unknown, the items read (`ROWS`).
//!
//! `computeTableMetrics: false` leaves out the four table metrics, `computeColumnMetrics:
//! false` every `columnProfile`; `metrics` keeps only the named column metrics (with `name`
//! and `timestamp`).

use crate::columns::{ColumnNode, find};
use ferrometa_config::{ProfileSampleType, ProfilerConfig};
use ferrometa_profile::TableProfile;
use serde_json::{Map, Value, json};

/// DescribeTable's figures of one table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableFacts {
    pub item_count: Option<i64>,
    pub size_bytes: Option<i64>,
    /// `CreationDateTime`, ISO 8601.
    pub created: Option<String>,
    /// Top-level columns the catalog stores for the table.
    pub stored_columns: usize,
}

/// What the sample read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleFacts {
    pub items: u64,
    /// True when the sample read the whole table.
    pub complete: bool,
}

/// The request body of one table's profile, taken at `timestamp_ms`. Each `columnProfile`
/// is named as OpenMetadata names the stored column (`lines.sku` for the attribute path
/// `lines[].sku`); paths the stored tree lacks (an attribute the metadata run has not seen, a
/// `UNION`'s members) are left out, since a server refuses a profile naming a column the
/// table does not have.
pub fn table_profile_request(
    profile: &TableProfile,
    tree: &[ColumnNode],
    facts: &TableFacts,
    sample: SampleFacts,
    config: &ProfilerConfig,
    timestamp_ms: i64,
) -> Value {
    let mut body = ferrometa_profile::json::create_table_profile(profile, timestamp_ms);
    if let Some(columns) = body["columnProfile"].as_array_mut() {
        columns.retain_mut(|column| {
            let stored = column["name"].as_str().and_then(|path| find(tree, path));
            match stored {
                Some(node) => {
                    column["name"] = json!(node.column_path);
                    true
                }
                None => false,
            }
        });
    }
    let row_count = row_count(facts.item_count, sample);
    let table = body["tableProfile"]
        .as_object_mut()
        .expect("create_table_profile writes tableProfile");
    if config.compute_table_metrics {
        table.insert("rowCount".into(), json!(row_count));
        if facts.stored_columns > 0 {
            table.insert("columnCount".into(), json!(facts.stored_columns));
        }
        if let Some(size) = facts.size_bytes {
            table.insert("sizeInByte".into(), json!(size));
        }
        if let Some(created) = &facts.created {
            table.insert("createDateTime".into(), json!(created));
        }
    } else {
        table.remove("rowCount");
        table.remove("columnCount");
    }
    let (sample_value, sample_type) = match config.profile_sample_type {
        ProfileSampleType::Percentage if row_count > 0 => (
            json!((sample.items as f64 * 100.0 / row_count as f64).min(100.0)),
            "PERCENTAGE",
        ),
        _ => (json!(sample.items), "ROWS"),
    };
    table.insert("profileSample".into(), sample_value);
    table.insert("profileSampleType".into(), json!(sample_type));

    if !config.compute_column_metrics {
        body["columnProfile"] = json!([]);
    } else if let Some(metrics) = &config.metrics {
        let wanted: Vec<String> = metrics.iter().map(|m| m.to_lowercase()).collect();
        if let Some(columns) = body["columnProfile"].as_array_mut() {
            for column in columns.iter_mut() {
                if let Some(map) = column.as_object_mut() {
                    let kept: Map<String, Value> = std::mem::take(map)
                        .into_iter()
                        .filter(|(k, _)| {
                            k == "name" || k == "timestamp" || wanted.contains(&k.to_lowercase())
                        })
                        .collect();
                    *map = kept;
                }
            }
        }
    }
    body
}

/// The table's row count: see the module documentation.
pub fn row_count(item_count: Option<i64>, sample: SampleFacts) -> u64 {
    if sample.complete {
        return sample.items;
    }
    let described = item_count.and_then(|c| u64::try_from(c).ok()).unwrap_or(0);
    described.max(sample.items)
}

/// The items to ask the sample for: `profileSample` of the table (`PERCENTAGE` of
/// `ItemCount`, rounded up; `ROWS` as given), within `budget_items`. A percentage of an
/// unknown or zero count (stale, or a new table) asks for the whole budget.
pub fn wanted_items(config: &ProfilerConfig, item_count: Option<i64>, budget_items: u32) -> u32 {
    let Some(sample) = config.profile_sample else {
        return budget_items;
    };
    let wanted = match config.profile_sample_type {
        ProfileSampleType::Rows => sample.ceil(),
        ProfileSampleType::Percentage => match item_count {
            Some(count) if count > 0 => (count as f64 * sample / 100.0).ceil(),
            _ => return budget_items,
        },
    };
    if wanted >= f64::from(budget_items) {
        budget_items
    } else {
        // At least one item: a positive share of a table with items.
        (wanted as u32).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_asked_for_follows_profile_sample() {
        let mut config = ProfilerConfig::default();
        assert_eq!(wanted_items(&config, Some(500), 100), 100);
        config.profile_sample = Some(10.0);
        assert_eq!(wanted_items(&config, Some(500), 100), 50);
        assert_eq!(wanted_items(&config, Some(0), 100), 100);
        assert_eq!(wanted_items(&config, Some(5000), 100), 100);
        config.profile_sample_type = ProfileSampleType::Rows;
        config.profile_sample = Some(7.0);
        assert_eq!(wanted_items(&config, Some(500), 100), 7);
        assert_eq!(wanted_items(&config, None, 5), 5);
    }

    #[test]
    fn row_count_prefers_a_complete_sample() {
        let whole = SampleFacts {
            items: 12,
            complete: true,
        };
        assert_eq!(row_count(Some(0), whole), 12);
        assert_eq!(row_count(Some(40), whole), 12);
        let part = SampleFacts {
            items: 12,
            complete: false,
        };
        assert_eq!(row_count(Some(40), part), 40);
        assert_eq!(row_count(Some(3), part), 12);
    }
}
