//! A fault-injecting HTTP/1.1 proxy: it forwards to an endpoint and fails, delays or cuts
//! short chosen requests — in front of the DynamoDB-compatible server or of `ferrometa serve`.
//!
//! A [`FaultRule`] says which requests and what happens to them:
//!
//! - **which**: by `X-Amz-Target` ([`FaultRule::new`], e.g. `DynamoDB_20120810.ListTables` or
//!   just `ListTables`), by HTTP method and a substring of the request target
//!   ([`FaultRule::http`], for a REST server), or every request ([`FaultRule::any`]);
//!   optionally narrowed by a substring of the body ([`FaultRule::body_contains`],
//!   [`FaultRule::table`]);
//! - **when**: every match, the n-th, every match from the n-th on, or a seeded random share
//!   ([`FaultRule::at_rate`], deterministic for a given seed and order of requests), optionally
//!   never more than k times in a row for one request, so that a fault stays transient;
//! - **what** ([`FaultResponse`]): an answer of the proxy's own (DynamoDB's error bodies,
//!   throttling included, or any JSON), a connection closed or reset without an answer, a
//!   stall, added latency, or the real answer cut short mid-body. With several responses a
//!   rule picks one per fault, from the same seeded sequence.
//!
//! Everything else is forwarded unchanged, over one upstream connection per client
//! connection. [`FaultProxy::log_requests`] keeps what was sent, for tests that inspect
//! request bodies.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ferrometa_emulator::EmulatorError> {
//! use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule};
//! let emulator = Emulator::start().await?;
//! let proxy = FaultProxy::start(&emulator.endpoint()).await?;
//! proxy.add_rule(FaultRule::new("ListTables").on_nth(2).respond(FaultResponse::access_denied()));
//! proxy.add_rule(
//!     FaultRule::any()
//!         .at_rate(0.2, 7)
//!         .at_most_in_a_row(2)
//!         .respond_any([FaultResponse::throttling(), FaultResponse::Reset]),
//! );
//! let client = proxy.client();
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::EmulatorError;
use crate::http1::{Head, Upstream, exchange, invalid, read_body, read_head};

/// The `__type` namespace of DynamoDB's own errors.
const DYNAMODB_NS: &str = "com.amazonaws.dynamodb.v20120810";
/// The namespace DynamoDB's front end uses for throttling and availability errors.
const AVAILABILITY_NS: &str = "com.amazon.coral.availability";
/// The namespace of authentication and authorization errors.
const SERVICE_NS: &str = "com.amazon.coral.service";

/// Which matching requests a rule fails (counted from 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Occurrence {
    Always,
    Nth(usize),
    FromNth(usize),
    /// Each match with this probability, drawn from a sequence seeded with `seed`.
    Rate {
        rate: f64,
        seed: u64,
    },
}

/// What the proxy does instead of forwarding a request unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultResponse {
    /// An error in DynamoDB's JSON shape: `{"__type": "<namespace>#<name>", "message": ...}`.
    /// `error_type` is the full `__type`, or a bare name put in DynamoDB's namespace.
    Error {
        status: u16,
        error_type: String,
        message: String,
    },
    /// Any JSON answer: a canned success, or a REST server's error.
    Json {
        status: u16,
        content_type: String,
        body: String,
        /// `Retry-After` in seconds, when set.
        retry_after: Option<u32>,
    },
    /// Reads the request, then closes the connection without answering.
    CloseConnection,
    /// Reads the request, then resets the connection (TCP RST).
    Reset,
    /// Holds the request this long, then closes the connection without answering.
    Stall(Duration),
    /// Holds the request this long, then forwards it.
    Latency(Duration),
    /// Forwards the request, then relays the answer's head and half its body and closes the
    /// connection: a response cut short.
    Truncate,
}

impl FaultResponse {
    /// `500 InternalServerError`, as DynamoDB answers it (retried by the SDK).
    pub fn internal_error() -> Self {
        Self::error(500, "InternalServerError", "Internal server error")
    }

    /// `503 ServiceUnavailable` (retried by the SDK).
    pub fn service_unavailable() -> Self {
        Self::error(
            503,
            &format!("{AVAILABILITY_NS}#ServiceUnavailableException"),
            "Service unavailable",
        )
    }

    /// `400 AccessDeniedException` (not retried).
    pub fn access_denied() -> Self {
        Self::error(
            400,
            &format!("{SERVICE_NS}#AccessDeniedException"),
            "injected: not authorized to perform this action",
        )
    }

