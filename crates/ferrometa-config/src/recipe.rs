//! The recipe structs: the shape of OpenMetadata's `OpenMetadataWorkflowConfig` for a DynamoDB
//! metadata workflow, with upstream key names and defaults, plus the ferrometa extensions
//! (marked as such). The doc comments are the field descriptions of the JSON Schema.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::filter::{FilterPattern, Scope};
use crate::kinds::{PipelineConfig, SinkConfig, SourceType, WorkflowType};
use crate::pipeline::ProcessorSection;
use crate::secret::Secret;
use crate::server::OpenMetadataServerConfig;
use crate::validate;

/// A metadata ingestion workflow: the YAML or JSON file given to `metadata ingest -c`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recipe {
    /// Where metadata comes from: the DynamoDB source and its connection.
    pub source: SourceSection,
    /// Accepted for compatibility with OpenMetadata; has no effect: the processor of upstream's
    /// Profiler and AutoClassification recipes (`{type: orm-profiler, config}`); the workflow
    /// type decides ferrometa's.
    #[serde(default)]
    pub processor: Option<ProcessorSection>,
    /// Where metadata goes: `{type, config}`. Absent means the embedded catalog (`type: catalog`).
    #[serde(default)]
    pub sink: Option<SinkConfig>,
    /// Logging, failure handling and the OpenMetadata server connection.
    #[serde(default)]
    pub workflow_config: WorkflowConfig,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream reports the run's status to this ingestion pipeline; ferrometa
    /// reports no pipeline status.
    #[serde(rename = "ingestionPipelineFQN", default)]
    pub ingestion_pipeline_fqn: Option<String>,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's identifier (a UUID) of this run. Checked to be a UUID.
    #[serde(default, deserialize_with = "validate::uuid")]
    pub pipeline_run_id: Option<String>,
}

impl Recipe {
    /// The sink to write to: the `sink` section, or the embedded catalog when there is none.
    pub fn sink_config(&self) -> SinkConfig {
        self.sink.clone().unwrap_or_default()
    }
}

/// The `source` section.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceSection {
    /// Source type: `dynamodb` (in any case).
    pub r#type: SourceType,
    /// Name of the database service in OpenMetadata, e.g. `local_dynamodb`.
    #[serde(deserialize_with = "validate::entity_name")]
    pub service_name: String,
    /// How to reach DynamoDB. Required: unlike upstream, ferrometa does not fetch the
    /// connection of an existing service from the OpenMetadata server.
    pub service_connection: ServiceConnection,
    /// What to extract.
    #[serde(default)]
    pub source_config: SourceConfig,
}

/// `source.serviceConnection`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceConnection {
    /// The DynamoDB connection.
    pub config: DynamoDbConnection,
}

/// The DynamoDB connection (`dynamoDBConnection.json`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DynamoDbConnection {
    /// Service type: `DynamoDB`.
    #[serde(default)]
    pub r#type: Option<DynamoDbType>,
    /// AWS credentials, region and endpoint. `awsAccessKeyId` and `awsSecretAccessKey` come
    /// together or not at all.
    #[serde(deserialize_with = "validate::aws_config")]
    pub aws_config: AwsConfig,
    /// Name of the database in OpenMetadata; absent or empty means `default`. Checked like
    /// `serviceName`. The key `database`, used by OpenMetadata's documentation examples, is
    /// accepted as well.
    #[serde(
        default,
        alias = "database",
        deserialize_with = "validate::optional_entity_name"
    )]
    pub database_name: Option<String>,
    /// Accepted for compatibility with OpenMetadata; has no effect: extra connection options (key-value pairs).
    #[serde(default)]
    pub connection_options: Option<BTreeMap<String, String>>,
    /// Accepted for compatibility with OpenMetadata; has no effect: extra connection arguments.
    #[serde(default)]
    pub connection_arguments: Option<Map<String, Value>>,
    /// Accepted for compatibility with OpenMetadata; has no effect: the default schema filter shown by the OpenMetadata UI; the
    /// workflow uses `sourceConfig.config.schemaFilterPattern`.
    #[serde(default)]
    pub schema_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: the default table filter shown by the OpenMetadata UI; the
    /// workflow uses `sourceConfig.config.tableFilterPattern`.
    #[serde(default)]
    pub table_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: the default database filter shown by the OpenMetadata UI; the
    /// workflow uses `sourceConfig.config.databaseFilterPattern`.
    #[serde(default)]
    pub database_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: whether the connection supports metadata extraction.
    #[serde(default)]
    pub supports_metadata_extraction: Option<bool>,
    /// Accepted for compatibility with OpenMetadata; has no effect: whether the connection supports the profiler.
    #[serde(default)]
    pub supports_profiler: Option<bool>,
}

