//! Secrets never leave where they belong: recipes carrying distinctive values for every kind of
//! secret (AWS secret key, session token, assume-role external id, the sink's JWT, an extra
//! header, a value from a `${VAR}` expansion) are run through the real binary at debug and
//! trace level — every sink, `test-connection`, `validate`, failing runs and broken recipes —
//! and no output line, status file, catalog byte, file-sink record, server log or byte sent to
//! the OpenMetadata server holds one, except the headers that must carry the JWT and extra
//! headers, and the service connection when `storeServiceConnection: true` asks for it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::common::{Demo, Recipe, Run, command, ferrometa, run};
use ferrometa_emulator::http1::{read_body, read_head};
use ferrometa_emulator::{Emulator, FaultProxy, FaultResponse, FaultRule};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::net::{TcpListener, TcpStream};

const SECRET_KEY: &str = "fm-awssecret-Zq81xKp2Wv7";
const SESSION_TOKEN: &str = "fm-session-Tk55RmQ0aa9";
const EXTERNAL_ID: &str = "fm-externalid-Qw3Lp9Zr6";
/// A JWT-shaped token for runs without a server to check it.
const FAKE_JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmbS10ZXN0In0.fm-jwtsig-Hq47Nd2Rb5";
const EXTRA_HEADER: &str = "fm-header-Yu64Ce1Mn8";
const ENV_SECRET: &str = "fm-envsecret-Pd29Ws5Kt3";
/// The variable `${ENV_VAR}` in the recipes expands from.
const ENV_VAR: &str = "FERROMETA_TEST_HEADER_SECRET";
/// The extra headers of the recipes; the second one's value comes from `${ENV_VAR}`.
const API_KEY_HEADER: &str = "x-api-key";
const ENV_HEADER: &str = "x-env-key";
/// The temporary credentials the fake STS hands out for an assumed role.
const STS_SECRET_KEY: &str = "fm-stssecret-Jk83Lm2Np1";
const STS_SESSION_TOKEN: &str = "fm-ststoken-Rt56Yu9Ew2";

/// Every secret of a recipe with `jwt` as the sink's token.
fn secrets(jwt: &str) -> Vec<(&'static str, String)> {
    vec![
        ("awsSecretAccessKey", SECRET_KEY.to_string()),
        ("awsSessionToken", SESSION_TOKEN.to_string()),
        ("assumeRoleExternalId", EXTERNAL_ID.to_string()),
        ("securityConfig.jwtToken", jwt.to_string()),
        // The signature alone: a token cut into parts would still leak it.
        (
            "securityConfig.jwtToken signature",
            jwt.rsplit('.').next().unwrap().to_string(),
        ),
        ("extraHeaders value", EXTRA_HEADER.to_string()),
        ("${VAR} expansion", ENV_SECRET.to_string()),
    ]
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Everything a run left behind, each piece named for the failure message.
#[derive(Default)]
struct Evidence(Vec<(String, Vec<u8>)>);

impl Evidence {
    fn add(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.0.push((name.into(), bytes.into()));
    }

    fn add_run(&mut self, name: &str, run: &Run) {
        assert!(
            !run.stderr.contains("panicked"),
            "{name} panicked:\n{}",
            run.stderr
        );
        self.add(format!("{name}: stdout"), run.stdout.clone());
        self.add(format!("{name}: stderr"), run.stderr.clone());
    }

    /// Every file a run left in `dir`, as raw bytes (SQLite's `-wal` and `-shm` files, a
    /// file sink's temporary file, a server's key...), except the recipes, which hold the
    /// secrets by design. `expected` must be among them.
    fn add_dir(&mut self, dir: &Path, expected: &[&Path]) {
        for path in expected {
            assert!(path.is_file(), "{} was not written", path.display());
        }
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() && path.extension().is_none_or(|e| e != "yaml") {
                self.add(path.display().to_string(), std::fs::read(&path).unwrap());
            }
        }
    }

    /// Asserts that none of `secrets` occurs anywhere; returns how many (secret, piece) pairs
    /// were checked.
    fn assert_clean(&self, secrets: &[(&str, String)]) -> usize {
        for (what, secret) in secrets {
            for (name, bytes) in &self.0 {
                assert!(
                    !contains(bytes, secret),
                    "the {what} leaked into {name}:\n{}",
                    lines_with(bytes, secret)
                );
            }
        }
        secrets.len() * self.0.len()
    }
}

