//! The engine's `tracing` events, forwarded to Python's `logging`.
//!
//! Events are buffered by a `tracing` layer and handed to `logging.getLogger("ferrometa.…")`
//! by [`flush`], which runs on the thread that called into the package while it briefly holds
//! the GIL (every 100 ms during a run, and at the end of each call). So records reach the
//! handlers Airflow (or pytest's `caplog`) installed, in order, and no engine thread ever
//! waits for the GIL.
//!
//! Levels: the recipe's `loggerLevel` applies to the engine's own crates, other crates stay
//! at `info` so their debug output (which may echo request headers) is never recorded, as in
//! the command line. `FERROMETA_LOG` (an `EnvFilter` directive) overrides both, except that
//! the AWS SDK never logs at `trace`, where it shows secrets
//! ([`ferrometa_registry::sdk_log_cap`]).

use std::collections::VecDeque;
use std::fmt::{self, Write as _};
use std::sync::{Mutex, OnceLock, PoisonError};

use ferrometa_config::LogLevel;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{EnvFilter, Layer, Registry, reload};

/// Records kept while no call drains them; older ones are dropped first.
const CAPACITY: usize = 10_000;
/// The parent of every logger this package writes to.
const ROOT_LOGGER: &str = "ferrometa";
/// The target of this crate's own events (its library is named after the native module).
const OWN_TARGET: &str = env!("CARGO_CRATE_NAME");

struct Record {
    level: i32,
    logger: String,
    message: String,
}

struct Buffer {
    records: VecDeque<Record>,
    dropped: usize,
}

static BUFFER: Mutex<Buffer> = Mutex::new(Buffer {
    records: VecDeque::new(),
    dropped: 0,
});
static FILTER: OnceLock<reload::Handle<EnvFilter, Registry>> = OnceLock::new();

/// Installs the process-wide `tracing` subscriber (once).
pub fn init() {
    FILTER.get_or_init(|| {
        let (filter, handle) = reload::Layer::new(filter(LogLevel::Info));
        let subscriber = Registry::default()
            .with(filter)
            .with(ferrometa_registry::sdk_log_cap())
            .with(Forward);
        // Fails only when a subscriber is already installed; the engine then logs there.
        let _ = tracing::subscriber::set_global_default(subscriber);
        handle
    });
}

/// Applies a recipe's `loggerLevel` to the engine and to the `ferrometa` Python logger,
/// as OpenMetadata's workflow sets its loggers from it.
pub fn set_level(py: Python<'_>, level: LogLevel) -> PyResult<()> {
    if let Some(handle) = FILTER.get() {
        let _ = handle.reload(filter(level));
    }
    let name = match level {
        LogLevel::Debug => "DEBUG",
        LogLevel::Info => "INFO",
        LogLevel::Warn => "WARNING",
        LogLevel::Error => "ERROR",
    };
    get_logger(py, ROOT_LOGGER)?.call_method1("setLevel", (name,))?;
    Ok(())
}

fn filter(level: LogLevel) -> EnvFilter {
    EnvFilter::try_from_env("FERROMETA_LOG").unwrap_or_else(|_| {
        let level = match level {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        };
        // A directive's target matches every target it prefixes: all `ferrometa_*` crates.
        EnvFilter::new(format!("info,ferrometa={level},{OWN_TARGET}={level}"))
    })
}

/// Hands the buffered records to Python's `logging`.
///
/// An error is usually a signal handler's exception (Python runs handlers while it runs the
/// logging calls), and is returned for the caller to raise; the records not yet handed over
/// are dropped then.
pub fn flush(py: Python<'_>) -> PyResult<()> {
    let (records, dropped) = {
        let mut buffer = BUFFER.lock().unwrap_or_else(PoisonError::into_inner);
        (
            std::mem::take(&mut buffer.records),
            std::mem::take(&mut buffer.dropped),
        )
    };
    if dropped > 0 {
        let message = format!("{dropped} log records were dropped: nothing read them in time");
        get_logger(py, ROOT_LOGGER)?.call_method1("log", (python_level(Level::WARN), message))?;
    }
    for record in records {
        get_logger(py, &record.logger)?.call_method1("log", (record.level, record.message))?;
    }
    Ok(())
}

fn get_logger<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    static GET_LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET_LOGGER
        .import(py, "logging", "getLogger")?
        .call1((name,))
}

fn python_level(level: Level) -> i32 {
    match level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

/// `ferrometa_core::workflow` → `ferrometa.core`, `aws_config::…` → `ferrometa.aws_config`;
/// this crate's own events go to `ferrometa`.
fn logger_name(target: &str) -> String {
    let krate = target.split("::").next().unwrap_or(target);
    if krate == OWN_TARGET {
        return ROOT_LOGGER.to_string();
    }
    let name = krate.strip_prefix("ferrometa_").unwrap_or(krate);
    format!("{ROOT_LOGGER}.{name}")
}

/// The layer that buffers events.
struct Forward;

impl<S: Subscriber> Layer<S> for Forward {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let metadata = event.metadata();
        let mut message = Message::default();
        event.record(&mut message);
        let record = Record {
            level: python_level(*metadata.level()),
            logger: logger_name(metadata.target()),
            message: message.text + &message.fields,
        };
        let mut buffer = BUFFER.lock().unwrap_or_else(PoisonError::into_inner);
        if buffer.records.len() == CAPACITY {
            buffer.records.pop_front();
            buffer.dropped += 1;
        }
        buffer.records.push_back(record);
    }
}

/// An event as one line: the message, then ` key=value` per field, as the CLI prints it.
#[derive(Default)]
struct Message {
    text: String,
    fields: String,
}

impl Visit for Message {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.text, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}
