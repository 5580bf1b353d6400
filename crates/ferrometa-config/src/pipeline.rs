//! `source.sourceConfig.config`, read into [`PipelineConfig`] (declared by the kinds table) as
//! the settings of the workflow its `type` names, the settings of the Profiler and
//! AutoClassification workflows, and the top-level `processor` section of their recipes. Hand-written for the reason the
//! `sink` section is: serde's internally tagged enums buffer the whole map, which loses the
//! positions, field paths and YAML 1.1 booleans of the errors inside it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::json_value_message;
use crate::filter::{FilterPattern, Scope};
use crate::kinds::{PipelineConfig, WorkflowType};
use crate::recipe::DatabaseMetadataConfig;
use crate::sink::ReadSettings;
use crate::validate;

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig::DatabaseMetadata(DatabaseMetadataConfig::default())
    }
}

impl PipelineConfig {
    /// The metadata workflow's settings, or `None` when the recipe runs another workflow.
    pub fn metadata(&self) -> Option<&DatabaseMetadataConfig> {
        match self {
            PipelineConfig::DatabaseMetadata(config) => Some(config),
            _ => None,
        }
    }
}

/// The Profiler workflow's settings (upstream `databaseServiceProfilerPipeline.json`, keys of
/// its 1.x and 2.x versions, and ferrometa's sampling bounds): which stored tables are
/// profiled, how much of each is sampled, and which metrics are computed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ProfilerConfig {
    /// Workflow type: `Profiler`.
    pub r#type: WorkflowType,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's choice of its
    /// native or Spark engine; ferrometa profiles with its own.
    pub processing_engine: Option<Map<String, Value>>,
    /// Accepted for compatibility with OpenMetadata; has no effect yet: upstream profiles only
    /// the tables whose tags, tier or glossary terms match.
    pub classification_filter_pattern: Option<FilterPattern>,
    /// Filter on the database name, as in the metadata workflow.
    pub database_filter_pattern: Option<FilterPattern>,
    /// Filter on schema names (DynamoDB has the one schema `default`).
    pub schema_filter_pattern: Option<FilterPattern>,
    /// Filter on table names.
    pub table_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB has no views.
    pub include_views: bool,
    /// Match filter patterns against fully qualified names instead of plain names.
    pub use_fqn_for_filtering: bool,
    /// Compute table metrics (row count, column count, size, creation time); when false the
    /// profile's `tableProfile` has only its timestamp and the sample used.
    pub compute_table_metrics: bool,
    /// Compute column metrics (value, null and distinct counts, min, max, ...); when false
    /// the profile has no `columnProfile`.
    pub compute_column_metrics: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB keeps no column
    /// statistics to read instead of sampling.
    pub use_statistics: bool,
    /// How `profileSample` counts: a percentage of the table's items (DescribeTable's
    /// `ItemCount`), or items.
    pub profile_sample_type: ProfileSampleType,
    /// The share (`PERCENTAGE`, at most 100) or number (`ROWS`) of items profiled, within
    /// `sampleItems`, `sampleBytes` and `sampleReadCapacity`; absent: as many items as those
    /// bounds allow.
    #[serde(deserialize_with = "validate::positive_number")]
    pub profile_sample: Option<f64>,
    /// Accepted for compatibility with OpenMetadata; has no effect: SQL sampling methods; DynamoDB
    /// is sampled with parallel scan segments.
    pub sampling_method_type: Option<SamplingMethodType>,
    /// Accepted for compatibility with OpenMetadata; has no effect: a DynamoDB sample is spread
    /// over parallel scan segments, not randomized.
    pub randomized_sample: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: tables are profiled
    /// `concurrency` at a time, each in one pass over its sample.
    #[serde(deserialize_with = "validate::at_least_one")]
    pub thread_count: u32,
    /// A table not profiled after this many seconds fails, and its work stops.
    #[serde(deserialize_with = "validate::at_least_one")]
    pub timeout_seconds: u32,
    /// Restricts the column metrics sent to these (upstream's metric names, e.g.
    /// `valuesCount`, `nullCount`, `min`; matched without regard to case); absent: all.
    pub metrics: Option<Vec<String>>,
    /// Accepted for compatibility with OpenMetadata; has no effect: PII tagging is the
    /// `AutoClassification` workflow's (upstream 1.x kept it here).
    pub process_pii_sensitive: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: the PII confidence (0 to
    /// 100) of upstream 1.x; the `AutoClassification` workflow has its own.
    #[serde(deserialize_with = "validate::percentage_number")]
    #[schemars(range(min = 0, max = 100))]
    pub confidence: f64,
    /// Accepted for compatibility with OpenMetadata; has no effect: sample data is the
    /// `AutoClassification` workflow's `storeSampleData` (upstream 1.x kept it here).
    pub generate_sample_data: bool,
    /// ferrometa extension: at most this many items are sampled per table.
    pub sample_items: u32,
    /// ferrometa extension: at most this many bytes are sampled per table (by DynamoDB's
    /// item size rules, exceeded by at most one Scan page per segment).
    pub sample_bytes: u64,
    /// ferrometa extension: at most this many read capacity units are consumed sampling one
    /// table (exceeded by at most one Scan page per segment).
    #[serde(deserialize_with = "validate::positive_number")]
    pub sample_read_capacity: Option<f64>,
    /// ferrometa extension: parallel scan segments a table's sample is spread over.
    #[serde(deserialize_with = "validate::sample_segments")]
    #[schemars(range(min = 1, max = validate::MAX_SAMPLE_SEGMENTS))]
    pub sample_segments: u32,
    /// ferrometa extension: tables profiled at the same time.
    #[serde(deserialize_with = "validate::at_least_one")]
    pub concurrency: u32,
}

