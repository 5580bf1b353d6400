//! TLS to the OpenMetadata server: a TLS front on loopback (see [`crate::tls_front`]) relays
//! to a real `ferrometa serve`. `verifySSL: validate` accepts the server only with its CA given in
//! `sslConfig.caCertificate`; an untrusted, misnamed or expired certificate fails the
//! connection at once with an error naming the host and the reason, and nothing is written;
//! `ignore` accepts any certificate, with a warning.

use std::time::{Duration, Instant};

use ferrometa_rest_sink::RestSinkError;
use serde_json::json;
use tracing_subscriber::util::SubscriberInitExt;

use crate::harness::{Hierarchy, Server, write_all};
use crate::secrets::Captured;
use crate::tls_front::{fixture, tls_front};

/// Longest a refused certificate may take to fail: it is never retried.
const FAILS_WITHIN: Duration = Duration::from_secs(5);

/// This server's `openMetadataServerConfig` for `https://{host}:{port}/api` with `tls` merged in.
fn tls_config(
    server: &Server,
    host: &str,
    port: u16,
    tls: serde_json::Value,
) -> ferrometa_config::OpenMetadataServerConfig {
    let mut config =
        serde_json::to_value(server.config(&format!("https://{host}:{port}/api"))).unwrap();
    // The token serializes masked: put the real one back.
    config["securityConfig"] = json!({"jwtToken": server.token});
    for (key, value) in tls.as_object().unwrap() {
        config[key] = value.clone();
    }
    serde_json::from_value(config).unwrap()
}

fn trusting_the_ca() -> serde_json::Value {
    json!({
        "verifySSL": "validate",
        "sslConfig": {"caCertificate": fixture("ca.pem").display().to_string()}
    })
}

/// Connects with `tls` to a front presenting `cert`, expecting a refusal; returns the message
/// after checking that it came at once and that nothing reached the server.
async fn refused(cert: &str, host: &str, tls: serde_json::Value) -> String {
    let server = Server::start().await;
    let port = tls_front(&server.addr, cert).await;
    let started = Instant::now();
    let err = server
        .try_connect(tls_config(&server, host, port, tls), None)
        .await
        .err()
        .expect("the connection is refused");
    // Its own variant: a refused certificate is told apart from a server that is down.
    assert!(
        matches!(err, RestSinkError::UntrustedCertificate { .. }),
        "{err:?}"
    );
    assert!(
        started.elapsed() < FAILS_WITHIN,
        "took {:?}",
        started.elapsed()
    );
    let message = err.to_string();
    assert!(
        message.starts_with(char::is_lowercase) && !message.ends_with('.'),
        "{message}"
    );
    assert!(message.contains(&format!("{host}:{port}")), "{message}");
    let (status, _) = server.get("services/databaseServices?limit=10").await;
    assert_eq!(status, 200);
    assert_eq!(
        server.get("services/databaseServices?limit=10").await.1["data"],
        json!([]),
        "nothing was written"
    );
    message.replace(&port.to_string(), "PORT")
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_clear_error() {
    let message = refused("server.pem", "127.0.0.1", json!({"verifySSL": "validate"})).await;
    assert_eq!(
        message,
        "the tls certificate of 127.0.0.1:PORT is not trusted: it is not signed by a trusted \
         certificate authority (give the authority's certificate in sslConfig.caCertificate)"
    );
}

#[tokio::test]
async fn no_ssl_with_an_https_url_still_verifies_the_certificate() {
    let message = refused("server.pem", "127.0.0.1", json!({"verifySSL": "no-ssl"})).await;
    assert!(message.contains("is not trusted"), "{message}");
}

#[tokio::test]
async fn a_certificate_for_another_host_is_a_clear_error() {
    let message = refused("wrong-name.pem", "127.0.0.1", trusting_the_ca()).await;
    assert_eq!(
        message,
        "the tls certificate of 127.0.0.1:PORT is not trusted: it is for elsewhere.example, \
         not 127.0.0.1"
    );
}

#[tokio::test]
async fn an_expired_certificate_is_a_clear_error() {
    let message = refused("expired.pem", "localhost", trusting_the_ca()).await;
    assert!(
        message.starts_with("the tls certificate of localhost:PORT is not trusted: it expired ")
            && message.ends_with(" days ago"),
        "{message}"
    );
}

#[tokio::test]
async fn the_ca_of_ssl_config_is_trusted_as_a_file_or_inline() {
    let server = Server::start().await;
    let port = tls_front(&server.addr, "server.pem").await;
    let inline = std::fs::read_to_string(fixture("ca.pem")).unwrap();
    for (name, host, tls) in [
        ("file", "127.0.0.1", trusting_the_ca()),
        (
            "inline",
            "localhost",
            json!({"verifySSL": "validate", "sslConfig": {"caCertificate": inline}}),
        ),
    ] {
        let mut sink = server
            .try_connect(tls_config(&server, host, port, tls), None)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let h = Hierarchy::new(&format!("over_tls_{name}"), 3);
        let results = write_all(&mut sink, &h.entities()).await;
        assert!(results.iter().all(Result::is_ok), "{name}: {results:?}");
        assert_eq!(server.table_fqns(&h.schema_fqn()).await.len(), 3, "{name}");
    }
}

#[tokio::test]
async fn ignore_accepts_any_certificate_with_a_warning() {
    let logs = Captured::default();
    let _guard = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish()
        .set_default();
    let server = Server::start().await;
    let port = tls_front(&server.addr, "wrong-name.pem").await;
    let mut sink = server
        .try_connect(
            tls_config(&server, "127.0.0.1", port, json!({"verifySSL": "ignore"})),
            None,
        )
        .await
        .unwrap();
    let h = Hierarchy::new("ignored", 1);
    let results = write_all(&mut sink, &h.entities()).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let text = logs.text();
    assert!(
        text.contains("WARN") && text.contains("certificate is not verified"),
        "{text}"
    );
}
