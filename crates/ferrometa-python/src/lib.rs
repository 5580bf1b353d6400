//! `ferrometa._ferrometa`, the native module of the `ferrometa` Python package.
//!
//! It puts OpenMetadata's `Workflow` API (`Workflow.create(config)`, `execute()`,
//! `raise_from_status()`, `print_status()`, `stop()`) over the same engine the command line
//! runs (`ferrometa_registry::create_workflow` and `ferrometa_core::Workflow`), so an Airflow
//! DAG written for OpenMetadata's ingestion framework only changes its import.
//!
//! - `workflow`: the `Workflow` class;
//! - `status`: the status snapshot classes;
//! - `errors`: the exceptions and how engine errors map onto them;
//! - `convert`: a recipe dict to the JSON value the recipe loader validates;
//! - `runtime`: blocking calls with the GIL released, cancelled by Python signals;
//! - `logging`: engine events to Python's `logging`.
//!
//! The pure-Python part of the package (re-exports, typing stubs) is in `python/ferrometa`.

mod convert;
mod errors;
mod logging;
mod runtime;
mod status;
mod workflow;

use pyo3::prelude::*;

#[pymodule(name = "_ferrometa")]
fn native_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::init();
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<workflow::Workflow>()?;
    m.add_class::<workflow::ProfilerWorkflow>()?;
    m.add_class::<workflow::AutoClassificationWorkflow>()?;
    m.add_class::<status::WorkflowStatus>()?;
    m.add_class::<status::StepStatus>()?;
    m.add_class::<status::Failure>()?;
    m.add_class::<status::Reason>()?;
    m.add("FerrometaError", py.get_type::<errors::FerrometaError>())?;
    m.add(
        "ConfigurationError",
        py.get_type::<errors::ConfigurationError>(),
    )?;
    m.add(
        "WorkflowInitError",
        py.get_type::<errors::WorkflowInitError>(),
    )?;
    m.add(
        "WorkflowExecutionError",
        py.get_type::<errors::WorkflowExecutionError>(),
    )?;
    Ok(())
}
