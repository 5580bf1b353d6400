//! How the binary writes for pipes: a reader that goes away ends a command quietly, and colour
//! is for terminals only (`--color`, `NO_COLOR`).

use std::process::{Command, Stdio};

use crate::common::{Demo, command, run};

/// Runs `command` with stdout on a pipe whose reading end is already closed, so the first
/// write fails with a broken pipe; returns the exit code and what it wrote to stderr.
async fn with_closed_stdout(mut command: Command) -> (i32, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command.stdout(writer).stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let output = command.output().expect("the binary runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_every_printing_command_quietly() {
    let demo = Demo::start().await;
    let config = demo.recipe().write(&demo.dir.path().join("recipe.yaml"));
    let config = config.to_str().unwrap();
    let ingest = run({
        let mut c = command();
        c.args(["ingest", "-c", config]);
        c
    })
    .await;
    assert_eq!(ingest.code, 0, "{}", ingest.stderr);
    let catalog = demo.catalog.to_str().unwrap();

    let commands: [&[&str]; 6] = [
        &["schema"],
        &["validate", "-c", config],
        &["catalog", "--catalog", catalog, "list"],
        &["catalog", "--catalog", catalog, "list", "--json"],
        &[
            "catalog",
            "--catalog",
            catalog,
            "show",
            "local_dynamodb.default.default.orders",
        ],
        &["token", "--catalog", catalog, "--bot", "ingestion-bot"],
    ];
    for args in commands {
        let mut c = command();
        c.args(args);
        let (code, stderr) = with_closed_stdout(c).await;
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
    }
    demo.emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_lines_are_coloured_only_when_asked_for_off_a_terminal() {
    let demo = Demo::start().await;
    let config = demo.recipe().write(&demo.dir.path().join("recipe.yaml"));
    let config = config.to_str().unwrap();
    let ingest = |extra: &'static [&'static str], no_color: Option<&'static str>| {
        let mut c = command();
        c.args(extra).args(["ingest", "-c", config]);
        c.env_remove("NO_COLOR");
        if let Some(value) = no_color {
            c.env("NO_COLOR", value);
        }
        run(c)
    };

    let piped = ingest(&[], None).await;
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert!(!piped.stderr.is_empty());
    assert!(!piped.stderr.contains('\x1b'), "{}", piped.stderr);

    let always = ingest(&["--color", "always"], None).await;
    assert_eq!(always.code, 0, "{}", always.stderr);
    assert!(always.stderr.contains("\x1b["), "{}", always.stderr);

    let never = ingest(&["--color", "never"], Some("")).await;
    assert!(!never.stderr.contains('\x1b'), "{}", never.stderr);

    demo.emulator.stop().await;
}
