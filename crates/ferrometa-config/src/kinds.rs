//! The one table of source, workflow and sink kinds. Each row names a recipe `type`, its variant, its
//! settings type and its description; the recipe deserializer, the JSON Schema, the reference
//! docs, `validate` and the registry (an exhaustive `match` on these enums) all read it, so
//! adding a sink is one row here, its settings struct and its builder in the registry.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::pipeline::{AutoClassificationConfig, ProfilerConfig};
use crate::recipe::DatabaseMetadataConfig;
use crate::sink::{CatalogSinkConfig, FileSinkConfig, MetadataRestSinkConfig};
use crate::validate::unknown_type;

/// Declares the sink table: [`SinkConfig`](crate::SinkConfig) with one variant per row, the
/// `sink.type` parser and the per-kind glue of the `sink` section's (de)serializer and schema.
macro_rules! sink_kinds {
    ($($(#[doc = $doc:literal])+ $variant:ident($config:ty) = $name:literal,)+) => {
        /// The sink to write metadata to, by `type`.
        #[derive(Debug, Clone)]
        pub enum SinkConfig {
            $($(#[doc = $doc])+ $variant($config),)+
        }

        impl SinkConfig {
            /// The sink types, as written in `sink.type`.
            pub const TYPES: &[&str] = &[$($name),+];

            /// The `sink.type` of this sink.
            pub fn type_name(&self) -> &'static str {
                match self {
                    $(SinkConfig::$variant(_) => $name,)+
                }
            }

            /// Serializes the settings as the `config` of a `sink` section.
            pub(crate) fn serialize_settings<S: Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match self {
                    $(SinkConfig::$variant(config) => config.serialize(serializer),)+
                }
            }

            /// One `oneOf` branch per sink type, built by `variant(name, description, settings)`.
            pub(crate) fn schema_variants(
                generator: &mut SchemaGenerator,
                variant: impl Fn(&str, &str, Schema) -> Schema,
            ) -> Vec<Schema> {
                vec![$(variant(
                    $name,
                    concat!($($doc),+).trim(),
                    generator.subschema_for::<$config>(),
                )),+]
            }
        }

        /// The `type` of a `sink` section, before its settings are read.
        #[derive(Clone, Copy)]
        pub(crate) enum SinkType {
            $($variant,)+
        }

        impl SinkType {
            /// Reads the settings of this sink type with `read`, which is generic over them.
            pub(crate) fn read_with<R: crate::sink::ReadSettings>(
                self,
                read: R,
            ) -> Result<SinkConfig, R::Error> {
                Ok(match self {
                    $(SinkType::$variant => SinkConfig::$variant(read.read::<$config>()?),)+
                })
            }
        }

        impl<'de> Deserialize<'de> for SinkType {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                $(if value.eq_ignore_ascii_case($name) {
                    return Ok(SinkType::$variant);
                })+
                Err(D::Error::custom(unknown_type("sink", &value, SinkConfig::TYPES)))
            }
        }
    };
}

sink_kinds! {
    /// The embedded SQLite catalog (the default).
    Catalog(CatalogSinkConfig) = "catalog",
    /// A file holding a JSON array of the entity requests, written when the run ends.
    File(FileSinkConfig) = "file",
    /// An OpenMetadata server; needs `workflowConfig.openMetadataServerConfig`.
    MetadataRest(MetadataRestSinkConfig) = "metadata-rest",
}

/// The source to read metadata from, by `source.type` (in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    /// Amazon DynamoDB, or an endpoint that speaks its API.
    DynamoDb,
}

impl SourceType {
    /// The source table: each kind with its `source.type` name.
    const KINDS: [(SourceType, &str); 1] = [(SourceType::DynamoDb, "dynamodb")];

    /// The source types, as written in `source.type`.
    pub fn types() -> impl Iterator<Item = &'static str> {
        SourceType::KINDS.iter().map(|(_, name)| *name)
    }

    /// The `source.type` of this source.
    pub fn name(self) -> &'static str {
        SourceType::KINDS
            .iter()
            .find(|(kind, _)| *kind == self)
            .map(|(_, name)| *name)
            .expect("every source type has a row in the table")
    }
}

impl<'de> Deserialize<'de> for SourceType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        SourceType::KINDS
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(&value))
            .map(|(kind, _)| *kind)
            .ok_or_else(|| {
                let known: Vec<&str> = SourceType::types().collect();
                D::Error::custom(unknown_type("source", &value, &known))
            })
    }
}

impl Serialize for SourceType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl JsonSchema for SourceType {
    fn schema_name() -> Cow<'static, str> {
        "SourceType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let known: Vec<String> = SourceType::types().map(|t| format!("`{t}`")).collect();
        json_schema!({
            "description": format!("Source type, in any case: {}.", known.join(", ")),
            "type": "string"
        })
    }
}

