//! `demo`: a newcomer's first run. Starts an embedded DynamoDB-compatible endpoint, seeds
//! it with realistic tables, runs the real workflow against it over HTTP, and shows the
//! resulting catalog.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use ferrometa_emulator::Emulator;

use crate::{catalog, ingest, logging, progress};

#[derive(Args)]
pub struct DemoArgs {
    /// Where to write the catalog.
    #[arg(long, value_name = "FILE", default_value = "ferrometa-demo.db")]
    catalog: PathBuf,
    #[command(flatten)]
    log: logging::LogArgs,
}

/// The recipe the demo runs, as a user would write it.
fn recipe_text(endpoint: &str, catalog: &std::path::Path) -> String {
    format!(
        r#"source:
  type: dynamodb
  serviceName: demo_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsAccessKeyId: demo
        awsSecretAccessKey: demo-secret
        awsRegion: us-east-1
        endPointURL: {endpoint}
  sourceConfig:
    config:
      type: DatabaseMetadata
sink:
  type: catalog
  config:
    path: {catalog}
workflowConfig:
  loggerLevel: INFO
"#,
        catalog = catalog.display()
    )
}

pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    logging::init(&args.log.level(None), false);
    let emulator = Emulator::start().await?;
    let seeded = ferrometa_emulator::seed_demo(&emulator.client()).await?;
    let tables: Vec<String> = seeded
        .tables
        .iter()
        .map(|t| format!("{} ({} items)", t.name, t.items))
        .collect();
    tracing::info!(
        "embedded DynamoDB endpoint at {}: seeded {} tables ({} items): {}",
        emulator.endpoint(),
        seeded.tables.len(),
        seeded.total_items(),
        tables.join(", ")
    );
    let text = recipe_text(&emulator.endpoint(), &args.catalog);
    outln!("Recipe:\n{text}")?;
    let recipe = ferrometa_config::load_str(&text, ferrometa_config::Format::Yaml, "demo.yaml")?;
    let workflow = ferrometa_registry::create_workflow(&recipe)
        .await?
        .with_progress(Arc::new(progress::Reporter::new(false)));
    let code = ingest::run_workflow(workflow, None).await?;
    emulator.stop().await;
    outln!()?;
    catalog::print_overview(&args.catalog)?;
    outln!(
        "\nExplore it further with: ferrometa catalog --catalog {} list",
        args.catalog.display()
    )?;
    Ok(code)
}
