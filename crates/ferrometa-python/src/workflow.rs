//! `ferrometa.Workflow`: OpenMetadata's workflow lifecycle (`create`, `execute`,
//! `raise_from_status`, `print_status`, `stop`) over the engine's `Workflow`, and its
//! subclasses `ProfilerWorkflow` and `AutoClassificationWorkflow`, named as upstream's, which
//! accept only recipes of their own workflow type.

use std::path::PathBuf;

use ferrometa_config::{Recipe, WorkflowType};
use ferrometa_core::{Workflow as Engine, WorkflowError};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tokio::sync::Mutex;

use crate::errors::{self, ConfigLocation, WorkflowExecutionError};
use crate::status::WorkflowStatus;
use crate::{convert, logging, runtime};

/// Origin named in the errors of a recipe given as a dict.
const DICT_ORIGIN: &str = "<dict>";

/// One run of a recipe.
#[pyclass(module = "ferrometa", frozen, subclass)]
pub struct Workflow {
    engine: Mutex<Engine>,
    service: String,
    sink: &'static str,
    kind: WorkflowType,
}

impl Workflow {
    /// Validates the recipe, which must be of the workflow type `expected` when one is given,
    /// and builds its source and sink.
    fn build(
        py: Python<'_>,
        config: &Bound<'_, PyAny>,
        expected: Option<WorkflowType>,
    ) -> PyResult<Workflow> {
        let recipe = recipe(py, config)?;
        let kind = recipe.source.source_config.config.workflow_type();
        if let Some(expected) = expected.filter(|e| *e != kind) {
            let reason = format!(
                "this recipe runs the `{}` workflow, not `{}`",
                kind.name(),
                expected.name()
            );
            let field_path = "source.sourceConfig.config.type";
            let origin = match config.extract::<PathBuf>() {
                Ok(path) => path.display().to_string(),
                Err(_) => DICT_ORIGIN.to_string(),
            };
            let location = ConfigLocation {
                origin: &origin,
                line: None,
                column: None,
                field_path: Some(field_path),
            };
            let message = format!("{origin}: {field_path}: {reason}");
            return Err(location.error(py, &message, &reason));
        }
        logging::set_level(py, recipe.workflow_config.logger_level)?;
        let recipe_ref = &recipe;
        let created = runtime::run(py, |cancel| async move {
            tokio::select! {
                created = ferrometa_registry::create_workflow(recipe_ref) => Some(created),
                () = cancel.requested() => None,
            }
        })?;
        // `None` only when a signal interrupted the call, and `run` then returned its error.
        let engine = created
            .ok_or_else(|| PyRuntimeError::new_err("interrupted"))?
            .map_err(|e| errors::init_error(&e))?;
        Ok(Workflow {
            engine: Mutex::new(engine),
            service: recipe.source.service_name.clone(),
            sink: recipe.sink_config().type_name(),
            kind,
        })
    }
}

#[pymethods]
impl Workflow {
    /// Validates the recipe and builds its source and sink; the recipe's
    /// `sourceConfig.config.type` chooses the workflow (metadata, profiler or
    /// auto-classification).
    ///
    /// `config` is the recipe as a dict (what `yaml.safe_load` returns; `${VAR}`s are not
    /// expanded), or the path of a `.yaml`, `.yml` or `.json` file (`${VAR}`s are expanded
    /// from the environment, and errors name the line and column).
    #[staticmethod]
    fn create(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Workflow> {
        Workflow::build(py, config, None)
    }

    /// Runs the source into the sink to the end, then stops the workflow (closes the sink).
    ///
    /// The GIL is released meanwhile. Ctrl-C, or Airflow's `execution_timeout`, cancels the
    /// run: what was written stays written, nothing is marked deleted, the status says
    /// `cancelled`, and the `KeyboardInterrupt` (or `AirflowTaskTimeout`) is raised.
    fn execute(&self, py: Python<'_>) -> PyResult<()> {
        let kind = match self.kind {
            WorkflowType::DatabaseMetadata => "metadata",
            WorkflowType::Profiler => "profiler",
            WorkflowType::AutoClassification => "auto-classification",
        };
        let (service, engine) = (&self.service, &self.engine);
        let (executed, stopped) = runtime::run(py, |cancel| async move {
            let mut engine = engine.lock().await;
            tracing::info!("running the {kind} workflow of service `{service}`");
            let executed = engine.execute_until(cancel.requested()).await;
            if engine.status().cancelled {
                tracing::warn!("interrupted: stopped after the current writes");
            }
            (executed, engine.stop().await)
        })?;
        executed.map_err(|e| errors::execution_error(&e))?;
        stopped.map_err(|e| errors::execution_error(&e))
    }

    /// Raises `WorkflowExecutionError` when a schema's tables could not all be listed, when a
    /// step has failures and its success rate is under `successThreshold`, or, with
    /// `raise_warnings`, when a step has warnings.
    ///
    /// The message is the engine's, followed by the step's first failures: in Airflow the
    /// exception is what the task log and failure callbacks show.
    #[pyo3(signature = (raise_warnings = false))]
    fn raise_from_status(&self, py: Python<'_>, raise_warnings: bool) -> PyResult<()> {
        py.detach(|| {
            let engine = self.engine.blocking_lock();
            engine.raise_from_status(raise_warnings).map_err(|e| {
                let status = engine.status();
                let failures = match &e {
                    WorkflowError::Threshold { step, .. } if *step == status.sink.name => {
                        &status.sink.failures
                    }
                    WorkflowError::Threshold { .. } | WorkflowError::IncompleteListing { .. } => {
                        &status.source.failures
                    }
                    _ => &[][..],
                };
                errors::with_failures(&e, failures)
            })
        })
        .map_err(WorkflowExecutionError::new_err)
    }

    /// Prints the summary of the run to `sys.stdout` (which Airflow puts in the task log).
    fn print_status(&self, py: Python<'_>) -> PyResult<()> {
        static PRINT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let text = py.detach(|| self.engine.blocking_lock().print_status());
        let kwargs = PyDict::new(py);
        kwargs.set_item("end", "")?;
        kwargs.set_item("flush", true)?;
        PRINT
            .import(py, "builtins", "print")?
            .call((text,), Some(&kwargs))?;
        Ok(())
    }

    /// Closes the sink. Idempotent: `execute` already called it.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let engine = &self.engine;
        runtime::run(py, |_| async move { engine.lock().await.stop().await })?
            .map_err(|e| errors::execution_error(&e))
    }

