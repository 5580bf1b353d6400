//! A corpus of broken recipes: `ferrometa validate` must reject each one with exit code 1 and a
//! single `error:` line naming the file, quickly, and never panic.
//!
//! `FERROMETA_SHOW=1` prints each case's exit code, time and message.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{self, Recipe};

/// Longest a rejection may take, however hostile the input.
const LIMIT: Duration = Duration::from_secs(10);

/// A valid recipe for `endpoint` and `region`, with `extra` lines under sourceConfig.config.
fn recipe(endpoint: &str, region: &str, extra: &str) -> String {
    Recipe::new(endpoint)
        .region(region)
        .source_config(extra)
        .text()
}

/// A valid recipe with `line` (one `key: value`) under serviceConnection.config.connectionArguments.
fn connection_arguments(line: &str) -> String {
    good("").replace(
        "      awsConfig:",
        &format!("      connectionArguments:\n        {line}\n      awsConfig:"),
    )
}

fn good(extra: &str) -> String {
    recipe("http://127.0.0.1:9", "us-east-1", extra)
}

/// One broken input: its file name (as passed to `-c`) and how to make it.
struct Case {
    name: &'static str,
    file: &'static str,
    make: Box<dyn Fn(&Path)>,
}

fn write(content: impl AsRef<[u8]> + 'static) -> Box<dyn Fn(&Path)> {
    Box::new(move |path| std::fs::write(path, content.as_ref()).unwrap())
}

