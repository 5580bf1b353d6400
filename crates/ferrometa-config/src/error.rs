//! [`ConfigError`], the one error this crate returns, and the translation of YAML, JSON and
//! field-path errors into it: short lower-case messages, "did you mean" hints for unknown keys,
//! and no echo of values, which may be secrets.

use std::fmt::Write as _;

use serde_path_to_error::{Path, Segment};
use serde_saphyr::{MessageFormatter as _, UserMessageFormatter};

/// Top-level sections of upstream recipes that no ferrometa workflow reads.
const UNUSED_SECTIONS: [&str; 2] = ["stage", "bulkSink"];

/// Printed instead of anything that must not be shown.
pub(crate) const MASK: &str = "**********";

/// Why a recipe cannot be loaded, and where.
///
/// Displays as `origin:line:column: field.path: message`; the parts that are unknown are left
/// out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}{}{}: {message}", position_prefix(.position), path_prefix(.field_path))]
pub struct ConfigError {
    origin: String,
    field_path: Option<String>,
    position: Option<(usize, usize)>,
    message: String,
}

fn position_prefix(position: &Option<(usize, usize)>) -> String {
    position
        .map(|(line, column)| format!(":{line}:{column}"))
        .unwrap_or_default()
}

fn path_prefix(path: &Option<String>) -> String {
    path.as_ref()
        .map(|path| format!(": {path}"))
        .unwrap_or_default()
}

impl ConfigError {
    /// Control characters in `message` (from a quoted value) are escaped: an error is one line.
    pub(crate) fn new(origin: &str, message: impl Into<String>) -> Self {
        ConfigError {
            origin: origin.to_string(),
            field_path: None,
            position: None,
            message: escape_controls(&message.into()),
        }
    }

    /// Sets the 1-based position; `0` means unknown, as parsers report it.
    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        self.position = (line > 0 && column > 0).then_some((line, column));
        self
    }

    /// Moves the position with `map` (from the parsed text to the text the user wrote).
    pub(crate) fn relocate(mut self, map: impl FnOnce(usize, usize) -> (usize, usize)) -> Self {
        self.position = self.position.map(|(line, column)| map(line, column));
        self
    }

    pub(crate) fn in_field(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.field_path = (!path.is_empty()).then_some(path);
        self
    }

    /// Masks every occurrence of `values` (the expanded environment variables).
    ///
    /// Values shorter than four characters are left: they cannot hold a meaningful secret and
    /// masking them would garble the message.
    pub(crate) fn redact(mut self, values: &[String]) -> Self {
        let mut values: Vec<&String> = values.iter().filter(|v| v.chars().count() >= 4).collect();
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        for value in values {
            let escaped = escape_controls(value);
            self.message = self.message.replace(&escaped, MASK);
            if let Some(path) = &mut self.field_path {
                *path = path.replace(value.as_str(), MASK);
            }
        }
        self
    }

    /// The file name (or other origin) given to the loader.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Dotted path of the offending field, e.g. `source.sourceConfig.config.tableFilterPattern.includes[0]`.
    pub fn field_path(&self) -> Option<&str> {
        self.field_path.as_deref()
    }

    /// 1-based line, when known.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|(line, _)| line)
    }

    /// 1-based column (in characters), when known.
    pub fn column(&self) -> Option<usize> {
        self.position.map(|(_, column)| column)
    }

    /// What is wrong, without origin, position or path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Renders a field path as `a.b[0].c`; an unknown segment ends it.
pub(crate) fn dotted(path: &Path) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                let _ = write!(out, "[{index}]");
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    out
}

/// Converts a serde-saphyr error found at `path`.
pub(crate) fn from_yaml(err: &serde_saphyr::Error, path: &str, origin: &str) -> ConfigError {
    let (message, path) = yaml_message(err.without_snippet(), path);
    let error = ConfigError::new(origin, message).in_field(path);
    match err.location() {
        Some(location) => error.at(location.line() as usize, location.column() as usize),
        None => error,
    }
}

