//! Filter patterns (`tableFilterPattern`, `schemaFilterPattern`, ...) with the semantics of
//! OpenMetadata's `metadata/utils/filters.py`: each pattern is a Python `re` expression tried
//! with `re.match(pattern, name, re.IGNORECASE)` (so it only has to match a prefix of the
//! name), and a non-empty `includes` list makes `excludes` irrelevant.
//!
//! Patterns are compiled when the recipe is loaded, after a small translation of the Python
//! constructs that fancy-regex reads differently.

use std::borrow::Cow;
use std::fmt;

use fancy_regex::{Regex, RegexBuilder, RegexInput};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ConfigError, tidy};

/// Backtracking steps allowed per match: a pathological pattern gives up in a few
/// milliseconds instead of hanging the run.
const BACKTRACK_LIMIT: usize = 100_000;

/// Regex lists that include or exclude entities by name.
///
/// Patterns are Python regular expressions matched case-insensitively against the start of the
/// name (`orders` also keeps `orders_archive`; write `^orders$` for an exact match). When
/// `includes` is non-empty, `excludes` is ignored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterPattern {
    /// Keep only the entities whose name matches one of these patterns. An empty list is the
    /// same as no list.
    #[serde(default)]
    includes: Option<Vec<Pattern>>,
    /// Drop the entities whose name matches one of these patterns (ignored when `includes` is
    /// non-empty).
    #[serde(default)]
    excludes: Option<Vec<Pattern>>,
}

impl FilterPattern {
    /// Compiles the given include and exclude patterns.
    pub fn new<I, E>(includes: I, excludes: E) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
        E: IntoIterator,
        E::Item: AsRef<str>,
    {
        fn compile<T: AsRef<str>>(
            list: &str,
            patterns: impl IntoIterator<Item = T>,
        ) -> Result<Vec<Pattern>, ConfigError> {
            let error = |i: usize, message: String| {
                ConfigError::new("filter pattern", message).in_field(format!("{list}[{i}]"))
            };
            patterns
                .into_iter()
                .enumerate()
                .map(|(i, p)| Pattern::new(p.as_ref()).map_err(|m| error(i, m)))
                .collect()
        }
        Ok(FilterPattern {
            includes: Some(compile("includes", includes)?),
            excludes: Some(compile("excludes", excludes)?),
        })
    }

    /// The include patterns as written.
    pub fn includes(&self) -> impl Iterator<Item = &str> {
        self.includes.iter().flatten().map(Pattern::as_str)
    }

    /// The exclude patterns as written.
    pub fn excludes(&self) -> impl Iterator<Item = &str> {
        self.excludes.iter().flatten().map(Pattern::as_str)
    }

    /// Whether the pattern has neither includes nor excludes (and so filters nothing).
    pub fn is_empty(&self) -> bool {
        self.includes().next().is_none() && self.excludes().next().is_none()
    }

    /// Whether `name` is filtered out, exactly as upstream decides it.
    ///
    /// A match that cannot be decided (backtracking limit) filters the name out, both as an
    /// include (it did not match) and as an exclude (it matched): an unclear pattern never lets
    /// an entity in.
    pub fn filtered_out(&self, name: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        if name.is_empty() {
            return true;
        }
        let mut includes = self.includes.iter().flatten().peekable();
        if includes.peek().is_some() {
            return !includes.any(|p| p.matches(name).unwrap_or(false));
        }
        self.excludes
            .iter()
            .flatten()
            .any(|p| p.matches(name).unwrap_or(true))
    }
}

/// Whether `name` is filtered out by an optional pattern (absent filters nothing).
fn filtered_out(pattern: Option<&FilterPattern>, name: &str) -> bool {
    pattern.is_some_and(|p| p.filtered_out(name))
}

/// The level of the hierarchy a filter pattern applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Database,
    Schema,
    Table,
}

