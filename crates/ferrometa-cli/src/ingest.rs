//! `ingest`, `profile`, `classify`, `test-connection` and `validate`: the commands that take a
//! recipe.

use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use ferrometa_config::{Recipe, WorkflowType};
use ferrometa_core::{ErrorChain, Workflow};

use crate::{IngestArgs, RecipeArgs, logging, progress};

fn load(path: &std::path::Path) -> anyhow::Result<Recipe> {
    Ok(ferrometa_config::load_file(path)?)
}

/// Runs a workflow to the end (or Ctrl-C), prints its summary, and returns its exit code.
pub async fn run_workflow(
    mut workflow: Workflow,
    status_json: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let interrupted = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::warn!("interrupted: finishing the current writes and stopping");
    };
    let executed = workflow.execute_until(interrupted).await;
    let stopped = workflow.stop().await;
    // A blank line first: a progress bar leaves its last frame without a newline. A closed
    // stderr has no reader to tell, so a failed write is not an error.
    let _ = write!(std::io::stderr(), "\n{}", workflow.print_status());
    if let Some(path) = status_json {
        let json = serde_json::to_string_pretty(workflow.status())?;
        std::fs::write(path, json)
            .with_context(|| format!("could not write the status to {}", path.display()))?;
    }
    if let Err(e) = executed {
        tracing::error!("{}", ErrorChain(&e));
        return Ok(ExitCode::FAILURE);
    }
    stopped?;
    if let (true, Err(e)) = (
        workflow.settings().raise_on_error,
        workflow.raise_from_status(false),
    ) {
        eprintln!("error: {}", ErrorChain(&e));
        return Ok(ExitCode::FAILURE);
    }
    Ok(if workflow.status().cancelled {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The command that runs each workflow type, as upstream's `metadata` names them.
fn command_of(kind: WorkflowType) -> &'static str {
    match kind {
        WorkflowType::DatabaseMetadata => "ingest",
        WorkflowType::Profiler => "profile",
        WorkflowType::AutoClassification => "classify",
    }
}

/// Runs the recipe's workflow, which must be of the type the command runs.
pub async fn run(args: IngestArgs, expected: WorkflowType) -> anyhow::Result<ExitCode> {
    let recipe = load(&args.config)?;
    let kind = recipe.source.source_config.config.workflow_type();
    if kind != expected {
        anyhow::bail!(
            "{}: source.sourceConfig.config.type is `{}`: run it with `ferrometa {}`",
            args.config.display(),
            kind.name(),
            command_of(kind)
        );
    }
    let terminal = !args.no_progress && std::io::stderr().is_terminal();
    logging::init(
        &args
            .log
            .level(Some(recipe.workflow_config.logger_level.as_str())),
        terminal,
    );
    let workflow = ferrometa_registry::create_workflow(&recipe).await?;
    let workflow = workflow.with_progress(Arc::new(progress::Reporter::new(terminal)));
    run_workflow(workflow, args.status_json.as_deref()).await
}

pub async fn test_connection(args: RecipeArgs) -> anyhow::Result<ExitCode> {
    let recipe = load(&args.config)?;
    logging::init(
        &args
            .log
            .level(Some(recipe.workflow_config.logger_level.as_str())),
        false,
    );
    let source = ferrometa_registry::create_source(&recipe).await?;
    let checks = source.test_connection().await;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&checks)?)?;
    } else {
        for check in &checks {
            let mark = if check.passed {
                "ok  "
            } else if check.mandatory {
                "FAIL"
            } else {
                "warn"
            };
            let note = check
                .message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            outln!("{mark} {:<22} {}{note}", check.name, check.action)?;
        }
    }
    let failed: Vec<_> = checks.iter().filter(|c| c.mandatory && !c.passed).collect();
    if failed.is_empty() {
        if !args.json {
            outln!("connection ok")?;
        }
        Ok(ExitCode::SUCCESS)
    } else {
        let actions: Vec<_> = failed.iter().map(|c| c.action.as_str()).collect();
        eprintln!(
            "error: missing permissions or unreachable endpoint: {}",
            actions.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}

pub fn validate(args: RecipeArgs) -> anyhow::Result<ExitCode> {
    let recipe = load(&args.config)?;
    if args.json {
        outln!(
            "{}",
            serde_json::json!({"valid": true, "file": args.config})
        )?;
    } else {
        outln!(
            "{}: valid ({} source `{}`, sink `{}`)",
            args.config.display(),
            recipe.source.r#type.name(),
            recipe.source.service_name,
            recipe.sink_config().type_name()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