fn yaml_message(err: &serde_saphyr::Error, path: &str) -> (String, String) {
    use serde_saphyr::Error as E;
    let path = path.to_string();
    let message = match err {
        E::AliasError { error, .. } | E::WithSnippet { error, .. } => {
            return yaml_message(error, &path);
        }
        E::SerdeUnknownField {
            field, expected, ..
        } => return unknown_field(field, expected, path),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => unknown_key("value", variant, expected),
        E::SerdeMissingField { field, .. } => missing_field(field),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => {
            format!("invalid type: {}, expected {expected}", kind_of(unexpected))
        }
        E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => {
            format!(
                "invalid value: {}, expected {expected}",
                kind_of(unexpected)
            )
        }
        E::Unexpected { expected, .. } => match *expected {
            "mapping start" | "empty mapping start" => "expected a mapping".to_string(),
            "sequence start" => "expected a list".to_string(),
            "string scalar" => "expected a string".to_string(),
            "scalar" => "expected a single value".to_string(),
            other => format!("expected {other}"),
        },
        E::InvalidScalar { ty, .. } => match *ty {
            "bool" | "boolean" => "expected a boolean (true or false)".to_string(),
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
                "expected a non-negative integer".to_string()
            }
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "expected an integer".to_string(),
            "f32" | "f64" | "floating point" => "expected a number".to_string(),
            other => format!("invalid {other}"),
        },
        E::Message { msg, .. } => msg.clone(),
        E::DuplicateMappingKey { key: Some(key), .. } => format!("duplicate key `{key}`"),
        E::Budget { breach, .. } => {
            format!("recipe is too large or too deeply nested (limit exceeded: {breach:?})")
        }
        other => tidy(&UserMessageFormatter.format_message(other)),
    };
    (message, path)
}

/// Converts a serde_json error found at `path` in `source` (`None` for a `Value`, which has no
/// positions).
pub(crate) fn from_json(
    err: &serde_json::Error,
    path: &str,
    origin: &str,
    source: Option<&str>,
) -> ConfigError {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let text = text.strip_suffix(&suffix).unwrap_or(&text);
    let (message, path) = json_message(text, path);
    let (line, column) = source.map_or((err.line(), err.column()), |source| {
        char_position(source, err.line(), err.column())
    });
    ConfigError::new(origin, message)
        .in_field(path)
        .at(line, column)
}

/// serde_json counts columns in bytes, and column 0 for the newline ending the previous line;
/// a [`ConfigError`] counts characters from 1, as the YAML parser does and as editors show them.
fn char_position(source: &str, line: usize, byte_column: usize) -> (usize, usize) {
    let lines: Vec<&str> = source.split('\n').collect();
    let Some(text) = lines.get(line.wrapping_sub(1)) else {
        return (line, byte_column);
    };
    if byte_column == 0 && line > 1 {
        return (line - 1, lines[line - 2].chars().count() + 1);
    }
    let mut end = byte_column.min(text.len());
    // A column inside a multi-byte character means that character.
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (line, text[..end].chars().count())
}

/// The message of an error from deserializing a `serde_json::Value` (which has no position).
pub(crate) fn json_value_message(err: &serde_json::Error) -> String {
    json_message(&err.to_string(), "").0
}

/// serde_json only offers the text of serde's standard messages, so they are taken apart here.
fn json_message(text: &str, path: &str) -> (String, String) {
    let quoted: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
    let message = match quoted.split_first() {
        Some((key, expected)) if text.starts_with("unknown field `") => {
            let expected = if text.ends_with("there are no fields") {
                &[][..]
            } else {
                expected
            };
            return unknown_field(key, expected, path.to_string());
        }
        Some((value, expected)) if text.starts_with("unknown variant `") => {
            unknown_key("value", value, expected)
        }
        Some((field, [])) if text.starts_with("missing field `") => missing_field(field),
        _ => match text.split_once(": ") {
            Some((head @ ("invalid type" | "invalid value"), rest)) => {
                match rest.rsplit_once(", expected ") {
                    Some((unexpected, expected)) => {
                        format!("{head}: {}, expected {expected}", kind_of(unexpected))
                    }
                    None => format!("{head}: {}", kind_of(rest)),
                }
            }
            _ => tidy(text),
        },
    };
    (message, path.to_string())
}

/// The message for an unknown key, and the path of the map that holds it.
fn unknown_field(field: &str, expected: &[&str], mut path: String) -> (String, String) {
    // The path ends with the unknown key itself; the reader wants the enclosing section.
    if path == field {
        path.clear();
    } else if let Some(parent) = path.strip_suffix(field).and_then(|p| p.strip_suffix('.')) {
        path = parent.to_string();
    }
    let message = if path.is_empty() && UNUSED_SECTIONS.contains(&field) {
        format!(
            "unknown field `{field}`: `stage` and `bulkSink` are not used by ferrometa's workflows, remove it"
        )
    } else {
        unknown_key("field", field, expected)
    };
    (message, path)
}

/// `unknown field `x`, did you mean `y`?` or the list of what is allowed.
pub(crate) fn unknown_key(what: &str, key: &str, expected: &[&str]) -> String {
    match suggest(key, expected.iter().copied()) {
        Some(hint) => format!("unknown {what} `{key}`, did you mean `{hint}`?"),
        None if expected.is_empty() => format!("unknown {what} `{key}`, nothing is allowed here"),
        None => format!(
            "unknown {what} `{key}`, expected one of {}",
            quoted_list(expected)
        ),
    }
}

fn missing_field(field: &str) -> String {
    match field {
        "serviceConnection" => {
            "serviceConnection is required: ferrometa does not fetch connections from a server"
                .to_string()
        }
        _ => format!("missing field `{field}`"),
    }
}

