//! The token stays out of errors and logs; the service connection goes only where it is
//! given.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use ferrometa_core::Sink;
use ferrometa_rest_sink::RestSinkError;
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

use crate::harness::{Hierarchy, Server, api_url, flaky, write_all};

/// Every log line of the test, in memory.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn a_bad_token_fails_at_connect_without_showing_it() {
    let server = Server::start().await;
    let bogus = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2VjcmV0LXNpZ25hdHVyZQ";
    let mut config = server.config(&server.url);
    config.security_config = Some(serde_json::from_value(json!({"jwtToken": bogus})).unwrap());
    let err = server.try_connect(config, None).await.err().unwrap();
    assert!(
        matches!(err, RestSinkError::Unauthorized { status: 401, .. }),
        "{err:?}"
    );
    let text = format!("{err} {err:?}");
    assert!(
        text.starts_with("the openmetadata server refused the credentials (401)"),
        "{text}"
    );
    assert!(!text.contains("c2VjcmV0"), "{text}");
}

#[tokio::test]
async fn no_log_line_shows_the_token_or_an_extra_header() {
    let logs = Captured::default();
    let _guard = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish()
        .set_default();

    let server = Server::start().await;
    let proxy = server.proxy().await;
    flaky(&proxy, 4);
    let mut config = server.config(&api_url(&proxy));
    config.extra_headers =
        Some(serde_json::from_value(json!({"X-Api-Key": "header-secret-value"})).unwrap());
    let h = Hierarchy::new("svc", 30);
    let mut sink = server.try_connect(config, None).await.unwrap();
    let results = write_all(&mut sink, &h.entities()).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    sink.live_tables(&h.schema_fqn()).await.unwrap();

    // The proxy saw both, so they were sent.
    let sent = proxy.take_log();
    assert!(!sent.is_empty());
    let text = logs.text();
    assert!(
        text.contains("retrying in"),
        "faults should have been logged:\n{text}"
    );
    let signature = server.token.rsplit('.').next().unwrap();
    assert!(!text.contains(signature), "the token was logged:\n{text}");
    assert!(
        !text.contains("header-secret-value"),
        "an extra header was logged:\n{text}"
    );
}

#[tokio::test]
async fn the_service_connection_is_sent_only_when_given() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    let h = Hierarchy::new("without", 0);
    let mut sink = server
        .try_connect(server.config(&api_url(&proxy)), None)
        .await
        .unwrap();
    write_all(&mut sink, &h.entities()[..1]).await;
    let put = proxy
        .take_log()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(body, json!({"name": "without", "serviceType": "DynamoDB"}));

    let connection = json!({"config": {"type": "DynamoDB", "awsConfig": {"awsRegion": "us-east-1", "awsSecretAccessKey": "k"}}});
    let h = Hierarchy::new("with", 0);
    let mut sink = server
        .try_connect(server.config(&api_url(&proxy)), Some(connection.clone()))
        .await
        .unwrap();
    write_all(&mut sink, &h.entities()[..1]).await;
    let put = proxy
        .take_log()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(body["connection"], connection);
}
