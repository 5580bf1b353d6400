//! The package's exceptions, and the mapping of the engine's errors onto them.
//!
//! Names follow OpenMetadata's ingestion framework (`ConfigurationError` and
//! `WorkflowExecutionError` live in `metadata.config.common` there), so `except` clauses
//! written for it keep working after the import changes.

use ferrometa_config::ConfigError;
use ferrometa_core::{ErrorChain, Failure, WorkflowError};
use ferrometa_registry::RegistryError;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

pyo3::create_exception!(
    ferrometa,
    FerrometaError,
    PyException,
    "Base class of every error raised by ferrometa."
);
pyo3::create_exception!(
    ferrometa,
    ConfigurationError,
    FerrometaError,
    "The recipe cannot be read or is invalid.\n\nThe message names the file (or `<dict>`), line, column and field path; the same parts\nare in the attributes `origin`, `line`, `column`, `field_path` and `reason`. Values are\nnever echoed: they may be secrets."
);
pyo3::create_exception!(
    ferrometa,
    WorkflowInitError,
    FerrometaError,
    "The recipe is valid but its source or sink cannot be created (e.g. the catalog cannot be\nopened)."
);
pyo3::create_exception!(
    ferrometa,
    WorkflowExecutionError,
    FerrometaError,
    "The run failed: the source failed as a whole, the sink could not be closed, or\n`raise_from_status` found a step under `successThreshold`."
);

/// A `ConfigurationError` carrying the parts of `error` as attributes.
pub fn configuration_error(py: Python<'_>, error: &ConfigError) -> PyErr {
    ConfigLocation {
        origin: error.origin(),
        line: error.line(),
        column: error.column(),
        field_path: error.field_path(),
    }
    .error(py, &error.to_string(), error.message())
}

/// Where in a recipe a [`ConfigurationError`] is.
pub struct ConfigLocation<'a> {
    pub origin: &'a str,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field_path: Option<&'a str>,
}

impl ConfigLocation<'_> {
    /// The exception, with `message` as its text and the parts as attributes.
    pub fn error(&self, py: Python<'_>, message: &str, reason: &str) -> PyErr {
        let err = ConfigurationError::new_err(message.to_string());
        let value = err.value(py);
        let attributes = (|| -> PyResult<()> {
            value.setattr("origin", self.origin)?;
            value.setattr("line", self.line)?;
            value.setattr("column", self.column)?;
            value.setattr("field_path", self.field_path)?;
            value.setattr("reason", reason)
        })();
        match attributes {
            Ok(()) => err,
            Err(e) => e,
        }
    }
}

pub fn init_error(error: &RegistryError) -> PyErr {
    WorkflowInitError::new_err(ErrorChain(error).to_string())
}

pub fn execution_error(error: &WorkflowError) -> PyErr {
    WorkflowExecutionError::new_err(ErrorChain(error).to_string())
}

/// Failures listed in a message at most.
const LISTED_FAILURES: usize = 10;

/// The message of `error` with its causes, then one line per failure.
pub fn with_failures(error: &WorkflowError, failures: &[Failure]) -> String {
    let mut message = ErrorChain(error).to_string();
    for failure in failures.iter().take(LISTED_FAILURES) {
        message.push_str(&format!("\n  {}: {}", failure.name, failure.error));
    }
    if failures.len() > LISTED_FAILURES {
        message.push_str(&format!(
            "\n  ... and {} more",
            failures.len() - LISTED_FAILURES
        ));
    }
    message
}
