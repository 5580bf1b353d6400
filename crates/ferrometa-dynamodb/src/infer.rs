//! Schema inference: from sampled items (typed `AttributeValue`s) to OpenMetadata columns.
//!
//! Types come from DynamoDB's own type descriptors, never from the text of a value, so a
//! string `"1001"` stays a STRING and a number inside a map keeps its structure.
//!
//! | DynamoDB | dataType | dataTypeDisplay |
//! |---|---|---|
//! | S | STRING | `string` |
//! | N | BIGINT if every value is an integer that fits i64; DECIMAL if every value fits a `DECIMAL(38, s)` (at most 38 digits before plus after the point, taken over all values); NUMBER otherwise (e.g. `1E+125`) | `bigint` / `decimal` / `number` |
//! | B | BYTES (BINARY would require a `dataLength`) | `bytes` |
//! | BOOL | BOOLEAN | `boolean` |
//! | NULL | NULL when nothing else was seen; otherwise it only makes the column nullable | `null` |
//! | M | STRUCT, children = the union of keys over all maps, in name order; MAP if only empty maps were seen | `struct<a:string,b:bigint>` / `map<string,unknown>` |
//! | L | ARRAY, arrayDataType = the merged element type (UNKNOWN if only empty lists), children = the element's children (lists of maps) | `array<struct<...>>` |
//! | SS / NS / BS | SET (no arrayDataType: OpenMetadata keeps it only for ARRAY) | `set<string>` / `set<bigint>` / `set<bytes>` |
//! | different types for one path | UNION, one child per member type, named `string`, `number`, `binary`, `boolean`, `struct`, `array`, `string_set`, `number_set`, `binary_set`, `json` | `union<string,bigint>` |
//! | a map or list nested deeper than `maxDepth` | JSON (not descended into) | `json` |
//!
//! Columns: the key attributes first (hash, then range), typed from the table's
//! AttributeDefinitions (S → STRING, N → NUMBER, B → BYTES) and present even when the table
//! is empty; then every other top-level attribute in name order, so the columns of an
//! unchanged table never move, however the sample's items are ordered (a table read by one
//! request one day and by parallel segments the next gives the same columns). A single-attribute key puts
//! `PRIMARY_KEY` on its column; a composite key gives the table constraints
//! `[PRIMARY_KEY [hash, range], SORT_KEY [range]]` and no column constraint.
//!
//! Names are cut to 256 characters and then encoded ([`ferrometa_model::fqn::encode_name`]);
//! `displayName` carries the raw name when it differs, and struct displays use the encoded
//! names. Warnings show names on one line, cut at 120 characters. Each non-key column's
//! description says how many sampled items contain it; [`Inference::presence`] has the same
//! counts for every path (`address.geo.lat`, `lines[].sku`).
//!
//! Limits: nesting deeper than `maxDepth` becomes JSON, and a struct (or the table) with
//! more than `maxWidth` distinct attributes keeps the first `maxWidth`; both add a warning.
//! Recursion is bounded by the depth limit (at most [`MAX_DEPTH`]), so no item can
//! overflow the stack.
//!
//! This module holds the public API and the table-level step (key columns first, then the
//! merged attributes); by concern, `node` walks items into one node per path, `numbers`
//! types number texts, `merge` turns nodes into column types, `presence` counts items per
//! path, and `display` writes names, paths and type texts.

mod display;
mod merge;
mod node;
mod numbers;
mod presence;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use ferrometa_config::MAX_DEPTH;
use ferrometa_model::fqn::encode_name;
use ferrometa_model::{Column, ColumnConstraint, ConstraintType, DataType, TableConstraint};

use display::{PathTo, named_column, shown, truncate_chars, truncate_display};
use merge::node_type;
use node::{Fields, add_value, field_node, sorted};
// The unit tests and the fuzzer check number parsing directly.
pub use display::path_segment;
pub use numbers::Decimal;
#[cfg(test)]
use numbers::{NumStats, parse_number};
pub use presence::presence_text;
use presence::{collect_presence, walk_paths};

/// Upstream's `truncate_column_name` length.
pub const MAX_NAME_CHARS: usize = 256;
/// Longest `dataTypeDisplay`, in bytes, before it is cut with `…`.
pub const MAX_DISPLAY_BYTES: usize = 2048;
/// Most entries kept in [`Inference::presence`].
pub const MAX_PRESENCE_PATHS: usize = 2000;

/// Limits of inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting level described (top-level attributes are level 1).
    pub max_depth: u32,
    /// Most attributes kept per struct, and at the top level.
    pub max_width: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 32,
            max_width: 2000,
        }
    }
}

impl Limits {
    fn depth(&self) -> u32 {
        // Recipes cannot ask for more (it is a config error); limits built in code cannot either.
        self.max_depth.clamp(1, MAX_DEPTH)
    }

    fn width(&self) -> usize {
        self.max_width.max(1) as usize
    }
}

/// A key attribute and its declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttr {
    pub name: String,
    pub data_type: DataType,
}

impl KeyAttr {
    /// A key attribute from its AttributeDefinitions type (`S`, `N`, `B`).
    pub fn from_definition(name: &str, attribute_type: Option<&str>) -> Self {
        let data_type = match attribute_type {
            Some("S") => DataType::String,
            Some("N") => DataType::Number,
            Some("B") => DataType::Bytes,
            _ => DataType::Unknown,
        };
        KeyAttr {
            name: name.to_string(),
            data_type,
        }
    }
}

