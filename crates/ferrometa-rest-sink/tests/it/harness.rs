//! A real `ferrometa serve` on loopback over a temporary catalog, a token for it, the
//! emulator crate's fault proxy in front of it, and the entities the tests write.

use std::path::PathBuf;

use ferrometa_config::{MetadataRestSinkConfig, OpenMetadataServerConfig};
use ferrometa_core::{Record, Sink, WriteOutcome};
use ferrometa_emulator::{FaultProxy, FaultResponse, FaultRule};
use ferrometa_model::{
    Column, CreateDatabase, CreateDatabaseSchema, CreateDatabaseService, CreateEntity, CreateTable,
    DataType, TableType,
};
use ferrometa_rest_sink::{RestSink, RestSinkError};
use ferrometa_server::{ServerConfig, bind, default_key_file, mint_token};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;

/// The workflow's batch size.
const WORKFLOW_BATCH: usize = 64;

pub struct Server {
    /// `http://127.0.0.1:<port>/api`.
    pub url: String,
    pub addr: String,
    pub token: String,
    _stop: oneshot::Sender<()>,
    _dir: TempDir,
}

impl Server {
    pub async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("catalog.db");
        let mut config = ServerConfig::new(&catalog);
        config.bind = "127.0.0.1:0".parse().unwrap();
        let token = mint_token(&default_key_file(&catalog), "ingestion-bot", None).unwrap();
        let server = bind(config).await.unwrap();
        let addr = server.local_addr().to_string();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Server {
            url: format!("http://{addr}/api"),
            addr,
            token,
            _stop: stop,
            _dir: dir,
        }
    }

    /// A proxy in front of this server, keeping every request it sees.
    pub async fn proxy(&self) -> FaultProxy {
        let proxy = FaultProxy::start(&format!("http://{}", self.addr))
            .await
            .unwrap();
        proxy.log_requests();
        proxy
    }

    /// `openMetadataServerConfig` for `host_port` with this server's token.
    pub fn config(&self, host_port: &str) -> OpenMetadataServerConfig {
        serde_json::from_value(json!({
            "hostPort": host_port,
            "authProvider": "openmetadata",
            "securityConfig": {"jwtToken": self.token},
        }))
        .unwrap()
    }

    pub async fn connect(&self, host_port: &str) -> RestSink {
        self.try_connect(self.config(host_port), None)
            .await
            .unwrap()
    }

    pub async fn try_connect(
        &self,
        config: OpenMetadataServerConfig,
        connection: Option<Value>,
    ) -> Result<RestSink, RestSinkError> {
        RestSink::connect(&config, &MetadataRestSinkConfig::default(), connection).await
    }

    /// `GET /api/v1/<path>` straight to the server: status and JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = reqwest::Client::new()
            .get(format!("{}/v1/{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.bytes().await.unwrap();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// The live tables of `schema`, by FQN.
    pub async fn table_fqns(&self, schema: &str) -> Vec<String> {
        let (status, page) = self
            .get(&format!(
                "tables?databaseSchema={}&limit=10000",
                urlencode(schema)
            ))
            .await;
        assert_eq!(status, 200, "{page}");
        let mut fqns: Vec<String> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["fullyQualifiedName"].as_str().unwrap().to_string())
            .collect();
        fqns.sort();
        fqns
    }

    /// A table by FQN, deleted ones included.
    pub async fn table(&self, fqn: &str) -> Value {
        let (status, table) = self
            .get(&format!(
                "tables/name/{}?include=all&fields=columns,sourceHash,extension",
                urlencode(fqn)
            ))
            .await;
        assert_eq!(status, 200, "{table}");
        table
    }
}

/// The `hostPort` of the server behind `proxy`.
pub fn api_url(proxy: &FaultProxy) -> String {
    format!("{}/api", proxy.endpoint())
}

/// Answers requests whose target contains `needle` with `status` and `body`, and
/// `Retry-After: 0` so that a canned 5xx is retried at once.
pub fn answer(proxy: &FaultProxy, needle: &str, status: u16, body: &str) {
    proxy.add_rule(
        FaultRule::http("", needle).respond(FaultResponse::json(status, body).retry_after(0)),
    );
}

