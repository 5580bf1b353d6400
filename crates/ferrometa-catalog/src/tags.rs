//! Column tags over a stored table's content: the classifier's suggestions added by
//! OpenMetadata's auto-classification rule, and the tags a metadata run must not erase.
//!
//! Columns are found by FQN anywhere in the `columns` tree, children included, with FQNs
//! compared in canonical quoting.

use ferrometa_model::{ColumnTag, classification};
use serde_json::{Map, Value};

use crate::request::canonical_fqn;
use crate::{CatalogError, Result};

/// Adds each tag to its column unless the column already has a tag of the same
/// classification (a person's tag is never replaced, and no tag is duplicated). A column
/// the table does not have is an error naming it, and nothing is changed then.
pub(crate) fn add_column_tags(
    table_fqn: &str,
    content: &mut Map<String, Value>,
    tags: &[ColumnTag],
) -> Result<()> {
    let mut edited = content.clone();
    for tag in tags {
        let wanted = canonical_fqn(&tag.column);
        let column = match edited.get_mut("columns") {
            Some(Value::Array(columns)) => find_column(columns, &wanted),
            _ => None,
        }
        .ok_or_else(|| CatalogError::UnknownColumn {
            table: table_fqn.to_string(),
            column: tag.column.clone(),
        })?;
        let existing = column.get("tags").and_then(Value::as_array);
        if !allows(existing.map_or(&[], Vec::as_slice), &tag.tag.tag_fqn) {
            continue;
        }
        let label = serde_json::to_value(&tag.tag).expect("tag labels always serialize");
        match column.get_mut("tags") {
            Some(Value::Array(existing)) => existing.push(label),
            _ => {
                column.insert("tags".into(), Value::Array(vec![label]));
            }
        }
    }
    *content = edited;
    Ok(())
}

/// Whether a column with the tags `existing` takes a tag `tag_fqn`: only when none of them
/// is of its classification.
pub(crate) fn allows(existing: &[Value], tag_fqn: &str) -> bool {
    let wanted = classification(tag_fqn);
    !existing.iter().any(|tag| {
        tag.get("tagFQN")
            .and_then(Value::as_str)
            .is_some_and(|fqn| classification(fqn) == wanted)
    })
}

/// Keeps the stored tags of each column (by FQN) for which the new content has none, so
/// that a metadata run, whose requests carry no column tags, does not erase the tags the
/// classifier or a person added.
pub(crate) fn carry_column_tags(stored: &Map<String, Value>, new: &mut Map<String, Value>) {
    let mut kept = Vec::new();
    if let Some(Value::Array(columns)) = stored.get("columns") {
        collect_tags(columns, &mut kept);
    }
    if kept.is_empty() {
        return;
    }
    if let Some(Value::Array(columns)) = new.get_mut("columns") {
        restore_tags(columns, &kept);
    }
}

/// The column with the canonical FQN `wanted`, searched depth first.
fn find_column<'a>(columns: &'a mut [Value], wanted: &str) -> Option<&'a mut Map<String, Value>> {
    for column in columns.iter_mut().filter_map(Value::as_object_mut) {
        if column_fqn(column).as_deref() == Some(wanted) {
            return Some(column);
        }
        // Only descend where the FQN can lead.
        let prefix = column_fqn(column).map(|fqn| format!("{fqn}."));
        if prefix.is_some_and(|prefix| wanted.starts_with(&prefix))
            && let Some(Value::Array(children)) = column.get_mut("children")
        {
            return find_column(children, wanted);
        }
    }
    None
}

fn column_fqn(column: &Map<String, Value>) -> Option<String> {
    column
        .get("fullyQualifiedName")
        .and_then(Value::as_str)
        .map(canonical_fqn)
}

/// Every column's non-empty tags, by canonical FQN.
fn collect_tags(columns: &[Value], kept: &mut Vec<(String, Value)>) {
    for column in columns.iter().filter_map(Value::as_object) {
        if let (Some(fqn), Some(Value::Array(tags))) = (column_fqn(column), column.get("tags"))
            && !tags.is_empty()
        {
            kept.push((fqn, Value::Array(tags.clone())));
        }
        if let Some(Value::Array(children)) = column.get("children") {
            collect_tags(children, kept);
        }
    }
}

