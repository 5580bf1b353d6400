//! A counting, latency-injecting HTTP/1.1 proxy in front of a DynamoDB-compatible endpoint.
//!
//! ```sh
//! bench-proxy --upstream http://127.0.0.1:PORT [--latency-ms 10] [--bind 127.0.0.1:0]
//! ```
//!
//! Prints `BENCH_PROXY_ENDPOINT=<url>` then `READY=1` and serves until SIGTERM or Ctrl-C.
//! Every request waits `--latency-ms` before it is forwarded (one client connection, one
//! upstream connection, so the client's own concurrency is what overlaps the waits).
//!
//! - `GET /__bench/counts`: requests per operation (`X-Amz-Target` after the dot), non-2xx
//!   answers per operation, throttling errors, items returned and scanned by Scans (in total
//!   and the most for one table), Scans per table, and consumed read capacity, as JSON.
//! - `POST /__bench/reset`: zeroes the counts.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use ferrometa_emulator::http1::{Upstream, exchange, read_body, read_head};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::signal::unix::{SignalKind, signal};

#[derive(Parser)]
#[command(about = "Counting, latency-injecting proxy for the ferrometa benchmark")]
struct Args {
    /// The endpoint to forward to, `http://HOST:PORT`.
    #[arg(long)]
    upstream: String,
    /// Milliseconds added before each request is forwarded.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: String,
}

#[derive(Default)]
struct Counts {
    requests: BTreeMap<String, u64>,
    errors: BTreeMap<String, u64>,
    throttled: u64,
    scan_items: u64,
    scan_scanned: u64,
    read_capacity: f64,
    /// Per table: (Scans, items returned).
    scans_per_table: HashMap<String, (u64, u64)>,
}

impl Counts {
    fn to_json(&self) -> serde_json::Value {
        let max_items = self
            .scans_per_table
            .values()
            .map(|v| v.1)
            .max()
            .unwrap_or(0);
        let max_scans = self
            .scans_per_table
            .values()
            .map(|v| v.0)
            .max()
            .unwrap_or(0);
        serde_json::json!({
            "requests": self.requests,
            "totalRequests": self.requests.values().sum::<u64>(),
            "errors": self.errors,
            "throttled": self.throttled,
            "scanItems": self.scan_items,
            "scannedCount": self.scan_scanned,
            "readCapacity": self.read_capacity,
            "tablesScanned": self.scans_per_table.len(),
            "maxItemsPerTable": max_items,
            "maxScansPerTable": max_scans,
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let upstream = args
        .upstream
        .strip_prefix("http://")
        .map(|rest| rest.trim_end_matches('/').to_string())
        .ok_or("--upstream must be http://HOST:PORT")?;
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    let addr = listener.local_addr()?;
    let latency = Duration::from_millis(args.latency_ms);
    let counts = Arc::new(Mutex::new(Counts::default()));

    let mut out = std::io::stdout().lock();
    writeln!(out, "BENCH_PROXY_ENDPOINT=http://{addr}")?;
    writeln!(out, "READY=1")?;
    out.flush()?;
    drop(out);

    let mut terminate = signal(SignalKind::terminate())?;
    loop {
        tokio::select! {
            _ = terminate.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
            accepted = listener.accept() => {
                let Ok((conn, _)) = accepted else { continue };
                let _ = conn.set_nodelay(true);
                let counts = counts.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let _ = serve_connection(conn, &upstream, latency, &counts).await;
                });
            }
        }
    }
    Ok(())
}

/// The number after the last `"key":` in `body` that is followed by a digit (a top-level
/// count of a DynamoDB answer, not an attribute named like it, whose value is an object).
fn last_number(body: &[u8], key: &[u8]) -> Option<f64> {
    let mut found = None;
    let mut from = 0;
    while let Some(pos) = find(&body[from..], key) {
        let start = from + pos + key.len();
        let digits: Vec<u8> = body[start..]
            .iter()
            .copied()
            .take_while(|c| {
                c.is_ascii_digit()
                    || *c == b'.'
                    || *c == b'e'
                    || *c == b'E'
                    || *c == b'-'
                    || *c == b'+'
            })
            .collect();
        if digits.first().is_some_and(u8::is_ascii_digit) {
            found = std::str::from_utf8(&digits)
                .ok()
                .and_then(|s| s.parse().ok());
        }
        from = start;
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn table_name(body: &[u8]) -> Option<String> {
    let key = b"\"TableName\":";
    let pos = find(body, key)? + key.len();
    let rest = &body[pos..];
    let rest = &rest[rest.iter().position(|c| *c == b'"')? + 1..];
    let end = rest.iter().position(|c| *c == b'"')?;
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

fn record(counts: &Mutex<Counts>, op: &str, request: &[u8], status: u16, response: &[u8]) {
    let mut c = counts.lock().expect("counts");
    *c.requests.entry(op.to_string()).or_default() += 1;
    if !(200..300).contains(&status) {
        *c.errors.entry(op.to_string()).or_default() += 1;
        if find(response, b"Throttling").is_some()
            || find(response, b"ProvisionedThroughputExceeded").is_some()
        {
            c.throttled += 1;
        }
        return;
    }
    if let Some(cu) = last_number(response, b"\"CapacityUnits\":") {
        c.read_capacity += cu;
    }
    if op == "Scan" {
        let items = last_number(response, b"\"Count\":").unwrap_or(0.0) as u64;
        let scanned = last_number(response, b"\"ScannedCount\":").unwrap_or(0.0) as u64;
        c.scan_items += items;
        c.scan_scanned += scanned;
        let table = table_name(request).unwrap_or_default();
        let entry = c.scans_per_table.entry(table).or_default();
        entry.0 += 1;
        entry.1 += items;
    }
}

fn respond_local(status: u16, body: &str) -> Vec<u8> {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve_connection(
    conn: TcpStream,
    upstream_addr: &str,
    latency: Duration,
    counts: &Mutex<Counts>,
) -> std::io::Result<()> {
    let (client_read, mut client_write) = conn.into_split();
    let mut client_read = BufReader::new(client_read);
    let mut upstream: Option<Upstream> = None;
    loop {
        let Some(request) = read_head(&mut client_read).await? else {
            return Ok(());
        };
        let (body, _) = read_body(&mut client_read, &request, false).await?;
        let path = request.start_line.split_whitespace().nth(1).unwrap_or("");
        if let Some(control) = path.strip_prefix("/__bench/") {
            let bytes = match control {
                "counts" => {
                    respond_local(200, &counts.lock().expect("counts").to_json().to_string())
                }
                "reset" => {
                    *counts.lock().expect("counts") = Counts::default();
                    respond_local(200, "{}")
                }
                _ => respond_local(404, "{}"),
            };
            client_write.write_all(&bytes).await?;
            client_write.flush().await?;
            continue;
        }
        let op = request
            .header("x-amz-target")
            .map(|t| t.rsplit_once('.').map_or(t, |(_, op)| op).to_string())
            .unwrap_or_else(|| "(none)".to_string());
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let (response, resp_body, ended) = exchange(
            &mut upstream,
            upstream_addr,
            &request,
            &body,
            &mut client_write,
        )
        .await?;
        record(counts, &op, &body, response.status(), &resp_body);
        client_write.write_all(&response.raw).await?;
        client_write.write_all(&resp_body).await?;
        client_write.flush().await?;
        if ended || response.wants_close() || request.wants_close() {
            return Ok(());
        }
    }
}
