//! What a PUT keeps from the stored entity (OpenMetadata's `EntityUpdater`), applied to the
//! new content before the catalog compares it with the stored one.
//!
//! - A PUT never removes owners, domains or data products: absent or empty keeps them.
//! - Tags are merged: the stored ones stay and new ones are added.
//! - `extension`, `style` and `lifeCycle` left out keep their stored value.
//! - A bot's PUT keeps a non-empty stored description and display name (of the entity and of
//!   each matching column) and ignores `extension`, unless `overrideMetadata` was asked for.
//!   Users' PUTs replace them, and a left-out description is removed.
//!
//! Columns match as in the catalog's versioning: case-insensitive name, `dataType`,
//! `arrayDataType`. The engine's own writes skip all this: its requests are authoritative.

use ferrometa_catalog::MergeFn;
use serde_json::{Map, Value};

/// The catalog's merge hook for a caller's PUTs.
pub(crate) fn put_rules(bot: bool, override_metadata: bool) -> Box<MergeFn> {
    let protect = bot && !override_metadata;
    Box::new(move |stored, new| merge(stored, new, protect))
}

fn merge(stored: &Map<String, Value>, new: &mut Map<String, Value>, protect: bool) {
    for key in ["owners", "domains", "dataProducts"] {
        if is_empty(new.get(key)) {
            keep(stored, new, key);
        }
    }
    merge_tags(stored, new);
    for key in ["style", "lifeCycle"] {
        if new.get(key).is_none() {
            keep(stored, new, key);
        }
    }
    if protect || new.get("extension").is_none() {
        new.remove("extension");
        keep(stored, new, "extension");
    }
    if protect {
        for key in ["description", "displayName"] {
            if !is_empty(stored.get(key)) {
                keep(stored, new, key);
            }
        }
    }
    if let (Some(Value::Array(old_columns)), Some(Value::Array(new_columns))) =
        (stored.get("columns"), new.get_mut("columns"))
    {
        merge_columns(old_columns, new_columns, protect);
    }
}

fn merge_columns(stored: &[Value], new: &mut [Value], protect: bool) {
    for column in new.iter_mut().filter_map(Value::as_object_mut) {
        let key = column_key(column);
        let Some(old) = stored
            .iter()
            .filter_map(Value::as_object)
            .find(|old| column_key(old) == key)
        else {
            continue;
        };
        // A column description is carried forward when the new one is empty, and kept
        // against a bot's when curated.
        if is_empty(column.get("description")) || (protect && !is_empty(old.get("description"))) {
            keep(old, column, "description");
        }
        if protect && !is_empty(old.get("displayName")) {
            keep(old, column, "displayName");
        }
        merge_tags(old, column);
        if let (Some(Value::Array(old_children)), Some(Value::Array(new_children))) =
            (old.get("children"), column.get_mut("children"))
        {
            merge_columns(old_children, new_children, protect);
        }
    }
}

/// Adds the stored tags the new content lacks (by `tagFQN`), stored ones first.
fn merge_tags(stored: &Map<String, Value>, new: &mut Map<String, Value>) {
    let Some(Value::Array(old_tags)) = stored.get("tags") else {
        return;
    };
    let new_tags = match new.remove("tags") {
        Some(Value::Array(tags)) => tags,
        _ => Vec::new(),
    };
    let fqn = |tag: &Value| tag.get("tagFQN").cloned();
    let mut tags = old_tags.clone();
    for tag in new_tags {
        if !tags.iter().any(|old| fqn(old) == fqn(&tag)) {
            tags.push(tag);
        }
    }
    new.insert("tags".into(), Value::Array(tags));
}

/// Sets `key` in `new` to its stored value, or removes it when nothing is stored.
fn keep(stored: &Map<String, Value>, new: &mut Map<String, Value>, key: &str) {
    match stored.get(key) {
        Some(value) => {
            new.insert(key.into(), value.clone());
        }
        None => {
            new.remove(key);
        }
    }
}

fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

fn column_key(column: &Map<String, Value>) -> (String, Option<&Value>, Option<&Value>) {
    let name = column
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    (
        name.to_lowercase(),
        column.get("dataType"),
        column.get("arrayDataType"),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    fn tag(fqn: &str) -> Value {
        json!({"tagFQN": fqn, "source": "Classification", "labelType": "Manual", "state": "Confirmed"})
    }

    #[test]
    fn bots_keep_curated_descriptions_and_nothing_is_removed() {
        let stored = map(json!({
            "description": "curated", "owners": [{"id": "1", "type": "user"}], "tags": [tag("PII.Sensitive")],
            "extension": {"team": "core"},
            "columns": [{"name": "Amount", "dataType": "INT", "description": "money", "tags": [tag("Tier.Tier1")]}]
        }));
        let mut new = map(json!({
            "description": "from source", "tags": [tag("PII.None")], "extension": {"team": "other"},
            "columns": [{"name": "amount", "dataType": "INT"}, {"name": "b", "dataType": "INT"}]
        }));
        put_rules(true, false)(&stored, &mut new);
        assert_eq!(new["description"], "curated");
        assert_eq!(new["owners"], stored["owners"]);
        assert_eq!(new["tags"], json!([tag("PII.Sensitive"), tag("PII.None")]));
        assert_eq!(new["extension"], json!({"team": "core"}));
        assert_eq!(new["columns"][0]["description"], "money");
        assert_eq!(new["columns"][0]["tags"], json!([tag("Tier.Tier1")]));
        assert!(new["columns"][1].get("description").is_none());
    }

    #[test]
    fn users_and_overrides_replace_descriptions() {
        let stored = map(json!({"description": "old", "displayName": "Old"}));
        let mut new = map(json!({"description": "new"}));
        put_rules(false, false)(&stored, &mut new);
        assert_eq!(new, map(json!({"description": "new"})));

        let mut overridden = map(json!({"description": "new"}));
        put_rules(true, true)(&stored, &mut overridden);
        assert_eq!(overridden["description"], "new");
    }
}