impl DynamoDbConnection {
    /// The database name to use: `databaseName`, or `default` when it is absent or empty.
    pub fn database_name(&self) -> &str {
        self.database_name
            .as_deref()
            .filter(|name| !name.is_empty())
            .unwrap_or("default")
    }
}

/// The only DynamoDB service type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum DynamoDbType {
    /// Amazon DynamoDB.
    #[default]
    #[serde(rename = "DynamoDB")]
    DynamoDb,
}

/// AWS credentials and endpoint (`awsCredentials.json`). Credentials left out are taken from
/// the usual AWS sources (environment, profile, instance role).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsConfig {
    /// AWS access key id.
    #[serde(default)]
    pub aws_access_key_id: Option<String>,
    /// AWS secret access key.
    #[serde(default)]
    pub aws_secret_access_key: Option<Secret>,
    /// AWS session token, for temporary credentials.
    #[serde(default)]
    pub aws_session_token: Option<Secret>,
    /// AWS region, e.g. `us-east-1`.
    #[serde(deserialize_with = "validate::region")]
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub aws_region: String,
    /// Endpoint URL overriding the regional one, e.g. `http://localhost:8000` for DynamoDB Local.
    #[serde(
        rename = "endPointURL",
        default,
        deserialize_with = "validate::optional_http_url"
    )]
    pub end_point_url: Option<String>,
    /// Named profile of the shared AWS config and credentials files.
    #[serde(default)]
    pub profile_name: Option<String>,
    /// ARN of a role to assume with the credentials above.
    #[serde(default)]
    pub assume_role_arn: Option<String>,
    /// Session name used when assuming `assumeRoleArn`.
    #[serde(default = "default_session_name")]
    pub assume_role_session_name: String,
    /// Source identity set when assuming `assumeRoleArn`.
    #[serde(default)]
    pub assume_role_source_identity: Option<String>,
    /// External id required by the trust policy of `assumeRoleArn` (ferrometa extension).
    #[serde(default)]
    pub assume_role_external_id: Option<String>,
}

impl AwsConfig {
    /// The static credentials of the recipe, `(key id, secret key)`, or `None` for the default
    /// AWS credential chain; an error when only one of the pair is given (empty counts as not
    /// given).
    pub fn static_credentials(&self) -> Result<Option<(&str, &str)>, &'static str> {
        let key_id = self.aws_access_key_id.as_deref().filter(|k| !k.is_empty());
        let secret = self
            .aws_secret_access_key
            .as_ref()
            .map(Secret::expose)
            .filter(|s| !s.is_empty());
        match (key_id, secret) {
            (Some(id), Some(secret)) => Ok(Some((id, secret))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(
                "awsAccessKeyId is set but awsSecretAccessKey is not: give both, or neither for the default AWS credential chain",
            ),
            (None, Some(_)) => Err(
                "awsSecretAccessKey is set but awsAccessKeyId is not: give both, or neither for the default AWS credential chain",
            ),
        }
    }
}

fn default_session_name() -> String {
    "OpenMetadataSession".to_string()
}

/// `source.sourceConfig`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceConfig {
    /// The workflow and its settings, by `type`.
    #[serde(default)]
    pub config: PipelineConfig,
}

