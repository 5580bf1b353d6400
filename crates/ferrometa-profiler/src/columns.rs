//! The stored column tree of a table as attribute paths, and the values a sample holds at
//! each column.
//!
//! A column's attribute name is its `displayName` when set (inference puts the raw name
//! there when encoding changed it), else its `name`. Children of a `STRUCT` are the map's
//! keys (`address.city`), children of an `ARRAY` those of its map elements (`lines[].sku`),
//! as [`ferrometa_profile::path_segment`] writes paths, so they match the profile's and
//! inference's paths. `UNION` members are not attribute names and are not descended into.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use ferrometa_model::fqn::child;
use ferrometa_model::{Column, DataType};
use ferrometa_profile::path_segment;

/// One stored column, with its children by attribute name.
#[derive(Debug, Clone)]
pub struct ColumnNode {
    /// The attribute name (raw, as in the items).
    pub attribute: String,
    /// The stored (encoded) column name.
    pub name: String,
    /// The attribute path, e.g. `lines[].sku`.
    pub path: String,
    /// The stored names from the top-level column down, joined by `.` (`lines.sku`): how
    /// OpenMetadata names a nested column in a `columnProfile`.
    pub column_path: String,
    /// The column's FQN.
    pub fqn: String,
    /// The tag FQNs the column carries.
    pub tags: Vec<String>,
    /// Children by attribute name.
    pub children: Vec<ColumnNode>,
}

impl ColumnNode {
    /// The child named `attribute`.
    pub fn child(&self, attribute: &str) -> Option<&ColumnNode> {
        self.children.iter().find(|c| c.attribute == attribute)
    }

    /// This node and every node below it, parents first.
    pub fn walk(&self) -> Vec<&ColumnNode> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }

    /// Whether the column carries a tag of the `PII` classification.
    pub fn has_pii_tag(&self) -> bool {
        self.tags.iter().any(|t| t.starts_with("PII."))
    }
}

/// The column trees of a stored table whose FQN is `table_fqn`. A column without a stored
/// FQN gets its parent's FQN plus its name, as the catalog assigns them.
pub fn column_tree(table_fqn: &str, columns: &[Column]) -> Vec<ColumnNode> {
    columns
        .iter()
        .map(|c| node(c, table_fqn, None, false))
        .collect()
}

/// The node whose attribute path is `path`, anywhere in `tree`.
pub fn find<'a>(tree: &'a [ColumnNode], path: &str) -> Option<&'a ColumnNode> {
    tree.iter()
        .flat_map(ColumnNode::walk)
        .find(|node| node.path == path)
}

fn node(
    column: &Column,
    parent_fqn: &str,
    parent: Option<(&str, &str)>,
    in_array: bool,
) -> ColumnNode {
    let parent_path = parent.map(|(path, _)| path);
    let attribute = column
        .display_name
        .clone()
        .unwrap_or_else(|| column.name.clone());
    let segment = path_segment(&attribute);
    let path = match parent_path {
        None => segment,
        Some(p) if in_array => format!("{p}[].{segment}"),
        Some(p) => format!("{p}.{segment}"),
    };
    let column_path = match parent {
        None => column.name.clone(),
        Some((_, names)) => format!("{names}.{}", column.name),
    };
    let fqn = column
        .fully_qualified_name
        .clone()
        .unwrap_or_else(|| child(parent_fqn, &column.name));
    let tags = column
        .tags
        .iter()
        .flatten()
        .map(|t| t.tag_fqn.clone())
        .collect();
    let children = match column.data_type {
        DataType::Struct | DataType::Array => column
            .children
            .iter()
            .flatten()
            .map(|c| {
                let parent = Some((path.as_str(), column_path.as_str()));
                node(c, &fqn, parent, column.data_type == DataType::Array)
            })
            .collect(),
        _ => Vec::new(),
    };
    ColumnNode {
        attribute,
        name: column.name.clone(),
        path,
        column_path,
        fqn,
        tags,
        children,
    }
}

