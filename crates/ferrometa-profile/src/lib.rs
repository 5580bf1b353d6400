//! Column profiles of sampled DynamoDB items: counts (values, DynamoDB NULLs, absent
//! attributes), distinct and unique values, number statistics with quartiles and a histogram,
//! string and binary lengths, collection sizes and the mix of DynamoDB types per attribute path,
//! and their rendering as OpenMetadata's `columnProfile` JSON ([`json`]).
//!
//! Items are added one at a time ([`Profiler::add_item`]); what is kept per path is bounded
//! (see [`Limits`]), never the list of values. Paths are written as schema inference writes
//! them (`address.geo.lat`, `lines[].sku`, names with `.`, `[`, `]` or `"` quoted by
//! [`path_segment`]), so a profile joins the inferred column of the same path.
//!
//! What is exact and what is estimated:
//! - counts, min/max (exact decimal comparison, kept as DynamoDB's text), lengths, sizes and
//!   type mix are exact; sum, mean and stddev are computed in f64 (about 16 significant digits
//!   of DynamoDB's 38);
//! - distinct and unique counts are exact while a path has at most [`Limits::exact_values`]
//!   distinct values, then estimated from a bottom-k sketch ([`distinct`]);
//! - quartiles and the histogram are exact while a path has at most [`Limits::exact_values`]
//!   numbers, then computed from a uniform reservoir sample of that many ([`numbers`]).

mod column;
pub mod distinct;
pub mod json;
pub mod numbers;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
pub use ferrometa_dynamodb::infer::path_segment;

use column::ColumnState;
pub use numbers::{Histogram, NumberStats};

/// Bounds on what one [`Profiler`] keeps.
///
/// Memory per path is at most about `35 × exact_values` bytes plus the longest min/max
/// number text: the distinct sketch holds up to `exact_values` entries of a 64-bit hash and a
/// 32-bit count in a B-tree (about 26 bytes each with the tree's nodes), the number
/// reservoir `exact_values` f64s. With the defaults that is 344 KB for a number path with
/// 200,000 distinct values (measured), and at `max_paths` paths about 700 MB in the worst
/// case (every path a number with more than 10,000 distinct values); lower `exact_values`
/// for very wide tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting level profiled (top-level attributes are level 1), as inference's
    /// `maxDepth`; capped at [`ferrometa_config::MAX_DEPTH`]. Maps and lists at this level are
    /// profiled as values (with sizes) but not descended into.
    pub max_depth: u32,
    /// Most attribute paths profiled; values of further paths are left out with a warning.
    pub max_paths: usize,
    /// Distinct values counted exactly, and numbers kept for exact quartiles, per path
    /// (at least 2).
    pub exact_values: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 32,
            max_paths: 2000,
            exact_values: 10_000,
        }
    }
}

/// The profile of every attribute path seen in the items added.
#[derive(Debug, Clone, PartialEq)]
pub struct TableProfile {
    /// Items added.
    pub items: u64,
    /// One per attribute path, sorted by path.
    pub columns: Vec<ColumnProfile>,
    /// What the limits left out, one line per kind and place, sorted.
    pub warnings: Vec<String>,
}

/// The profile of one attribute path.
///
/// Counts are per *slot* of the path: for paths without `[]` a slot is an item; for paths
/// below a list (`lines[].sku`) a slot is an element of the innermost list (`lines[]`), so
/// `values_count + null_count + missing_count` is the number of items, or of elements of
/// that list across all items. An element that is not a map counts as missing for every
/// child path. `a[][]`, the elements of lists inside a list, is never missing.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnProfile {
    /// The attribute path, as inference writes it.
    pub path: String,
    /// True for top-level attributes (OpenMetadata's columns; others are children).
    pub top_level: bool,
    /// Slots where the path holds a value other than NULL.
    pub values_count: u64,
    /// Slots where the path holds DynamoDB's NULL.
    pub null_count: u64,
    /// Slots where the attribute is absent (distinct from NULL).
    pub missing_count: u64,
    /// Distinct non-NULL values (by type and content: the string `"1"` and the number `1`
    /// differ; sets and maps compare regardless of order; numbers by value, so `1`, `1.0`
    /// and `1E0` are one).
    pub distinct_count: u64,
    /// False once the path had more than [`Limits::exact_values`] distinct values: then
    /// `distinct_count` and `unique_count` are estimates (see [`distinct`]).
    pub distinct_exact: bool,
    /// Distinct values seen exactly once. When `distinct_exact` is false: the share of values
    /// seen once among the sketch's uniform sample of distinct values, times `distinct_count`.
    pub unique_count: u64,
    /// `values_count - distinct_count`, as OpenMetadata's DuplicateCount (`COUNT - COUNT
    /// DISTINCT`).
    pub duplicate_count: u64,
    /// Statistics of the numbers at this path (type N only; not the elements of sets).
    pub numbers: Option<NumberStats>,
    /// Lengths of strings (in characters) and binary values (in bytes).
    pub lengths: Option<LengthStats>,
    /// Element counts of sets and lists, key counts of maps.
    pub sizes: Option<LengthStats>,
    /// Occurrences per DynamoDB type, NULL included, in the order string, number, binary,
    /// boolean, null, map, list, string_set, number_set, binary_set; types not seen are left
    /// out. More than one entry makes the column a UNION.
    pub type_mix: Vec<(String, u64)>,
}

/// Length or size statistics (exact).
#[derive(Debug, Clone, PartialEq)]
pub struct LengthStats {
    pub min_length: u64,
    pub max_length: u64,
    pub mean: f64,
}