/// Declares the workflow table: [`PipelineConfig`](crate::PipelineConfig) with one variant per
/// row, [`WorkflowType`] with its parser, and the per-kind glue of `sourceConfig.config`'s
/// (de)serializer and schema. The first row is the workflow of a recipe without `type`.
macro_rules! workflow_kinds {
    ($($(#[doc = $doc:literal])+ $variant:ident($config:ty) = $name:literal,)+) => {
        /// The settings of the workflow a recipe runs, by `sourceConfig.config.type`.
        #[derive(Debug, Clone)]
        pub enum PipelineConfig {
            $($(#[doc = $doc])+ $variant($config),)+
        }

        /// The workflow a recipe runs, by `sourceConfig.config.type`; it decides the pipeline's
        /// processor stage (none for `DatabaseMetadata`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum WorkflowType {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl WorkflowType {
            /// The workflow types, as written in `sourceConfig.config.type`.
            pub const TYPES: &[&str] = &[$($name),+];
            /// Every workflow type, in the order of [`WorkflowType::TYPES`].
            const ALL: &[WorkflowType] = &[$(WorkflowType::$variant),+];

            /// The `sourceConfig.config.type` of this workflow.
            pub fn name(self) -> &'static str {
                match self {
                    $(WorkflowType::$variant => $name,)+
                }
            }

            /// Whether a workflow other than the default (first) one has settings key `key`.
            pub(crate) fn others_have(key: &str) -> bool {
                WorkflowType::ALL[1..].iter().any(|kind| match kind {
                    $(WorkflowType::$variant => {
                        crate::pipeline::struct_fields::<$config>().contains(&key)
                    })+
                })
            }

            /// Reads the settings of this workflow with `read`, which is generic over them.
            pub(crate) fn read_with<R: crate::sink::ReadSettings>(
                self,
                read: R,
            ) -> Result<PipelineConfig, R::Error> {
                Ok(match self {
                    $(WorkflowType::$variant => PipelineConfig::$variant(read.read::<$config>()?),)+
                })
            }
        }

        impl PipelineConfig {
            /// The workflow these settings are for.
            pub fn workflow_type(&self) -> WorkflowType {
                match self {
                    $(PipelineConfig::$variant(_) => WorkflowType::$variant,)+
                }
            }

            /// Serializes the settings of the chosen workflow (their `type` included).
            pub(crate) fn serialize_settings<S: Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match self {
                    $(PipelineConfig::$variant(config) => config.serialize(serializer),)+
                }
            }

            /// One `oneOf` branch per workflow type, built by `variant(name, description, settings)`.
            pub(crate) fn schema_variants(
                generator: &mut SchemaGenerator,
                variant: impl Fn(&str, &str, Schema) -> Schema,
            ) -> Vec<Schema> {
                vec![$(variant(
                    $name,
                    concat!($($doc),+).trim(),
                    generator.subschema_for::<$config>(),
                )),+]
            }
        }
    };
}

workflow_kinds! {
    /// Tables, columns, keys and indexes into the catalog.
    DatabaseMetadata(DatabaseMetadataConfig) = "DatabaseMetadata",
    /// Table and column statistics from a bounded sample of each table the catalog holds.
    Profiler(ProfilerConfig) = "Profiler",
    /// PII tags on columns from their names and sampled values, and sample data.
    AutoClassification(AutoClassificationConfig) = "AutoClassification",
}

impl Default for WorkflowType {
    /// A recipe without `sourceConfig.config.type` runs the workflow of the table's first row,
    /// the metadata workflow, as upstream's do.
    fn default() -> Self {
        WorkflowType::ALL[0]
    }
}

impl<'de> Deserialize<'de> for WorkflowType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        WorkflowType::ALL
            .iter()
            .copied()
            .find(|kind| kind.name() == value)
            .ok_or_else(|| D::Error::custom(unknown_type("workflow", &value, WorkflowType::TYPES)))
    }
}

impl Serialize for WorkflowType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl JsonSchema for WorkflowType {
    fn schema_name() -> Cow<'static, str> {
        "WorkflowType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Workflow type; absent means `DatabaseMetadata`. `Profiler` and `AutoClassification` are not implemented yet: their recipes are checked, then rejected.",
            "enum": WorkflowType::TYPES
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_type_round_trips_through_its_name() {
        for name in SourceType::types() {
            let kind: SourceType = serde_json::from_value(name.to_uppercase().into()).unwrap();
            assert_eq!(kind.name(), name);
        }
    }

    #[test]
    fn every_workflow_type_round_trips_through_its_name() {
        for name in WorkflowType::TYPES {
            let kind: WorkflowType = serde_json::from_value((*name).into()).unwrap();
            assert_eq!(kind.name(), *name);
        }
        let err = serde_json::from_value::<WorkflowType>("Usage".into()).unwrap_err();
        assert!(
            err.to_string().starts_with("unknown workflow type `Usage`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_types_list_the_known_ones() {
        let err = serde_json::from_value::<SourceType>("mysql".into()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown source type `mysql`: known source types are `dynamodb`"
        );
    }
}
