//! Serves a seeded emulator until SIGTERM or Ctrl-C, for tests written outside Rust (the
//! Python package's tests and the Airflow DAG runs of `scripts/python-tests.sh`).
//!
//! ```sh
//! cargo run -p ferrometa-emulator -- [--no-demo] [--generated N] [--items M] [--fail-table NAME]...
//! ```
//!
//! - the demo dataset is seeded unless `--no-demo`;
//! - `--generated N` adds N generated tables (`gen_00000`, …) of `--items M` items each (20);
//! - `--fail-table NAME` (repeatable) starts a fault proxy in front of the emulator that
//!   answers `DescribeTable` of that table with `AccessDeniedException`.
//!
//! Once ready it prints, one per line and flushed, `FERROMETA_ENDPOINT=<url>`, then
//! `FERROMETA_FAULTY_ENDPOINT=<url>` when a table fails, then `READY=1`: lines a shell can
//! `source` and a test can parse.

use std::io::Write as _;

use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule, seed};
use tokio::signal::unix::{SignalKind, signal};

const USAGE: &str =
    "usage: ferrometa-emulator [--no-demo] [--generated N] [--items M] [--fail-table NAME]...";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut demo = true;
    let mut generated = 0;
    let mut items = 20;
    let mut fail_tables = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-demo" => demo = false,
            "--generated" => generated = args.next().ok_or(USAGE)?.parse()?,
            "--items" => items = args.next().ok_or(USAGE)?.parse()?,
            "--fail-table" => fail_tables.push(args.next().ok_or(USAGE)?),
            _ => return Err(USAGE.into()),
        }
    }

    let emulator = Emulator::start().await?;
    let client = emulator.client();
    if demo {
        seed::seed_demo(&client).await?;
    }
    if generated > 0 {
        seed::seed_generated(&client, generated, items, "gen_").await?;
    }
    let proxy = if fail_tables.is_empty() {
        None
    } else {
        let proxy = FaultProxy::start(&emulator.endpoint()).await?;
        for table in &fail_tables {
            proxy.add_rule(
                FaultRule::new("DescribeTable")
                    .table(table)
                    .respond(FaultResponse::access_denied()),
            );
        }
        Some(proxy)
    };

    let mut out = std::io::stdout().lock();
    writeln!(out, "FERROMETA_ENDPOINT={}", emulator.endpoint())?;
    if let Some(proxy) = &proxy {
        writeln!(out, "FERROMETA_FAULTY_ENDPOINT={}", proxy.endpoint())?;
    }
    writeln!(out, "READY=1")?;
    out.flush()?;
    drop(out);

    let mut terminate = signal(SignalKind::terminate())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    if let Some(proxy) = proxy {
        proxy.stop().await;
    }
    emulator.stop().await;
    Ok(())
}