/// Profiles items added one at a time.
#[derive(Debug)]
pub struct Profiler {
    limits: Limits,
    items: u64,
    columns: BTreeMap<String, ColumnState>,
    /// Elements seen per list path (`lines[]`): the slots of the paths below it.
    elements: HashMap<String, u64>,
    warnings: BTreeSet<String>,
}

impl Profiler {
    /// A profiler within `limits` (`max_depth` capped at [`ferrometa_config::MAX_DEPTH`],
    /// `exact_values` at least 2).
    pub fn new(limits: Limits) -> Profiler {
        Profiler {
            limits: Limits {
                max_depth: limits.max_depth.clamp(1, ferrometa_config::MAX_DEPTH),
                max_paths: limits.max_paths,
                exact_values: limits.exact_values.max(2),
            },
            items: 0,
            columns: BTreeMap::new(),
            elements: HashMap::new(),
            warnings: BTreeSet::new(),
        }
    }

    /// Adds one item: every attribute path in it, within the limits.
    pub fn add_item(&mut self, item: &HashMap<String, AttributeValue>) {
        self.items += 1;
        // Name order, so which paths the path limit leaves out does not depend on the
        // map's iteration order.
        for (name, value) in sorted(item) {
            if let Some(segment) = self.segment(name, "") {
                self.visit(segment, None, value, 1);
            }
        }
    }

    /// The profile of every path seen, sorted by path.
    pub fn finish(self) -> TableProfile {
        let items = self.items;
        let elements = self.elements;
        let columns = self
            .columns
            .into_iter()
            .map(|(path, state)| {
                let slots = match &state.list {
                    None => items,
                    Some(list) => elements.get(list).copied().unwrap_or(0),
                };
                state.finish(path, slots)
            })
            .collect();
        TableProfile {
            items,
            columns,
            warnings: self.warnings.into_iter().collect(),
        }
    }

    /// The path segment of `name`, or `None` (with a warning) for the empty name DynamoDB
    /// does not allow.
    fn segment(&mut self, name: &str, parent: &str) -> Option<String> {
        if name.is_empty() {
            // Inference's wording, so the two warn alike.
            let at = if parent.is_empty() {
                " at the top level".to_string()
            } else {
                format!(" under `{}`", shown(parent))
            };
            self.warnings
                .insert(format!("an attribute with an empty name was left out{at}"));
            return None;
        }
        Some(path_segment(name))
    }

    /// Adds `value` at `path`, whose slots are the elements of `list` (`None`: the items),
    /// then what is below it.
    fn visit(&mut self, path: String, list: Option<&str>, value: &AttributeValue, depth: u32) {
        if !self.columns.contains_key(&path) {
            if self.columns.len() >= self.limits.max_paths {
                self.warnings.insert(format!(
                    "more than {} attribute paths; the others were left out",
                    self.limits.max_paths
                ));
                return;
            }
            let state = ColumnState::new(list.map(str::to_string), depth == 1, &self.limits);
            self.columns.insert(path.clone(), state);
        }
        if let Some(column) = self.columns.get_mut(&path) {
            column.add(value, &self.limits);
        }
        match value {
            AttributeValue::M(map) if !map.is_empty() && self.descends(depth, &path) => {
                for (name, child) in sorted(map) {
                    if let Some(segment) = self.segment(name, &path) {
                        self.visit(format!("{path}.{segment}"), list, child, depth + 1);
                    }
                }
            }
            AttributeValue::L(values) if !values.is_empty() && self.descends(depth, &path) => {
                self.elements_of(&format!("{path}[]"), values, depth + 1);
            }
            _ => {}
        }
    }

    /// The elements of a list at `element_path` (`lines[]`): each is a slot of the paths
    /// below; a map's attributes are profiled at `lines[].name`, a list's elements at
    /// `lines[][]`, as inference names them.
    fn elements_of(&mut self, element_path: &str, values: &[AttributeValue], depth: u32) {
        self.count_element(element_path, values.len() as u64);
        for element in values {
            match element {
                AttributeValue::M(map) if !map.is_empty() && self.descends(depth, element_path) => {
                    for (name, child) in sorted(map) {
                        if let Some(segment) = self.segment(name, element_path) {
                            let path = format!("{element_path}.{segment}");
                            self.visit(path, Some(element_path), child, depth + 1);
                        }
                    }
                }
                AttributeValue::L(inner)
                    if !inner.is_empty() && self.descends(depth, element_path) =>
                {
                    let inner_path = format!("{element_path}[]");
                    self.count_element(&inner_path, inner.len() as u64);
                    for value in inner {
                        self.visit(inner_path.clone(), Some(&inner_path), value, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    fn count_element(&mut self, element_path: &str, n: u64) {
        match self.elements.get_mut(element_path) {
            Some(count) => *count += n,
            None => {
                self.elements.insert(element_path.to_string(), n);
            }
        }
    }

    /// True below the depth limit; at it, a non-empty map or list is profiled as one value
    /// and not descended into (with a warning).
    fn descends(&mut self, depth: u32, path: &str) -> bool {
        if depth < self.limits.max_depth {
            return true;
        }
        self.warnings.insert(format!(
            "nesting deeper than {} levels at `{}` is profiled as whole values",
            self.limits.max_depth,
            shown(path)
        ));
        false
    }
}

/// The attributes of an item or a map, in name order.
fn sorted(map: &HashMap<String, AttributeValue>) -> Vec<(&String, &AttributeValue)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

/// A path as a warning shows it: on one line, cut at 120 characters (names run up to 64 KB).
fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(120)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_debug().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if text.chars().nth(120).is_some() {
        out.push('…');
    }
    out
}