/// The table's primary key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrimaryKey {
    pub hash: Option<KeyAttr>,
    pub range: Option<KeyAttr>,
}

/// The result of inference for one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Inference {
    pub columns: Vec<Column>,
    pub table_constraints: Option<Vec<TableConstraint>>,
    /// Items that contain each attribute path, sorted by path.
    pub presence: Vec<(String, u64)>,
    /// Items inferred from.
    pub items: u64,
    /// Limits hit and names left out, sorted and deduplicated.
    pub warnings: Vec<String>,
}

/// One attribute path of the items inferred from: its type text and how many contain it.
#[derive(Debug, Clone, PartialEq)]
pub struct PathSummary {
    /// As in [`Inference::presence`] (`address.geo.lat`, `lines[].sku`).
    pub path: String,
    /// The `dataTypeDisplay` its column (or child column) gets.
    pub display: String,
    pub present: u64,
}

/// Accumulates items and turns them into columns.
#[derive(Debug)]
pub struct Inferrer {
    limits: Limits,
    root: Fields,
    items: u64,
    warnings: BTreeSet<String>,
}

impl Inferrer {
    pub fn new(limits: Limits) -> Self {
        Inferrer {
            limits,
            root: Fields::default(),
            items: 0,
            warnings: BTreeSet::new(),
        }
    }

    /// Items added so far.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// Adds one item. Attributes are visited in name order.
    pub fn add_item(&mut self, item: &HashMap<String, AttributeValue>) {
        self.items += 1;
        let item_no = self.items;
        let width = self.limits.width();
        let Inferrer {
            root,
            warnings,
            limits,
            ..
        } = self;
        for (name, value) in sorted(item) {
            if let Some(node) = field_node(root, name, width, None, warnings) {
                let path = PathTo::Top(name);
                add_value(node, value, 1, item_no, limits, &path, warnings);
            }
        }
    }

    /// Every attribute path with its type text and presence, in path order (at most
    /// [`MAX_PRESENCE_PATHS`]).
    pub fn paths(&self) -> Vec<PathSummary> {
        let mut out = Vec::new();
        walk_paths(&self.root, "", &mut |path, node| {
            if out.len() >= MAX_PRESENCE_PATHS {
                return false;
            }
            out.push(PathSummary {
                path: path.to_string(),
                display: truncate_display(node_type(node, self.items).display),
                present: node.present,
            });
            true
        });
        out
    }

    /// The columns, constraints and presence counts for a table with this key.
    pub fn finish(self, key: &PrimaryKey) -> Inference {
        let Inferrer {
            limits: _,
            root,
            items,
            mut warnings,
        } = self;
        let key_names: Vec<&KeyAttr> = key.hash.iter().chain(key.range.iter()).collect();
        let mut columns = Vec::new();
        let mut used = BTreeSet::new();
        let single_key = key.hash.is_some() && key.range.is_none();
        for (i, attr) in key_names.iter().enumerate() {
            let mut col = named_column(&attr.name);
            col.data_type = attr.data_type;
            col.data_type_display = Some(attr.data_type.as_str().to_lowercase());
            col.description = Some(
                if i == 0 {
                    "Partition key."
                } else {
                    "Sort key."
                }
                .to_string(),
            );
            if single_key {
                col.constraint = Some(ColumnConstraint::PrimaryKey);
            }
            used.insert(col.name.clone());
            columns.push(col);
        }
        for (name, node) in &root.nodes {
            if key_names.iter().any(|k| &k.name == name) {
                continue;
            }
            let mut col = named_column(name);
            if !used.insert(col.name.clone()) {
                warnings.insert(format!(
                    "attribute `{}` left out: its truncated name repeats another column",
                    shown(name)
                ));
                continue;
            }
            let typed = node_type(node, items);
            col.data_type = typed.data_type;
            col.array_data_type = typed.array_data_type;
            col.data_type_display = Some(truncate_display(typed.display));
            col.children = typed.children;
            col.description = Some(presence_text(node.present, items));
            columns.push(col);
        }
        let table_constraints = match (&key.hash, &key.range) {
            (Some(hash), Some(range)) => {
                let pk = encode_name(truncate_chars(&hash.name, MAX_NAME_CHARS));
                let sk = encode_name(truncate_chars(&range.name, MAX_NAME_CHARS));
                Some(vec![
                    TableConstraint::new(ConstraintType::PrimaryKey, vec![pk, sk.clone()]),
                    TableConstraint::new(ConstraintType::SortKey, vec![sk]),
                ])
            }
            _ => None,
        };
        let mut presence = BTreeMap::new();
        collect_presence(&root, &mut presence);
        if presence.len() > MAX_PRESENCE_PATHS {
            warnings.insert(format!(
                "{} attribute paths found; presence is kept for the first {MAX_PRESENCE_PATHS}",
                presence.len()
            ));
        }
        let presence = presence.into_iter().take(MAX_PRESENCE_PATHS).collect();
        Inference {
            columns,
            table_constraints,
            presence,
            items,
            warnings: warnings.into_iter().collect(),
        }
    }
}

/// Infers columns from a slice of items in one go.
pub fn infer(
    items: &[HashMap<String, AttributeValue>],
    key: &PrimaryKey,
    limits: Limits,
) -> Inference {
    let mut inferrer = Inferrer::new(limits);
    for item in items {
        inferrer.add_item(item);
    }
    inferrer.finish(key)
}