fn restore_tags(columns: &mut [Value], kept: &[(String, Value)]) {
    for column in columns.iter_mut().filter_map(Value::as_object_mut) {
        let untagged = match column.get("tags") {
            None | Some(Value::Null) => true,
            Some(Value::Array(tags)) => tags.is_empty(),
            Some(_) => false,
        };
        if untagged
            && let Some(fqn) = column_fqn(column)
            && let Some((_, tags)) = kept.iter().find(|(kept_fqn, _)| *kept_fqn == fqn)
        {
            column.insert("tags".into(), tags.clone());
        }
        if let Some(Value::Array(children)) = column.get_mut("children") {
            restore_tags(children, kept);
        }
    }
}

#[cfg(test)]
mod tests {
    use ferrometa_model::TagLabel;
    use serde_json::json;

    use super::*;

    fn label(fqn: &str, label_type: &str) -> TagLabel {
        TagLabel {
            tag_fqn: fqn.into(),
            name: None,
            display_name: None,
            description: None,
            style: None,
            source: "Classification".into(),
            label_type: label_type.into(),
            state: "Suggested".into(),
            href: None,
            reason: None,
            applied_at: None,
            applied_by: None,
            metadata: None,
        }
    }

    fn tag(column: &str, fqn: &str) -> ColumnTag {
        ColumnTag {
            column: column.into(),
            tag: label(fqn, "Generated"),
        }
    }

    fn table() -> Map<String, Value> {
        let manual = serde_json::to_value(label("PII.NonSensitive", "Manual")).unwrap();
        json!({"columns": [
            {"name": "email", "fullyQualifiedName": "s.d.c.t.email"},
            {"name": "address", "fullyQualifiedName": "s.d.c.t.address", "children": [
                {"name": "city", "fullyQualifiedName": "s.d.c.t.address.city", "tags": [manual]},
                {"name": "a.b", "fullyQualifiedName": "s.d.c.t.address.\"a.b\""},
            ]},
        ]})
        .as_object()
        .cloned()
        .unwrap()
    }

    #[test]
    fn tags_go_to_columns_without_one_of_their_classification() {
        let mut content = table();
        add_column_tags(
            "s.d.c.t",
            &mut content,
            &[
                tag("s.d.c.t.email", "PII.Sensitive"),
                tag("s.d.c.t.email", "PII.NonSensitive"),
                tag("s.d.c.t.address.city", "PII.Sensitive"),
                tag("s.d.c.t.address.\"a.b\"", "Tier.Tier1"),
            ],
        )
        .unwrap();
        let fqns = |column: &Value| -> Vec<String> {
            column["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| t["tagFQN"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(fqns(&content["columns"][0]), ["PII.Sensitive"]);
        assert_eq!(fqns(&content["columns"][1]), Vec::<String>::new());
        assert!(content["columns"][1].get("tags").is_none());
        let city = &content["columns"][1]["children"][0];
        assert_eq!(fqns(city), ["PII.NonSensitive"]);
        assert_eq!(city["tags"][0]["labelType"], "Manual");
        assert_eq!(fqns(&content["columns"][1]["children"][1]), ["Tier.Tier1"]);
    }

    #[test]
    fn an_unknown_column_changes_nothing() {
        let mut content = table();
        let error = add_column_tags(
            "s.d.c.t",
            &mut content,
            &[
                tag("s.d.c.t.email", "PII.Sensitive"),
                tag("s.d.c.t.address.zip", "PII.Sensitive"),
            ],
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "table s.d.c.t has no column s.d.c.t.address.zip"
        );
        assert_eq!(content, table());
    }

    #[test]
    fn stored_tags_stay_on_columns_the_new_content_leaves_untagged() {
        let mut stored = table();
        add_column_tags(
            "s.d.c.t",
            &mut stored,
            &[tag("s.d.c.t.email", "PII.Sensitive")],
        )
        .unwrap();
        let mut new = json!({"columns": [
            {"name": "email", "fullyQualifiedName": "s.d.c.t.email", "tags": []},
            {"name": "address", "fullyQualifiedName": "s.d.c.t.address", "children": [
                {"name": "city", "fullyQualifiedName": "s.d.c.t.address.city",
                 "tags": [{"tagFQN": "Tier.Tier2"}]},
            ]},
            {"name": "new", "fullyQualifiedName": "s.d.c.t.new"},
        ]})
        .as_object()
        .cloned()
        .unwrap();
        carry_column_tags(&stored, &mut new);
        assert_eq!(new["columns"][0]["tags"], stored["columns"][0]["tags"]);
        assert_eq!(
            new["columns"][1]["children"][0]["tags"],
            json!([{"tagFQN": "Tier.Tier2"}])
        );
        assert!(new["columns"][2].get("tags").is_none());
    }
}
