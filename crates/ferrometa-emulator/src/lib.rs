//! An embedded DynamoDB-compatible endpoint, seed datasets and a fault-injecting proxy.
//!
//! [`Emulator`] serves the DynamoDB JSON API in-process (dynoxide, in-memory SQLite) on a
//! free port of `127.0.0.1`, so the real AWS SDK talks to it over HTTP. It is the one
//! harness shared by the CLI's `demo` command, every crate's integration tests and the
//! benchmarks. Each emulator has its own database: several can run side by side.
//!
//! - [`seed`] creates the demo dataset ([`seed::seed_demo`]), large generated datasets
//!   ([`seed::seed_generated`]) and small tables for tests.
//! - [`single_table`] creates a corpus of single-table designs with the entity types each
//!   holds ([`single_table::seed_single_table_corpus`]), to test entity discovery.
//! - [`http1`] frames HTTP/1.1 messages for the proxies here and in the benchmark;
//! - [`proxy::FaultProxy`] sits in front of an emulator or any HTTP/1.1 server (such as
//!   `ferrometa serve`) and fails, delays or cuts short chosen requests, or a seeded share of
//!   them, to test error handling against a real HTTP exchange.
//!
//! dynoxide logs every error response at `warn` level through `tracing`; quieting that
//! (e.g. with a `dynoxide=error` filter) is up to the caller.

pub mod http1;
pub mod proxy;
pub mod seed;
pub mod single_table;

use std::net::SocketAddr;
use std::time::Duration;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use proxy::{FaultProxy, FaultResponse, FaultRule};
pub use seed::{
    DemoSummary, GeneratedSummary, SeedError, create_simple_table, put_items, seed_demo,
    seed_generated,
};
pub use single_table::{
    CorpusTable, ExpectedEntity, Recognition, app_data_expected, seed_single_table_corpus,
};

/// The region the emulator's clients use.
pub const REGION: &str = "us-east-1";

/// Errors starting or stopping an emulator or a proxy.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("cannot bind a local port")]
    Bind(#[source] std::io::Error),
    #[error("cannot open the in-memory database")]
    Database(#[source] dynoxide::DynoxideError),
    #[error("invalid upstream endpoint `{0}`: expected http://HOST:PORT")]
    Upstream(String),
}

/// A DynamoDB-compatible server running inside this process.
///
/// Dropping it asks the server to stop gracefully (in-flight requests finish);
/// [`Emulator::stop`] does the same and waits for it.
pub struct Emulator {
    addr: SocketAddr,
    stop_tx: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), String>>>,
}

impl Emulator {
    /// Starts a server with an empty in-memory database on `127.0.0.1` and a free port.
    ///
    /// Must be called inside a Tokio runtime, which then runs the server.
    pub async fn start() -> Result<Emulator, EmulatorError> {
        let db = dynoxide::Database::memory().map_err(EmulatorError::Database)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(EmulatorError::Bind)?;
        let addr = listener.local_addr().map_err(EmulatorError::Bind)?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(dynoxide::server::serve_with_shutdown(
            listener,
            db,
            async move {
                // Resolves on a send and when the sender is dropped.
                let _ = stop_rx.await;
            },
        ));
        Ok(Emulator {
            addr,
            stop_tx: Some(stop_tx),
            task: Some(task),
        })
    }

    /// The endpoint URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client configuration for this emulator (dummy static credentials, region
    /// `us-east-1`), to adjust before building a client.
    pub fn client_config(&self) -> aws_sdk_dynamodb::config::Builder {
        client_config_for(&self.endpoint())
    }

    /// A DynamoDB client for this emulator.
    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(self.client_config().build())
    }

    /// Stops the server gracefully and waits (at most 10 s) until it has stopped.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop_tx.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            // Never aborted: an aborted server keeps serving pooled connections.
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Dropping the sender resolves the shutdown future: a graceful stop.
        self.stop_tx.take();
    }
}

/// A DynamoDB client configuration for any local endpoint, with dummy static credentials.
pub fn client_config_for(endpoint: &str) -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::v2026_01_12())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "emulator",
            "emulator",
            None,
            None,
            "ferrometa-emulator",
        ))
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::*;

    #[test]
    fn a_bind_failure_is_the_source_not_the_message() {
        let error = EmulatorError::Bind(std::io::Error::other("address in use"));
        assert_eq!(error.to_string(), "cannot bind a local port");
        assert_eq!(error.source().unwrap().to_string(), "address in use");
    }
}
