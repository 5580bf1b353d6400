//! Running the engine's async code from a Python call: GIL released, Python signals
//! still honoured.
//!
//! The tokio runtime is created on first use, in the process that uses it: Airflow's
//! executors fork workers after importing DAG files, and a runtime's threads do not survive
//! a fork, so a runtime inherited from a parent process is abandoned and a new one built.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use crate::logging;

/// How often a run re-takes the GIL to forward log records and run signal handlers.
const POLL: Duration = Duration::from_millis(100);

/// The runtime, with the id of the process that built it.
static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

fn runtime() -> PyResult<Arc<Runtime>> {
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    let pid = std::process::id();
    match slot.take() {
        Some((owner, runtime)) if owner == pid => {
            *slot = Some((owner, runtime.clone()));
            return Ok(runtime);
        }
        // Inherited through fork: its worker threads are gone, and dropping it would wait
        // for them forever.
        Some((_, inherited)) => std::mem::forget(inherited),
        None => {}
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ferrometa-worker")
        .build()
        .map(Arc::new)
        .map_err(|e| PyRuntimeError::new_err(format!("could not start the async runtime: {e}")))?;
    *slot = Some((pid, runtime.clone()));
    Ok(runtime)
}

/// Resolves when a Python signal handler raised during [`run`].
pub struct Cancel(oneshot::Receiver<()>);

impl Cancel {
    pub async fn requested(self) {
        // An error means the run ended without a request: never resolve then.
        if self.0.await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Runs the future built by `make` to its end with the GIL released.
///
/// Meanwhile, every [`POLL`], the calling thread takes the GIL to forward log records and
/// to run Python's signal handlers. When one raises (`KeyboardInterrupt` on Ctrl-C,
/// `AirflowTaskTimeout` on Airflow's `execution_timeout`), the [`Cancel`] handed to `make`
/// resolves, the future is still driven to its end (so it can finish cleanly), and then the
/// exception is returned instead of the future's output. Later exceptions are dropped.
pub fn run<T, F>(py: Python<'_>, make: impl FnOnce(Cancel) -> F + Send) -> PyResult<T>
where
    F: Future<Output = T>,
    T: Send,
{
    let runtime = runtime()?;
    let (output, interrupted) = py.detach(|| {
        let (cancel_tx, cancel_rx) = oneshot::channel();
        let future = make(Cancel(cancel_rx));
        runtime.block_on(async move {
            tokio::pin!(future);
            let mut cancel_tx = Some(cancel_tx);
            let mut interrupted = None;
            let mut poll = tokio::time::interval(POLL);
            poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    output = &mut future => break (output, interrupted),
                    // Once cancelled, records wait for the final flush: Python code run now
                    // could only raise exceptions that would be dropped.
                    _ = poll.tick(), if interrupted.is_none() => {
                        let polled = Python::attach(|py| logging::flush(py).and_then(|()| py.check_signals()));
                        if let Err(e) = polled {
                            interrupted = Some(e);
                            if let Some(tx) = cancel_tx.take() {
                                let _ = tx.send(());
                            }
                        }
                    }
                }
            }
        })
    });
    let flushed = logging::flush(py);
    match interrupted {
        Some(e) => Err(e),
        None => flushed.map(|()| output),
    }
}