/// Which databases, schemas and tables a run covers: the recipe's three filter patterns and
/// whether they match fully qualified names. The source asks it what to read and the deletion
/// planner what it may delete, so the two can never disagree.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub database: Option<FilterPattern>,
    pub schema: Option<FilterPattern>,
    pub table: Option<FilterPattern>,
    /// Match against fully qualified names instead of plain names (`useFqnForFiltering`).
    pub use_fqn: bool,
}

impl Scope {
    /// Whether the entity `name` (with FQN `fqn`) at `level` is in scope.
    pub fn includes(&self, level: Level, name: &str, fqn: &str) -> bool {
        let pattern = match level {
            Level::Database => &self.database,
            Level::Schema => &self.schema,
            Level::Table => &self.table,
        };
        let key = if self.use_fqn { fqn } else { name };
        !filtered_out(pattern.as_ref(), key)
    }
}

/// One compiled pattern and the text it was written as.
#[derive(Clone)]
struct Pattern {
    source: String,
    regex: Regex,
}

impl Pattern {
    fn new(source: &str) -> Result<Self, String> {
        let invalid = |reason: &str| {
            let reason: Vec<String> = reason.split(": ").map(tidy).collect();
            format!("invalid regex `{source}`: {}", reason.join(": "))
        };
        let translated = translate(source).map_err(|reason| invalid(&reason))?;
        let regex = RegexBuilder::new(&translated)
            .case_insensitive(true)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map_err(|e| invalid(&e.to_string()))?;
        Ok(Pattern {
            source: source.to_string(),
            regex,
        })
    }

    fn as_str(&self) -> &str {
        &self.source
    }

    /// Python `re.match`: a match that starts at the beginning of `name`. An anchored search
    /// is used rather than wrapping the pattern, which would break `(?x)` comments. (The start
    /// is checked too: `is_match_input` ignores the anchor, and since matches are leftmost,
    /// a match at 0 is the one found whenever there is one.)
    fn matches(&self, name: &str) -> Result<bool, fancy_regex::Error> {
        let found = self
            .regex
            .find_input(RegexInput::new(name).anchored(true))?;
        Ok(found.is_some_and(|m| m.start() == 0))
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.source, f)
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let source = String::deserialize(deserializer)?;
        Pattern::new(&source).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Pattern {
    fn schema_name() -> Cow<'static, str> {
        "Pattern".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Python `re` regular expression, matched case-insensitively at the start of the name."
        })
    }
}

