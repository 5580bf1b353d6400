//! Tokens: the open version endpoint, 401s, key rotation, and the loopback-only open mode.

use ferrometa_server::{AuthMode, ServerConfig, ServerError};
use reqwest::StatusCode;

use crate::harness::{BOT, Server, send};

#[tokio::test]
async fn version_needs_no_token() {
    let server = Server::start().await;
    let answer = send(server.client.get(format!("{}/system/version", server.api))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["version"], "2.0.7");
    assert!(answer.body["timestamp"].as_i64().unwrap() > 0);
    assert!(
        answer.body["revision"]
            .as_str()
            .unwrap()
            .starts_with("ferrometa-")
    );

    let reported = Server::start_with(|config| config.version = "2.0.9-SNAPSHOT".into()).await;
    let answer = send(
        reported
            .client
            .get(format!("{}/system/version", reported.api)),
    )
    .await;
    assert_eq!(answer.body["version"], "2.0.9-SNAPSHOT");
}

#[tokio::test]
async fn requests_without_a_valid_token_get_401() {
    let server = Server::start().await;
    let other_key = server.dir.path().join("other.key");
    let foreign = ferrometa_server::mint_token(&other_key, BOT, None).unwrap();
    let url = format!("{}/tables", server.api);
    let cases = [
        (server.client.get(&url), "token not present"),
        (
            server.client.get(&url).bearer_auth("not.a.jwt"),
            "malformed token",
        ),
        (
            server
                .client
                .get(&url)
                .header("Authorization", "Basic YWRtaW46YWRtaW4="),
            "token not present",
        ),
        (
            server.client.get(&url).bearer_auth(&foreign),
            "token not signed with this server's key",
        ),
        (
            server
                .client
                .get(format!("{}/no/such/endpoint", server.api)),
            "token not present",
        ),
    ];
    for (request, message) in cases {
        let answer = send(request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .starts_with(message),
            "{}",
            answer.body
        );
        assert_eq!(answer.headers["www-authenticate"], "Bearer");
    }
    assert_eq!(server.get("/tables").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_rotated_key_invalidates_old_tokens() {
    let server = Server::start().await;
    let old = server.token.clone().unwrap();
    assert_eq!(server.get("/tables").await.status, StatusCode::OK);
    let key_file = server.key_file.clone();
    let dir = server.stop().await;

    ferrometa_server::rotate_key(&key_file).unwrap();
    let server = Server::start_in(dir, |_| {}).await;
    let stale = send(
        server
            .client
            .get(format!("{}/tables", server.api))
            .bearer_auth(&old),
    )
    .await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert_ne!(server.token.as_deref(), Some(old.as_str()));
    assert_eq!(server.get("/tables").await.status, StatusCode::OK);
}

#[tokio::test]
async fn writes_are_made_by_the_tokens_bot() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    assert_eq!(table["updatedBy"], BOT);
}

#[tokio::test]
async fn open_mode_is_loopback_only_and_writes_as_admin() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new(dir.path().join("catalog.db"));
    config.auth = AuthMode::NoAuth;
    config.bind = "0.0.0.0:0".parse().unwrap();
    let refused = ferrometa_server::bind(config).await.err().unwrap();
    assert!(
        matches!(refused, ServerError::NoAuthNotLoopback(_)),
        "{refused}"
    );
    assert!(refused.to_string().contains("loopback"));

    let server = Server::start_with(|config| config.auth = AuthMode::NoAuth).await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    assert_eq!(table["updatedBy"], "admin");
}
