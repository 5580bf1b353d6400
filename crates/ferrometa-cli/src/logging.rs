//! Log set-up: the command line's level wins over the recipe's `loggerLevel`, and
//! dependencies stay at `info` so their debug output (which may echo request headers)
//! never reaches the log. `FERROMETA_LOG` (an `EnvFilter` directive) overrides both, except
//! that the AWS SDK never logs at `trace`, where it shows secrets
//! ([`ferrometa_registry::sdk_log_cap`]).
//!
//! Log lines are coloured only on a terminal: `--color auto` (the default) colours when
//! stderr is one and `NO_COLOR` is unset or empty; `always` and `never` win over both.

use std::io::IsTerminal;
use std::sync::OnceLock;

use clap::{Args, ValueEnum};
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

/// When log lines carry ANSI colour escapes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stderr is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    Always,
    Never,
}

impl Color {
    fn ansi(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// The colour decision of this process: the global `--color` flag, set once before a
/// command starts, so every command's [`init`] follows it.
static ANSI: OnceLock<bool> = OnceLock::new();

pub fn set_color(choice: Color) {
    let _ = ANSI.set(choice.ansi());
}

fn ansi() -> bool {
    *ANSI.get_or_init(|| Color::Auto.ansi())
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
                    .with_ansi(ansi())
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
                    .with_ansi(ansi())
                    .with_target(false),
            )
            .try_init();
    }
}