/// Rewrites a Python pattern for fancy-regex:
/// * `\Z` (end of text in Python) becomes `\z`;
/// * `$` outside `(?m)` becomes `(?=\n?\z)`, since Python's `$` also matches before a final
///   newline;
/// * inside a character class, `[`, `&` and `~` are escaped: Python reads them literally where
///   fancy-regex would see nested classes and set operations, and a leading `]` stays literal;
/// * `\N{...}` and the `a`/`L` flags have no equivalent and are rejected.
fn translate(pattern: &str) -> Result<String, String> {
    let flags = inline_flags(pattern);
    if let Some(flag) = flags
        .iter()
        .flat_map(|f| f.chars())
        .find(|c| matches!(c, 'a' | 'L'))
    {
        return Err(format!("the `(?{flag})` flag is not supported"));
    }
    let multiline = flags
        .first()
        .is_some_and(|f| pattern.starts_with(&format!("(?{f})")) && f.contains('m'));
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('Z') if !in_class => out.push_str(r"\z"),
                Some('N') if chars.peek() == Some(&'{') => {
                    return Err("named unicode escapes (`\\N{...}`) are not supported".to_string());
                }
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str(r"\]");
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '[' | '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '$' if !in_class && !multiline => out.push_str(r"(?=\n?\z)"),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// The letters of every inline flag group (`(?im)`, `(?i:...)`, `(?-i:...)`) in `pattern`.
fn inline_flags(pattern: &str) -> Vec<&str> {
    pattern
        .match_indices("(?")
        .filter(|&(at, _)| !is_escaped(pattern, at))
        .filter_map(|(at, _)| {
            let rest = &pattern[at + 2..];
            let end = rest.find(|c: char| !c.is_ascii_alphabetic() && c != '-')?;
            (end > 0 && matches!(rest.as_bytes()[end], b')' | b':')).then(|| &rest[..end])
        })
        .collect()
}

/// Whether the character at byte `at` is preceded by an odd number of backslashes.
fn is_escaped(pattern: &str, at: usize) -> bool {
    pattern[..at]
        .bytes()
        .rev()
        .take_while(|&b| b == b'\\')
        .count()
        % 2
        == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_asks_the_pattern_of_the_level_with_the_name_or_the_fqn() {
        let only = |p: &str| Some(FilterPattern::new([p], Vec::<&str>::new()).unwrap());
        let scope = Scope {
            database: only("^prod$"),
            table: only("^orders"),
            ..Scope::default()
        };
        assert!(scope.includes(Level::Database, "prod", "svc.prod"));
        assert!(!scope.includes(Level::Database, "dev", "svc.dev"));
        assert!(scope.includes(Level::Schema, "anything", "svc.prod.anything"));
        assert!(scope.includes(Level::Table, "orders_2024", "svc.prod.default.orders_2024"));
        assert!(!scope.includes(Level::Table, "users", "svc.prod.default.users"));
        let by_fqn = Scope {
            table: only("svc\\.prod\\.default\\.users"),
            use_fqn: true,
            ..Scope::default()
        };
        assert!(by_fqn.includes(Level::Table, "users", "svc.prod.default.users"));
        assert!(!by_fqn.includes(Level::Table, "users", "svc.dev.default.users"));
    }

    fn matches(pattern: &str, name: &str) -> bool {
        Pattern::new(pattern).unwrap().matches(name).unwrap()
    }

    #[test]
    fn translation() {
        assert_eq!(translate(r"a\Z").unwrap(), r"a\z");
        assert_eq!(translate("^a$").unwrap(), r"^a(?=\n?\z)");
        assert_eq!(translate("(?m)^a$").unwrap(), "(?m)^a$");
        assert_eq!(translate("[$]").unwrap(), "[$]");
        assert_eq!(
            translate(r"[]a][^]b][[&~]").unwrap(),
            r"[\]a][^\]b][\[\&\~]"
        );
        assert_eq!(translate(r"\$\\$").unwrap(), r"\$\\(?=\n?\z)");
        assert!(
            translate(r"\N{DASH}")
                .unwrap_err()
                .contains("named unicode")
        );
        assert!(translate("(?a)x").unwrap_err().contains("`(?a)`"));
        assert!(translate("x(?ai:y)").unwrap_err().contains("`(?a)`"));
        assert_eq!(translate(r"\(?a)").unwrap(), r"\(?a)");
    }

    #[test]
    fn python_match_semantics() {
        assert!(matches("orders", "orders_archive"));
        assert!(!matches("orders", "old_orders"));
        assert!(matches("ORDERS", "Orders"));
        assert!(matches("^orders$", "orders"));
        assert!(matches("^orders$", "orders\n"));
        assert!(!matches(r"^orders\Z", "orders\n"));
        assert!(!matches("^orders$", "orders_x"));
        assert!(matches("^(?!tmp_)", "orders"));
        assert!(!matches("^(?!tmp_)", "tmp_orders"));
        assert!(matches("", "anything"));
        assert!(matches(r"(?x) ord  # comment", "orders"));
        assert!(matches(r"(\w)\1", "aab"));
        assert!(matches("[]]x", "]x"));
    }

    #[test]
    fn runaway_backtracking_is_cut_off() {
        let pattern = Pattern::new(r"^(\w+\s?)*\1!$").unwrap();
        assert!(pattern.matches(&"a".repeat(40)).is_err());
    }

    #[test]
    fn invalid_regex_is_reported() {
        let err = Pattern::new("(").unwrap_err();
        assert!(err.starts_with("invalid regex `(`: "), "{err}");
    }
}
