//! The configuration reference in Markdown, rendered from [`crate::json_schema`] so the
//! documentation cannot drift from the structs.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// Markdown with one section per recipe type: its description and a table of its keys.
pub fn reference_markdown() -> String {
    let schema = crate::json_schema();
    let mut out = String::from(
        "# Configuration reference\n\n\
         Generated from the recipe structs by `ferrometa schema --markdown`; do not edit by hand.\n\
         Keys are OpenMetadata's; those marked *(ferrometa extension)* are ours. Unknown keys are errors.\n",
    );
    section(
        &mut out,
        "Recipe",
        schema.as_object().expect("the schema is an object"),
    );
    if let Some(defs) = schema["$defs"].as_object() {
        for (name, def) in defs {
            if let Some(def) = def.as_object() {
                section(&mut out, name, def);
            }
        }
    }
    out
}

fn section(out: &mut String, name: &str, def: &Map<String, Value>) {
    let _ = write!(out, "\n## {name}\n\n");
    if let Some(description) = def.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{}\n", one_line(description));
    }
    if let Some(values) = enum_values(def) {
        let _ = writeln!(out, "One of: {}.", values.join(", "));
        return;
    }
    let Some(properties) = def.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = def
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    out.push_str("| key | type | default | description |\n|---|---|---|---|\n");
    for (key, property) in properties {
        let default = match property.get("default") {
            _ if required.contains(&key.as_str()) => "required".to_string(),
            // Object defaults are the defaults of their own keys, listed in their section.
            Some(Value::Null | Value::Object(_)) | None => String::new(),
            Some(v) => format!("`{v}`"),
        };
        let description = property
            .get("description")
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{key}` | {} | {default} | {} |",
            type_of(property),
            description.replace('|', "\\|")
        );
    }
}

/// The values of a string enum, whether written as `enum` or as `oneOf` constants.
fn enum_values(def: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(values) = def.get("enum").and_then(Value::as_array) {
        return Some(
            values
                .iter()
                .map(|v| format!("`{}`", v.as_str().unwrap_or_default()))
                .collect(),
        );
    }
    let variants = def.get("oneOf")?.as_array()?;
    variants
        .iter()
        .map(|v| {
            v.get("const")
                .or_else(|| v.get("enum").and_then(|e| e.get(0)))
                .and_then(Value::as_str)
                .map(|s| format!("`{s}`"))
        })
        .collect()
}

fn type_of(property: &Value) -> String {
    if let Some(reference) = property.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("[{name}](#{})", name.to_lowercase());
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = property.get(key).and_then(Value::as_array) {
            let types: Vec<String> = options
                .iter()
                .map(type_of)
                .filter(|t| t != "null")
                .collect();
            return types.join(" or ");
        }
    }
    match property.get("type") {
        Some(Value::String(t)) if t == "array" => {
            format!(
                "list of {}",
                property
                    .get("items")
                    .map(type_of)
                    .unwrap_or_else(|| "any".into())
            )
        }
        Some(Value::String(t))
            if t == "object"
                && property
                    .get("additionalProperties")
                    .is_some_and(Value::is_object) =>
        {
            format!("map of {}", type_of(&property["additionalProperties"]))
        }
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => {
            let ts: Vec<&str> = ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            if ts == ["array"] {
                format!(
                    "list of {}",
                    property
                        .get("items")
                        .map(type_of)
                        .unwrap_or_else(|| "any".into())
                )
            } else {
                ts.join(" or ")
            }
        }
        _ => "any".into(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_every_key_of_aws_config() {
        let md = reference_markdown();
        assert!(md.contains("## AwsConfig"));
        assert!(
            md.contains("| `awsRegion` | string | required | AWS region, e.g. `us-east-1`. |"),
            "{md}"
        );
        assert!(md.contains("| `assumeRoleSessionName` | string | `\"OpenMetadataSession\"` |"));
    }

    /// docs/configuration.md is the rendered reference; regenerate it with
    /// `ferrometa schema --markdown > docs/configuration.md`.
    #[test]
    fn committed_reference_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/configuration.md");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == reference_markdown(),
            "docs/configuration.md is stale: run `cargo run -p ferrometa-cli -- schema --markdown > docs/configuration.md`"
        );
    }
}
