//! A small HTTP/1.1 proxy that forwards to an endpoint and fails (or answers) chosen requests.
//!
//! Requests are matched by their `X-Amz-Target` header (e.g. `DynamoDB_20120810.ListTables`,
//! or just `ListTables`), optionally by a substring of the body (e.g. a table name), and
//! by occurrence (the n-th match, every match from the n-th on, or all). A matched request
//! is answered by the proxy itself, with an error body as DynamoDB sends it, and never
//! reaches the upstream. Everything else is forwarded unchanged.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ferrometa_emulator::EmulatorError> {
//! use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule};
//! let emulator = Emulator::start().await?;
//! let proxy = FaultProxy::start(&emulator.endpoint()).await?;
//! proxy.add_rule(FaultRule::new("ListTables").on_nth(2).respond(FaultResponse::access_denied()));
//! let client = proxy.client();
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::EmulatorError;
use crate::http1::{invalid, read_body, read_head};

/// Which matching requests a rule fails (counted from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    Always,
    Nth(usize),
    FromNth(usize),
}

/// What the proxy answers instead of forwarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultResponse {
    /// An error in DynamoDB's JSON shape: `{"__type": "...#<error_type>", "message": ...}`.
    Error {
        status: u16,
        error_type: String,
        message: String,
    },
    /// Any JSON answer, e.g. a canned success of an operation the upstream lacks.
    Json {
        status: u16,
        content_type: String,
        body: String,
    },
    /// Closes the connection without answering.
    CloseConnection,
}

impl FaultResponse {
    /// `500 InternalServerError` (retried by the SDK).
    pub fn internal_error() -> Self {
        Self::error(500, "InternalServerError", "injected internal error")
    }

    /// `400 AccessDeniedException` (not retried).
    pub fn access_denied() -> Self {
        Self::error(
            400,
            "AccessDeniedException",
            "injected: not authorized to perform this action",
        )
    }

    /// `400 ThrottlingException` (retried by the SDK).
    pub fn throttling() -> Self {
        Self::error(400, "ThrottlingException", "injected: rate exceeded")
    }

    /// `400 UnknownOperationException`, as an endpoint lacking the operation answers.
    pub fn unknown_operation() -> Self {
        Self::error(400, "UnknownOperationException", "")
    }

    /// A `200` answer with this JSON body, as the AWS JSON 1.1 protocol sends it (the
    /// tagging API, for instance).
    pub fn json_ok(body: serde_json::Value) -> Self {
        FaultResponse::Json {
            status: 200,
            content_type: "application/x-amz-json-1.1".to_string(),
            body: body.to_string(),
        }
    }

    /// Any DynamoDB-style error.
    pub fn error(status: u16, error_type: &str, message: &str) -> Self {
        FaultResponse::Error {
            status,
            error_type: error_type.to_string(),
            message: message.to_string(),
        }
    }
}

/// One fault: which requests, and what to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    target: String,
    body_contains: Option<String>,
    occurrence: Occurrence,
    response: FaultResponse,
}

impl FaultRule {
    /// Fails every request whose `X-Amz-Target` is `target` (full, or the part after the dot)
    /// with a 500, until narrowed with the other methods.
    pub fn new(target: impl Into<String>) -> Self {
        FaultRule {
            target: target.into(),
            body_contains: None,
            occurrence: Occurrence::Always,
            response: FaultResponse::internal_error(),
        }
    }

    /// Only the `n`-th matching request (from 1).
    pub fn on_nth(mut self, n: usize) -> Self {
        self.occurrence = Occurrence::Nth(n);
        self
    }

    /// The `n`-th matching request and every later one.
    pub fn from_nth(mut self, n: usize) -> Self {
        self.occurrence = Occurrence::FromNth(n);
        self
    }

    /// Only requests whose body contains `text` (e.g. `"TableName":"orders"`).
    pub fn body_contains(mut self, text: impl Into<String>) -> Self {
        self.body_contains = Some(text.into());
        self
    }

    /// Only requests about this table (`"TableName":"<name>"` in the body).
    pub fn table(self, name: &str) -> Self {
        self.body_contains(format!(
            "\"TableName\":{}",
            serde_json::Value::String(name.to_string())
        ))
    }

    pub fn respond(mut self, response: FaultResponse) -> Self {
        self.response = response;
        self
    }

    fn matches(&self, target: &str, body: &[u8]) -> bool {
        let target_ok = target == self.target
            || target
                .rsplit_once('.')
                .is_some_and(|(_, op)| op == self.target);
        target_ok
            && self.body_contains.as_ref().is_none_or(|needle| {
                let needle = needle.as_bytes();
                needle.is_empty() || body.windows(needle.len()).any(|w| w == needle)
            })
    }

    fn fires(&self, nth: usize) -> bool {
        match self.occurrence {
            Occurrence::Always => true,
            Occurrence::Nth(n) => nth == n,
            Occurrence::FromNth(n) => nth >= n,
        }
    }
}

#[derive(Default)]
struct State {
    rules: Vec<(FaultRule, usize)>,
    /// Requests seen per target, faulted ones included.
    seen: HashMap<String, usize>,
    fired: usize,
}

impl State {
    fn decide(&mut self, target: &str, body: &[u8]) -> Option<FaultResponse> {
        *self.seen.entry(target.to_string()).or_default() += 1;
        let mut chosen = None;
        for (rule, matched) in &mut self.rules {
            if rule.matches(target, body) {
                *matched += 1;
                if chosen.is_none() && rule.fires(*matched) {
                    chosen = Some(rule.response.clone());
                }
            }
        }
        if chosen.is_some() {
            self.fired += 1;
        }
        chosen
    }
}

