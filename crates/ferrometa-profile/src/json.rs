//! Profiles as OpenMetadata's JSON: `columnProfile` and the `CreateTableProfileRequest` of
//! `PUT /api/v1/tables/{id}/tableProfile` (`table.json#/definitions/columnProfile`).
//!
//! Units follow upstream's profiler: `nullProportion` is `nullCount / (nullCount +
//! valuesCount)`, `distinctProportion` and `uniqueProportion` are over `valuesCount`, all
//! 0..1; `missingPercentage` is 0..100 ("percentage" in the schema), over the path's slots
//! (`valuesCount + nullCount + missingCount`: the items, or the list's elements). Upstream
//! describes `missingCount` as "valuesCount − validCount"; here it counts absent attributes,
//! which is what "missing" means in DynamoDB. A ratio whose denominator is zero is left out,
//! as are number fields of a path without numbers. `min`/`max` are JSON numbers: integers
//! when DynamoDB's text is an integer that fits in 64 bits, else the nearest f64 (the exact
//! text is in [`NumberStats`](crate::NumberStats)). `minLength`/`maxLength` are string
//! lengths in characters and binary lengths in bytes. OpenMetadata has no field saying a
//! count or quartile is estimated: estimates (see [`ColumnProfile::distinct_exact`] and
//! [`NumberStats::quantiles_exact`](crate::NumberStats::quantiles_exact)) are sent as they are.

use serde_json::{Map, Value, json};

use crate::{ColumnProfile, TableProfile};

/// One `columnProfile`, named by the column's path, taken at `timestamp_ms` (epoch ms).
pub fn column_profile(column: &ColumnProfile, timestamp_ms: i64) -> Value {
    let mut out = Map::new();
    let mut put = |key: &str, value: Value| {
        out.insert(key.to_string(), value);
    };
    put("name", json!(column.path));
    put("timestamp", json!(timestamp_ms));
    put("valuesCount", json!(column.values_count));
    put("nullCount", json!(column.null_count));
    let present = column.values_count + column.null_count;
    if let Some(p) = ratio(column.null_count, present) {
        put("nullProportion", p);
    }
    put("missingCount", json!(column.missing_count));
    let slots = present + column.missing_count;
    if slots > 0 {
        put(
            "missingPercentage",
            json!(column.missing_count as f64 * 100.0 / slots as f64),
        );
    }
    put("distinctCount", json!(column.distinct_count));
    if let Some(p) = ratio(column.distinct_count, column.values_count) {
        put("distinctProportion", p);
    }
    put("uniqueCount", json!(column.unique_count));
    if let Some(p) = ratio(column.unique_count, column.values_count) {
        put("uniqueProportion", p);
    }
    put("duplicateCount", json!(column.duplicate_count));
    if let Some(n) = &column.numbers {
        put("min", number(&n.min));
        put("max", number(&n.max));
        put("mean", json!(n.mean));
        put("sum", json!(n.sum));
        put("stddev", json!(n.stddev));
        put("median", json!(n.median));
        put("firstQuartile", json!(n.first_quartile));
        put("thirdQuartile", json!(n.third_quartile));
        put(
            "interQuartileRange",
            json!(n.third_quartile - n.first_quartile),
        );
        put(
            "histogram",
            json!({
                "boundaries": n.histogram.boundaries,
                "frequencies": n.histogram.frequencies,
            }),
        );
    }
    if let Some(l) = &column.lengths {
        put("minLength", json!(l.min_length));
        put("maxLength", json!(l.max_length));
    }
    Value::Object(out)
}

/// The body of `PUT /api/v1/tables/{id}/tableProfile`: `tableProfile` with `rowCount` the
/// items profiled and `columnCount` the top-level attributes, and one `columnProfile` per
/// path.
pub fn create_table_profile(profile: &TableProfile, timestamp_ms: i64) -> Value {
    let top_level = profile.columns.iter().filter(|c| c.top_level).count();
    json!({
        "tableProfile": {
            "timestamp": timestamp_ms,
            "rowCount": profile.items,
            "columnCount": top_level,
        },
        "columnProfile": profile
            .columns
            .iter()
            .map(|c| column_profile(c, timestamp_ms))
            .collect::<Vec<_>>(),
    })
}

fn ratio(part: u64, whole: u64) -> Option<Value> {
    (whole > 0).then(|| json!(part as f64 / whole as f64))
}

fn number(text: &str) -> Value {
    let text = text.trim();
    if let Ok(i) = text.parse::<i64>() {
        return json!(i);
    }
    if let Ok(u) = text.parse::<u64>() {
        return json!(u);
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}
