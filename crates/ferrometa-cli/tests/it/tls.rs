//! The metadata-rest sink's certificate check through the binary: a server whose certificate
//! is not trusted fails the run before anything is sent, with exit code 1, one lower-case
//! `error:` line naming the host and the reason, and no panic. The sink's own tests
//! (`ferrometa-rest-sink/tests/it/tls.rs`) cover the other certificate problems.

#[path = "../../../ferrometa-rest-sink/tests/it/tls_front.rs"]
mod tls_front;

use std::time::Duration;

use crate::common::{Recipe, ferrometa};
use tokio::net::TcpListener;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_server_certificate_fails_the_run_with_one_clear_error() {
    // The plain server behind the TLS front: it must never see a connection.
    let backend = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tls_front::tls_front(&backend.local_addr().unwrap().to_string(), "server.pem").await;
    let dir = tempfile::tempdir().unwrap();
    let config = Recipe::new("http://127.0.0.1:9")
        .sink("  type: metadata-rest")
        .workflow_config(&format!(
            "  openMetadataServerConfig:
    hostPort: https://127.0.0.1:{port}/api
    authProvider: openmetadata
    securityConfig:
      jwtToken: eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl
    verifySSL: validate"
        ))
        .write(&dir.path().join("recipe.yaml"));

    let run = ferrometa(&["ingest", "-c", config.to_str().unwrap()]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    insta::assert_snapshot!(errors[0].replace(&port.to_string(), "PORT"));
    assert!(
        tokio::time::timeout(Duration::from_millis(200), backend.accept())
            .await
            .is_err(),
        "a request went through"
    );
}
