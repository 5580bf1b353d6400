//! What is seen at each attribute path: the item walk that adds values to a tree of nodes,
//! one per path, within the depth and width limits.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;

use super::Limits;
use super::display::{PathTo, at_path, shown};
use super::numbers::NumStats;

/// Everything seen at one attribute path.
#[derive(Debug, Default)]
pub(super) struct Node {
    /// Items containing this path.
    pub(super) present: u64,
    /// The last item counted in `present` (1-based; 0 = none yet).
    pub(super) last_item: u64,
    pub(super) string: bool,
    pub(super) number: Option<NumStats>,
    pub(super) binary: bool,
    pub(super) boolean: bool,
    pub(super) null: bool,
    pub(super) unknown: bool,
    pub(super) map: Option<Fields>,
    pub(super) list: Option<Box<Node>>,
    pub(super) string_set: bool,
    pub(super) number_set: Option<NumStats>,
    pub(super) binary_set: bool,
    /// A map or list below the depth limit.
    pub(super) deep: bool,
}

/// The attributes of a struct (or of the table), by name: the columns' order.
#[derive(Debug, Default)]
pub(super) struct Fields {
    pub(super) nodes: BTreeMap<String, Node>,
}

/// The attributes of an item or a map, in name order.
pub(super) fn sorted(map: &HashMap<String, AttributeValue>) -> Vec<(&String, &AttributeValue)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

/// The node for `name` under `fields` (the table's when `parent_path` is `None`), created
/// on first sight unless the width limit is hit.
pub(super) fn field_node<'a>(
    fields: &'a mut Fields,
    name: &str,
    width: usize,
    parent_path: Option<&PathTo<'_>>,
    warnings: &mut BTreeSet<String>,
) -> Option<&'a mut Node> {
    if name.is_empty() {
        warnings.insert(format!(
            "an attribute with an empty name was left out{}",
            at_path(parent_path)
        ));
        return None;
    }
    if !fields.nodes.contains_key(name) {
        if fields.nodes.len() >= width {
            warnings.insert(format!(
                "more than {width} attributes{}; the others were left out",
                at_path(parent_path)
            ));
            return None;
        }
        fields.nodes.insert(name.to_string(), Node::default());
    }
    fields.nodes.get_mut(name)
}

pub(super) fn add_value(
    node: &mut Node,
    value: &AttributeValue,
    depth: u32,
    item_no: u64,
    limits: &Limits,
    path: &PathTo<'_>,
    warnings: &mut BTreeSet<String>,
) {
    if node.last_item != item_no {
        node.last_item = item_no;
        node.present += 1;
    }
    match value {
        AttributeValue::S(_) => node.string = true,
        AttributeValue::N(v) => node.number.get_or_insert_with(NumStats::default).add(v),
        AttributeValue::B(_) => node.binary = true,
        AttributeValue::Bool(_) => node.boolean = true,
        AttributeValue::Null(_) => node.null = true,
        AttributeValue::Ss(_) => node.string_set = true,
        AttributeValue::Ns(values) => {
            let stats = node.number_set.get_or_insert_with(NumStats::default);
            for v in values {
                stats.add(v);
            }
        }
        AttributeValue::Bs(_) => node.binary_set = true,
        AttributeValue::M(map) => {
            if at_depth_limit(node, map.is_empty(), depth, limits, path, warnings) {
                if map.is_empty() {
                    node.map.get_or_insert_with(Fields::default);
                }
                return;
            }
            let fields = node.map.get_or_insert_with(Fields::default);
            for (name, value) in sorted(map) {
                let width = limits.width();
                if let Some(child) = field_node(fields, name, width, Some(path), warnings) {
                    let child_path = PathTo::Field(path, name);
                    add_value(
                        child,
                        value,
                        depth + 1,
                        item_no,
                        limits,
                        &child_path,
                        warnings,
                    );
                }
            }
        }
        AttributeValue::L(values) => {
            if at_depth_limit(node, values.is_empty(), depth, limits, path, warnings) {
                if values.is_empty() {
                    node.list.get_or_insert_with(Box::default);
                }
                return;
            }
            let element = node.list.get_or_insert_with(Box::default);
            let child_path = PathTo::Element(path);
            for v in values {
                add_value(
                    element,
                    v,
                    depth + 1,
                    item_no,
                    limits,
                    &child_path,
                    warnings,
                );
            }
        }
        _ => node.unknown = true,
    }
}

/// True at the depth limit, where a non-empty map or list is kept as opaque json (with a
/// warning) instead of being descended into.
pub(super) fn at_depth_limit(
    node: &mut Node,
    empty: bool,
    depth: u32,
    limits: &Limits,
    path: &PathTo<'_>,
    warnings: &mut BTreeSet<String>,
) -> bool {
    if depth < limits.depth() {
        return false;
    }
    if !empty {
        node.deep = true;
        warnings.insert(format!(
            "nesting deeper than {} levels at `{}` is described as json",
            limits.depth(),
            shown(&path.to_string())
        ));
    }
    true
}
