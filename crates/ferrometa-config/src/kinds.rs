//! The one table of source, workflow and sink kinds. Each row names a recipe `type`, its variant, its
//! settings type and its description; the recipe deserializer, the JSON Schema, the reference
//! docs, `validate` and the registry (an exhaustive `match` on these enums) all read it, so
//! adding a sink is one row here, its settings struct and its builder in the registry.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

/// The name `kind` has in its table; every kind has a row.
fn name_in<K: PartialEq>(table: &[(K, &'static str)], kind: K) -> &'static str {
    table
        .iter()
        .find(|(row, _)| *row == kind)
        .map(|(_, name)| *name)
        .expect("every kind has a row in its table")
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
        name_in(&SourceType::KINDS, self)
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

/// The workflow a recipe runs, by `sourceConfig.config.type`; it decides the pipeline's
/// processor stage (none for `DatabaseMetadata`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorkflowType {
    /// Tables, columns, keys and indexes into the catalog.
    #[default]
    DatabaseMetadata,
}

impl WorkflowType {
    /// The workflow table: each kind with its `type` name.
    const KINDS: [(WorkflowType, &str); 1] = [(WorkflowType::DatabaseMetadata, "DatabaseMetadata")];
    /// OpenMetadata's other DynamoDB workflows: a clear error rather than an unknown type.
    const NOT_YET: [&str; 2] = ["Profiler", "AutoClassification"];

    /// The `sourceConfig.config.type` of this workflow.
    pub fn name(self) -> &'static str {
        name_in(&WorkflowType::KINDS, self)
    }
}

impl<'de> Deserialize<'de> for WorkflowType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if let Some((kind, _)) = WorkflowType::KINDS.iter().find(|(_, name)| *name == value) {
            return Ok(*kind);
        }
        let known: Vec<&str> = WorkflowType::KINDS.iter().map(|(_, name)| *name).collect();
        Err(D::Error::custom(
            if WorkflowType::NOT_YET.contains(&value.as_str()) {
                format!(
                    "the `{value}` workflow is not implemented yet: this version runs {}",
                    crate::error::quoted_list(&known)
                )
            } else {
                unknown_type("workflow", &value, &known)
            },
        ))
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
        let known: Vec<&str> = WorkflowType::KINDS.iter().map(|(_, name)| *name).collect();
        json_schema!({
            "description": format!(
                "Workflow type. `{}` are OpenMetadata's other DynamoDB workflows, not implemented yet.",
                WorkflowType::NOT_YET.join("`, `")
            ),
            "enum": known
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
    fn workflows_not_implemented_yet_say_so() {
        let err = serde_json::from_value::<WorkflowType>("Profiler".into()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the `Profiler` workflow is not implemented yet: this version runs `DatabaseMetadata`"
        );
        let err = serde_json::from_value::<WorkflowType>("Usage".into()).unwrap_err();
        assert!(
            err.to_string().starts_with("unknown workflow type `Usage`"),
            "{err}"
        );
        let kind: WorkflowType = serde_json::from_value("DatabaseMetadata".into()).unwrap();
        assert_eq!(kind, WorkflowType::DatabaseMetadata);
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
