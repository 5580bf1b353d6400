//! Recipes: the workflow YAML/JSON files of OpenMetadata's Python ingestion (`metadata ingest
//! -c recipe.yaml`), read for a DynamoDB metadata workflow.
//!
//! A recipe written for upstream loads unchanged. Loading is stricter than upstream where
//! upstream is silently wrong: an unset `${VAR}` is an error, unknown keys are rejected with a
//! "did you mean" hint, filter patterns are compiled up front, and every error names the file,
//! line, column and field path without echoing secrets.
//!
//! Modules:
//! * `load`: file formats, environment expansion and parsing entry points;
//! * `env`: `$VAR` expansion of the raw text;
//! * `recipe`: the recipe structs (source, DynamoDB connection, pipeline settings, workflow);
//! * `server`: the OpenMetadata server connection;
//! * `kinds`: the one table of source, workflow and sink kinds;
//! * `pipeline`: `sourceConfig.config` by its `type`, the Profiler and AutoClassification settings
//!   and the `processor` section;
//! * `sink`: the `sink` section and the sinks' settings;
//! * `filter`: filter patterns with Python `re.match` semantics;
//! * `no_effect`: the keys accepted for compatibility that have no effect;
//! * `secret`: masked strings;
//! * `validate`: per-field checks run during deserialization;
//! * `error`: [`ConfigError`];
//! * `reference`: the Markdown configuration reference rendered from the JSON Schema.

mod env;
mod error;
mod filter;
mod kinds;
mod load;
mod no_effect;
mod pipeline;
mod recipe;
mod reference;
mod secret;
mod server;
mod sink;
mod validate;

pub use error::ConfigError;
pub use filter::{FilterPattern, Level, Scope};
pub use kinds::{PipelineConfig, SinkConfig, SourceType, WorkflowType};
pub use load::{Format, from_json_value, load_file, load_str, load_str_with_env};
pub use no_effect::{every_no_effect_key, no_effect_keys};
pub use pipeline::{
    AutoClassificationConfig, ProcessorSection, ProfileSampleType, ProfilerConfig,
    SamplingMethodType,
};
pub use recipe::{
    AwsConfig, DatabaseMetadataConfig, DynamoDbConnection, DynamoDbType, IncrementalConfig,
    LogLevel, Recipe, ServiceConnection, SourceConfig, SourceSection, WorkflowConfig,
};
pub use reference::reference_markdown;
pub use secret::Secret;
pub use server::{
    AuthProvider, OpenMetadataServerConfig, OpenMetadataType, SecurityConfig, SslConfig, VerifySsl,
};
pub use sink::{CatalogSinkConfig, FileSinkConfig, MetadataRestSinkConfig};
pub use validate::{MAX_DEPTH, MAX_SAMPLE_SEGMENTS};

/// The JSON Schema of [`Recipe`], generated from the structs and their documentation.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Recipe)).expect("a JSON Schema serializes to JSON")
}
