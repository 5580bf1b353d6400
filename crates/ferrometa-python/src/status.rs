//! The status of a run as Python objects: snapshots of the engine's `WorkflowStatus`, with
//! the same counts the command line prints and writes with `--status-json`.

use std::sync::Arc;

use ferrometa_core::status::{Failure as CoreFailure, Reason as CoreReason};
use ferrometa_core::{StepStatus as CoreStep, WorkflowStatus as CoreStatus};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// One entity that could not be processed.
#[pyclass(module = "ferrometa", frozen, eq, get_all)]
#[derive(Clone, PartialEq)]
pub struct Failure {
    /// The entity (a fully qualified name, or the step for a failure of the whole step).
    name: String,
    error: String,
    stack_trace: Option<String>,
}

#[pymethods]
impl Failure {
    fn __repr__(&self) -> String {
        format!("Failure(name={:?}, error={:?})", self.name, self.error)
    }
}

impl From<&CoreFailure> for Failure {
    fn from(f: &CoreFailure) -> Self {
        Failure {
            name: f.name.clone(),
            error: f.error.clone(),
            stack_trace: f.stack_trace.clone(),
        }
    }
}

/// An entity with the reason it was filtered out or warned about.
#[pyclass(module = "ferrometa", frozen, eq, get_all)]
#[derive(Clone, PartialEq)]
pub struct Reason {
    name: String,
    reason: String,
}

#[pymethods]
impl Reason {
    fn __repr__(&self) -> String {
        format!("Reason(name={:?}, reason={:?})", self.name, self.reason)
    }
}

impl From<&CoreReason> for Reason {
    fn from(r: &CoreReason) -> Self {
        Reason {
            name: r.name.clone(),
            reason: r.reason.clone(),
        }
    }
}

/// The counts of one step: the source (`DynamoDB`) or the sink.
#[pyclass(module = "ferrometa", frozen)]
pub struct StepStatus {
    status: Arc<CoreStatus>,
    sink: bool,
}

impl StepStatus {
    fn step(&self) -> &CoreStep {
        if self.sink {
            &self.status.sink
        } else {
            &self.status.source
        }
    }
}

#[pymethods]
impl StepStatus {
    #[getter]
    fn name(&self) -> &str {
        &self.step().name
    }

    /// Entities processed (created, for the sink).
    #[getter]
    fn records(&self) -> Vec<String> {
        self.step().records.clone()
    }

    /// Entities that existed and changed.
    #[getter]
    fn updated_records(&self) -> Vec<String> {
        self.step().updated_records.clone()
    }

    /// Entities that existed and did not change (not written).
    #[getter]
    fn unchanged(&self) -> u64 {
        self.step().unchanged
    }

    /// Requests sent again after a transient failure (throttling, 5xx, a lost connection).
    #[getter]
    fn retries(&self) -> u64 {
        self.step().retries
    }

    #[getter]
    fn warnings(&self) -> Vec<Reason> {
        self.step().warnings.iter().map(Reason::from).collect()
    }

    #[getter]
    fn filtered(&self) -> Vec<Reason> {
        self.step().filtered.iter().map(Reason::from).collect()
    }

    #[getter]
    fn failures(&self) -> Vec<Failure> {
        self.step().failures.iter().map(Failure::from).collect()
    }

    /// Share of entities processed without failure, in percent (100 when nothing happened).
    fn calculate_success(&self) -> f64 {
        self.step().success_rate()
    }

    fn __repr__(&self) -> String {
        let s = self.step();
        format!(
            "StepStatus(name={:?}, records={}, updated_records={}, unchanged={}, warnings={}, filtered={}, failures={})",
            s.name,
            s.records.len(),
            s.updated_records.len(),
            s.unchanged,
            s.warnings.len(),
            s.filtered.len(),
            s.failures.len()
        )
    }
}

/// The status of a run, as of when it was read from the workflow.
#[pyclass(module = "ferrometa", frozen)]
pub struct WorkflowStatus {
    status: Arc<CoreStatus>,
}

impl WorkflowStatus {
    pub fn new(status: CoreStatus) -> Self {
        WorkflowStatus {
            status: Arc::new(status),
        }
    }
}

#[pymethods]
impl WorkflowStatus {
    #[getter]
    fn source(&self) -> StepStatus {
        StepStatus {
            status: self.status.clone(),
            sink: false,
        }
    }

    #[getter]
    fn sink(&self) -> StepStatus {
        StepStatus {
            status: self.status.clone(),
            sink: true,
        }
    }

    /// Fully qualified names of the tables marked deleted by this run.
    #[getter]
    fn deleted(&self) -> Vec<String> {
        self.status.deleted.clone()
    }

    /// Read capacity units consumed by sampling.
    #[getter]
    fn read_capacity(&self) -> f64 {
        self.status.read_capacity
    }

    #[getter]
    fn duration_seconds(&self) -> f64 {
        self.status.duration_seconds
    }

    /// Where the sink wrote (the catalog file), when it says.
    #[getter]
    fn location(&self) -> Option<&str> {
        self.status.location.as_deref()
    }

    /// True when the run was interrupted before the source finished.
    #[getter]
    fn cancelled(&self) -> bool {
        self.status.cancelled
    }

    /// The rate `successThreshold` is checked against: the lowest of the steps'.
    fn calculate_success(&self) -> f64 {
        self.status.success_rate()
    }

    /// The status as `ferrometa ingest --status-json` writes it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let json = serde_json::to_string(&*self.status)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        LOADS.import(py, "json", "loads")?.call1((json,))
    }

    /// The summary `print_status` prints.
    fn __str__(&self) -> String {
        self.status.render()
    }

    fn __repr__(&self) -> String {
        format!(
            "WorkflowStatus(source={}, sink={}, success={}, cancelled={})",
            self.source().__repr__(),
            self.sink().__repr__(),
            self.status.success_rate(),
            if self.status.cancelled {
                "True"
            } else {
                "False"
            }
        )
    }
}