/// The values of one sample at each column path, as text (the classifier's input).
#[derive(Debug, Default)]
pub struct ColumnValues {
    /// Values by column FQN.
    pub by_fqn: HashMap<String, Vec<String>>,
}

impl ColumnValues {
    /// Adds the values of `item` at every column of `tree`.
    pub fn add_item(&mut self, tree: &[ColumnNode], item: &HashMap<String, AttributeValue>) {
        for column in tree {
            if let Some(value) = item.get(&column.attribute) {
                self.add_value(column, value);
            }
        }
    }

    /// A map descends into the column's children; a list's elements are values at the
    /// column's path; sets give each element; NULL gives nothing.
    fn add_value(&mut self, column: &ColumnNode, value: &AttributeValue) {
        match value {
            AttributeValue::M(map) => {
                for (key, v) in map {
                    if let Some(c) = column.child(key) {
                        self.add_value(c, v);
                    }
                }
            }
            AttributeValue::L(list) => {
                for v in list {
                    self.add_value(column, v);
                }
            }
            AttributeValue::Ss(set) | AttributeValue::Ns(set) => {
                self.push(column, set.iter().cloned())
            }
            AttributeValue::Bs(set) => {
                self.push(column, set.iter().map(|b| base64_text(b.as_ref())));
            }
            AttributeValue::Null(_) => {}
            scalar => {
                if let Some(text) = scalar_text(scalar) {
                    self.push(column, std::iter::once(text));
                }
            }
        }
    }

    fn push(&mut self, column: &ColumnNode, values: impl Iterator<Item = String>) {
        self.by_fqn
            .entry(column.fqn.clone())
            .or_default()
            .extend(values);
    }
}

/// The text of a scalar value: strings as they are, numbers as DynamoDB's text, binary in
/// base64, booleans as `true`/`false`.
pub fn scalar_text(value: &AttributeValue) -> Option<String> {
    match value {
        AttributeValue::S(s) | AttributeValue::N(s) => Some(s.clone()),
        AttributeValue::B(b) => Some(base64_text(b.as_ref())),
        AttributeValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn base64_text(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use ferrometa_model::DataType;

    use super::*;

    fn col(name: &str, data_type: DataType, children: Vec<Column>) -> Column {
        let mut c = Column::new(name, data_type);
        if !children.is_empty() {
            c.children = Some(children);
        }
        c
    }

    #[test]
    fn paths_and_fqns_follow_the_tree() {
        let columns = vec![
            col(
                "address",
                DataType::Struct,
                vec![col("city", DataType::String, vec![])],
            ),
            col(
                "lines",
                DataType::Array,
                vec![col("sku", DataType::String, vec![])],
            ),
        ];
        let tree = column_tree("s.d.sc.t", &columns);
        let all: Vec<(String, String)> = tree
            .iter()
            .flat_map(|n| n.walk())
            .map(|n| (n.path.clone(), n.fqn.clone()))
            .collect();
        assert_eq!(
            all,
            [
                ("address".to_string(), "s.d.sc.t.address".to_string()),
                ("address.city".into(), "s.d.sc.t.address.city".into()),
                ("lines".into(), "s.d.sc.t.lines".into()),
                ("lines[].sku".into(), "s.d.sc.t.lines.sku".into()),
            ]
        );
        let item: HashMap<String, AttributeValue> = [
            (
                "address".to_string(),
                AttributeValue::M([("city".into(), AttributeValue::S("Oslo".into()))].into()),
            ),
            (
                "lines".to_string(),
                AttributeValue::L(vec![
                    AttributeValue::M([("sku".into(), AttributeValue::S("A1".into()))].into()),
                    AttributeValue::M([("sku".into(), AttributeValue::S("B2".into()))].into()),
                ]),
            ),
        ]
        .into();
        let mut values = ColumnValues::default();
        values.add_item(&tree, &item);
        assert_eq!(values.by_fqn["s.d.sc.t.address.city"], ["Oslo"]);
        assert_eq!(values.by_fqn["s.d.sc.t.lines.sku"], ["A1", "B2"]);
        assert!(!values.by_fqn.contains_key("s.d.sc.t.address"));
    }
}