impl SourceConfig {
    /// The metadata workflow's settings, or `None` when the recipe runs another workflow.
    pub fn metadata(&self) -> Option<&DatabaseMetadataConfig> {
        self.config.metadata()
    }
}

/// The metadata pipeline settings (`databaseServiceMetadataPipeline.json`) and the ferrometa
/// extensions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DatabaseMetadataConfig {
    /// Workflow type: `DatabaseMetadata`, also when absent.
    pub r#type: WorkflowType,
    /// Mark tables that no longer exist in DynamoDB as deleted in the catalog.
    pub mark_deleted_tables: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB has no stored procedures.
    pub mark_deleted_stored_procedures: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: a DynamoDB database has the one schema `default`, never deleted.
    pub mark_deleted_schemas: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: a DynamoDB service has the one database of `databaseName`, never
    /// deleted.
    pub mark_deleted_databases: bool,
    /// Ingest tables. When false no table is listed at all.
    pub include_tables: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB has no views.
    pub include_views: bool,
    /// Ingest tags.
    pub include_tags: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB tables have no owners to read.
    pub include_owners: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB has no stored procedures.
    pub include_stored_procedures: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB has no DDL.
    #[serde(rename = "includeDDL")]
    pub include_ddl: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: the sinks decide what they overwrite (`sink.config.overrideMetadata`
    /// of the `metadata-rest` sink).
    pub override_metadata: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB has no query log.
    pub query_log_duration: u32,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB has no query log.
    pub query_parsing_timeout_limit: u32,
    /// Match filter patterns against fully qualified names instead of plain names.
    pub use_fqn_for_filtering: bool,
    /// Filter on the database name (a DynamoDB service has one: `databaseName`); when it
    /// excludes it, no table is ingested.
    pub database_filter_pattern: Option<FilterPattern>,
    /// Filter on schema names (DynamoDB has the one schema `default`).
    pub schema_filter_pattern: Option<FilterPattern>,
    /// Filter on table names.
    pub table_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: there is one schema; `concurrency` sets how many tables are
    /// processed at once.
    pub threads: u32,
    /// Accepted for compatibility with OpenMetadata; has no effect: DynamoDB offers no change history to extract incrementally.
    pub incremental: Option<IncrementalConfig>,
    /// ferrometa extension: at most this many items are sampled per table to infer columns.
    pub sample_items: u32,
    /// ferrometa extension: the attribute whose string value names each item's entity type
    /// in a single-table design. Absent: found from the sample (a well-known discriminator
    /// such as `type`, `_et` or `__edb_e__`, else key prefixes such as `USER#`); `""` turns
    /// entity-type discovery off.
    pub entity_type_attribute: Option<String>,
    /// ferrometa extension: at most this many bytes are sampled per table.
    pub sample_bytes: u64,
    /// ferrometa extension: at most this many read capacity units are consumed sampling one
    /// table (exceeded by at most one Scan page per segment); absent: bounded by `sampleItems`
    /// and `sampleBytes` only (4 MiB cost at most about 512 RCU).
    #[serde(deserialize_with = "validate::positive_number")]
    pub sample_read_capacity: Option<f64>,
    /// ferrometa extension: parallel scan segments used to sample one table (DynamoDB allows
    /// at most 1,000,000).
    #[serde(deserialize_with = "validate::sample_segments")]
    #[schemars(range(min = 1, max = validate::MAX_SAMPLE_SEGMENTS))]
    pub sample_segments: u32,
    /// ferrometa extension: tables processed at the same time.
    #[serde(deserialize_with = "validate::at_least_one")]
    pub concurrency: u32,
    /// ferrometa extension: refuse to mark more than this share (0 to 1) of a schema's tables
    /// deleted in one run, which protects the catalog from a partial or failed listing.
    #[serde(deserialize_with = "validate::share")]
    pub mark_deleted_max_share: f64,
    /// ferrometa extension: mark tables deleted even above `markDeletedMaxShare`.
    pub mark_deleted_force: bool,
    /// ferrometa extension: client-side limit of DynamoDB control-plane calls per second;
    /// absent means 1000 on AWS endpoints (AWS throttles an account's control plane at 2500,
    /// shared with every other tool) and no limit on other endpoints.
    #[serde(deserialize_with = "validate::positive_number")]
    pub requests_per_second: Option<f64>,
    /// ferrometa extension: deepest nesting of maps and lists turned into child columns (at
    /// most 64).
    #[serde(deserialize_with = "validate::max_depth")]
    #[schemars(range(min = 1, max = validate::MAX_DEPTH))]
    pub max_depth: u32,
    /// ferrometa extension: most attributes (columns and children) inferred per table.
    #[serde(deserialize_with = "validate::at_least_one")]
    pub max_width: u32,
}

