//! The shared harness: starts a server, sends requests, checks what every answer must
//! satisfy (a JSON body; for errors exactly `{code, message}` with the status as `code`),
//! and looks at the catalog file directly: what it holds and SQLite's own checks.

use std::path::PathBuf;

use ferrometa_server::{AuthMode, ServerConfig, ServerError};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::normalize_path::NormalizePath;

/// The bot every test token is minted for.
pub const BOT: &str = "ingestion-bot";

/// A running server and a client holding a valid token.
pub struct Server {
    pub api: String,
    pub token: Option<String>,
    pub client: reqwest::Client,
    pub catalog: PathBuf,
    pub key_file: PathBuf,
    pub addr: std::net::SocketAddr,
    /// The service the listener runs, to drive in-process.
    pub app: NormalizePath<axum::Router>,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<Result<(), ServerError>>>,
    // Dropped last: the catalog lives here.
    pub dir: TempDir,
}

/// An answer: status, headers and the JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Server {
    /// A server with JWT authentication and default settings.
    pub async fn start() -> Server {
        Server::start_with(|_| {}).await
    }

    /// A server whose configuration `adjust` changes first.
    pub async fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> Server {
        Server::start_in(tempfile::tempdir().unwrap(), adjust).await
    }

    /// A server over the catalog in `dir` (kept across restarts).
    pub async fn start_in(dir: TempDir, adjust: impl FnOnce(&mut ServerConfig)) -> Server {
        let catalog = dir.path().join("catalog.db");
        let mut config = ServerConfig::new(&catalog);
        config.bind = "127.0.0.1:0".parse().unwrap();
        adjust(&mut config);
        let key_file = ferrometa_server::default_key_file(&catalog);
        let token = match &config.auth {
            AuthMode::Jwt { key_file } => {
                Some(ferrometa_server::mint_token(key_file, BOT, None).unwrap())
            }
            AuthMode::NoAuth => None,
        };
        let bound = ferrometa_server::bind(config).await.unwrap();
        let addr = bound.local_addr();
        let app = bound.app();
        let (send, receive) = oneshot::channel::<()>();
        let handle = tokio::spawn(bound.run(async move {
            let _ = receive.await;
        }));
        Server {
            api: format!("http://{addr}/api/v1"),
            token,
            client: reqwest::Client::new(),
            catalog,
            key_file,
            addr,
            app,
            shutdown: Some(send),
            handle: Some(handle),
            dir,
        }
    }

    /// Stops the server and waits for it, returning its directory for a restart.
    pub async fn stop(mut self) -> TempDir {
        self.shutdown.take().unwrap().send(()).unwrap();
        self.handle.take().unwrap().await.unwrap().unwrap();
        let Server { dir, .. } = self;
        dir
    }

    /// Asks the server to stop, without waiting.
    pub fn begin_shutdown(&mut self) -> JoinHandle<Result<(), ServerError>> {
        self.shutdown.take().unwrap().send(()).unwrap();
        self.handle.take().unwrap()
    }

    /// A request to `path` (relative to `/api/v1`) with the server's token.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self.client.request(method, format!("{}{path}", self.api));
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        send(self.request(Method::GET, path)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        send(self.request(Method::PUT, path).json(body)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        send(self.request(Method::DELETE, path)).await
    }

    pub async fn delete_with(&self, path: &str, body: &Value) -> Answer {
        send(self.request(Method::DELETE, path).json(body)).await
    }

    /// Creates the service, database `default` and schema `default` of `service`, as the
    /// upstream client does, and returns the schema's FQN.
    pub async fn hierarchy(&self, service: &str) -> String {
        let answer = self
            .put("/services/databaseServices", &service_body(service))
            .await;
        assert!(answer.status.is_success(), "{}", answer.body);
        let answer = self
            .put(
                "/databases",
                &json!({"name": "default", "service": service}),
            )
            .await;
        assert!(answer.status.is_success(), "{}", answer.body);
        let database = answer.body["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .to_string();
        let answer = self
            .put(
                "/databaseSchemas",
                &json!({"name": "default", "database": database}),
            )
            .await;
        assert!(answer.status.is_success(), "{}", answer.body);
        answer.body["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Sends `head` (request line and headers, without the token and the blank line) and
    /// `body` over a raw connection, for requests an HTTP client would normalize first
    /// (dot segments, chunked bodies). The token is added when the server has one.
    pub async fn raw(&self, head: &str, body: &[u8]) -> Answer {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let auth = self.token.as_ref().map_or(String::new(), |token| {
            format!("Authorization: Bearer {token}\r\n")
        });
        let head = format!(
            "{head}\r\nHost: {}\r\nConnection: close\r\n{auth}\r\n",
            self.addr
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        // The server may answer (413) and close before the whole body is sent.
        let _ = stream.write_all(body).await;
        let mut answer = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut answer),
        );
        assert!(read.await.is_ok(), "no answer to {head}");
        let text = String::from_utf8_lossy(&answer);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("{text}"));
        let status: u16 = head[9..12].parse().unwrap();
        let status = StatusCode::from_u16(status).unwrap();
        let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
        if !status.is_success() {
            assert_error_shape(status, &body);
        }
        Answer {
            status,
            headers: reqwest::header::HeaderMap::new(),
            body,
        }
    }

    /// Everything the catalog holds, read from the file itself.
    pub fn footprint(&self) -> Footprint {
        let conn = rusqlite::Connection::open(&self.catalog).unwrap();
        let entities = conn
            .prepare("SELECT id, version_tenths, deleted, json FROM entity ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let versions = conn
            .query_row("SELECT count(*) FROM entity_version", [], |r| r.get(0))
            .unwrap();
        Footprint { entities, versions }
    }

    /// SQLite's integrity and foreign key checks pass on the catalog.
    pub fn assert_intact(&self) {
        let problems = ferrometa_catalog::check(&self.catalog).unwrap();
        assert_eq!(problems, Vec::<String>::new());
    }

    /// PUTs a table and checks it was created.
    pub async fn table(&self, schema: &str, name: &str) -> Value {
        let answer = self.put("/tables", &table_body(schema, name)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.body
    }
}

/// The catalog's rows: every entity (id, version in tenths, deleted, JSON) and the number of
/// stored past versions. Equal before and after a request means it wrote nothing.
#[derive(Debug, PartialEq)]
pub struct Footprint {
    pub entities: Vec<(String, i64, bool, String)>,
    pub versions: i64,
}

/// Sends a request and checks the invariants of every answer.
pub async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    assert!(
        !status.is_redirection() && status != StatusCode::TOO_MANY_REQUESTS,
        "{status}"
    );
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{status}: body is not json ({e}): {text:?}"));
    assert!(
        headers[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    if !status.is_success() {
        assert_error_shape(status, &body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

/// `{"code": <status>, "message": "<non-empty>"}` and nothing else.
pub fn assert_error_shape(status: StatusCode, body: &Value) {
    let object = body.as_object().unwrap_or_else(|| panic!("{body}"));
    assert_eq!(object.len(), 2, "{body}");
    assert_eq!(body["code"], status.as_u16(), "{body}");
    assert!(!body["message"].as_str().unwrap().is_empty(), "{body}");
}

/// The `CreateDatabaseService` the upstream client sends for a DynamoDB source.
pub fn service_body(name: &str) -> Value {
    json!({
        "name": name,
        "serviceType": "DynamoDB",
        "connection": {"config": {
            "type": "DynamoDB",
            "awsConfig": {"awsAccessKeyId": "x", "awsSecretAccessKey": "y", "awsRegion": "us-east-1",
                          "endPointURL": "http://127.0.0.1:8000/"},
            "supportsMetadataExtraction": true,
            "supportsProfiler": true
        }}
    })
}

/// A `CreateTable` as the upstream DynamoDB source sends it.
pub fn table_body(schema: &str, name: &str) -> Value {
    json!({
        "name": name,
        "tableType": "Regular",
        "columns": [
            {"name": "pk", "displayName": "pk", "dataType": "STRING", "dataTypeDisplay": "STRING", "constraint": "PRIMARY_KEY"},
            {"name": "amount", "displayName": "amount", "dataType": "INT", "dataTypeDisplay": "INT"},
            {"name": "note", "displayName": "note", "dataType": "STRING", "dataTypeDisplay": "STRING"}
        ],
        "databaseSchema": schema,
        "sourceUrl": "https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=orders",
        "sourceHash": "9d2981b5a3d0b0e6c1b7a51d2e1b0c9f"
    })
}

/// Percent-encodes an FQN as the upstream client does (`quote(fqn, safe="")`).
pub fn encode(fqn: &str) -> String {
    fqn.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