fn cases() -> Vec<Case> {
    // YAML "billion laughs": nine levels of aliases, each ten times the one before.
    let mut laughs = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..=9 {
        let p = i - 1;
        let refs = vec![format!("*a{p}"); 10].join(",");
        writeln!(laughs, "a{i}: &a{i} [{refs}]").unwrap();
    }
    let bomb_in_recipe = format!("{laughs}{}", good("").replace("source:", "source: &s"));
    let laughs_as_source = {
        let mut text = laughs.clone();
        text.push_str("source: *a9\n");
        text
    };

    // The same bomb in one flow sequence under `connectionArguments`, which takes any value,
    // so the parser has to expand (or refuse) the aliases rather than stop at an unknown key.
    let inline_bomb = {
        let mut levels = vec![format!("&b0 [{}]", ["\"lol\""; 10].join(","))];
        for i in 1..=9 {
            levels.push(format!(
                "&b{i} [{}]",
                vec![format!("*b{}", i - 1); 10].join(",")
            ));
        }
        levels.join(", ")
    };
    let bomb_in_any_value = connection_arguments(&format!("bomb: [{inline_bomb}]"));

    let deep = 10_000;
    let deep_any_yaml =
        connection_arguments(&format!("deep: {}{}", "[".repeat(deep), "]".repeat(deep)));
    let deep_any_json = {
        let json: serde_json::Value = serde_json::json!({
            "source": {
                "type": "dynamodb",
                "serviceName": "local_dynamodb",
                "serviceConnection": {"config": {
                    "type": "DynamoDB",
                    "awsConfig": {"awsRegion": "us-east-1"},
                    "connectionArguments": {"deep": "DEEP"}
                }},
                "sourceConfig": {"config": {"type": "DatabaseMetadata"}}
            }
        });
        json.to_string().replace(
            "\"DEEP\"",
            &format!("{}{}", "[".repeat(deep), "]".repeat(deep)),
        )
    };
    let deep_yaml = format!("source: {}{}\n", "[".repeat(deep), "]".repeat(deep));
    let deep_json = format!("{{\"source\": {}{}}}", "[".repeat(deep), "]".repeat(deep));
    let deep_block = {
        // 3,000 levels of block mappings, each indented one space more (10,000 would be a
        // 50 MB file; the flow cases above cover that depth).
        let levels = 3_000;
        let mut text = String::with_capacity(levels * levels / 2 + levels * 4);
        for i in 0..levels {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        text
    };

    let big = {
        // ~20 MB: a valid recipe followed by a huge comment block and a huge value.
        let mut text = good("");
        let line = format!("# {}\n", "x".repeat(98));
        while text.len() < 20 * 1024 * 1024 {
            text.push_str(&line);
        }
        text.push_str("extra: ");
        text.push_str(&"y".repeat(1024 * 1024));
        text.push('\n');
        text
    };

    let garbage: Vec<u8> = {
        // Deterministic pseudo-random bytes (xorshift), NULs and invalid UTF-8 included.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..64 * 1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    };

    vec![
        Case {
            name: "malformed YAML",
            file: "malformed.yaml",
            make: write("source:\n  type: \"dynamodb\n  serviceName: x\n"),
        },
        Case {
            name: "malformed JSON",
            file: "malformed.json",
            make: write("{\"source\": {\"type\": \"dynamodb\",, }"),
        },
        Case {
            name: "empty YAML",
            file: "empty.yaml",
            make: write(""),
        },
        Case {
            name: "empty JSON",
            file: "empty.json",
            make: write(""),
        },
        Case {
            name: "whitespace only",
            file: "blank.yml",
            make: write("   \n\n\t\n"),
        },
        Case {
            name: "unknown key",
            file: "unknown-key.yaml",
            make: write(good("      tableFilterPatern:\n        includes: [a]")),
        },
        Case {
            name: "unknown top-level key",
            file: "unknown-top.yaml",
            make: write(format!("{}surprise: 1\n", good(""))),
        },
        Case {
            name: "wrong type",
            file: "wrong-type.yaml",
            make: write(good("      includeTables: \"maybe\"")),
        },
        Case {
            name: "wrong type for a list",
            file: "wrong-type-list.yaml",
            make: write(good("      tableFilterPattern:\n        includes: 42")),
        },
        Case {
            name: "access key without secret key",
            file: "half-key.yaml",
            make: write(good("").replace("awsSecretAccessKey:", "profileName:")),
        },
        Case {
            name: "maxDepth above its cap",
            file: "too-deep.yaml",
            make: write(good("      maxDepth: 65")),
        },
        Case {
            name: "recipe is a list",
            file: "list.yaml",
            make: write("- source\n- sink\n"),
        },
        Case {
            name: "invalid regex",
            file: "bad-regex.yaml",
            make: write(good(
                "      tableFilterPattern:\n        includes: [\"orders(\"]",
            )),
        },
        Case {
            name: "unset env var",
            file: "unset-env.yaml",
            make: write(
                good("").replace("not-a-secret", "${FERROMETA_TEST_SURELY_UNSET_VARIABLE_Q7}"),
            ),
        },
        Case {
            name: "bad endpoint URL",
            file: "bad-endpoint.yaml",
            make: write(recipe("not a url at all", "us-east-1", "")),
        },
        Case {
            name: "endpoint URL with an unsupported scheme",
            file: "bad-scheme.yaml",
            make: write(recipe("ftp://127.0.0.1:9", "us-east-1", "")),
        },
        Case {
            name: "bad region",
            file: "bad-region.yaml",
            make: write(recipe("http://127.0.0.1:9", "not a region!", "")),
        },
        Case {
            name: "billion laughs inside a recipe",
            file: "laughs.yaml",
            make: write(bomb_in_recipe),
        },
        Case {
            name: "billion laughs as the source",
            file: "laughs-source.yaml",
            make: write(laughs_as_source),
        },
        Case {
            name: "billion laughs under connectionArguments",
            file: "laughs-any.yaml",
            make: write(bomb_in_any_value),
        },
        Case {
            name: "10,000-deep YAML nesting under connectionArguments",
            file: "deep-any.yaml",
            make: write(deep_any_yaml),
        },
        Case {
            name: "10,000-deep JSON nesting under connectionArguments",
            file: "deep-any.json",
            make: write(deep_any_json),
        },
        Case {
            name: "10,000-deep YAML flow nesting",
            file: "deep.yaml",
            make: write(deep_yaml),
        },
        Case {
            name: "10,000-deep JSON nesting",
            file: "deep.json",
            make: write(deep_json),
        },
        Case {
            name: "3,000-deep YAML block nesting",
            file: "deep-block.yaml",
            make: write(deep_block),
        },
        Case {
            name: "20 MB file",
            file: "big.yaml",
            make: write(big),
        },
        Case {
            name: "binary garbage",
            file: "garbage.yaml",
            make: write(garbage.clone()),
        },
        Case {
            name: "binary garbage as JSON",
            file: "garbage.json",
            make: write(garbage),
        },
        Case {
            name: "unsupported suffix",
            file: "recipe.toml",
            make: write(good("")),
        },
        Case {
            name: "no suffix",
            file: "recipe",
            make: write(good("")),
        },
        Case {
            name: "missing file",
            file: "does-not-exist.yaml",
            make: Box::new(|_| {}),
        },
        Case {
            name: "directory instead of file",
            file: "a-directory.yaml",
            make: Box::new(|path| std::fs::create_dir(path).unwrap()),
        },
    ]
}

#[test]
fn every_broken_recipe_is_rejected_with_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let path: PathBuf = dir.path().join(case.file);
        (case.make)(&path);
        let start = Instant::now();
        let output = common::command()
            .args(["validate", "-c"])
            .arg(&path)
            .current_dir(dir.path())
            .env_remove("FERROMETA_TEST_SURELY_UNSET_VARIABLE_Q7")
            .output()
            .expect("the binary runs");
        let elapsed = start.elapsed();
        let code = output.status.code();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();

        let mut problems = Vec::new();
        if code != Some(1) {
            problems.push(format!("exit code {code:?}, want 1"));
        }
        if stderr.contains("panicked") {
            problems.push("panicked".to_string());
        }
        if errors.len() != 1 {
            problems.push(format!("{} `error:` lines, want 1", errors.len()));
        } else if !errors[0].contains(case.file) {
            problems.push(format!("the error does not name `{}`", case.file));
        }
        if elapsed >= LIMIT {
            problems.push(format!("took {elapsed:?}"));
        }
        if std::env::var_os("FERROMETA_SHOW").is_some() {
            eprintln!("{}: {:?} {:?} {}", case.name, code, elapsed, stderr.trim());
        }
        if !problems.is_empty() {
            let shown: String = stderr.chars().take(600).collect();
            failures.push(format!(
                "{} ({}): {}\n  stderr: {shown}",
                case.name,
                case.file,
                problems.join("; ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} broken recipes mishandled:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
