#!/usr/bin/env bash
# Creates .venv-upstream with OpenMetadata's Python ingestion client (openmetadata-ingestion
# 2.0.7.0), the peer that ferrometa's REST server must satisfy.
#
# Pins come from constraints/openmetadata-ingestion.txt (dbt-core below 1.12, whose newer
# releases download a binary at build time). The `pandas` extra is needed by the DynamoDB
# source. The venv then runs crates/ferrometa-server/tests/upstream (pytest) and
# `cargo run -p ferrometa-bench --bin upstream-ingest` (a real `metadata ingest`, then a real
# `metadata profile`).
#
# Usage: scripts/upstream-venv.sh [VENV_DIR]   (default: .venv-upstream at the workspace root)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$root/.venv-upstream}"
python="${PYTHON:-python3}"

if [[ -x "$venv/bin/metadata" ]] && "$venv/bin/python" -c 'import metadata.generated.schema.entity.data.table' 2>/dev/null; then
    echo "$venv is ready"
    exit 0
fi

"$python" -m venv "$venv"
constraints="$root/constraints/openmetadata-ingestion.txt"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/pip" install --quiet --disable-pip-version-check -c "$constraints" \
    "openmetadata-ingestion[dynamodb,pandas]==2.0.7.0" pytest
echo "$venv is ready: $("$venv/bin/metadata" --version 2>/dev/null || echo openmetadata-ingestion 2.0.7.0)"
