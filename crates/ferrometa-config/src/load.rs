//! Loading a recipe: file suffix to format, environment expansion, parsing with field paths
//! and positions, and the checks that span sections.

use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

use crate::env;
use crate::error::{self, ConfigError, tidy};
use crate::kinds::SinkConfig;
use crate::recipe::Recipe;

/// Recipe file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML, read like PyYAML's `safe_load` reads it (YAML 1.1 booleans, `<<` merges).
    Yaml,
    /// JSON.
    Json,
}

impl Format {
    /// The format named by a file's suffix: `.yaml`, `.yml` or `.json`, in any case.
    pub fn from_path(path: &Path) -> Option<Format> {
        let suffix = path.extension()?.to_str()?.to_ascii_lowercase();
        match suffix.as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Reads, expands (from the process environment) and validates a recipe file.
pub fn load_file(path: &Path) -> Result<Recipe, ConfigError> {
    let origin = path.display().to_string();
    let Some(format) = Format::from_path(path) else {
        let suffix = path.extension().map_or("no suffix".to_string(), |s| {
            format!("`.{}`", s.to_string_lossy())
        });
        return Err(ConfigError::new(
            &origin,
            format!(
                "unsupported file type ({suffix}): supported suffixes are .yaml, .yml and .json"
            ),
        ));
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError::new(
            &origin,
            format!("cannot read the recipe: {}", tidy(&e.to_string())),
        )
    })?;
    load_str(&text, format, &origin)
}

/// Expands `$VAR`/`${VAR}` from the process environment, then parses and validates `text`.
/// `origin` names the recipe in error messages (usually its file name).
pub fn load_str(text: &str, format: Format, origin: &str) -> Result<Recipe, ConfigError> {
    load_str_with_env(text, format, origin, &|name| std::env::var(name).ok())
}

/// Like [`load_str`], with variables looked up by `env`.
pub fn load_str_with_env(
    text: &str,
    format: Format,
    origin: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Recipe, ConfigError> {
    let expansion = env::expand(text, format == Format::Yaml, env)
        .map_err(|e| ConfigError::new(origin, e.message).at(e.line, e.column))?;
    parse(&expansion.text, format, origin).map_err(|e| {
        e.redact(&expansion.values)
            .relocate(|line, column| expansion.original_position(text, line, column))
    })
}

/// Validates a recipe that is already a JSON value (a Python dict handed over as is); no
/// environment expansion happens.
pub fn from_json_value(value: serde_json::Value, origin: &str) -> Result<Recipe, ConfigError> {
    let recipe: Recipe = serde_path_to_error::deserialize(value)
        .map_err(|e| error::from_json(e.inner(), &error::dotted(e.path()), origin, None))?;
    check(&recipe, origin, None)?;
    Ok(recipe)
}

fn parse(text: &str, format: Format, origin: &str) -> Result<Recipe, ConfigError> {
    if is_blank(text, format) {
        return Err(ConfigError::new(origin, "recipe is empty"));
    }
    let recipe = match format {
        Format::Yaml => parse_yaml(text, origin),
        Format::Json => parse_json(text, origin),
    }?;
    check(&recipe, origin, Some((text, format)))?;
    Ok(recipe)
}

fn parse_yaml(text: &str, origin: &str) -> Result<Recipe, ConfigError> {
    let mut path = String::new();
    serde_saphyr::with_deserializer_from_str(text, |deserializer| {
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            path = error::dotted(e.path());
            e.into_inner()
        })
    })
    .map_err(|e| error::from_yaml(&e, &path, origin))
}

fn parse_json(text: &str, origin: &str) -> Result<Recipe, ConfigError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let recipe = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| error::from_json(e.inner(), &error::dotted(e.path()), origin, Some(text)))?;
    deserializer
        .end()
        .map_err(|e| error::from_json(&e, "", origin, Some(text)))?;
    Ok(recipe)
}

/// Whether a recipe has nothing but whitespace (and, in YAML, comments and document markers).
fn is_blank(text: &str, format: Format) -> bool {
    match format {
        Format::Yaml => text
            .lines()
            .map(str::trim)
            .all(|line| line.is_empty() || line.starts_with('#') || line == "---" || line == "..."),
        Format::Json => text.trim().is_empty(),
    }
}

/// Checks between sections, which no single field can do. The workflow type is checked last,
/// so that a recipe for a workflow not implemented yet is checked whole first.
fn check(recipe: &Recipe, origin: &str, text: Option<(&str, Format)>) -> Result<(), ConfigError> {
    let rest_sink = matches!(recipe.sink, Some(SinkConfig::MetadataRest(_)));
    if rest_sink && recipe.workflow_config.open_metadata_server_config.is_none() {
        let error = ConfigError::new(
            origin,
            "the metadata-rest sink needs the OpenMetadata server: add openMetadataServerConfig with at least hostPort",
        )
        .in_field("workflowConfig.openMetadataServerConfig");
        return Err(
            match text.and_then(|(text, format)| section_position(text, format)) {
                Some((line, column)) => error.at(line, column),
                None => error,
            },
        );
    }
    Ok(())
}

/// Position of the value of the `workflowConfig` section, or else of the `sink` section.
fn section_position(text: &str, format: Format) -> Option<(usize, usize)> {
    #[derive(Deserialize)]
    struct Sections {
        sink: Option<Spanned<IgnoredAny>>,
        #[serde(rename = "workflowConfig")]
        workflow_config: Option<Spanned<IgnoredAny>>,
    }
    match format {
        Format::Yaml => match serde_saphyr::from_str::<Sections>(text) {
            Ok(sections) => {
                let location = sections.workflow_config.or(sections.sink)?.referenced;
                Some((location.line() as usize, location.column() as usize))
            }
            // Skipping a section can fail where the typed parse did not (`1e400` is a fine
            // string, but no number): then the section's key is found in the text, as a block
            // key or as a quoted key of a flow mapping.
            Err(_) => ["workflowConfig", "sink"].iter().find_map(|key| {
                yaml_key_line(text, key)
                    .or_else(|| json_value_offset(text, key).map(|at| env::position(text, at)))
            }),
        },
        // JSON may nest deeper (serde_json allows 128 levels) than the YAML parser's budget
        // (64), which also guards its stack, so the JSON is scanned instead.
        Format::Json => ["workflowConfig", "sink"]
            .iter()
            .find_map(|key| json_value_offset(text, key))
            .map(|at| env::position(text, at)),
    }
}

/// Position of a top-level block `key:` (plain or quoted) in YAML text.
fn yaml_key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    let forms = [key.to_string(), format!("\"{key}\""), format!("'{key}'")];
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = forms
            .iter()
            .find_map(|form| line.strip_prefix(form.as_str()))?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}

/// Byte offset of the value of `key` in the first object of `text`, JSON (or flow YAML with
/// quoted keys).
fn json_value_offset(text: &str, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            // The object ends: the key is not in it.
            b'}' | b']' if depth == 1 => return None,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let after = text.get(i + 1..)?.trim_start();
                let literal = text.get(start..=i)?;
                if depth == 1
                    && after.starts_with(':')
                    && serde_json::from_str::<String>(literal).is_ok_and(|k| k == key)
                {
                    let value = after[1..].trim_start();
                    return Some(text.len() - value.len());
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}
