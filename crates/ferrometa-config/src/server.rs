//! `workflowConfig.openMetadataServerConfig`: the OpenMetadata server connection
//! (`openMetadataConnection.json`), with upstream keys and defaults. Only the `metadata-rest`
//! sink uses it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::filter::FilterPattern;
use crate::secret::Secret;
use crate::validate;

/// How to reach and authenticate to the OpenMetadata server.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenMetadataServerConfig {
    /// Name that tells OpenMetadata server instances apart.
    #[serde(default = "default_cluster_name")]
    pub cluster_name: String,
    /// Service type: `OpenMetadata`.
    #[serde(default)]
    pub r#type: OpenMetadataType,
    /// Server API base URL, including `/api`, e.g. `http://localhost:8585/api`.
    #[serde(deserialize_with = "validate::http_url")]
    pub host_port: String,
    /// Authentication provider configured on the server.
    #[serde(default)]
    pub auth_provider: AuthProvider,
    /// Whether and how to verify the server's TLS certificate.
    #[serde(rename = "verifySSL", default)]
    pub verify_ssl: VerifySsl,
    /// Certificates for `verifySSL: validate`.
    #[serde(default)]
    pub ssl_config: Option<SslConfig>,
    /// Client credentials: the bot's JWT.
    #[serde(default)]
    pub security_config: Option<SecurityConfig>,
    /// Where the server keeps secrets (`db`, `aws`, `aws-ssm`, `azure-kv`, `gcp`, ...).
    #[serde(default = "default_secrets_manager_provider")]
    pub secrets_manager_provider: String,
    /// How the ingestion client loads secrets-manager credentials (`noop`, `airflow`, `env`).
    #[serde(default = "default_secrets_manager_loader")]
    pub secrets_manager_loader: String,
    /// Server API version.
    #[serde(default = "default_api_version")]
    pub api_version: String,
    /// Check that the server and client versions are compatible.
    #[serde(default = "yes")]
    pub enable_version_validation: bool,
    /// Skip the existence check of the service and always overwrite entities.
    #[serde(default)]
    pub force_entity_overwriting: bool,
    /// Store the service connection (AWS credentials included) on the server when the service
    /// is created. Defaults to false, unlike upstream (true), so that credentials stay local
    /// unless asked for.
    #[serde(default)]
    pub store_service_connection: bool,
    /// Headers sent with every request. Values are treated as secrets.
    #[serde(default)]
    pub extra_headers: Option<BTreeMap<String, Secret>>,
    /// Include topics when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_topics: bool,
    /// Include tables when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_tables: bool,
    /// Include dashboards when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_dashboards: bool,
    /// Include pipelines when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_pipelines: bool,
    /// Include ML models when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_ml_models: bool,
    /// Include users when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_users: bool,
    /// Include teams when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_teams: bool,
    /// Include glossary terms when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_glossary_terms: bool,
    /// Include tags when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_tags: bool,
    /// Include policies when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_policy: bool,
    /// Include messaging services when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_messaging_services: bool,
    /// Include database services when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_database_services: bool,
    /// Include pipeline services when reindexing search (unused by this workflow).
    #[serde(default = "yes")]
    pub include_pipeline_services: bool,
    /// Records per batch when reindexing search (unused by this workflow).
    #[serde(default = "default_limit_records")]
    pub limit_records: u32,
    /// Schema filter of server-side workflows (unused by this workflow).
    #[serde(default)]
    pub schema_filter_pattern: Option<FilterPattern>,
    /// Table filter of server-side workflows (unused by this workflow).
    #[serde(default)]
    pub table_filter_pattern: Option<FilterPattern>,
    /// Database filter of server-side workflows (unused by this workflow).
    #[serde(default)]
    pub database_filter_pattern: Option<FilterPattern>,
    /// Enable data insight extraction (unused by this workflow).
    #[serde(default)]
    pub supports_data_insight_extraction: Option<bool>,
    /// Enable search reindexing extraction (unused by this workflow).
    #[serde(default)]
    pub supports_elastic_search_reindexing_extraction: Option<bool>,
    /// Search reindexing sink settings `{type, config}` (unused by this workflow).
    #[serde(default)]
    pub elastics_search: Option<Map<String, Value>>,
}

fn yes() -> bool {
    true
}

fn default_cluster_name() -> String {
    "openmetadata".to_string()
}

fn default_secrets_manager_provider() -> String {
    "db".to_string()
}

fn default_secrets_manager_loader() -> String {
    "noop".to_string()
}

fn default_api_version() -> String {
    "v1".to_string()
}

fn default_limit_records() -> u32 {
    1000
}

/// The only OpenMetadata service type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum OpenMetadataType {
    /// OpenMetadata.
    #[default]
    OpenMetadata,
}

/// Authentication providers of the upstream schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuthProvider {
    /// Basic authentication (upstream default).
    #[default]
    Basic,
    /// Azure AD.
    Azure,
    /// Google.
    Google,
    /// Okta.
    Okta,
    /// Auth0.
    Auth0,
    /// AWS Cognito.
    AwsCognito,
    /// Any OpenID Connect provider.
    CustomOidc,
    /// LDAP.
    Ldap,
    /// SAML.
    Saml,
    /// OpenMetadata's own JWT (bot tokens); the usual choice for ingestion.
    Openmetadata,
    /// No authentication (older servers).
    NoAuth,
}

/// TLS verification modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum VerifySsl {
    /// Plain HTTP.
    #[default]
    NoSsl,
    /// HTTPS without certificate verification.
    Ignore,
    /// HTTPS with certificate verification (see `sslConfig`).
    Validate,
}

/// Certificates for verifying the server and authenticating the client (PEM files).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SslConfig {
    /// CA certificate that signed the server certificate.
    #[serde(default)]
    pub ca_certificate: Option<String>,
    /// Client certificate.
    #[serde(default)]
    pub ssl_certificate: Option<String>,
    /// Client private key.
    #[serde(default)]
    pub ssl_key: Option<String>,
}

/// OpenMetadata JWT client credentials.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityConfig {
    /// The bot's JWT, sent as `Authorization: Bearer <jwtToken>`.
    pub jwt_token: Secret,
}