impl Default for ProfilerConfig {
    fn default() -> Self {
        ProfilerConfig {
            r#type: WorkflowType::Profiler,
            processing_engine: None,
            classification_filter_pattern: None,
            database_filter_pattern: None,
            schema_filter_pattern: None,
            table_filter_pattern: None,
            include_views: false,
            use_fqn_for_filtering: false,
            compute_table_metrics: true,
            compute_column_metrics: true,
            use_statistics: false,
            profile_sample_type: ProfileSampleType::Percentage,
            profile_sample: None,
            sampling_method_type: None,
            randomized_sample: true,
            thread_count: 5,
            timeout_seconds: 43_200,
            metrics: None,
            process_pii_sensitive: false,
            confidence: 80.0,
            generate_sample_data: true,
            sample_items: DEFAULT_SAMPLE_ITEMS,
            sample_bytes: DEFAULT_SAMPLE_BYTES,
            sample_read_capacity: Some(DEFAULT_SAMPLE_READ_CAPACITY),
            sample_segments: DEFAULT_SAMPLE_SEGMENTS,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// Items sampled per table by the Profiler and AutoClassification workflows by default.
const DEFAULT_SAMPLE_ITEMS: u32 = 10_000;
/// Bytes sampled per table by default (16 MiB).
const DEFAULT_SAMPLE_BYTES: u64 = 16 * 1024 * 1024;
/// Read capacity units one table's sample may consume by default.
const DEFAULT_SAMPLE_READ_CAPACITY: f64 = 256.0;
/// Parallel scan segments per table by default.
const DEFAULT_SAMPLE_SEGMENTS: u32 = 4;
/// Tables processed at the same time by default.
const DEFAULT_CONCURRENCY: u32 = 16;

impl ProfilerConfig {
    /// What the filter patterns let into the run.
    pub fn scope(&self) -> Scope {
        Scope {
            database: self.database_filter_pattern.clone(),
            schema: self.schema_filter_pattern.clone(),
            table: self.table_filter_pattern.clone(),
            use_fqn: self.use_fqn_for_filtering,
        }
    }

    /// The check between `profileSampleType` and `profileSample`.
    fn check(self) -> Result<Self, String> {
        match self.profile_sample {
            Some(sample)
                if self.profile_sample_type == ProfileSampleType::Percentage && sample > 100.0 =>
            {
                Err(format!(
                    "profileSample: expected a percentage between 0 and 100 with profileSampleType PERCENTAGE, got {sample}"
                ))
            }
            _ => Ok(self),
        }
    }
}

/// How `profileSample` counts (upstream `profileSampleType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ProfileSampleType {
    /// A percentage of the table's items.
    #[default]
    Percentage,
    /// A number of items.
    Rows,
}

/// Upstream's SQL sampling methods (`samplingMethodType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum SamplingMethodType {
    /// Each row with the same probability.
    Bernoulli,
    /// Whole blocks of rows.
    System,
}

/// The AutoClassification workflow's settings (upstream
/// `databaseServiceAutoClassificationPipeline.json`, and ferrometa's sampling bounds): which
/// stored tables are sampled, how their columns are tagged, and what sample data is stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AutoClassificationConfig {
    /// Workflow type: `AutoClassification`.
    pub r#type: WorkflowType,
    /// Accepted for compatibility with OpenMetadata; has no effect yet: upstream classifies
    /// only the tables whose tags, tier or glossary terms match.
    pub classification_filter_pattern: Option<FilterPattern>,
    /// Filter on the database name, as in the metadata workflow.
    pub database_filter_pattern: Option<FilterPattern>,
    /// Filter on schema names (DynamoDB has the one schema `default`).
    pub schema_filter_pattern: Option<FilterPattern>,
    /// Filter on table names.
    pub table_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB has no views.
    pub include_views: bool,
    /// Match filter patterns against fully qualified names instead of plain names.
    pub use_fqn_for_filtering: bool,
    /// Store up to `sampleDataCount` sampled items as each table's sample data (top-level
    /// columns); items are sampled to classify columns either way.
    pub store_sample_data: bool,
    /// Suggest `PII.Sensitive` or `PII.NonSensitive` tags for columns (nested ones too) from
    /// their names and the whole sample's values; when false, nothing is tagged. Columns that
    /// already carry a `PII` tag are left as they are.
    pub enable_auto_classification: bool,
    /// The lowest score (0 to 100) for which a column is tagged: higher means fewer false
    /// positives and more false negatives.
    #[serde(deserialize_with = "validate::percentage_number")]
    #[schemars(range(min = 0, max = 100))]
    pub confidence: f64,
    /// The most sampled items per table stored as sample data (columns are classified from the
    /// whole sample, `sampleItems`).
    #[serde(deserialize_with = "validate::at_least_one")]
    pub sample_data_count: u32,
    /// Accepted for compatibility with OpenMetadata; has no effect: the language of upstream's
    /// recognizers; ferrometa's recognize patterns and checksums, whatever the language.
    pub classification_language: String,
    /// ferrometa extension: in the stored sample data, the values of columns tagged
    /// `PII.Sensitive` (by this run or before) are replaced by `********`; false stores them
    /// as read.
    pub mask_sensitive_sample_data: bool,
    /// ferrometa extension: at most this many items are sampled per table.
    pub sample_items: u32,
    /// ferrometa extension: at most this many bytes are sampled per table (by DynamoDB's
    /// item size rules, exceeded by at most one Scan page per segment).
    pub sample_bytes: u64,
    /// ferrometa extension: at most this many read capacity units are consumed sampling one
    /// table (exceeded by at most one Scan page per segment).
    #[serde(deserialize_with = "validate::positive_number")]
    pub sample_read_capacity: Option<f64>,
    /// ferrometa extension: parallel scan segments a table's sample is spread over.
    #[serde(deserialize_with = "validate::sample_segments")]
    #[schemars(range(min = 1, max = validate::MAX_SAMPLE_SEGMENTS))]
    pub sample_segments: u32,
    /// ferrometa extension: tables classified at the same time.
    #[serde(deserialize_with = "validate::at_least_one")]
    pub concurrency: u32,
}