/// Fails about one request in `n` (never one request more than twice in a row): a 500, or a
/// connection closed without an answer.
pub fn flaky(proxy: &FaultProxy, n: u32) {
    proxy.add_rule(
        FaultRule::any()
            .at_rate(1.0 / f64::from(n), 7)
            .at_most_in_a_row(2)
            .respond_any([
                FaultResponse::rest_error(500).retry_after(0),
                FaultResponse::CloseConnection,
            ]),
    );
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The workspace's `target` directory (the test binary lives in `target/<profile>/deps`).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

/// A service (named with a dot, so that quoting is exercised), its database and schema, and
/// `tables` tables.
pub struct Hierarchy {
    pub service: String,
    pub tables: usize,
}

impl Hierarchy {
    pub fn new(service: &str, tables: usize) -> Hierarchy {
        Hierarchy {
            service: service.to_string(),
            tables,
        }
    }

    pub fn database_fqn(&self) -> String {
        ferrometa_model::fqn::build(&[&self.service, "default"])
    }

    pub fn schema_fqn(&self) -> String {
        format!("{}.default", self.database_fqn())
    }

    pub fn table_fqn(&self, i: usize) -> String {
        format!("{}.{}", self.schema_fqn(), table_name(i))
    }

    pub fn entities(&self) -> Vec<CreateEntity> {
        let mut all = vec![
            CreateEntity::DatabaseService(Box::new(CreateDatabaseService {
                name: self.service.clone(),
                service_type: "DynamoDB".into(),
                ..Default::default()
            })),
            CreateEntity::Database(Box::new(CreateDatabase {
                name: "default".into(),
                service: self.service.clone(),
                ..Default::default()
            })),
            CreateEntity::DatabaseSchema(Box::new(CreateDatabaseSchema {
                name: "default".into(),
                database: self.database_fqn(),
                ..Default::default()
            })),
        ];
        all.extend((0..self.tables).map(|i| self.table(i, &[])));
        all
    }

    /// Table `i`, with `extra` columns after the usual ones.
    pub fn table(&self, i: usize, extra: &[Column]) -> CreateEntity {
        let mut pk = Column::new("pk", DataType::String);
        pk.constraint = Some(ferrometa_model::ColumnConstraint::PrimaryKey);
        let mut address = Column::new("address", DataType::Struct);
        address.children = Some(vec![
            Column::new("line", DataType::String),
            Column::new("zip", DataType::Int),
        ]);
        let mut columns = vec![pk, Column::new("amount", DataType::Double), address];
        columns.extend_from_slice(extra);
        CreateEntity::Table(Box::new(CreateTable {
            name: table_name(i),
            description: Some(format!("table number {i}")),
            table_type: Some(TableType::Regular),
            columns,
            database_schema: self.schema_fqn(),
            source_url: Some(format!(
                "https://console.aws.amazon.com/dynamodbv2/home#table?name={}",
                table_name(i)
            )),
            extension: Some(
                json!({"dynamodb": {"billingMode": "PAY_PER_REQUEST", "itemCount": i}}),
            ),
            ..Default::default()
        }))
    }
}

pub fn table_name(i: usize) -> String {
    format!("table_{i:05}")
}

/// The workflow's records of `entities`.
pub fn records(entities: &[CreateEntity]) -> Vec<Record> {
    entities.iter().cloned().map(Record::Entity).collect()
}

/// Writes `entities` as the workflow does: batches of at most 64, in order.
pub async fn write_all(
    sink: &mut RestSink,
    entities: &[CreateEntity],
) -> Vec<Result<WriteOutcome, String>> {
    let mut results = Vec::new();
    for batch in entities.chunks(WORKFLOW_BATCH) {
        results.extend(
            sink.write_batch(&records(batch))
                .await
                .into_iter()
                .map(|r| r.map_err(|e| e.to_string())),
        );
    }
    results
}

/// How many results are `Ok(outcome)`.
pub fn count(results: &[Result<WriteOutcome, String>], outcome: WriteOutcome) -> usize {
    results
        .iter()
        .filter(|r| r.as_ref().ok() == Some(&outcome))
        .count()
}
