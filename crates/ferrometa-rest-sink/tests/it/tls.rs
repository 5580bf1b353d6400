//! TLS to the OpenMetadata server: a TLS front on loopback (see [`crate::tls_front`]) relays
//! to a real `ferrometa serve`. `verifySSL: validate` accepts the server only with its CA given in
//! `sslConfig.caCertificate`; an untrusted, misnamed or expired certificate fails the
//! connection at once with an error naming the host and the reason, and nothing is written;
//! `ignore` accepts any certificate, with a warning. A server that requires a client certificate
//! (mutual TLS) gets the one of `sslConfig.sslCertificate` and `sslConfig.sslKey`; without
//! one, or with one it refuses, the connection fails at once with an error saying so.

use std::time::{Duration, Instant};

use ferrometa_rest_sink::RestSinkError;
use serde_json::json;
use tracing_subscriber::util::SubscriberInitExt;

use crate::harness::{Hierarchy, Server, write_all};
use crate::secrets::Captured;
use crate::tls_front::{fixture, mutual_tls_front, tls_front};

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

/// [`trusting_the_ca`] with the client certificate `cert` and its key `key` (fixture files).
fn with_client_certificate(cert: &str, key: &str) -> serde_json::Value {
    let mut tls = trusting_the_ca();
    tls["sslConfig"]["sslCertificate"] = json!(fixture(cert).display().to_string());
    tls["sslConfig"]["sslKey"] = json!(fixture(key).display().to_string());
    tls
}

/// Connects with `tls` to a front presenting `cert`, expecting the server's certificate to be
/// refused; returns the message as [`refusal`] does.
async fn refused(cert: &str, host: &str, tls: serde_json::Value) -> String {
    let server = Server::start().await;
    let port = tls_front(&server.addr, cert).await;
    let (err, message) = refusal(&server, host, port, tls).await;
    // Its own variant: a refused certificate is told apart from a server that is down.
    assert!(
        matches!(err, RestSinkError::UntrustedCertificate { .. }),
        "{err:?}"
    );
    message
}

/// Connects with `tls` to `server` through the front on `port`, expecting a refusal; checks
/// that it came at once, that its message is clear and names `host:port`, and that nothing
/// reached the server. Returns the error and its message with the port as `PORT`.
async fn refusal(
    server: &Server,
    host: &str,
    port: u16,
    tls: serde_json::Value,
) -> (RestSinkError, String) {
    let started = Instant::now();
    let err = server
        .try_connect(tls_config(server, host, port, tls), None)
        .await
        .err()
        .expect("the connection is refused");
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
    let message = message.replace(&port.to_string(), "PORT");
    (err, message)
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

#[tokio::test]
async fn a_server_requiring_a_client_certificate_accepts_the_configured_one() {
    let server = Server::start().await;
    let port = mutual_tls_front(&server.addr, "server.pem", "client-ca.pem").await;
    let read = |name| std::fs::read_to_string(fixture(name)).unwrap();
    let mut inline = trusting_the_ca();
    inline["sslConfig"]["sslCertificate"] = json!(read("client.pem"));
    inline["sslConfig"]["sslKey"] = json!(read("client.key"));
    for (name, tls) in [
        ("file", with_client_certificate("client.pem", "client.key")),
        ("inline", inline),
    ] {
        let mut sink = server
            .try_connect(tls_config(&server, "localhost", port, tls), None)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let h = Hierarchy::new(&format!("over_mutual_tls_{name}"), 3);
        let results = write_all(&mut sink, &h.entities()).await;
        assert!(results.iter().all(Result::is_ok), "{name}: {results:?}");
        assert_eq!(server.table_fqns(&h.schema_fqn()).await.len(), 3, "{name}");
    }
}

#[tokio::test]
async fn a_missing_client_certificate_is_a_clear_error() {
    // The same front as above: only the client certificate is missing.
    let server = Server::start().await;
    let port = mutual_tls_front(&server.addr, "server.pem", "client-ca.pem").await;
    let (err, message) = refusal(&server, "127.0.0.1", port, trusting_the_ca()).await;
    assert!(
        matches!(err, RestSinkError::ClientCertificateRequired { .. }),
        "{err:?}"
    );
    assert_eq!(
        message,
        "the openmetadata server at 127.0.0.1:PORT asks for a tls client certificate and none \
         was given (set sslConfig.sslCertificate and sslConfig.sslKey)"
    );
}

#[tokio::test]
async fn a_refused_client_certificate_is_a_clear_error() {
    for (cert, key, client_ca, reason) in [
        // Signed by the client CA, which this server does not trust.
        (
            "client.pem",
            "client.key",
            "ca.pem",
            "it is not signed by a certificate authority the server trusts",
        ),
        // Not signed by the client CA either, but refused before that for being a server's
        // certificate.
        (
            "server.pem",
            "server.key",
            "client-ca.pem",
            "it is not made for client authentication (extendedKeyUsage clientAuth)",
        ),
    ] {
        let server = Server::start().await;
        let port = mutual_tls_front(&server.addr, "server.pem", client_ca).await;
        let tls = with_client_certificate(cert, key);
        let (err, message) = refusal(&server, "127.0.0.1", port, tls).await;
        assert!(
            matches!(err, RestSinkError::ClientCertificateRefused { .. }),
            "{cert}: {err:?}"
        );
        assert_eq!(
            message,
            format!(
                "the openmetadata server at 127.0.0.1:PORT refused the tls client certificate: \
                 {reason} (set sslConfig.sslCertificate and sslConfig.sslKey to a certificate \
                 it accepts)"
            ),
            "{cert}"
        );
        let key = std::fs::read_to_string(fixture(key)).unwrap();
        let debug = format!("{err:?}");
        for line in key.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!debug.contains(line), "the key shows in {debug}");
        }
    }
}
