//! Set-up shared by the binary's end-to-end tests: running `ferrometa`, writing recipes, and
//! an emulator seeded with the demo tables beside a temporary directory for the catalog.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use ferrometa_emulator::{DemoSummary, Emulator};
use tempfile::TempDir;

/// What one run of the binary printed, and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary, without the developer's `FERROMETA_LOG` (tests expect the default filter) and
/// with no input.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferrometa"));
    command.env_remove("FERROMETA_LOG").stdin(Stdio::null());
    command
}

/// Runs `command` to the end off the async runtime.
pub async fn run(mut command: Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// `ferrometa ARGS...`.
pub async fn ferrometa(args: &[&str]) -> Run {
    let mut command = command();
    command.args(args);
    run(command).await
}

/// A DynamoDB recipe for an endpoint, built up from a valid default: static credentials,
/// region `us-east-1`, the catalog sink at `catalog.db`, `loggerLevel: INFO`.
#[derive(Clone)]
pub struct Recipe {
    endpoint: String,
    region: String,
    secret_key: String,
    session_token: Option<String>,
    aws_config: String,
    workflow: String,
    source_config: String,
    sink: String,
    workflow_config: String,
    logger_level: String,
}

impl Recipe {
    pub fn new(endpoint: &str) -> Recipe {
        Recipe {
            endpoint: endpoint.to_string(),
            region: "us-east-1".into(),
            secret_key: "not-a-secret".into(),
            session_token: None,
            aws_config: String::new(),
            workflow: "DatabaseMetadata".into(),
            source_config: String::new(),
            sink: String::new(),
            workflow_config: String::new(),
            logger_level: "INFO".into(),
        }
        .catalog(Path::new("catalog.db"))
    }

    pub fn region(mut self, region: &str) -> Recipe {
        self.region = region.into();
        self
    }

    pub fn secret_key(mut self, key: &str) -> Recipe {
        self.secret_key = key.into();
        self
    }

    pub fn session_token(mut self, token: &str) -> Recipe {
        self.session_token = Some(token.into());
        self
    }

    /// Lines added under `awsConfig` (indented by 8).
    pub fn aws_config(mut self, lines: &str) -> Recipe {
        self.aws_config = lines.into();
        self
    }

    /// The workflow type, `sourceConfig.config.type` (`DatabaseMetadata` unless set).
    pub fn workflow(mut self, kind: &str) -> Recipe {
        self.workflow = kind.into();
        self
    }

    /// Lines added under `sourceConfig.config` (indented by 6).
    pub fn source_config(mut self, lines: &str) -> Recipe {
        self.source_config = lines.into();
        self
    }

    /// The catalog sink writing to `path`.
    pub fn catalog(self, path: &Path) -> Recipe {
        self.sink(&format!(
            "  type: catalog\n  config:\n    path: {}",
            path.display()
        ))
    }

    /// The lines of the `sink` section (indented by 2).
    pub fn sink(mut self, lines: &str) -> Recipe {
        self.sink = lines.into();
        self
    }

    /// Lines added under `workflowConfig` after `loggerLevel` (indented by 2).
    pub fn workflow_config(mut self, lines: &str) -> Recipe {
        self.workflow_config = lines.into();
        self
    }

    pub fn logger_level(mut self, level: &str) -> Recipe {
        self.logger_level = level.into();
        self
    }

    pub fn text(&self) -> String {
        // Optional lines are left out rather than left blank, so that error positions in
        // snapshots stay put.
        let optional = |line: String, present: bool| if present { line } else { String::new() };
        format!(
            "source:
  type: dynamodb
  serviceName: local_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsAccessKeyId: AKIDFERROMETATEST
        awsSecretAccessKey: {secret_key}
{session_token}        awsRegion: {region}
        endPointURL: {endpoint}
{aws_config}  sourceConfig:
    config:
      type: {workflow}
{source_config}
sink:
{sink}
workflowConfig:
  loggerLevel: {logger_level}
{workflow_config}",
            secret_key = self.secret_key,
            session_token = optional(
                format!(
                    "        awsSessionToken: {}\n",
                    self.session_token.as_deref().unwrap_or_default()
                ),
                self.session_token.is_some()
            ),
            region = self.region,
            endpoint = self.endpoint,
            aws_config = optional(
                format!("{}\n", self.aws_config),
                !self.aws_config.is_empty()
            ),
            workflow = self.workflow,
            source_config = self.source_config,
            sink = self.sink,
            logger_level = self.logger_level,
            workflow_config = optional(
                format!("{}\n", self.workflow_config),
                !self.workflow_config.is_empty()
            ),
        )
    }

    /// Writes the recipe to `path` and returns the path.
    pub fn write(&self, path: &Path) -> PathBuf {
        std::fs::write(path, self.text()).unwrap();
        path.to_path_buf()
    }
}

/// An emulator seeded with the demo tables, a temporary directory and a catalog path in it.
pub struct Demo {
    pub emulator: Emulator,
    pub seeded: DemoSummary,
    pub dir: TempDir,
    pub catalog: PathBuf,
}

impl Demo {
    pub async fn start() -> Demo {
        let emulator = Emulator::start().await.unwrap();
        let seeded = ferrometa_emulator::seed_demo(&emulator.client())
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("catalog.db");
        Demo {
            emulator,
            seeded,
            dir,
            catalog,
        }
    }

    /// A recipe for the emulator writing to the catalog.
    pub fn recipe(&self) -> Recipe {
        Recipe::new(&self.emulator.endpoint()).catalog(&self.catalog)
    }
}
