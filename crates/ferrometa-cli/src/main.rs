//! `ferrometa`: the command line.
//!
//! Each subcommand lives in its own module; this file parses arguments, sets up logging
//! and maps results to exit codes (0 success, 1 configuration error or failed run; a closed
//! stdout ends any command with 0, see [`output`]).

#[macro_use]
mod output;

mod catalog;
mod demo;
mod ingest;
mod logging;
mod progress;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ferrometa_config::WorkflowType;
use ferrometa_core::ErrorChain;

/// Metadata ingestion for Amazon DynamoDB, compatible with OpenMetadata's workflow recipes.
#[derive(Parser)]
#[command(name = "ferrometa", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour log lines: `auto` when stderr is a terminal and `NO_COLOR` is unset or empty.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t, global = true)]
    color: logging::Color,
}

#[derive(Subcommand)]
enum Command {
    /// Run the metadata workflow of a recipe (`sourceConfig.config.type: DatabaseMetadata`).
    Ingest(IngestArgs),
    /// Run the profiler workflow of a recipe (`type: Profiler`) over the tables the metadata
    /// workflow wrote to the recipe's sink.
    Profile(IngestArgs),
    /// Run the auto-classification workflow of a recipe (`type: AutoClassification`): PII tags
    /// and sample data for the tables the metadata workflow wrote to the recipe's sink.
    Classify(IngestArgs),
    /// Check that the recipe's credentials allow every call the workflow makes.
    TestConnection(RecipeArgs),
    /// Validate a recipe without touching the network.
    Validate(RecipeArgs),
    /// Print the JSON Schema of recipes (or the Markdown reference generated from it).
    Schema {
        /// Print the configuration reference as Markdown.
        #[arg(long)]
        markdown: bool,
    },
    /// Look at what was ingested into the embedded catalog.
    Catalog(catalog::CatalogArgs),
    /// Serve the catalog over OpenMetadata's REST API.
    Serve(serve::ServeArgs),
    /// Mint a JWT for a bot, signed with the server's key.
    Token(serve::TokenArgs),
    /// Ingest a seeded embedded DynamoDB-compatible endpoint and show the catalog (no AWS needed).
    Demo(demo::DemoArgs),
}

#[derive(Args)]
struct RecipeArgs {
    /// Recipe file (.yaml, .yml or .json).
    #[arg(short, long = "config", value_name = "FILE")]
    config: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    log: logging::LogArgs,
}

#[derive(Args)]
struct IngestArgs {
    /// Recipe file (.yaml, .yml or .json).
    #[arg(short, long = "config", value_name = "FILE")]
    config: PathBuf,
    /// Also write the run's status as JSON to this file.
    #[arg(long, value_name = "FILE")]
    status_json: Option<PathBuf>,
    /// Never draw a progress bar.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    log: logging::LogArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::set_color(cli.color);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Ingest(args) => ingest::run(args, WorkflowType::DatabaseMetadata).await,
            Command::Profile(args) => ingest::run(args, WorkflowType::Profiler).await,
            Command::Classify(args) => ingest::run(args, WorkflowType::AutoClassification).await,
            Command::TestConnection(args) => ingest::test_connection(args).await,
            Command::Validate(args) => ingest::validate(args),
            Command::Schema { markdown } => {
                if markdown {
                    out!("{}", ferrometa_config::reference_markdown())?;
                } else {
                    outln!("{:#}", ferrometa_config::json_schema())?;
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Catalog(args) => catalog::run(args),
            Command::Serve(args) => serve::serve(args).await,
            Command::Token(args) => serve::token(args),
            Command::Demo(args) => demo::run(args).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) if output::is_closed(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", report(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes, `error: cause: …`, each named once: no library error repeats
/// its source in its own message.
fn report(e: &anyhow::Error) -> String {
    ErrorChain(e.as_ref()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_name_each_cause_once() {
        // The registry's error says the catalog's, which says SQLite's, which has a cause of
        // its own.
        let missing = std::path::Path::new("/nonexistent/ferrometa/catalog.db");
        let error = ferrometa_registry::RegistryError::from(
            ferrometa_catalog::Catalog::open(missing).err().unwrap(),
        );
        let error = anyhow::Error::from(error);
        let text = report(&error);
        assert!(
            text.starts_with("could not open the catalog: cannot open catalog "),
            "{text}"
        );
        for cause in error.chain() {
            assert_eq!(text.matches(&cause.to_string()).count(), 1, "{text}");
        }
        let context = anyhow::Error::from(std::io::Error::other("disk full"))
            .context("could not write the status to s.json");
        assert_eq!(
            report(&context),
            "could not write the status to s.json: disk full"
        );
    }
}
