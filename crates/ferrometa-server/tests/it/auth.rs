//! Tokens: the open version endpoint, 401s on every write route with nothing written, key
//! rotation (after a restart and in a running server), and the loopback-only open mode.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ferrometa_server::{AuthMode, ServerConfig, ServerError};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{BOT, Server, send, service_body, table_body};

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

/// Credentials a write must not get through with, each with why.
fn bad_credentials(server: &Server) -> Vec<(Option<String>, &'static str)> {
    let foreign =
        ferrometa_server::mint_token(&server.dir.path().join("other.key"), BOT, None).unwrap();
    let encode = |json: &str| URL_SAFE_NO_PAD.encode(json);
    let claims = encode(r#"{"sub":"admin","iss":"ferrometa","iat":1,"isBot":false}"#);
    let unsigned = format!("{}.{claims}.", encode(r#"{"alg":"none","typ":"JWT"}"#));
    // A valid token whose claims were swapped for others: the signature no longer matches.
    let valid = server.token.clone().unwrap();
    let parts: Vec<&str> = valid.split('.').collect();
    let tampered = format!("{}.{claims}.{}", parts[0], parts[2]);
    vec![
        (None, "no header"),
        (Some("Bearer".into()), "no token"),
        (Some("Bearer ".into()), "an empty token"),
        (Some("Bearer not.a.jwt".into()), "garbage"),
        (Some("Basic YWRtaW46YWRtaW4=".into()), "basic auth"),
        (Some(format!("Bearer {foreign}")), "another key's token"),
        (Some(format!("Bearer {unsigned}")), "alg none"),
        (Some(format!("Bearer {tampered}")), "tampered claims"),
        (Some(valid), "a valid token in the wrong header"),
    ]
}

#[tokio::test]
async fn every_write_route_refuses_bad_tokens_and_writes_nothing() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "t").await;
    let id = table["id"].as_str().unwrap().to_string();
    let writes = [
        (
            Method::PUT,
            "/tables".to_string(),
            table_body(&schema, "t2"),
        ),
        (Method::POST, "/tables".into(), table_body(&schema, "t3")),
        (
            Method::PUT,
            "/tables/bulk".into(),
            json!([table_body(&schema, "t4")]),
        ),
        (
            Method::PUT,
            "/databases".into(),
            json!({"name": "d2", "service": "svc"}),
        ),
        (
            Method::POST,
            "/databases".into(),
            json!({"name": "d3", "service": "svc"}),
        ),
        (
            Method::PUT,
            "/databases/bulk".into(),
            json!([{"name": "d4", "service": "svc"}]),
        ),
        (
            Method::PUT,
            "/databaseSchemas".into(),
            json!({"name": "s2", "database": "svc.default"}),
        ),
        (
            Method::POST,
            "/databaseSchemas".into(),
            json!({"name": "s3", "database": "svc.default"}),
        ),
        (
            Method::PUT,
            "/services/databaseServices".into(),
            service_body("svc2"),
        ),
        (
            Method::POST,
            "/services/databaseServices".into(),
            service_body("svc3"),
        ),
        (Method::PUT, "/tables/restore".into(), json!({"id": id})),
        (
            Method::DELETE,
            "/tables/deleteStale".into(),
            json!({"scopeFqn": schema, "scopeEntityType": "databaseSchema",
                   "seenFqns": [format!("{schema}.t"), format!("{schema}.t2"), format!("{schema}.t3")]}),
        ),
        (
            Method::DELETE,
            format!("/tables/name/{schema}.t2"),
            Value::Null,
        ),
        (
            Method::DELETE,
            format!("/tables/{id}?hardDelete=true"),
            Value::Null,
        ),
        (
            Method::DELETE,
            "/services/databaseServices/name/svc3?hardDelete=true&recursive=true".into(),
            Value::Null,
        ),
    ];
    let before = server.footprint();
    let credentials = bad_credentials(&server);
    for (method, path, body) in &writes {
        for (credential, why) in &credentials {
            let url = format!("{}{path}", server.api);
            let mut request = server.client.request(method.clone(), url).json(body);
            match credential {
                Some(value) if *why == "a valid token in the wrong header" => {
                    request = request.header("X-Authorization", value);
                }
                Some(value) => request = request.header("Authorization", value),
                None => {}
            }
            let answer = send(request).await;
            assert_eq!(
                answer.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {why}: {}",
                answer.body
            );
        }
    }
    assert_eq!(
        server.footprint(),
        before,
        "a refused write wrote something"
    );

    // The same writes with the token all go through: the 401s above were not 404s in disguise.
    for (method, path, body) in &writes {
        let answer = send(server.request(method.clone(), path).json(body)).await;
        assert!(
            answer.status.is_success(),
            "{method} {path}: {}",
            answer.body
        );
    }
    assert_ne!(server.footprint(), before);
    eprintln!(
        "{} write routes refused {} bad credentials each",
        writes.len(),
        credentials.len()
    );
}

#[tokio::test]
async fn a_rotation_takes_effect_in_a_running_server() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let old = server.token.clone().unwrap();
    ferrometa_server::rotate_key(&server.key_file).unwrap();

    let before = server.footprint();
    let put = |token: &str| {
        send(
            server
                .client
                .put(format!("{}/tables", server.api))
                .bearer_auth(token)
                .json(&table_body(&schema, "orders")),
        )
    };
    let stale = put(&old).await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        stale.body["message"],
        "token not signed with this server's key"
    );
    assert_eq!(server.footprint(), before);

    let new = ferrometa_server::mint_token(&server.key_file, BOT, None).unwrap();
    assert_eq!(put(&new).await.status, StatusCode::CREATED);
    // Rotated again at once (same second, same size): the new file is still noticed.
    ferrometa_server::rotate_key(&server.key_file).unwrap();
    assert_eq!(put(&new).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(put(&old).await.status, StatusCode::UNAUTHORIZED);
}