impl DatabaseMetadataConfig {
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

impl Default for DatabaseMetadataConfig {
    fn default() -> Self {
        DatabaseMetadataConfig {
            r#type: WorkflowType::DatabaseMetadata,
            mark_deleted_tables: true,
            mark_deleted_stored_procedures: true,
            mark_deleted_schemas: false,
            mark_deleted_databases: false,
            include_tables: true,
            include_views: true,
            include_tags: true,
            include_owners: false,
            include_stored_procedures: true,
            include_ddl: false,
            override_metadata: false,
            query_log_duration: 1,
            query_parsing_timeout_limit: 300,
            use_fqn_for_filtering: false,
            database_filter_pattern: None,
            schema_filter_pattern: None,
            table_filter_pattern: None,
            threads: 1,
            incremental: None,
            sample_items: 1000,
            entity_type_attribute: None,
            sample_bytes: 4 * 1024 * 1024,
            sample_read_capacity: None,
            sample_segments: 4,
            concurrency: 16,
            mark_deleted_max_share: 0.5,
            mark_deleted_force: false,
            requests_per_second: None,
            max_depth: 32,
            max_width: 2000,
        }
    }
}

/// Incremental extraction settings (upstream schema; not supported by DynamoDB).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IncrementalConfig {
    /// Whether incremental extraction is on.
    pub enabled: bool,
    /// Days to look back for changes.
    #[serde(default = "default_lookback_days")]
    pub lookback_days: u32,
    /// Days added to the look-back window as a safety margin.
    #[serde(default = "default_safety_margin_days")]
    pub safety_margin_days: u32,
}

fn default_lookback_days() -> u32 {
    7
}

fn default_safety_margin_days() -> u32 {
    1
}

/// The `workflowConfig` section.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct WorkflowConfig {
    /// Log level of the run.
    pub logger_level: LogLevel,
    /// Exit with an error when the run reports failures or falls below `successThreshold`.
    pub raise_on_error: bool,
    /// Lowest success percentage (0 to 100) for the run to count as successful.
    #[serde(deserialize_with = "validate::percentage")]
    #[schemars(range(min = 0, max = 100))]
    pub success_threshold: u8,
    /// The OpenMetadata server. Required by the `metadata-rest` sink only.
    pub open_metadata_server_config: Option<OpenMetadataServerConfig>,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's free-form settings of the workflow.
    pub config: Option<Map<String, Value>>,
}

impl Default for WorkflowConfig {
    fn default() -> Self {
        WorkflowConfig {
            logger_level: LogLevel::Info,
            raise_on_error: true,
            success_threshold: 90,
            open_metadata_server_config: None,
            config: None,
        }
    }
}

/// Log level names of the upstream schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum LogLevel {
    /// Everything, including per-request detail.
    #[serde(rename = "DEBUG")]
    Debug,
    /// Progress and results.
    #[default]
    #[serde(rename = "INFO")]
    Info,
    /// Problems that do not stop the run. `WARNING`, the spelling in OpenMetadata's
    /// documentation comments, is accepted too.
    #[serde(rename = "WARN", alias = "WARNING")]
    Warn,
    /// Failures only.
    #[serde(rename = "ERROR")]
    Error,
}

impl LogLevel {
    /// The upstream name: `DEBUG`, `INFO`, `WARN` or `ERROR`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARN",
            LogLevel::Error => "ERROR",
        }
    }
}
