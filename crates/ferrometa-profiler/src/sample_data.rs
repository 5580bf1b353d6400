//! OpenMetadata's `TableData` (`{"columns": [...], "rows": [[...]]}`) of sampled items,
//! over the stored top-level columns, with the values of sensitive columns masked.
//!
//! Values are JSON: strings, booleans and NULL as such; numbers as JSON numbers when
//! DynamoDB's text is an integer that fits 64 bits or has at most 15 significant digits
//! (so the f64 keeps them), else as the text; binary as base64; maps as objects; lists and
//! sets as arrays. An attribute the item lacks is `null`. A column (nested ones included)
//! whose FQN is in the masked set has each of its values replaced by [`MASK`].

use std::collections::{BTreeMap, HashMap, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value, json};

use crate::columns::{ColumnNode, base64_text};

/// What a masked value is replaced by.
pub const MASK: &str = "********";

/// The `TableData` of `items` over the top-level columns of `tree`; values of the columns
/// whose FQN is in `masked` are replaced by [`MASK`].
pub fn table_data<'a>(
    tree: &[ColumnNode],
    items: impl IntoIterator<Item = &'a HashMap<String, AttributeValue>>,
    masked: &HashSet<String>,
) -> Value {
    let columns: Vec<&str> = tree.iter().map(|c| c.name.as_str()).collect();
    let rows: Vec<Value> = items
        .into_iter()
        .map(|item| {
            Value::Array(
                tree.iter()
                    .map(|c| match item.get(&c.attribute) {
                        Some(v) => to_json(v, Some(c), masked),
                        None => Value::Null,
                    })
                    .collect(),
            )
        })
        .collect();
    json!({ "columns": columns, "rows": rows })
}

/// `value` as JSON, masked where `column` (or a column below it) is.
fn to_json(value: &AttributeValue, column: Option<&ColumnNode>, masked: &HashSet<String>) -> Value {
    if column.is_some_and(|c| masked.contains(&c.fqn)) && !matches!(value, AttributeValue::Null(_))
    {
        return Value::from(MASK);
    }
    match value {
        AttributeValue::S(s) => Value::from(s.as_str()),
        AttributeValue::N(n) => number(n),
        AttributeValue::B(b) => Value::from(base64_text(b.as_ref())),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::M(map) => {
            // Sorted by key, so a row reads the same on every run.
            let sorted: BTreeMap<&String, &AttributeValue> = map.iter().collect();
            let mut out = Map::new();
            for (key, v) in sorted {
                let child = column.and_then(|c| c.child(key));
                out.insert(key.clone(), to_json(v, child, masked));
            }
            Value::Object(out)
        }
        AttributeValue::L(list) => {
            Value::Array(list.iter().map(|v| to_json(v, column, masked)).collect())
        }
        AttributeValue::Ss(set) => {
            Value::Array(set.iter().map(|s| Value::from(s.as_str())).collect())
        }
        AttributeValue::Ns(set) => Value::Array(set.iter().map(|n| number(n)).collect()),
        AttributeValue::Bs(set) => Value::Array(
            set.iter()
                .map(|b| Value::from(base64_text(b.as_ref())))
                .collect(),
        ),
        // A type added to DynamoDB after this SDK: its debug form rather than nothing.
        other => Value::from(format!("{other:?}")),
    }
}

/// A DynamoDB number as a JSON number when that keeps its value, else as its text.
fn number(text: &str) -> Value {
    let text = text.trim();
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(u) = text.parse::<u64>() {
        return Value::from(u);
    }
    let mantissa = text
        .split(['e', 'E'])
        .next()
        .unwrap_or_default()
        .trim_start_matches(['-', '+']);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    if significant <= 15
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::from(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_numbers_when_they_fit() {
        assert_eq!(number("42"), json!(42));
        assert_eq!(number("-7"), json!(-7));
        assert_eq!(
            number("18446744073709551615"),
            json!(18446744073709551615u64)
        );
        assert_eq!(number("12.50"), json!(12.5));
        assert_eq!(number("1E+3"), json!(1000.0));
        let long = "3.14159265358979323846264338327950288";
        assert_eq!(number(long), json!(long));
        assert_eq!(
            number("123456789012345678901234567890"),
            json!("123456789012345678901234567890")
        );
    }
}