    /// `400 ThrottlingException`, as DynamoDB throttles control-plane calls (retried).
    pub fn throttling() -> Self {
        Self::error(
            400,
            &format!("{AVAILABILITY_NS}#ThrottlingException"),
            "Rate of requests exceeds the allowed throughput.",
        )
    }

    /// `400 ProvisionedThroughputExceededException`, a table's capacity exceeded (retried).
    pub fn provisioned_throughput_exceeded() -> Self {
        Self::error(
            400,
            "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded. \
             Consider increasing your provisioning level with the UpdateTable API.",
        )
    }

    /// `400 LimitExceededException`, too many concurrent control-plane operations (retried).
    pub fn limit_exceeded() -> Self {
        Self::error(
            400,
            "LimitExceededException",
            "Too many operations for a given subscriber.",
        )
    }

    /// `400 RequestLimitExceeded`, the account's throughput quota exceeded (retried).
    pub fn request_limit_exceeded() -> Self {
        Self::error(
            400,
            "RequestLimitExceeded",
            "Throughput exceeds the current throughput limit for your account. \
             Please contact AWS Support at https://aws.amazon.com/support request a limit increase",
        )
    }

    /// The four throttling errors DynamoDB sends.
    pub fn throttling_errors() -> [Self; 4] {
        [
            Self::throttling(),
            Self::provisioned_throughput_exceeded(),
            Self::limit_exceeded(),
            Self::request_limit_exceeded(),
        ]
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
            retry_after: None,
        }
    }

    /// Any answer with a JSON body, e.g. a REST server's `{"code":…,"message":…}`.
    pub fn json(status: u16, body: &str) -> Self {
        FaultResponse::Json {
            status,
            content_type: "application/json".to_string(),
            body: body.to_string(),
            retry_after: None,
        }
    }

    /// An OpenMetadata-style error answer, `{"code": status, "message": "injected failure"}`.
    pub fn rest_error(status: u16) -> Self {
        Self::json(
            status,
            &serde_json::json!({"code": status, "message": "injected failure"}).to_string(),
        )
    }

    /// The same JSON answer with `Retry-After: seconds` (no effect on other responses).
    pub fn retry_after(mut self, seconds: u32) -> Self {
        if let FaultResponse::Json { retry_after, .. } = &mut self {
            *retry_after = Some(seconds);
        }
        self
    }

    /// Any DynamoDB-style error.
    pub fn error(status: u16, error_type: &str, message: &str) -> Self {
        FaultResponse::Error {
            status,
            error_type: error_type.to_string(),
            message: message.to_string(),
        }
    }

    /// A short name for counting faults: the error name, the status, or the kind of fault.
    pub fn label(&self) -> String {
        match self {
            FaultResponse::Error { error_type, .. } => error_type
                .rsplit_once('#')
                .map_or(error_type.as_str(), |(_, name)| name)
                .to_string(),
            FaultResponse::Json { status, .. } => status.to_string(),
            FaultResponse::CloseConnection => "close".into(),
            FaultResponse::Reset => "reset".into(),
            FaultResponse::Stall(_) => "stall".into(),
            FaultResponse::Latency(_) => "latency".into(),
            FaultResponse::Truncate => "truncate".into(),
        }
    }
}

/// What a rule matches on.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    Any,
    /// `X-Amz-Target`, full or the part after the dot.
    Target(String),
    /// A method (empty for any) and a substring of the request target (path and query).
    Http {
        method: String,
        target: String,
    },
}

/// One fault: which requests, when, and what happens to them.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    matcher: Matcher,
    body_contains: Option<String>,
    occurrence: Occurrence,
    /// At most this many faults in a row for one request (same target and body).
    in_a_row: Option<usize>,
    responses: Vec<FaultResponse>,
}

impl FaultRule {
    /// Fails every request whose `X-Amz-Target` is `target` (full, or the part after the dot)
    /// with a 500, until narrowed with the other methods.
    pub fn new(target: impl Into<String>) -> Self {
        Self::with_matcher(Matcher::Target(target.into()))
    }

    /// Fails every request with this HTTP method (`""` for any) whose target (path and query)
    /// contains `target`, e.g. `FaultRule::http("PUT", "/tables/bulk")`.
    pub fn http(method: &str, target: &str) -> Self {
        Self::with_matcher(Matcher::Http {
            method: method.to_ascii_uppercase(),
            target: target.to_string(),
        })
    }

