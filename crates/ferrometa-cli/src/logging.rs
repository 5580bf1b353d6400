//! Log set-up: the command line's level wins over the recipe's `loggerLevel`, and
//! dependencies stay at `info` so their debug output (which may echo request headers)
//! never reaches the log. `FERROMETA_LOG` (an `EnvFilter` directive) overrides both, except
//! that the AWS SDK never logs at `trace`, where it shows secrets
//! ([`ferrometa_registry::sdk_log_cap`]).

use clap::Args;
use tracing_indicatif::IndicatifLayer;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Args, Clone, Default)]
pub struct LogArgs {
    /// Log at debug level (wins over the recipe's loggerLevel).
    #[arg(long, global = true)]
    pub debug: bool,
    /// Log level: DEBUG, INFO, WARN or ERROR (wins over the recipe's loggerLevel).
    #[arg(short = 'l', long = "log-level", value_name = "LEVEL", global = true)]
    pub level: Option<String>,
}

impl LogArgs {
    /// The level to use, given the recipe's.
    pub fn level(&self, recipe_level: Option<&str>) -> String {
        if self.debug {
            return "debug".into();
        }
        let level = self
            .level
            .as_deref()
            .or(recipe_level)
            .unwrap_or("info")
            .to_ascii_lowercase();
        match level.as_str() {
            "warning" => "warn".into(),
            "critical" => "error".into(),
            _ => level,
        }
    }
}

/// Installs the global subscriber; `progress` routes log lines above a progress bar.
pub fn init(level: &str, progress: bool) {
    // A directive matches every target it prefixes: `ferrometa` covers all `ferrometa_*` crates.
    let filter = EnvFilter::try_from_env("FERROMETA_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("info,dynoxide=error,ferrometa={level}")));
    if progress {
        let layer = IndicatifLayer::new();
        let writer = layer.get_stderr_writer();
        let _ = tracing_subscriber::registry()
            .with(filter)
            .with(ferrometa_registry::sdk_log_cap())
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .with_target(false),
            )
            .with(layer)
            .try_init();
    } else {
        let _ = tracing_subscriber::registry()
            .with(filter)
            .with(ferrometa_registry::sdk_log_cap())
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_target(false),
            )
            .try_init();
    }
}
