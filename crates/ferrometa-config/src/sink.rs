//! The `sink` section, `{type, config}`, read into [`SinkConfig`] (declared by the kinds table)
//! with the settings of the named sink, and the settings structs of the sinks. Hand-written because serde's tagged enums buffer the config, which loses the
//! positions, field paths and YAML 1.1 booleans of the errors inside it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::value::MapDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::json_value_message;
use crate::kinds::{SinkConfig, SinkType};

impl Default for SinkConfig {
    fn default() -> Self {
        SinkConfig::Catalog(CatalogSinkConfig::default())
    }
}

/// `catalog` sink settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CatalogSinkConfig {
    /// SQLite file of the catalog, created when missing (relative to the working directory).
    pub path: PathBuf,
}

impl Default for CatalogSinkConfig {
    fn default() -> Self {
        CatalogSinkConfig {
            path: PathBuf::from("ferrometa.db"),
        }
    }
}

/// `file` sink settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileSinkConfig {
    /// File to write: a JSON array of the entity requests (created or replaced).
    pub filename: PathBuf,
}

/// `metadata-rest` sink settings (upstream `MetadataRestSinkConfig`, whose keys are snake_case).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MetadataRestSinkConfig {
    /// API endpoint overriding `openMetadataServerConfig.hostPort`.
    pub api_endpoint: Option<String>,
    /// Entities sent per bulk request.
    pub bulk_sink_batch_size: u32,
    /// Accepted for compatibility with OpenMetadata; has no effect: requests are always sent by the sink's own concurrent writer.
    pub enable_async_pipeline: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's workers of its background pipeline.
    pub async_pipeline_workers: u32,
    /// Overwrite metadata already set in OpenMetadata.
    pub override_metadata: bool,
}

impl Default for MetadataRestSinkConfig {
    fn default() -> Self {
        MetadataRestSinkConfig {
            api_endpoint: None,
            bulk_sink_batch_size: 100,
            enable_async_pipeline: true,
            async_pipeline_workers: 2,
            override_metadata: false,
        }
    }
}

const FIELDS: &[&str] = &["type", "config"];

/// Reads a sink's settings as whichever settings type its `type` names.
pub(crate) trait ReadSettings {
    type Error;
    fn read<T: DeserializeOwned>(self) -> Result<T, Self::Error>;
}

/// Settings in the recipe: `null` or absent settings mean `{}`.
struct Present<'de, D>(D, PhantomData<&'de ()>);

impl<'de, D: Deserializer<'de>> Present<'de, D> {
    fn new(deserializer: D) -> Self {
        Present(deserializer, PhantomData)
    }
}

impl<'de, D: Deserializer<'de>> ReadSettings for Present<'de, D> {
    type Error = D::Error;
    fn read<T: DeserializeOwned>(self) -> Result<T, D::Error> {
        match Option::<T>::deserialize(self.0)? {
            Some(config) => Ok(config),
            None => empty(),
        }
    }
}

/// No `config` key: the defaults, or an error naming the required settings.
struct Absent<E>(PhantomData<E>);

impl<E: de::Error> ReadSettings for Absent<E> {
    type Error = E;
    fn read<T: DeserializeOwned>(self) -> Result<T, E> {
        empty()
    }
}

/// Deserializes `T` from `{}`, which applies its defaults or reports its required fields.
fn empty<T: DeserializeOwned, E: de::Error>() -> Result<T, E> {
    T::deserialize(MapDeserializer::<_, E>::new(
        std::iter::empty::<(&str, ())>(),
    ))
}

impl<'de> DeserializeSeed<'de> for SinkType {
    type Value = SinkConfig;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<SinkConfig, D::Error> {
        self.read_with(Present::new(deserializer))
    }
}

impl<'de> Deserialize<'de> for SinkConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("SinkConfig", FIELDS, SinkVisitor)
    }
}

struct SinkVisitor;

impl<'de> Visitor<'de> for SinkVisitor {
    type Value = SinkConfig;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sink section with `type` and `config`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SinkConfig, A::Error> {
        let mut sink_type: Option<SinkType> = None;
        let mut config: Option<SinkConfig> = None;
        // Settings written before `type` cannot be typed yet; they are kept as JSON, which
        // loses their positions and reads `yes`/`no` as strings. Recipes put `type` first.
        let mut early_config: Option<serde_json::Value> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" if sink_type.is_some() => return Err(de::Error::duplicate_field("type")),
                "type" => sink_type = Some(map.next_value()?),
                "config" if config.is_some() || early_config.is_some() => {
                    return Err(de::Error::duplicate_field("config"));
                }
                "config" => match sink_type {
                    Some(sink_type) => config = Some(map.next_value_seed(sink_type)?),
                    None => early_config = Some(map.next_value()?),
                },
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
        }
        let sink_type = sink_type.ok_or_else(|| de::Error::missing_field("type"))?;
        match (config, early_config) {
            (Some(config), _) => Ok(config),
            (None, Some(value)) => sink_type
                .read_with(Present::new(value))
                .map_err(|e| de::Error::custom(format!("config: {}", json_value_message(&e)))),
            (None, None) => sink_type.read_with(Absent(PhantomData)),
        }
    }
}

impl Serialize for SinkConfig {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", self.type_name())?;
        map.serialize_entry("config", &Settings(self))?;
        map.end()
    }
}

/// A sink's settings, serialized as the settings type of its kind.
struct Settings<'a>(&'a SinkConfig);

impl Serialize for Settings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_settings(serializer)
    }
}

impl JsonSchema for SinkConfig {
    fn schema_name() -> Cow<'static, str> {
        "SinkConfig".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let variant = |name: &str, description: &str, config: Schema| {
            json_schema!({
                "description": description,
                "type": "object",
                "properties": { "type": { "const": name }, "config": config },
                "required": ["type"],
                "additionalProperties": false
            })
        };
        let variants = SinkConfig::schema_variants(generator, variant);
        json_schema!({
            "description": "Where metadata goes: a sink `type` and its `config` (default `{}`).",
            "oneOf": variants
        })
    }
}