/// A fault-injecting HTTP proxy in front of an endpoint (usually an [`crate::Emulator`]).
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop_tx: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy on `127.0.0.1` and a free port, forwarding to `upstream`
    /// (`http://HOST:PORT`).
    pub async fn start(upstream: &str) -> Result<FaultProxy, EmulatorError> {
        let upstream_addr = upstream
            .strip_prefix("http://")
            .map(|rest| rest.trim_end_matches('/').to_string())
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .ok_or_else(|| EmulatorError::Upstream(upstream.to_string()))?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(EmulatorError::Bind)?;
        let addr = listener.local_addr().map_err(EmulatorError::Bind)?;
        let state = Arc::new(Mutex::new(State::default()));
        let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
        let task_state = state.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stop_rx => break,
                    accepted = listener.accept() => {
                        let Ok((conn, _)) = accepted else { continue };
                        let state = task_state.clone();
                        let upstream = upstream_addr.clone();
                        tokio::spawn(async move {
                            let _ = serve_connection(conn, &upstream, &state).await;
                        });
                    }
                }
            }
        });
        Ok(FaultProxy {
            addr,
            state,
            stop_tx: Some(stop_tx),
            task: Some(task),
        })
    }

    /// The proxy's endpoint URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A DynamoDB client configuration pointing at the proxy.
    pub fn client_config(&self) -> aws_sdk_dynamodb::config::Builder {
        crate::client_config_for(&self.endpoint())
    }

    /// A DynamoDB client pointing at the proxy.
    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(self.client_config().build())
    }

    /// Adds a rule; rules are checked in the order they were added.
    pub fn add_rule(&self, rule: FaultRule) {
        self.state
            .lock()
            .expect("proxy state")
            .rules
            .push((rule, 0));
    }

    /// Removes every rule (counters of seen requests are kept).
    pub fn clear_rules(&self) {
        self.state.lock().expect("proxy state").rules.clear();
    }

    /// How many requests with this target (full, or the part after the dot) were seen.
    pub fn requests(&self, target: &str) -> usize {
        let state = self.state.lock().expect("proxy state");
        state
            .seen
            .iter()
            .filter(|(t, _)| {
                t.as_str() == target || t.rsplit_once('.').is_some_and(|(_, op)| op == target)
            })
            .map(|(_, n)| n)
            .sum()
    }

    /// How many requests the proxy failed.
    pub fn faults_fired(&self) -> usize {
        self.state.lock().expect("proxy state").fired
    }

    /// Stops accepting connections; open connections end when their clients close them.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop_tx.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop_tx.take();
    }
}

fn fault_bytes(response: &FaultResponse) -> Option<Vec<u8>> {
    let (status, content_type, body) = match response {
        FaultResponse::Error {
            status,
            error_type,
            message,
        } => {
            let body = serde_json::json!({
                "__type": format!("com.amazonaws.dynamodb.v20120810#{error_type}"),
                "message": message,
            });
            (*status, "application/x-amz-json-1.0", body.to_string())
        }
        FaultResponse::Json {
            status,
            content_type,
            body,
        } => (*status, content_type.as_str(), body.clone()),
        FaultResponse::CloseConnection => return None,
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nx-amzn-requestid: fault-proxy\r\n\r\n",
        body.len()
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    Some(bytes)
}

type Upstream = (BufReader<OwnedReadHalf>, OwnedWriteHalf);

async fn serve_connection(
    conn: TcpStream,
    upstream_addr: &str,
    state: &Mutex<State>,
) -> std::io::Result<()> {
    let (client_read, mut client_write) = conn.into_split();
    let mut client_read = BufReader::new(client_read);
    let mut upstream: Option<Upstream> = None;
    loop {
        let Some(request) = read_head(&mut client_read).await? else {
            return Ok(());
        };
        let (body, _) = read_body(&mut client_read, &request, false).await?;
        let target = request.header("x-amz-target").unwrap_or("").to_string();
        let fault = state.lock().expect("proxy state").decide(&target, &body);
        match fault {
            Some(response) => match fault_bytes(&response) {
                Some(bytes) => {
                    client_write.write_all(&bytes).await?;
                    client_write.flush().await?;
                }
                None => return Ok(()),
            },
            None => {
                let (up_read, up_write) = match upstream.as_mut() {
                    Some(up) => up,
                    None => {
                        let stream = TcpStream::connect(upstream_addr).await?;
                        stream.set_nodelay(true)?;
                        let (r, w) = stream.into_split();
                        upstream.insert((BufReader::new(r), w))
                    }
                };
                up_write.write_all(&request.raw).await?;
                up_write.write_all(&body).await?;
                up_write.flush().await?;
                let response = loop {
                    let head = read_head(up_read)
                        .await?
                        .ok_or_else(|| invalid("upstream closed"))?;
                    // Interim 1xx responses are passed through.
                    if head
                        .start_line
                        .split_whitespace()
                        .nth(1)
                        .is_some_and(|code| code.starts_with('1'))
                    {
                        client_write.write_all(&head.raw).await?;
                        continue;
                    }
                    break head;
                };
                let (resp_body, ended) = read_body(up_read, &response, true).await?;
                client_write.write_all(&response.raw).await?;
                client_write.write_all(&resp_body).await?;
                client_write.flush().await?;
                if ended || response.wants_close() {
                    return Ok(());
                }
            }
        }
        if request.wants_close() {
            return Ok(());
        }
    }
}
