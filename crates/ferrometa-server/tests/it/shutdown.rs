//! Graceful shutdown: a request in flight when the signal comes is still answered.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{Server, table_body};

#[tokio::test]
async fn shutdown_completes_the_request_in_flight() {
    let mut server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let body = serde_json::to_vec(&table_body(&schema, "orders")).unwrap();
    let (head, tail) = body.split_at(body.len() / 2);

    // Headers and half the body: the request is in flight, waiting for the rest.
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let request = format!(
        "PUT /api/v1/tables HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        server.addr,
        server.token.as_deref().unwrap(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(head).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let stopped = server.begin_shutdown();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!stopped.is_finished(), "the server waits for the request");
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "no new connections"
    );

    stream.write_all(tail).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains("\"fullyQualifiedName\":\"svc.default.default.orders\""));
    tokio::time::timeout(Duration::from_secs(5), stopped)
        .await
        .expect("the server stops once the request is answered")
        .unwrap()
        .unwrap();
}
