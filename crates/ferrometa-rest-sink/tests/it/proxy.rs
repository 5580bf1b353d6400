//! A small HTTP/1.1 proxy between the sink and the server: it logs every request, saves
//! every request body, answers chosen paths itself (a server without `/bulk`, an old
//! version) and injects faults (a 500, or a connection closed without an answer).
//!
//! Each connection carries one request: the request goes upstream with `Connection: close`
//! and the answer is relayed until the upstream closes, so no response parsing is needed.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    /// Path and query, e.g. `/api/v1/tables/bulk?async=false&overrideMetadata=false`.
    pub target: String,
    pub body: Vec<u8>,
    /// Whether the proxy failed it on purpose.
    pub faulted: bool,
}

/// A canned answer for requests whose target contains `needle`.
#[derive(Clone)]
struct Canned {
    needle: String,
    status: u16,
    body: String,
}

#[derive(Default)]
struct State {
    log: Vec<Logged>,
    canned: Vec<Canned>,
    /// Every `fault_every`-th request (counted over all requests) is failed.
    fault_every: Option<usize>,
    seen: usize,
    /// Where request bodies are saved, with the file name prefix.
    capture: Option<(PathBuf, String)>,
}

pub struct Proxy {
    pub url: String,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// A proxy in front of `upstream` (`host:port`).
    pub async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let state = Arc::clone(&shared);
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let _ = relay(client, &upstream, &state).await;
                });
            }
        });
        Proxy { url, state, task }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Answers requests whose target contains `needle` with `status` and `body` (and
    /// `Retry-After: 0`, so that a canned 5xx is retried at once).
    pub fn answer(&self, needle: &str, status: u16, body: &str) {
        let canned = Canned {
            needle: needle.into(),
            status,
            body: body.into(),
        };
        self.with(|s| s.canned.push(canned));
    }

    /// Fails one request in `n`, alternating a 500 and a dropped connection.
    pub fn fault_every(&self, n: usize) {
        self.with(|s| s.fault_every = Some(n));
    }

    /// Saves each request body to `dir/<prefix>-<n>-<method>-<path>.json`.
    pub fn capture(&self, dir: PathBuf, prefix: &str) {
        std::fs::create_dir_all(&dir).unwrap();
        self.with(|s| s.capture = Some((dir, prefix.to_string())));
    }

    /// The requests so far, and forgets them.
    pub fn take_log(&self) -> Vec<Logged> {
        self.with(|s| std::mem::take(&mut s.log))
    }
}

enum Action {
    Forward,
    Answer(u16, String),
    Fault500,
    Drop,
}

async fn relay(client: TcpStream, upstream: &str, state: &Mutex<State>) -> std::io::Result<()> {
    let mut client = BufReader::new(client);
    let mut head = Vec::new();
    let mut content_length = 0usize;
    let mut request_line = String::new();
    loop {
        let mut line = String::new();
        if client.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        if request_line.is_empty() {
            request_line = line.trim_end().to_string();
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            content_length = value.trim().parse().unwrap_or(0);
        }
        if !lower.starts_with("connection:") {
            head.extend_from_slice(line.as_bytes());
        }
    }
    let mut body = vec![0; content_length];
    client.read_exact(&mut body).await?;
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();

    let action = {
        let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
        s.seen += 1;
        let seen = s.seen;
        let fault = s
            .fault_every
            .filter(|n| seen.is_multiple_of(*n))
            .map(|n| seen / n);
        let action = match (s.canned.iter().find(|c| target.contains(&c.needle)), fault) {
            (Some(c), _) => Action::Answer(c.status, c.body.clone()),
            (None, Some(nth)) if nth.is_multiple_of(2) => Action::Fault500,
            (None, Some(_)) => Action::Drop,
            (None, None) => Action::Forward,
        };
        let faulted = matches!(action, Action::Fault500 | Action::Drop);
        if let Some((dir, prefix)) = &s.capture
            && !body.is_empty()
            && !faulted
        {
            let path: String = target
                .split('?')
                .next()
                .unwrap_or_default()
                .trim_start_matches("/api/v1/")
                .replace('/', "-");
            let file = dir.join(format!("{prefix}-{:04}-{method}-{path}.json", s.log.len()));
            std::fs::write(file, &body)?;
        }
        s.log.push(Logged {
            method: method.clone(),
            target: target.clone(),
            body: body.clone(),
            faulted,
        });
        action
    };

    let mut client = client.into_inner();
    match action {
        Action::Drop => Ok(()),
        Action::Fault500 => {
            respond(
                &mut client,
                500,
                r#"{"code":500,"message":"injected failure"}"#,
            )
            .await
        }
        Action::Answer(status, body) => respond(&mut client, status, &body).await,
        Action::Forward => {
            let mut server = TcpStream::connect(upstream).await?;
            server.write_all(request_line.as_bytes()).await?;
            server.write_all(b"\r\n").await?;
            // `head` starts with the request line, already sent.
            let headers = head.splitn(2, |b| *b == b'\n').nth(1).unwrap_or_default();
            server.write_all(headers).await?;
            server.write_all(b"Connection: close\r\n\r\n").await?;
            server.write_all(&body).await?;
            let mut answer = Vec::new();
            server.read_to_end(&mut answer).await?;
            client.write_all(&answer).await?;
            client.shutdown().await
        }
    }
}

async fn respond(client: &mut TcpStream, status: u16, body: &str) -> std::io::Result<()> {
    let answer = format!(
        "HTTP/1.1 {status} Canned\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 0\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    client.write_all(answer.as_bytes()).await?;
    client.shutdown().await
}
