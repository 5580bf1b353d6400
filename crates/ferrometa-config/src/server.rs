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
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's name that tells OpenMetadata server instances apart.
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
    /// Accepted for compatibility with OpenMetadata; has no effect: where the server keeps secrets (`db`, `aws`, `aws-ssm`, `azure-kv`, `gcp`, ...);
    /// ferrometa reads no secrets from a secrets manager.
    #[serde(default = "default_secrets_manager_provider")]
    pub secrets_manager_provider: String,
    /// Accepted for compatibility with OpenMetadata; has no effect: how upstream's client loads secrets-manager credentials (`noop`,
    /// `airflow`, `env`).
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
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include topics.
    #[serde(default = "yes")]
    pub include_topics: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include tables.
    #[serde(default = "yes")]
    pub include_tables: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include dashboards.
    #[serde(default = "yes")]
    pub include_dashboards: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include pipelines.
    #[serde(default = "yes")]
    pub include_pipelines: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include ML models.
    #[serde(default = "yes")]
    pub include_ml_models: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include users.
    #[serde(default = "yes")]
    pub include_users: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include teams.
    #[serde(default = "yes")]
    pub include_teams: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include glossary terms.
    #[serde(default = "yes")]
    pub include_glossary_terms: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include tags.
    #[serde(default = "yes")]
    pub include_tags: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include policies.
    #[serde(default = "yes")]
    pub include_policy: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include messaging services.
    #[serde(default = "yes")]
    pub include_messaging_services: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include database services.
    #[serde(default = "yes")]
    pub include_database_services: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing option to include pipeline services.
    #[serde(default = "yes")]
    pub include_pipeline_services: bool,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's records per batch when reindexing search.
    #[serde(default = "default_limit_records")]
    pub limit_records: u32,
    /// Accepted for compatibility with OpenMetadata; has no effect: a schema filter of upstream's server-side workflows.
    #[serde(default)]
    pub schema_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: a table filter of upstream's server-side workflows.
    #[serde(default)]
    pub table_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: a database filter of upstream's server-side workflows.
    #[serde(default)]
    pub database_filter_pattern: Option<FilterPattern>,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's switch for data insight extraction.
    #[serde(default)]
    pub supports_data_insight_extraction: Option<bool>,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's switch for search reindexing extraction.
    #[serde(default)]
    pub supports_elastic_search_reindexing_extraction: Option<bool>,
    /// Accepted for compatibility with OpenMetadata; has no effect: upstream's search reindexing sink settings `{type, config}`.
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