    /// 0 when the run passes `raise_from_status` (or `raiseOnError` is off), 1 when it does
    /// not or was cancelled: the command line's exit code.
    fn result_status(&self, py: Python<'_>) -> i32 {
        py.detach(|| self.engine.blocking_lock().result_status())
    }

    /// The counts of the run so far.
    #[getter]
    fn status(&self, py: Python<'_>) -> WorkflowStatus {
        WorkflowStatus::new(py.detach(|| self.engine.blocking_lock().status().clone()))
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        Ok(format!(
            "<ferrometa.{} service={:?} sink={:?}>",
            slf.get_type().name()?,
            this.service,
            this.sink
        ))
    }
}

/// A `Workflow` class that runs only recipes of one workflow type, named as upstream's.
macro_rules! typed_workflow {
    ($(#[$doc:meta])* $class:ident, $kind:expr) => {
        $(#[$doc])*
        #[pyclass(module = "ferrometa", frozen, extends = Workflow)]
        pub struct $class;

        #[pymethods]
        impl $class {
            /// Validates the recipe, which must be of this class's workflow type, and builds
            /// its source and sink; otherwise as `Workflow.create`.
            #[staticmethod]
            fn create(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Py<$class>> {
                let base = Workflow::build(py, config, Some($kind))?;
                Py::new(py, PyClassInitializer::from(base).add_subclass($class))
            }
        }
    };
}

typed_workflow!(
    /// The profiler workflow (`sourceConfig.config.type: Profiler`), as upstream's
    /// `metadata.workflow.profiler.ProfilerWorkflow`.
    ProfilerWorkflow,
    WorkflowType::Profiler
);
typed_workflow!(
    /// The auto-classification workflow (`sourceConfig.config.type: AutoClassification`), as
    /// upstream's `metadata.workflow.classification.AutoClassificationWorkflow`.
    AutoClassificationWorkflow,
    WorkflowType::AutoClassification
);

/// Loads the recipe from a dict or a file path.
fn recipe(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Recipe> {
    if let Ok(dict) = config.cast::<PyDict>() {
        let value = convert::to_json(dict.as_any(), "").map_err(|e| {
            let field_path = (!e.field_path.is_empty()).then_some(e.field_path.as_str());
            let location = ConfigLocation {
                origin: DICT_ORIGIN,
                line: None,
                column: None,
                field_path,
            };
            let message = match field_path {
                Some(path) => format!("{DICT_ORIGIN}: {path}: {}", e.reason),
                None => format!("{DICT_ORIGIN}: {}", e.reason),
            };
            location.error(py, &message, &e.reason)
        })?;
        return ferrometa_config::from_json_value(value, DICT_ORIGIN)
            .map_err(|e| errors::configuration_error(py, &e));
    }
    let Ok(path) = config.extract::<PathBuf>() else {
        let kind = config
            .get_type()
            .name()
            .map_or_else(|_| "?".to_string(), |n| n.to_string());
        return Err(PyTypeError::new_err(format!(
            "Workflow.create expects the recipe as a dict (e.g. from yaml.safe_load) or the path of a recipe file, not `{kind}`"
        )));
    };
    py.detach(|| ferrometa_config::load_file(&path))
        .map_err(|e| errors::configuration_error(py, &e))
}
