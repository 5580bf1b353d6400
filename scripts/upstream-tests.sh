#!/usr/bin/env bash
# OpenMetadata's own client against ferrometa: installs openmetadata-ingestion 2.0.7.0 in
# .venv-upstream, validates our server's answers and our sink's request bodies with its
# pydantic models, then runs its `metadata ingest` twice against `ferrometa serve` over an
# embedded DynamoDB and compares its run time with ferrometa's on the same tables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/upstream-venv.sh
cargo test --locked -p ferrometa-server --test it shape::write_upstream_fixtures
cargo test --locked -p ferrometa-rest-sink --test it bodies
.venv-upstream/bin/python -m pytest -q -p no:cacheprovider \
    crates/ferrometa-server/tests/upstream crates/ferrometa-rest-sink/tests/upstream
cargo run --locked -p ferrometa-server --example upstream_ingest -- .venv-upstream/bin/metadata
