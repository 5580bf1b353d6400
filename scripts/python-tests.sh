#!/usr/bin/env bash
# Builds the ferrometa wheel, installs it in virtualenvs and runs the Python tests: the
# Workflow API (pytest, against the emulator's `serve` example) and the example DAGs under
# Apache Airflow 3.3.2 and 2.10.5 (`airflow dags test`, success, failing table, timeout).
#
# Everything comes from PyPI with the pins of constraints/*.txt. Virtualenvs are kept at the
# workspace root (.venv-python, .venv-airflow-<version>) and reused while their constraints
# file is unchanged; the wheel is always reinstalled.
#
# Usage: scripts/python-tests.sh [--release] [--no-airflow]
#   --release     build the wheel as shipped (release profile) instead of the dev profile,
#                 which is quicker to build
#   --no-airflow  skip the Airflow installs and DAG runs
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
airflow_versions=(3.3.2 2.10.5)
profile=dev
maturin_profile=()
for arg in "$@"; do
    case "$arg" in
        --release) profile=release; maturin_profile=(--release) ;;
        --no-airflow) airflow_versions=() ;;
        *) echo "usage: $0 [--release] [--no-airflow]" >&2; exit 2 ;;
    esac
done

# No __pycache__ in the source tree (tests, DAG files parsed by Airflow).
export PYTHONDONTWRITEBYTECODE=1
logs="$root/target/python-tests"
mkdir -p "$logs"
started=$EPOCHREALTIME
timings=()

# Seconds since $1 (an $EPOCHREALTIME), with one decimal.
since() {
    printf '%.1f' "$(( ${EPOCHREALTIME/./} - ${1/./} ))e-6"
}

# Runs "$@" and records how long it took under the name $1; returns its status.
timed() {
    local name=$1 start=$EPOCHREALTIME rc=0
    shift
    "$@" || rc=$?
    timings+=("$(printf '%-46s %7s s' "$name" "$(since "$start")")")
    return $rc
}

# Creates (or reuses) the venv $1 with the requirements $3... pinned by constraints file $2.
venv() {
    local dir=$1 constraints=$2
    shift 2
    local stamp
    stamp="$(sha256sum "$constraints" | cut -d' ' -f1) $*"
    if [[ -x "$dir/bin/python" && "$(cat "$dir/.ferrometa-stamp" 2>/dev/null)" == "$stamp" ]]; then
        echo "reusing $dir"
        return
    fi
    rm -rf "$dir"
    "$python" -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -c "$constraints" "$@"
    echo "$stamp" >"$dir/.ferrometa-stamp"
}

# Waits for background job $1 (pid) whose output went to log $2.
await() {
    if ! wait "$1"; then
        echo "failed, see $2:" >&2
        tail -n 40 "$2" >&2
        exit 1
    fi
}

# The installs only download and unpack: they run while cargo compiles.
pids=()
venv_start=$EPOCHREALTIME
venv .venv-python constraints/python-tests.txt maturin pytest PyYAML mypy >"$logs/venv-python.log" 2>&1 &
test_venv=$!
for version in "${airflow_versions[@]}"; do
    venv ".venv-airflow-$version" "constraints/airflow-$version.txt" "apache-airflow==$version" \
        >"$logs/venv-airflow-$version.log" 2>&1 &
    pids+=($!)
done

# The whole workspace's binaries, as `cargo test --workspace` builds them (same features, so
# nothing is compiled twice); the wheel is the one build with its own features.
timed "cargo build (emulator, CLI)" \
    cargo build --locked --quiet --workspace --bins
await "$test_venv" "$logs/venv-python.log"
rm -rf target/python-wheels
timed "maturin build ($profile)" \
    .venv-python/bin/maturin build --locked --quiet "${maturin_profile[@]}" --strip \
    -m crates/ferrometa-python/Cargo.toml -i .venv-python/bin/python --out target/python-wheels
wheel=(target/python-wheels/ferrometa-*.whl)
for i in "${!pids[@]}"; do
    await "${pids[$i]}" "$logs/venv-airflow-${airflow_versions[$i]}.log"
done
timings+=("$(printf '%-46s %7s s' "virtualenvs (in parallel with the builds)" "$(since "$venv_start")")")

airflow_env=()
for dir in .venv-python "${airflow_versions[@]/#/.venv-airflow-}"; do
    "$dir/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall "${wheel[0]}"
done
for version in "${airflow_versions[@]}"; do
    airflow_env+=("$version=$root/.venv-airflow-$version")
done

set +e
FERROMETA_SERVE="$root/target/debug/ferrometa-emulator" \
FERROMETA_CLI="$root/target/debug/ferrometa" \
FERROMETA_AIRFLOW="${airflow_env[*]}" \
    timed "pytest (API$([[ ${#airflow_versions[@]} -gt 0 ]] && echo ", Airflow ${airflow_versions[*]}"))" \
    .venv-python/bin/python -m pytest crates/ferrometa-python/python/tests -p no:cacheprovider -ra --durations=10
status=$?
set -e

echo
echo "wheel: ${wheel[0]} ($(du -h "${wheel[0]}" | cut -f1))"
printf '%s\n' "${timings[@]}"
printf '%-46s %7s s\n' "total" "$(since "$started")"
exit $status
