//! Presence: how many sampled items contain each attribute path, as counts for
//! [`Inference::presence`](super::Inference::presence) and as the columns' description text.

use std::collections::BTreeMap;

use super::MAX_PRESENCE_PATHS;
use super::display::path_segment;
use super::node::{Fields, Node};

/// "present in 42 of 100 sampled items (42%)".
pub fn presence_text(present: u64, total: u64) -> String {
    let pct = if total == 0 {
        "0%".to_string()
    } else if present == total {
        "100%".to_string()
    } else if present == 0 {
        "0%".to_string()
    } else {
        let p = (present as f64 * 100.0 / total as f64).round() as u64;
        match p {
            0 => "<1%".to_string(),
            100 => ">99%".to_string(),
            p => format!("{p}%"),
        }
    };
    format!("present in {present} of {total} sampled items ({pct})")
}

pub(super) fn collect_presence(fields: &Fields, out: &mut BTreeMap<String, u64>) {
    walk_paths(fields, "", &mut |path, node| {
        if out.len() > MAX_PRESENCE_PATHS {
            return false;
        }
        out.insert(path.to_string(), node.present);
        true
    });
}

/// Visits every attribute path below `fields` that some item contains, parents first, in
/// the paths' order; `visit` returns false to stop descending.
pub(super) fn walk_paths(
    fields: &Fields,
    prefix: &str,
    visit: &mut impl FnMut(&str, &Node) -> bool,
) {
    for (name, node) in &fields.nodes {
        let path = if prefix.is_empty() {
            path_segment(name)
        } else {
            format!("{prefix}.{}", path_segment(name))
        };
        walk_node(node, &path, visit);
    }
}

fn walk_node(node: &Node, path: &str, visit: &mut impl FnMut(&str, &Node) -> bool) {
    // The element of lists that were all empty was never seen: it has no path.
    if node.present == 0 || !visit(path, node) {
        return;
    }
    if let Some(fields) = &node.map {
        walk_paths(fields, path, visit);
    }
    if let Some(element) = &node.list {
        let element_path = format!("{path}[]");
        if let Some(fields) = &element.map {
            walk_paths(fields, &element_path, visit);
        }
        if let Some(inner) = &element.list {
            walk_node(inner, &format!("{element_path}[]"), visit);
        }
    }
}