/// `` `a`, `b`, `c` ``
pub(crate) fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The known name closest to `input`, if one is close enough to be a likely typo.
///
/// Case, `_` and `-` are ignored first, so `aws_region` and `AwsRegion` suggest `awsRegion`.
pub(crate) fn suggest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let normalize = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = normalize(input);
    candidates
        .into_iter()
        .map(|candidate| {
            let known = normalize(candidate);
            let score = if known == wanted {
                2.0
            } else {
                strsim::jaro_winkler(&wanted, &known)
            };
            (candidate, score)
        })
        .filter(|&(_, score)| score >= 0.85)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(candidate, _)| candidate)
}

/// `string "hunter2"` → `string`: serde quotes the offending value, which may be a secret.
fn kind_of(unexpected: &str) -> &str {
    let cut = [" `", " \""]
        .iter()
        .filter_map(|quote| unexpected.find(quote))
        .min();
    cut.map_or(unexpected, |cut| &unexpected[..cut])
}

/// Lower-cases the first letter (unless it starts an acronym), drops a trailing period and
/// escapes control characters.
pub(crate) fn tidy(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    let mut out = String::with_capacity(message.len());
    if let Some(first) = chars.next() {
        let acronym = chars.clone().next().is_some_and(char::is_uppercase);
        if acronym {
            out.push(first);
        } else {
            out.extend(first.to_lowercase());
        }
    }
    out.push_str(&escape_controls(chars.as_str()));
    out
}

fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_leaves_out_unknown_parts() {
        let full = ConfigError::new("r.yaml", "bad").at(3, 7).in_field("a.b");
        assert_eq!(full.to_string(), "r.yaml:3:7: a.b: bad");
        assert_eq!(ConfigError::new("r.yaml", "bad").to_string(), "r.yaml: bad");
        assert_eq!(
            ConfigError::new("r.yaml", "bad")
                .at(0, 0)
                .in_field("")
                .to_string(),
            "r.yaml: bad"
        );
    }

    #[test]
    fn suggestions_tolerate_typos_and_case() {
        let keys = ["awsAccessKeyId", "awsRegion", "endPointURL"];
        assert_eq!(suggest("awsRegon", keys), Some("awsRegion"));
        assert_eq!(suggest("aws_region", keys), Some("awsRegion"));
        assert_eq!(suggest("endpointUrl", keys), Some("endPointURL"));
        assert_eq!(suggest("processor", keys), None);
    }

    #[test]
    fn values_are_not_echoed() {
        assert_eq!(kind_of("string \"hunter2\""), "string");
        assert_eq!(kind_of("integer `12345`"), "integer");
        assert_eq!(kind_of("map"), "map");
        let (message, _) = json_message(
            "invalid type: string \"s3cr3t, expected x\", expected struct AwsConfig",
            "",
        );
        assert_eq!(message, "invalid type: string, expected struct AwsConfig");
    }

    #[test]
    fn redaction_masks_long_values_only() {
        let error =
            ConfigError::new("r", "got abc and hunter2").redact(&["hunter2".into(), "abc".into()]);
        assert_eq!(error.message(), "got abc and **********");
    }

    #[test]
    fn json_positions_count_characters() {
        // Found by fuzzing: serde_json's byte columns pointed past the end of the line, and a
        // control character at the end of a line had column 0, so no position at all.
        assert_eq!(char_position("\"é€🦀", 1, 10), (1, 4));
        assert_eq!(char_position("{}\n  é x", 2, 5), (2, 4));
        assert_eq!(char_position("ab", 1, 2), (1, 2));
        assert_eq!(char_position("ab", 3, 7), (3, 7));
        assert_eq!(char_position("\"é\nx", 2, 0), (1, 3));
        let at = |text: &str| {
            let err = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
            let error = from_json(&err, "", "r.json", Some(text));
            (error.line(), error.column())
        };
        assert_eq!(at("{\"é\": x}"), (Some(1), Some(7)));
        assert_eq!(at("\"\n"), (Some(1), Some(2)));
    }

    #[test]
    fn messages_are_one_line() {
        // Found by fuzzing: an unknown value spanning lines was quoted with its newline.
        let error = ConfigError::new("r", "unknown value `a\nb\tc`").redact(&["a\nb\tc".into()]);
        assert_eq!(error.message(), "unknown value `**********`");
        let error = ConfigError::new("r", "unknown value `x\r\ny`");
        assert_eq!(error.message(), "unknown value `x\\r\\ny`");
    }

    #[test]
    fn tidy_keeps_acronyms() {
        assert_eq!(tidy("YAML is broken."), "YAML is broken");
        assert_eq!(tidy("Unclosed bracket"), "unclosed bracket");
    }
}
