//! Hostile input: errors, never panics or hangs (random input is in `fuzz.rs`).

use std::time::{Duration, Instant};

use crate::common::{self, load};
use ferrometa_config::{Format, load_str_with_env};

#[test]
fn alias_bomb_is_rejected_quickly() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let started = Instant::now();
    let error = load(&text).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(error.line().is_some(), "{error}");
}

#[test]
fn deep_nesting_is_rejected() {
    // `connectionArguments` takes any value, so only the depth limit can stop this.
    let text = common::edit(
        common::BASE,
        "      awsConfig:",
        &format!(
            "      connectionArguments: {{a: {}}}\n      awsConfig:",
            "[".repeat(100_000)
        ),
    );
    let error = load(&text).unwrap_err();
    assert!(
        ["nested", "recursion"]
            .iter()
            .any(|word| error.message().contains(word)),
        "{error}"
    );
    let json = format!("{{\"source\": {}", "[".repeat(100_000));
    assert!(load_str_with_env(&json, Format::Json, "r.json", &common::no_env).is_err());
}