impl Default for AutoClassificationConfig {
    fn default() -> Self {
        AutoClassificationConfig {
            r#type: WorkflowType::AutoClassification,
            classification_filter_pattern: None,
            database_filter_pattern: None,
            schema_filter_pattern: None,
            table_filter_pattern: None,
            include_views: true,
            use_fqn_for_filtering: false,
            store_sample_data: false,
            enable_auto_classification: true,
            confidence: 80.0,
            sample_data_count: 50,
            classification_language: "en".to_string(),
            mask_sensitive_sample_data: true,
            sample_items: DEFAULT_SAMPLE_ITEMS,
            sample_bytes: DEFAULT_SAMPLE_BYTES,
            sample_read_capacity: Some(DEFAULT_SAMPLE_READ_CAPACITY),
            sample_segments: DEFAULT_SAMPLE_SEGMENTS,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

impl AutoClassificationConfig {
    /// What the filter patterns let into the run.
    pub fn scope(&self) -> Scope {
        Scope {
            database: self.database_filter_pattern.clone(),
            schema: self.schema_filter_pattern.clone(),
            table: self.table_filter_pattern.clone(),
            use_fqn: self.use_fqn_for_filtering,
        }
    }
}

/// The top-level `processor` section of upstream's Profiler and AutoClassification recipes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessorSection {
    /// Upstream's processor, `orm-profiler` in its recipes.
    pub r#type: String,
    /// Upstream's settings of that processor.
    #[serde(default)]
    pub config: Option<Map<String, Value>>,
}

impl<'de> Deserialize<'de> for PipelineConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("PipelineConfig", &["type"], PipelineVisitor)
    }
}

