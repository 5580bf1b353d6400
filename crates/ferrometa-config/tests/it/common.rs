//! Helpers shared by the integration tests.

use ferrometa_config::{ConfigError, Format, Recipe, load_str_with_env};

/// A valid recipe that tests edit into the case they need.
pub const BASE: &str = "\
source:
  type: dynamodb
  serviceName: local_dynamodb
  serviceConnection:
    config:
      awsConfig:
        awsAccessKeyId: AKIAEXAMPLE
        awsSecretAccessKey: wJalrXUtnFEMI
        awsRegion: us-east-1
        endPointURL: http://localhost:8000
  sourceConfig:
    config:
      type: DatabaseMetadata
      tableFilterPattern:
        includes:
          - ^orders
          - ^users$
sink:
  type: catalog
workflowConfig:
  loggerLevel: INFO
  successThreshold: 90
";

/// Replaces the first `from` (which must be there) by `to`.
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` is not in the recipe");
    text.replacen(from, to, 1)
}

pub fn no_env(_: &str) -> Option<String> {
    None
}

/// Loads YAML named `recipe.yaml`, with an empty environment.
pub fn load(text: &str) -> Result<Recipe, ConfigError> {
    load_str_with_env(text, Format::Yaml, "recipe.yaml", &no_env)
}
