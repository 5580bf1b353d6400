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

pub(super) fn collect_presence(fields: &Fields, prefix: &str, out: &mut BTreeMap<String, u64>) {
    for (name, node) in &fields.nodes {
        let path = if prefix.is_empty() {
            path_segment(name)
        } else {
            format!("{prefix}.{}", path_segment(name))
        };
        collect_node_presence(node, &path, out);
    }
}

pub(super) fn collect_node_presence(node: &Node, path: &str, out: &mut BTreeMap<String, u64>) {
    // The element of lists that were all empty was never seen: it has no path.
    if out.len() > MAX_PRESENCE_PATHS || node.present == 0 {
        return;
    }
    out.insert(path.to_string(), node.present);
    if let Some(fields) = &node.map {
        collect_presence(fields, path, out);
    }
    if let Some(element) = &node.list {
        let element_path = format!("{path}[]");
        if let Some(fields) = &element.map {
            collect_presence(fields, &element_path, out);
        }
        if let Some(inner) = &element.list {
            collect_node_presence(inner, &format!("{element_path}[]"), out);
        }
    }
}