struct PipelineVisitor;

impl<'de> Visitor<'de> for PipelineVisitor {
    type Value = PipelineConfig;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the settings of a workflow")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PipelineConfig, A::Error> {
        // Entries before `type` cannot be typed yet: while their keys could belong to another
        // workflow, they are kept as JSON, which loses their positions and reads `yes`/`no` as
        // strings. Recipes put `type` first; the entries after it, or after a key only the
        // default workflow has, are read straight from the recipe.
        let mut before = Vec::new();
        let (kind, committed_at) = loop {
            match map.next_key::<String>()? {
                Some(key) if key == "type" => {
                    let kind: WorkflowType = map.next_value()?;
                    before.push((key, Some(Value::from(kind.name()))));
                    break (kind, None);
                }
                Some(key) if !WorkflowType::others_have(&key) => {
                    before.push((key.clone(), None));
                    break (WorkflowType::default(), Some(key));
                }
                Some(key) => {
                    let value: Value = map.next_value()?;
                    before.push((key, Some(value)));
                }
                None => break (WorkflowType::default(), None),
            }
        };
        let config = kind.read_with(Replay {
            before: before.into_iter(),
            pending: None,
            map,
            _de: PhantomData,
        })?;
        match config {
            // A `type` after the key that chose the default workflow names another one.
            PipelineConfig::DatabaseMetadata(metadata) if metadata.r#type != kind => {
                Err(de::Error::custom(format!(
                    "`{}` is not a key of the `{}` workflow: write `type` first",
                    committed_at.unwrap_or_default(),
                    metadata.r#type.name()
                )))
            }
            PipelineConfig::Profiler(profiler) => profiler
                .check()
                .map(PipelineConfig::Profiler)
                .map_err(de::Error::custom),
            other => Ok(other),
        }
    }
}

/// A map that yields the entries read before the workflow was known, then the rest of the
/// recipe's map, so a workflow's settings are read from one map with the recipe's positions.
/// An entry without a value has its value next in the recipe's map.
struct Replay<'de, A> {
    before: std::vec::IntoIter<(String, Option<Value>)>,
    /// The key and value of the replayed entry whose value is next.
    pending: Option<(String, Option<Value>)>,
    map: A,
    _de: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> ReadSettings for Replay<'de, A> {
    type Error = A::Error;
    fn read<T: DeserializeOwned>(self) -> Result<T, A::Error> {
        T::deserialize(self)
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.before.next() {
            Some((key, value)) => {
                let name: StringDeserializer<A::Error> = key.clone().into_deserializer();
                self.pending = Some((key, value));
                seed.deserialize(name).map(Some)
            }
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            // The field path ends at the section: the key goes into the message.
            Some((key, Some(value))) => seed
                .deserialize(value)
                .map_err(|e| de::Error::custom(format!("{key}: {}", json_value_message(&e)))),
            Some((_, None)) | None => self.map.next_value_seed(seed),
        }
    }
}

/// The keys of settings struct `T`, as its derived `Deserialize` names them to a deserializer.
pub(crate) fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Fields<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("only the fields are read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

impl Serialize for PipelineConfig {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_settings(serializer)
    }
}

impl JsonSchema for PipelineConfig {
    fn schema_name() -> Cow<'static, str> {
        "PipelineConfig".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let variant = |name: &str, description: &str, config: Schema| {
            // Only the default workflow may leave `type` out.
            let required: &[&str] = if name == WorkflowType::default().name() {
                &[]
            } else {
                &["type"]
            };
            json_schema!({
                "description": description,
                "allOf": [config],
                "properties": { "type": { "const": name } },
                "required": required
            })
        };
        let variants = PipelineConfig::schema_variants(generator, variant);
        json_schema!({
            "description": "The workflow's settings, by `type`: `DatabaseMetadata` (also when `type` is absent), `Profiler` or `AutoClassification`, each in its section.",
            "oneOf": variants
        })
    }
}