/// Where `needle` occurs in `bytes`, with some context, to show a leak.
fn lines_with(bytes: &[u8], needle: &str) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.match_indices(needle)
        .map(|(at, _)| {
            let start = text.floor_char_boundary(at.saturating_sub(200));
            let end = text.ceil_char_boundary(at + needle.len() + 100);
            format!("…{}…", &text[start..end])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `workflowConfig` lines with an OpenMetadata server at `host_port` authenticated by `jwt`,
/// both extra headers, and `extra` lines under `openMetadataServerConfig`.
fn server_config(host_port: &str, jwt: &str, extra: &str) -> String {
    format!(
        "  openMetadataServerConfig:
    hostPort: {host_port}
    authProvider: openmetadata
    securityConfig:
      jwtToken: {jwt}
    extraHeaders:
      {API_KEY_HEADER}: {EXTRA_HEADER}
      {ENV_HEADER}: ${{{ENV_VAR}}}
{extra}"
    )
}

/// A recipe holding every secret: the AWS ones, an external id (inert without a role to
/// assume), and an OpenMetadata server configuration (see [`server_config`]) even when the
/// sink does not use it.
fn secret_recipe(recipe: Recipe, host_port: &str, jwt: &str, server_extra: &str) -> Recipe {
    recipe
        .secret_key(SECRET_KEY)
        .session_token(SESSION_TOKEN)
        .aws_config(&format!("        assumeRoleExternalId: {EXTERNAL_ID}"))
        .workflow_config(&server_config(host_port, jwt, server_extra))
        .logger_level("DEBUG")
}

/// Writes `recipe` and checks that it really holds the secrets the run must not show: all
/// literally, except the one that comes from the environment.
fn write_checked(recipe: &Recipe, path: &Path, jwt: &str) -> PathBuf {
    let text = recipe.text();
    for (what, secret) in secrets(jwt) {
        if secret == ENV_SECRET {
            assert!(text.contains(&format!("${{{ENV_VAR}}}")), "{text}");
        } else {
            assert!(
                text.contains(&secret),
                "the recipe lacks the {what}:\n{text}"
            );
        }
    }
    recipe.write(path)
}

/// `ferrometa ARGS` with the `${VAR}` secret in its environment and `env` set.
async fn ferrometa_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = command();
    command.args(args).env(ENV_VAR, ENV_SECRET);
    for (key, value) in env {
        command.env(key, value);
    }
    run(command).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_sinks_commands_and_log_levels_show_no_secret() {
    let demo = Demo::start().await;
    let dir = demo.dir.path();
    let file_sink = dir.join("entities.json");
    let catalog_recipe = secret_recipe(demo.recipe(), "http://127.0.0.1:9/api", FAKE_JWT, "");
    let catalog_config = write_checked(&catalog_recipe, &dir.join("catalog.yaml"), FAKE_JWT);
    let file_recipe = catalog_recipe.clone().sink(&format!(
        "  type: file\n  config:\n    filename: {}",
        file_sink.display()
    ));
    let file_config = write_checked(&file_recipe, &dir.join("file.yaml"), FAKE_JWT);
    let trace_catalog = dir.join("trace.db");
    let trace_config = write_checked(
        &catalog_recipe.clone().catalog(&trace_catalog),
        &dir.join("trace.yaml"),
        FAKE_JWT,
    );
    let profile_config = write_checked(
        &catalog_recipe.clone().workflow("Profiler"),
        &dir.join("profile.yaml"),
        FAKE_JWT,
    );
    let classify_config = write_checked(
        &catalog_recipe
            .clone()
            .workflow("AutoClassification")
            .source_config("      storeSampleData: true"),
        &dir.join("classify.yaml"),
        FAKE_JWT,
    );
    let (profile_config, classify_config) = (
        profile_config.to_str().unwrap(),
        classify_config.to_str().unwrap(),
    );
    let status_file = dir.join("status.json");
    let (catalog_config, file_config, trace_config) = (
        catalog_config.to_str().unwrap(),
        file_config.to_str().unwrap(),
        trace_config.to_str().unwrap(),
    );

    let mut evidence = Evidence::default();
    let status_arg = status_file.to_str().unwrap();
    let runs = [
        (
            "ingest --debug to the catalog",
            ferrometa_with(
                &[
                    "ingest",
                    "-c",
                    catalog_config,
                    "--debug",
                    "--status-json",
                    status_arg,
                ],
                &[],
            )
            .await,
        ),
        (
            "profile --debug to the catalog",
            ferrometa_with(&["profile", "-c", profile_config, "--debug"], &[]).await,
        ),
        (
            "classify to the catalog with FERROMETA_LOG=trace",
            ferrometa_with(
                &["classify", "-c", classify_config],
                &[("FERROMETA_LOG", "trace")],
            )
            .await,
        ),
        (
            "ingest to a file with RUST_LOG=trace",
            ferrometa_with(
                &["ingest", "-c", file_config, "-l", "DEBUG"],
                &[("RUST_LOG", "trace")],
            )
            .await,
        ),
        (
            "ingest with FERROMETA_LOG=trace",
            ferrometa_with(
                &["ingest", "-c", trace_config],
                &[("FERROMETA_LOG", "trace")],
            )
            .await,
        ),
        (
            "test-connection --debug",
            ferrometa_with(&["test-connection", "-c", catalog_config, "--debug"], &[]).await,
        ),
        (
            "test-connection --json",
            ferrometa_with(&["test-connection", "-c", file_config, "--json"], &[]).await,
        ),
        (
            "validate --debug",
            ferrometa_with(&["validate", "-c", catalog_config, "--debug"], &[]).await,
        ),
        (
            "validate --json",
            ferrometa_with(&["validate", "-c", file_config, "--json"], &[]).await,
        ),
    ];
    for (name, run) in &runs {
        assert_eq!(run.code, 0, "{name}:\n{}", run.stderr);
        evidence.add_run(name, run);
    }
    // The runs really logged at the levels they were asked for.
    assert!(runs[0].1.stderr.contains("DEBUG"), "{}", runs[0].1.stderr);
    assert!(runs[2].1.stderr.contains("TRACE"), "{}", runs[2].1.stderr);
    assert!(runs[4].1.stderr.contains("TRACE"), "{}", runs[4].1.stderr);
    let status = std::fs::read_to_string(&status_file).unwrap();
    assert!(status.contains("\"sink\""), "{status}");
    evidence.add_dir(
        dir,
        &[&status_file, &demo.catalog, &trace_catalog, &file_sink],
    );
    let entities = std::fs::read_to_string(&file_sink).unwrap();
    assert!(entities.contains("\"orders\""), "{entities}");

    let checks = evidence.assert_clean(&secrets(FAKE_JWT));
    eprintln!("{checks} (secret, output) pairs checked");
    demo.emulator.stop().await;
}

/// A `ferrometa serve` process at debug level over its own catalog, and a token for it.
struct Served {
    child: Child,
    /// `127.0.0.1:<port>`.
    addr: String,
    token: String,
    catalog: PathBuf,
    log: SharedBytes,
}

impl Served {
    async fn start(dir: &Path) -> Served {
        let catalog = dir.join("served.db");
        let catalog_arg = catalog.to_str().unwrap();
        let minted = ferrometa(&["token", "--catalog", catalog_arg]).await;
        assert_eq!(minted.code, 0, "{}", minted.stderr);
        let token = minted.stdout.trim().to_string();
        let mut child = command()
            .args([
                "serve",
                "--catalog",
                catalog_arg,
                "--bind",
                "127.0.0.1:0",
                "--debug",
            ])
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn({
            let log = log.clone();
            move || {
                for line in BufReader::new(stderr).split(b'\n') {
                    let Ok(mut line) = line else { break };
                    let text = String::from_utf8_lossy(&line);
                    if let Some((_, rest)) = text.split_once("API at http://") {
                        let addr = rest.split('/').next().unwrap_or_default().to_string();
                        let _ = addr_tx.send(addr);
                    }
                    line.push(b'\n');
                    log.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .extend(line);
                }
            }
        });
        let addr = tokio::task::spawn_blocking(move || {
            addr_rx
                .recv_timeout(Duration::from_secs(30))
                .expect("serve prints its address")
        })
        .await
        .unwrap();
        Served {
            child,
            addr,
            token,
            catalog,
            log,
        }
    }

    /// Stops the server gracefully (SIGTERM, by its pid) and returns its log.
    fn stop(mut self) -> Vec<u8> {
        let pid = self.child.id().to_string();
        let terminated = Command::new("kill").args(["-TERM", &pid]).status();
        if !terminated.is_ok_and(|s| s.success()) {
            self.child.kill().unwrap();
        }
        self.child.wait().unwrap();
        std::mem::take(&mut *self.log.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Bytes written by one task and read by another.
type SharedBytes = Arc<Mutex<Vec<u8>>>;

/// Every byte of every connection through a relay, one stream per connection.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Vec<SharedBytes>>>);

impl Recording {
    fn open(&self) -> SharedBytes {
        let stream = Arc::new(Mutex::new(Vec::new()));
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(stream.clone());
        stream
    }

    fn streams(&self) -> Vec<Vec<u8>> {
        let streams = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        streams
            .iter()
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).clone())
            .collect()
    }
}

/// A TCP relay to `upstream` that records what passes in each direction, so that a test sees
/// exactly the bytes the sink sent (headers and bodies) and what the server answered.
struct Relay {
    addr: String,
    sent: Recording,
    answered: Recording,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (sent, answered) = (Recording::default(), Recording::default());
        tokio::spawn({
            let (sent, answered) = (sent.clone(), answered.clone());
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    let Ok(server) = TcpStream::connect(&upstream).await else {
                        continue;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::spawn(pipe(client_read, server_write, sent.open()));
                    tokio::spawn(pipe(server_read, client_write, answered.open()));
                }
            }
        });
        Relay {
            addr,
            sent,
            answered,
        }
    }
}

/// Copies `from` to `to`, recording each chunk before it is passed on.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    record: SharedBytes,
) {
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0 {
            break;
        }
        record
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(&buf[..n]);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// The bytes the sink sent, without the header lines that must carry a secret: the bearer
/// token and the two extra headers, each checked to hold exactly its own value. Panics if
/// those headers were never sent (the check would prove nothing) or if the traffic is not
/// plain HTTP/1.1.
fn sent_without_credentials(relay: &Relay, jwt: &str) -> Vec<u8> {
    let allowed = [
        ("authorization", format!("Bearer {jwt}")),
        (API_KEY_HEADER, EXTRA_HEADER.to_string()),
        (ENV_HEADER, ENV_SECRET.to_string()),
    ];
    let mut seen = [0usize; 3];
    let mut rest = Vec::new();
    // A pooled connection may close before carrying a request.
    for stream in relay.sent.streams().into_iter().filter(|s| !s.is_empty()) {
        assert!(
            [&b"GET "[..], b"PUT ", b"POST ", b"PATCH ", b"DELETE "]
                .iter()
                .any(|m| stream.starts_with(m)),
            "not plain HTTP/1.1: {:?}",
            String::from_utf8_lossy(&stream[..stream.len().min(40)])
        );
        for line in stream.split(|&b| b == b'\n') {
            let text = String::from_utf8_lossy(line);
            let header = text
                .split_once(':')
                .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()));
            let position = header.as_ref().and_then(|(name, value)| {
                allowed
                    .iter()
                    .position(|(allowed, expected)| name == allowed && value == expected)
            });
            match position {
                Some(i) => seen[i] += 1,
                None => {
                    rest.extend_from_slice(line);
                    rest.push(b'\n');
                }
            }
        }
    }
    for ((name, _), count) in allowed.iter().zip(seen) {
        assert!(count > 0, "no request carried the `{name}` header");
    }
    rest
}

