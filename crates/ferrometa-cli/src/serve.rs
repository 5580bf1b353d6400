//! `serve` and `token`: the embedded catalog over OpenMetadata's REST API, and the bot
//! tokens that authenticate to it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ferrometa_server::{AuthMode, ServerConfig};

use crate::logging;

#[derive(Args)]
pub struct ServeArgs {
    /// The catalog file to serve (created if missing).
    #[arg(long, value_name = "FILE", default_value = "ferrometa.db")]
    catalog: PathBuf,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8585")]
    bind: SocketAddr,
    /// JWT signing key file (default: beside the catalog, created on first start).
    #[arg(long, value_name = "FILE", conflicts_with = "no_auth")]
    key_file: Option<PathBuf>,
    /// Accept requests without a token (only on a loopback address).
    #[arg(long)]
    no_auth: bool,
    /// The version `system/version` reports.
    #[arg(long, default_value = ferrometa_server::DEFAULT_VERSION)]
    server_version: String,
    /// The URL clients reach the server at, for `href`s (e.g. behind a proxy).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    #[command(flatten)]
    log: logging::LogArgs,
}

#[derive(Args)]
pub struct TokenArgs {
    /// The bot the token is for (its name is recorded as `updatedBy`).
    #[arg(long, default_value = "ingestion-bot")]
    bot: String,
    /// The catalog whose server will check the token (its key lives beside it).
    #[arg(long, value_name = "FILE", default_value = "ferrometa.db")]
    catalog: PathBuf,
    /// JWT signing key file (default: beside the catalog).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Lifetime in days, up to 36500 (default: no expiry).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u64).range(1..=36_500))]
    days: Option<u64>,
    /// Replace the signing key first: every token minted before is refused from then on,
    /// by running servers too.
    #[arg(long)]
    rotate: bool,
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    logging::init(&args.log.level(None), false);
    let mut config = ServerConfig::new(&args.catalog);
    config.bind = args.bind;
    config.version = args.server_version;
    config.public_url = args.public_url;
    if args.no_auth {
        config.auth = AuthMode::NoAuth;
    } else if let Some(key_file) = args.key_file {
        config.auth = AuthMode::Jwt { key_file };
    }
    ferrometa_server::serve(config, ferrometa_server::shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

pub fn token(args: TokenArgs) -> anyhow::Result<ExitCode> {
    let key_file = args
        .key_file
        .unwrap_or_else(|| ferrometa_server::default_key_file(&args.catalog));
    let ttl = args.days.map(|d| Duration::from_secs(d * 86_400));
    if args.rotate {
        ferrometa_server::rotate_key(&key_file)?;
        eprintln!(
            "rotated the signing key {}: tokens minted before are refused from now on",
            key_file.display()
        );
    }
    outln!(
        "{}",
        ferrometa_server::mint_token(&key_file, &args.bot, ttl)?
    )?;
    Ok(ExitCode::SUCCESS)
}