    /// Fails every request.
    pub fn any() -> Self {
        Self::with_matcher(Matcher::Any)
    }

    fn with_matcher(matcher: Matcher) -> Self {
        FaultRule {
            matcher,
            body_contains: None,
            occurrence: Occurrence::Always,
            in_a_row: None,
            responses: vec![FaultResponse::internal_error()],
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

    /// Each matching request with probability `rate` (0 to 1), drawn from a sequence seeded
    /// with `seed`: the same seed and order of requests fail the same requests.
    pub fn at_rate(mut self, rate: f64, seed: u64) -> Self {
        self.occurrence = Occurrence::Rate {
            rate: rate.clamp(0.0, 1.0),
            seed,
        };
        self
    }

    /// Never fails one request (the same target and body, as a client's retry sends it) more
    /// than `k` times in a row: the fault is transient for a client that retries more often.
    pub fn at_most_in_a_row(mut self, k: usize) -> Self {
        self.in_a_row = Some(k);
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
        self.responses = vec![response];
        self
    }

    /// One of `responses` per fault, picked from the rule's seeded sequence.
    pub fn respond_any(mut self, responses: impl IntoIterator<Item = FaultResponse>) -> Self {
        self.responses = responses.into_iter().collect();
        assert!(!self.responses.is_empty(), "a rule needs a response");
        self
    }

    fn matches(&self, request: &Head, target: &str, body: &[u8]) -> bool {
        let head_ok = match &self.matcher {
            Matcher::Any => true,
            Matcher::Target(wanted) => {
                target == wanted || target.rsplit_once('.').is_some_and(|(_, op)| op == wanted)
            }
            Matcher::Http { method, target } => {
                let mut parts = request.start_line.split_whitespace();
                let m = parts.next().unwrap_or("");
                let t = parts.next().unwrap_or("");
                (method.is_empty() || m == method) && t.contains(target.as_str())
            }
        };
        head_ok
            && self
                .body_contains
                .as_ref()
                .is_none_or(|needle| contains(body, needle.as_bytes()))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// SplitMix64: a tiny seeded generator, so fault sequences are reproducible.
#[derive(Debug)]
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A rule with its counters.
struct Active {
    rule: FaultRule,
    matched: usize,
    rng: SplitMix,
    /// Faults in a row per request key, for `at_most_in_a_row`.
    streaks: HashMap<u64, usize>,
}

impl Active {
    fn new(rule: FaultRule) -> Self {
        let seed = match rule.occurrence {
            Occurrence::Rate { seed, .. } => seed,
            _ => 0,
        };
        Active {
            rule,
            matched: 0,
            rng: SplitMix(seed),
            streaks: HashMap::new(),
        }
    }

    /// Whether this match fires, and with which response.
    fn decide(&mut self, key: u64) -> Option<FaultResponse> {
        self.matched += 1;
        let fires = match self.rule.occurrence {
            Occurrence::Always => true,
            Occurrence::Nth(n) => self.matched == n,
            Occurrence::FromNth(n) => self.matched >= n,
            Occurrence::Rate { rate, .. } => self.rng.unit() < rate,
        };
        if let Some(limit) = self.rule.in_a_row {
            let streak = self.streaks.entry(key).or_default();
            if !fires || *streak >= limit {
                self.streaks.remove(&key);
                return None;
            }
            *streak += 1;
        } else if !fires {
            return None;
        }
        let responses = &self.rule.responses;
        let pick = if responses.len() == 1 {
            0
        } else {
            (self.rng.next() % responses.len() as u64) as usize
        };
        Some(responses[pick].clone())
    }
}

/// One request as the proxy received it (kept when logging is on).
#[derive(Debug, Clone)]
pub struct ProxiedRequest {
    pub method: String,
    /// The request target: path and query, e.g. `/api/v1/tables?limit=10`.
    pub target: String,
    /// `X-Amz-Target`, empty for a request without one.
    pub amz_target: String,
    pub body: Vec<u8>,
    /// The fault it got, by [`FaultResponse::label`].
    pub fault: Option<String>,
}

#[derive(Default)]
struct State {
    rules: Vec<Active>,
    /// Requests seen per `X-Amz-Target`, faulted ones included.
    seen: HashMap<String, usize>,
    /// Faults per [`FaultResponse::label`].
    fired: BTreeMap<String, usize>,
    log: Option<Vec<ProxiedRequest>>,
}

impl State {
    fn decide(&mut self, request: &Head, body: &[u8]) -> Option<FaultResponse> {
        let target = request.header("x-amz-target").unwrap_or("");
        *self.seen.entry(target.to_string()).or_default() += 1;
        let key = {
            let mut hasher = DefaultHasher::new();
            request.start_line.hash(&mut hasher);
            target.hash(&mut hasher);
            body.hash(&mut hasher);
            hasher.finish()
        };
        let mut chosen = None;
        for active in &mut self.rules {
            if active.rule.matches(request, target, body) {
                let decision = active.decide(key);
                if chosen.is_none() {
                    chosen = decision;
                }
            }
        }
        if let Some(response) = &chosen {
            *self.fired.entry(response.label()).or_default() += 1;
        }
        if let Some(log) = &mut self.log {
            let mut parts = request.start_line.split_whitespace();
            log.push(ProxiedRequest {
                method: parts.next().unwrap_or("").to_string(),
                target: parts.next().unwrap_or("").to_string(),
                amz_target: target.to_string(),
                body: body.to_vec(),
                fault: chosen.as_ref().map(FaultResponse::label),
            });
        }
        chosen
    }
}

/// A fault-injecting HTTP proxy in front of an endpoint (an [`crate::Emulator`], or any
/// HTTP/1.1 server such as `ferrometa serve`).
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

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().expect("proxy state"))
    }

    /// Adds a rule; rules are checked in the order they were added, and the first that
    /// fires decides (every matching rule counts the request).
    pub fn add_rule(&self, rule: FaultRule) {
        self.with(|s| s.rules.push(Active::new(rule)));
    }

    /// Removes every rule (counters of seen requests and faults are kept).
    pub fn clear_rules(&self) {
        self.with(|s| s.rules.clear());
    }

    /// Keeps every request from now on, for [`FaultProxy::take_log`].
    pub fn log_requests(&self) {
        self.with(|s| {
            s.log.get_or_insert_with(Vec::new);
        });
    }

    /// The requests kept since logging started or the last call, and forgets them.
    pub fn take_log(&self) -> Vec<ProxiedRequest> {
        self.with(|s| s.log.as_mut().map(std::mem::take).unwrap_or_default())
    }

    /// How many requests with this target (full, or the part after the dot) were seen.
    pub fn requests(&self, target: &str) -> usize {
        self.with(|s| {
            s.seen
                .iter()
                .filter(|(t, _)| {
                    t.as_str() == target || t.rsplit_once('.').is_some_and(|(_, op)| op == target)
                })
                .map(|(_, n)| n)
                .sum()
        })
    }

    /// How many requests were seen in all, faulted ones included.
    pub fn total_requests(&self) -> usize {
        self.with(|s| s.seen.values().sum())
    }

    /// How many requests the proxy faulted (latency included).
    pub fn faults_fired(&self) -> usize {
        self.with(|s| s.fired.values().sum())
    }

    /// The faults so far, per [`FaultResponse::label`].
    pub fn faults_by_kind(&self) -> BTreeMap<String, usize> {
        self.with(|s| s.fired.clone())
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

/// The bytes of an answer the proxy makes up.
fn answer_bytes(status: u16, content_type: &str, body: &str, retry_after: Option<u32>) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let retry_after = retry_after
        .map(|s| format!("retry-after: {s}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         x-amzn-requestid: fault-proxy\r\n{retry_after}\r\n",
        body.len()
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// How one request ends.
enum Outcome {
    /// Answered; the connection stays open unless `close`.
    Answered { close: bool },
    /// The connection is to be dropped without another byte.
    Close,
    /// The connection is to be reset.
    Reset,
}

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
        let fault = state.lock().expect("proxy state").decide(&request, &body);
        let outcome = match fault {
            Some(FaultResponse::Error {
                status,
                error_type,
                message,
            }) => {
                let error_type = if error_type.contains('#') {
                    error_type
                } else {
                    format!("{DYNAMODB_NS}#{error_type}")
                };
                let body = serde_json::json!({"__type": error_type, "message": message});
                let bytes = answer_bytes(
                    status,
                    "application/x-amz-json-1.0",
                    &body.to_string(),
                    None,
                );
                client_write.write_all(&bytes).await?;
                Outcome::Answered { close: false }
            }
            Some(FaultResponse::Json {
                status,
                content_type,
                body,
                retry_after,
            }) => {
                let bytes = answer_bytes(status, &content_type, &body, retry_after);
                client_write.write_all(&bytes).await?;
                Outcome::Answered { close: false }
            }
            Some(FaultResponse::CloseConnection) => Outcome::Close,
            Some(FaultResponse::Reset) => Outcome::Reset,
            Some(FaultResponse::Stall(hold)) => {
                tokio::time::sleep(hold).await;
                Outcome::Close
            }
            fault @ (Some(FaultResponse::Latency(_) | FaultResponse::Truncate) | None) => {
                if let Some(FaultResponse::Latency(hold)) = fault {
                    tokio::time::sleep(hold).await;
                }
                let truncate = matches!(fault, Some(FaultResponse::Truncate));
                forward(
                    &mut upstream,
                    upstream_addr,
                    &request,
                    &body,
                    &mut client_write,
                    truncate,
                )
                .await?
            }
        };
        client_write.flush().await?;
        match outcome {
            Outcome::Answered { close } if !close && !request.wants_close() => {}
            Outcome::Answered { .. } | Outcome::Close => return Ok(()),
            Outcome::Reset => {
                let conn = client_read
                    .into_inner()
                    .reunite(client_write)
                    .map_err(|_| invalid("halves of different connections"))?;
                // Closing with a zero linger sends RST instead of FIN.
                conn.set_zero_linger()?;
                return Ok(());
            }
        }
    }
}

/// Sends the request upstream and relays the answer, all of it or (`truncate`) its head and
/// half its body.
async fn forward(
    upstream: &mut Option<Upstream>,
    upstream_addr: &str,
    request: &Head,
    body: &[u8],
    client_write: &mut OwnedWriteHalf,
    truncate: bool,
) -> std::io::Result<Outcome> {
    let (response, resp_body, ended) =
        exchange(upstream, upstream_addr, request, body, client_write).await?;
    client_write.write_all(&response.raw).await?;
    if truncate {
        client_write
            .write_all(&resp_body[..resp_body.len() / 2])
            .await?;
        // The upstream connection is dropped with the client's: its state is unknown.
        *upstream = None;
        return Ok(Outcome::Close);
    }
    client_write.write_all(&resp_body).await?;
    Ok(Outcome::Answered {
        close: ended || response.wants_close(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(line: &str) -> Head {
        Head {
            raw: Vec::new(),
            start_line: line.to_string(),
            headers: Vec::new(),
        }
    }

    #[test]
    fn a_rate_is_reproducible_and_close_to_its_share() {
        let draws = |seed| {
            let mut active = Active::new(FaultRule::any().at_rate(0.2, seed));
            (0..1000u64)
                .map(|i| active.decide(i).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
        let fired = draws(7).iter().filter(|f| **f).count();
        assert!((150..250).contains(&fired), "{fired}");
    }

    #[test]
    fn a_transient_fault_lets_the_same_request_through_after_k_in_a_row() {
        let mut active = Active::new(FaultRule::any().at_most_in_a_row(2));
        let faults: Vec<bool> = (0..6).map(|_| active.decide(42).is_some()).collect();
        assert_eq!(faults, [true, true, false, true, true, false]);
        // Another request has its own streak.
        assert!(active.decide(43).is_some());
    }

    #[test]
    fn http_rules_match_method_and_target() {
        let rule = FaultRule::http("put", "/tables/bulk");
        assert!(rule.matches(
            &head("PUT /api/v1/tables/bulk?async=false HTTP/1.1"),
            "",
            b""
        ));
        assert!(!rule.matches(&head("GET /api/v1/tables/bulk HTTP/1.1"), "", b""));
        let any_method = FaultRule::http("", "/tables");
        assert!(any_method.matches(&head("GET /api/v1/tables?limit=1 HTTP/1.1"), "", b""));
        let target = FaultRule::new("ListTables");
        assert!(target.matches(
            &head("POST / HTTP/1.1"),
            "DynamoDB_20120810.ListTables",
            b""
        ));
        assert!(!target.matches(&head("POST / HTTP/1.1"), "DynamoDB_20120810.Scan", b""));
    }

    #[test]
    fn labels_name_the_error_or_the_fault() {
        assert_eq!(FaultResponse::throttling().label(), "ThrottlingException");
        assert_eq!(
            FaultResponse::request_limit_exceeded().label(),
            "RequestLimitExceeded"
        );
        assert_eq!(FaultResponse::rest_error(503).label(), "503");
        assert_eq!(FaultResponse::Truncate.label(), "truncate");
    }
}