/// An ingestion into `ferrometa serve` through a recording relay, `storeServiceConnection`
/// set to `store`; returns everything to check and the JWT.
async fn ingest_into_serve(store: bool) -> (Evidence, String, Relay) {
    let demo = Demo::start().await;
    let dir = demo.dir.path();
    let served = Served::start(dir).await;
    let relay = Relay::start(served.addr.clone()).await;
    let jwt = served.token.clone();
    let recipe = secret_recipe(
        demo.recipe(),
        &format!("http://{}/api", relay.addr),
        &jwt,
        &format!("    storeServiceConnection: {store}"),
    )
    .sink("  type: metadata-rest\n  config: {}");
    let config = write_checked(&recipe, &dir.join("rest.yaml"), &jwt);
    let status_file = dir.join("status.json");
    let run = ferrometa_with(
        &[
            "ingest",
            "-c",
            config.to_str().unwrap(),
            "--debug",
            "--status-json",
            status_file.to_str().unwrap(),
        ],
        &[],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut evidence = Evidence::default();
    evidence.add_run("ingest --debug to serve", &run);
    // The profiler and the classifier read the tables back from the server and send it
    // profiles, sample data and tags.
    for (command, kind, settings) in [
        ("profile", "Profiler", ""),
        (
            "classify",
            "AutoClassification",
            "      storeSampleData: true",
        ),
    ] {
        let recipe = recipe.clone().workflow(kind).source_config(settings);
        let config = write_checked(&recipe, &dir.join(format!("{command}.yaml")), &jwt);
        let run = ferrometa_with(&[command, "-c", config.to_str().unwrap(), "--debug"], &[]).await;
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        evidence.add_run(&format!("{command} --debug to serve"), &run);
    }
    // What landed on the server, read back through its catalog.
    let served_catalog = served.catalog.to_str().unwrap();
    let list = ferrometa(&["catalog", "--catalog", served_catalog, "list"]).await;
    assert!(list.stdout.contains("orders"), "{}", list.stdout);
    let app_data = "local_dynamodb.default.default.app_data";
    let profile = ferrometa(&["catalog", "--catalog", served_catalog, "profile", app_data]).await;
    assert_eq!(profile.code, 0, "{}", profile.stderr);
    let show = ferrometa(&["catalog", "--catalog", served_catalog, "show", app_data]).await;
    assert!(show.stdout.contains("PII.Sensitive"), "{}", show.stdout);
    evidence.add_run("catalog list", &list);
    evidence.add_run("catalog profile", &profile);
    evidence.add_run("catalog show", &show);
    let catalog = served.catalog.clone();
    let log = served.stop();
    assert!(contains(&log, "DEBUG"), "{}", String::from_utf8_lossy(&log));
    evidence.add("serve log", log);
    evidence.add_dir(dir, &[&status_file, &catalog]);
    demo.emulator.stop().await;
    (evidence, jwt, relay)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_sink_sends_secrets_only_in_its_headers() {
    let (mut evidence, jwt, relay) = ingest_into_serve(false).await;
    let sent = sent_without_credentials(&relay, &jwt);
    assert!(
        contains(&sent, "PUT /api/v1/"),
        "{}",
        String::from_utf8_lossy(&sent)
    );
    evidence.add("bytes sent to the server (credential headers aside)", sent);
    for (i, answer) in relay.answered.streams().into_iter().enumerate() {
        evidence.add(format!("answers on connection {i}"), answer);
    }
    let checks = evidence.assert_clean(&secrets(&jwt));
    eprintln!("{checks} (secret, output) pairs checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_service_connection_sends_the_aws_secrets_and_nothing_else() {
    let (evidence, jwt, relay) = ingest_into_serve(true).await;
    let sent = sent_without_credentials(&relay, &jwt);
    // Asked for: the AWS secrets went to the server, in the service's connection.
    let sent_text = String::from_utf8_lossy(&sent);
    let service_put: Vec<&str> = sent_text
        .lines()
        .filter(|l| l.contains("\"connection\""))
        .collect();
    for secret in [SECRET_KEY, SESSION_TOKEN] {
        assert!(
            service_put.iter().any(|l| l.contains(secret)),
            "{secret} was not sent in a service connection"
        );
    }
    // `ferrometa serve` stores the connection with its secrets masked, as OpenMetadata keeps
    // them out of its entities: the key id is there, the secrets are not.
    assert!(
        evidence
            .0
            .iter()
            .any(|(name, bytes)| name.contains("served.db") && contains(bytes, "AKIDFERROMETATEST")),
        "the connection was not stored"
    );
    let mut checks = evidence.assert_clean(&secrets(&jwt));
    // Nothing else was sent: no other secret in any byte but the credential headers.
    let others: Vec<_> = secrets(&jwt)
        .into_iter()
        .filter(|(_, s)| s != SECRET_KEY && s != SESSION_TOKEN)
        .collect();
    let mut sent_evidence = Evidence::default();
    sent_evidence.add("bytes sent to the server (credential headers aside)", sent);
    checks += sent_evidence.assert_clean(&others);
    eprintln!("{checks} (secret, output) pairs checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_the_server_refuses_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let served = Served::start(dir).await;
    // The sink checks the server before the source is built: no DynamoDB endpoint needed.
    let recipe = secret_recipe(
        Recipe::new("http://127.0.0.1:9"),
        &format!("http://{}/api", served.addr),
        FAKE_JWT,
        "",
    )
    .sink("  type: metadata-rest");
    let config = write_checked(&recipe, &dir.join("bad-token.yaml"), FAKE_JWT);
    let run = ferrometa_with(&["ingest", "-c", config.to_str().unwrap(), "--debug"], &[]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the openmetadata server refused the credentials (401)"),
        "{}",
        run.stderr
    );
    let mut evidence = Evidence::default();
    evidence.add_run("ingest with a refused token", &run);
    evidence.add("serve log", served.stop());
    evidence.add_dir(dir, &[]);
    let checks = evidence.assert_clean(&secrets(FAKE_JWT));
    eprintln!("{checks} (secret, output) pairs checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_runs_and_broken_recipes_show_no_secret() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    for name in ["alpha", "beta", "gamma"] {
        ferrometa_emulator::create_simple_table(&client, name, "pk", None)
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let catalog = dir.join("catalog.db");
    // Nothing listens on port 9.
    let base = |endpoint: &str| {
        secret_recipe(
            Recipe::new(endpoint).catalog(&catalog),
            "http://127.0.0.1:9/api",
            FAKE_JWT,
            "",
        )
    };
    let mut evidence = Evidence::default();
    // Runs `args -c RECIPE --debug` with `env`, expecting exit code 1 and `hint` in stderr.
    let mut expect_failure =
        async |name: &str, recipe: Recipe, args: &[&str], env: &[(&str, &str)], hint: &str| {
            let path = write_checked(
                &recipe,
                &dir.join(format!("{}.yaml", evidence.0.len())),
                FAKE_JWT,
            );
            let mut full = args.to_vec();
            full.extend(["-c", path.to_str().unwrap(), "--debug"]);
            let run = ferrometa_with(&full, env).await;
            assert_eq!(run.code, 1, "{name}: {}", run.stderr);
            assert!(
                run.stderr.contains(hint),
                "{name}: want `{hint}` in\n{}",
                run.stderr
            );
            evidence.add_run(name, &run);
        };

    // Credentials the endpoint refuses, and a table the credentials may not describe.
    let proxy = FaultProxy::start(&emulator.endpoint()).await.unwrap();
    proxy.add_rule(
        FaultRule::new("DynamoDB_20120810.DescribeTable")
            .table("beta")
            .respond(FaultResponse::access_denied()),
    );
    expect_failure(
        "a failing table",
        base(&proxy.endpoint()).workflow_config(&format!(
            "{}  successThreshold: 100",
            server_config("http://127.0.0.1:9/api", FAKE_JWT, "")
        )),
        &["ingest"],
        &[],
        "beta",
    )
    .await;
    proxy.add_rule(
        FaultRule::new("DynamoDB_20120810.ListTables").respond(FaultResponse::error(
            400,
            "com.amazonaws.dynamodb.v20120810#UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )),
    );
    expect_failure(
        "bad credentials, ingest",
        base(&proxy.endpoint()),
        &["ingest"],
        &[],
        "security token",
    )
    .await;
    expect_failure(
        "bad credentials, test-connection",
        base(&proxy.endpoint()),
        &["test-connection"],
        &[],
        "dynamodb:ListTables",
    )
    .await;
    expect_failure(
        "unreachable dynamodb endpoint",
        base("http://127.0.0.1:9"),
        &["ingest"],
        &[],
        "Connection refused",
    )
    .await;
    expect_failure(
        "unreachable openmetadata server",
        base(&emulator.endpoint()).sink("  type: metadata-rest"),
        &["ingest"],
        &[],
        "could not connect to the openmetadata server",
    )
    .await;
    // A `${VAR}` secret that is not even valid YAML once expanded.
    expect_failure(
        "a ${VAR} secret with a control character",
        base(&emulator.endpoint()).sink("  type: metadata-rest"),
        &["ingest"],
        &[(ENV_VAR, &format!("{ENV_SECRET}\u{7}"))],
        "extraHeaders",
    )
    .await;
    // Broken recipes whose error names the secret's field or line.
    let broken = [
        (
            "awsSecretAccessKey as a list",
            SECRET_KEY,
            format!("[{SECRET_KEY}]"),
            "awsSecretAccessKey",
        ),
        (
            "awsSessionToken as a map",
            SESSION_TOKEN,
            format!("{{token: {SESSION_TOKEN}}}"),
            "awsSessionToken",
        ),
        (
            "awsSecretAccessKey unclosed quote",
            SECRET_KEY,
            format!("\"{SECRET_KEY}"),
            "unclosed quote",
        ),
        (
            "awsSecretAccessKey followed by a colon",
            SECRET_KEY,
            format!("{SECRET_KEY}: x"),
            "9:",
        ),
        (
            "jwtToken as a list",
            FAKE_JWT,
            format!("[{FAKE_JWT}]"),
            "jwtToken",
        ),
        (
            "extra header as a map",
            EXTRA_HEADER,
            format!("{{v: {EXTRA_HEADER}}}"),
            API_KEY_HEADER,
        ),
    ];
    for (name, secret, broken_value, hint) in broken {
        let text = base(&emulator.endpoint()).text();
        let occurrence = text.find(secret).unwrap();
        let broken_text = format!(
            "{}{broken_value}{}",
            &text[..occurrence],
            &text[occurrence + secret.len()..]
        );
        for command in ["validate", "ingest"] {
            let path = dir.join(format!("broken-{}.yaml", evidence.0.len()));
            std::fs::write(&path, &broken_text).unwrap();
            let run =
                ferrometa_with(&[command, "-c", path.to_str().unwrap(), "--debug"], &[]).await;
            assert_eq!(run.code, 1, "{name}: {}", run.stderr);
            assert!(
                run.stderr.contains(hint),
                "{name}: want `{hint}` in\n{}",
                run.stderr
            );
            evidence.add_run(&format!("{command}, {name}"), &run);
        }
    }
    // The failing-table run wrote the other tables.
    evidence.add_dir(dir, &[&catalog]);
    let checks = evidence.assert_clean(&secrets(FAKE_JWT));
    eprintln!("{checks} (secret, output) pairs checked");
    proxy.stop().await;
    emulator.stop().await;
}

/// An STS endpoint answering every request with the same temporary credentials, keeping the
/// request bodies.
struct FakeSts {
    endpoint: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl FakeSts {
    async fn start() -> FakeSts {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        tokio::spawn({
            let bodies = bodies.clone();
            async move {
                while let Ok((conn, _)) = listener.accept().await {
                    tokio::spawn(answer_sts(conn, bodies.clone()));
                }
            }
        });
        FakeSts { endpoint, bodies }
    }

    fn bodies(&self) -> Vec<String> {
        self.bodies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

async fn answer_sts(conn: TcpStream, bodies: Arc<Mutex<Vec<String>>>) {
    let (read, mut write) = conn.into_split();
    let mut read = AsyncBufReader::new(read);
    while let Ok(Some(head)) = read_head(&mut read).await {
        let Ok((body, _)) = read_body(&mut read, &head, false).await else {
            return;
        };
        bodies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(String::from_utf8_lossy(&body).into_owned());
        let xml = format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
             <Credentials><AccessKeyId>ASIAFERROMETASTS</AccessKeyId>\
             <SecretAccessKey>{STS_SECRET_KEY}</SecretAccessKey><SessionToken>{STS_SESSION_TOKEN}</SessionToken>\
             <Expiration>2100-01-01T00:00:00Z</Expiration></Credentials>\
             <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/reader/s</Arn>\
             <AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>"
        );
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n{xml}",
            xml.len()
        );
        if write.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assumed_role_credentials_and_the_external_id_stay_out_of_trace_logs() {
    let demo = Demo::start().await;
    let sts = FakeSts::start().await;
    let dir = demo.dir.path();
    let recipe =
        secret_recipe(demo.recipe(), "http://127.0.0.1:9/api", FAKE_JWT, "").aws_config(&format!(
            "        assumeRoleArn: arn:aws:iam::123456789012:role/reader\n        \
             assumeRoleExternalId: {EXTERNAL_ID}"
        ));
    let config = write_checked(&recipe, &dir.join("assume.yaml"), FAKE_JWT);
    let config = config.to_str().unwrap();
    let status_file = dir.join("status.json");
    let sts_env = ("AWS_ENDPOINT_URL_STS", sts.endpoint.as_str());
    let mut evidence = Evidence::default();
    for (name, args, env) in [
        (
            "ingest --debug",
            vec!["ingest", "-c", config, "--debug"],
            vec![sts_env],
        ),
        (
            "ingest with FERROMETA_LOG=trace and LOG_SIGNABLE_BODY",
            vec![
                "ingest",
                "-c",
                config,
                "--status-json",
                status_file.to_str().unwrap(),
            ],
            // The SDK prints signed request bodies at trace when asked to.
            vec![
                sts_env,
                ("FERROMETA_LOG", "trace"),
                ("LOG_SIGNABLE_BODY", "true"),
            ],
        ),
        (
            "test-connection --debug",
            vec!["test-connection", "-c", config, "--debug"],
            vec![sts_env],
        ),
    ] {
        let run = ferrometa_with(&args, &env).await;
        assert_eq!(run.code, 0, "{name}:\n{}", run.stderr);
        evidence.add_run(name, &run);
    }
    // The role was assumed through the fake STS, with the external id: the one place it goes.
    let bodies = sts.bodies();
    assert!(!bodies.is_empty(), "STS was never called");
    assert!(
        bodies
            .iter()
            .all(|b| b.contains(&format!("ExternalId={EXTERNAL_ID}"))),
        "{bodies:?}"
    );
    evidence.add_dir(dir, &[&status_file, &demo.catalog]);
    let mut secrets = secrets(FAKE_JWT);
    secrets.push(("STS secret access key", STS_SECRET_KEY.to_string()));
    secrets.push(("STS session token", STS_SESSION_TOKEN.to_string()));
    let checks = evidence.assert_clean(&secrets);
    eprintln!("{checks} (secret, output) pairs checked");
    demo.emulator.stop().await;
}
