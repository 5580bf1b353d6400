#!/usr/bin/env bash
# OpenMetadata's own client against ferrometa: installs openmetadata-ingestion 2.0.7.0 in
# .venv-upstream, validates our server's answers and our sink's request bodies with its
# pydantic models, then runs its `metadata ingest` twice against `ferrometa serve` over an
# embedded DynamoDB, then its `metadata profile` (DynamoDB Profiler recipe, `orm-profiler`
# processor) and checks that every table's latest profile is served back with the row count
# it computed, and compares its ingest run time with ferrometa's on the same tables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/upstream-venv.sh
# Cargo's target directory (CARGO_TARGET_DIR when set), where the Rust tests below leave the
# fixtures and request bodies the pytest step reads, and where the driver is built.
target="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
export UPSTREAM_FIXTURES="${UPSTREAM_FIXTURES:-$target/tmp/upstream-fixtures}"
export REST_SINK_BODIES="${REST_SINK_BODIES:-$target/rest-sink-bodies}"
# Whole-workspace selections, as in `cargo test --workspace`: the same features are enabled,
# so nothing that step compiled is compiled again.
cargo test --locked --workspace --test it -- --exact \
    shape::write_upstream_fixtures bodies::request_bodies_are_captured_for_validation
.venv-upstream/bin/python -m pytest -q -p no:cacheprovider \
    crates/ferrometa-server/tests/upstream crates/ferrometa-rest-sink/tests/upstream
cargo build --locked --quiet --workspace --bins
"$target/debug/upstream-ingest" .venv-upstream/bin/metadata
