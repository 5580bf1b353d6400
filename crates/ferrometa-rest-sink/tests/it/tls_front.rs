//! A TLS front for the tests: it presents one of the test certificates to the client, may
//! require a client certificate in turn (mutual TLS), and relays the decrypted stream to a
//! plain-HTTP server. Shared with the CLI's tests, which include this file by path.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};

/// A file of `tests/fixtures/tls` (see `generate.sh` there).
pub fn fixture(name: &str) -> PathBuf {
    // Through the crate's directory, so that the path also holds from the CLI's tests.
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ferrometa-rest-sink/tests/fixtures/tls"
    ))
    .join(name)
}

/// Serves TLS with the fixture certificate `cert` (e.g. `server.pem`) on a free loopback port
/// and relays each connection to `backend` (`host:port`) once the handshake succeeds;
/// returns the port.
pub async fn tls_front(backend: &str, cert: &str) -> u16 {
    serve(backend, cert, None).await
}

/// [`tls_front`] for mutual TLS: the handshake also requires a client certificate that chains
/// to the fixture CA `client_ca` (e.g. `client-ca.pem`), so a client without one, or with one
/// of another authority, is refused and nothing is relayed.
#[allow(
    dead_code,
    reason = "the CLI's tests, which include this file, use only `tls_front`"
)]
pub async fn mutual_tls_front(backend: &str, cert: &str, client_ca: &str) -> u16 {
    serve(backend, cert, Some(client_ca)).await
}

async fn serve(backend: &str, cert: &str, client_ca: Option<&str>) -> u16 {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let chain = vec![CertificateDer::from_pem_file(fixture(cert)).unwrap()];
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots
                .add(CertificateDer::from_pem_file(fixture(ca)).unwrap())
                .unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder.with_single_cert(chain, key).unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let backend = backend.to_string();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (acceptor, backend) = (acceptor.clone(), backend.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate, or whose own certificate is missing
                // or refused, ends the handshake: nothing to relay.
                let Ok(mut tls) = acceptor.accept(client).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(&backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}
