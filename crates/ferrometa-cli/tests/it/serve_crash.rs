//! The real `ferrometa serve`: its key rotated by `ferrometa token --rotate` while it runs,
//! and its crash safety: the server is killed with SIGKILL at varying points while `ferrometa
//! ingest` (metadata-rest sink, small bulk batches) writes through it. After every kill the
//! catalog passes SQLite's checks and opens; after final runs to completion it holds exactly
//! what uninterrupted runs write.
//!
//! Each round ingests one of a few services in turn, so that most rounds still have writes
//! to interrupt; kills land between 40 % and 100 % of an uninterrupted run's duration, where
//! its writes are.
//! `FERROMETA_SERVE_CRASH_ITERATIONS=N` runs N kills instead of the short default.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, Recipe};
use crate::crash_checks::{self, assert_converged, assert_intact, delay};
use ferrometa_emulator::Emulator;

/// Kills in the default (CI) mode.
const DEFAULT_ITERATIONS: usize = 8;
const TABLES: usize = 30;
const SERVICES: usize = 3;

/// A `ferrometa serve` process accepting connections.
struct Serving {
    child: Child,
    port: u16,
}

impl Serving {
    fn start(catalog: &Path) -> Serving {
        // A free port from the kernel; the server takes it over a moment later.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = common::command();
        command
            .arg("serve")
            .arg("--catalog")
            .arg(catalog)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = command.spawn().expect("the binary runs");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the server exited at start"
            );
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Serving { child, port }
    }

    /// SIGKILL, and reap.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM: a graceful stop, which must succeed.
    fn stop(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        assert!(self.child.wait().unwrap().success(), "a clean exit");
    }
}

/// A bot token for the server of `catalog` (creating its key), after `extra` arguments.
fn token_with(catalog: &Path, extra: &[&str]) -> (String, String) {
    let output = common::command()
        .arg("token")
        .arg("--catalog")
        .arg(catalog)
        .args(extra)
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap().trim().to_string();
    (text(output.stdout), text(output.stderr))
}

fn token(catalog: &Path) -> String {
    token_with(catalog, &[]).0
}

/// The status of `GET /api/v1/tables` with `token`.
fn list_status(port: u16, token: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /api/v1/tables HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer[9..12].parse().unwrap()
}

#[test]
fn token_rotate_refuses_old_tokens_in_the_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db");
    let old = token(&catalog);
    let server = Serving::start(&catalog);
    assert_eq!(list_status(server.port, &old), 200);

    let (new, said) = token_with(&catalog, &["--rotate"]);
    assert!(said.starts_with("rotated the signing key"), "{said}");
    assert_ne!(new, old);
    assert_eq!(
        list_status(server.port, &old),
        401,
        "the old token after rotation"
    );
    assert_eq!(list_status(server.port, &new), 200, "the new token");
    server.stop();

    // A lifetime whose seconds overflow u64 is refused up front (it overflowed before).
    let output = common::command()
        .args(["token", "--days", "999999999999999999", "--catalog"])
        .arg(&catalog)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("--days"), "{said}");
}

/// The recipe ingesting the emulator into service `svc_{service}` through the server.
fn recipe(dir: &Path, service: usize, endpoint: &str, port: u16, token: &str) -> PathBuf {
    let text = Recipe::new(endpoint)
        // Small batches: many bulk requests per run, so a kill often lands between two.
        .sink("  type: metadata-rest\n  config:\n    bulk_sink_batch_size: 5")
        .workflow_config(&format!(
            "  openMetadataServerConfig:\n    hostPort: http://127.0.0.1:{port}/api\n    \
             authProvider: openmetadata\n    securityConfig:\n      jwtToken: {token}"
        ))
        .text()
        .replace(
            "serviceName: local_dynamodb",
            &format!("serviceName: svc_{service}"),
        );
    let path = dir.join(format!("svc_{service}_{port}.yaml"));
    std::fs::write(&path, text).unwrap();
    path
}

fn ingest(config: &Path) -> Command {
    let mut command = common::command();
    command
        .args(["ingest", "--no-progress", "-c"])
        .arg(config)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Ingests every service through a server over `catalog`, each run to its end; returns the
/// longest run's duration.
fn ingest_all(dir: &Path, endpoint: &str, catalog: &Path, token: &str) -> Duration {
    let server = Serving::start(catalog);
    let mut longest = Duration::ZERO;
    for service in 0..SERVICES {
        let config = recipe(dir, service, endpoint, server.port, token);
        let started = Instant::now();
        let run = ingest(&config).output().unwrap();
        longest = longest.max(started.elapsed());
        assert!(
            run.status.success(),
            "svc_{service}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    server.stop();
    longest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_servers_never_corrupt_the_catalog_and_reruns_converge() {
    let iterations =
        crash_checks::iterations("FERROMETA_SERVE_CRASH_ITERATIONS", DEFAULT_ITERATIONS);
    let emulator = Emulator::start().await.unwrap();
    let seeded = ferrometa_emulator::seed_generated(&emulator.client(), TABLES, 20, "served_")
        .await
        .unwrap();
    assert_eq!(seeded.tables, TABLES);
    let endpoint = emulator.endpoint();
    let dir = tempfile::tempdir().unwrap();
    let (crashed, fresh) = (dir.path().join("crashed.db"), dir.path().join("fresh.db"));

    let (killed, idle) = tokio::task::spawn_blocking({
        let (dir, crashed, fresh) = (dir.path().to_path_buf(), crashed.clone(), fresh.clone());
        move || {
            // The uninterrupted reference first: it also says how long a run takes here.
            let span = ingest_all(&dir, &endpoint, &fresh, &token(&fresh));
            eprintln!("an uninterrupted run takes up to {span:?}");

            let token = token(&crashed);
            let (mut killed, mut idle) = (0, 0);
            for i in 0..iterations {
                // The first 40 % of a run is start-up and sampling, before any write.
                let delay = span * 2 / 5 + delay(i, span * 3 / 5);
                let server = Serving::start(&crashed);
                let config = recipe(&dir, i % SERVICES, &endpoint, server.port, &token);
                let mut client = ingest(&config).spawn().unwrap();
                std::thread::sleep(delay);
                // The server dies first, whatever the client is doing.
                let writing = client.try_wait().unwrap().is_none();
                server.kill();
                let _ = client.kill();
                client.wait().unwrap();
                if writing {
                    killed += 1;
                } else {
                    idle += 1;
                }
                let tables = assert_intact(&crashed, &format!("after kill {i} at {delay:?}"));
                eprintln!(
                    "kill {i} at {delay:?} (client running: {writing}): intact, {tables} tables"
                );
            }

            ingest_all(&dir, &endpoint, &crashed, &token);
            (killed, idle)
        }
    })
    .await
    .unwrap();
    eprintln!("{killed} servers killed while the client ran, {idle} after it had finished");
    assert!(killed > 0, "no kill landed while the client ran");

    assert_intact(&crashed, "after the final runs");
    assert_intact(&fresh, "the uninterrupted runs");
    let fresh_contents = assert_converged(&crashed, &fresh);
    assert_eq!(
        fresh_contents.len(),
        SERVICES * (3 + TABLES),
        "a service, database, schema and every table per service"
    );
    emulator.stop().await;
}
