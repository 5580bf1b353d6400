#!/usr/bin/env bash
# Side-by-side benchmark: ferrometa ingest (metadata-rest sink to `ferrometa serve`, and the
# embedded sink), OpenMetadata's `metadata ingest` (openmetadata-ingestion 2.0.7.0) and the
# floor client, on one seeded DynamoDB-compatible server and one catalog. See bench/README.md.
#
# Usage: bench/run.sh [--tables N] [--items M] [--runs K] [--latency-ms L] [--skip-upstream]
#                     [--concurrency C] [--baseline RESULT.json] [--no-build] [--keep]
#                     [--bin-dir DIR]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tables=1000
items=100
runs=3
latency_ms=0
skip_upstream=0
concurrency=16
build=1
keep=0
baseline=()
rel="$root/target/release"
usage="usage: bench/run.sh [--tables N] [--items M] [--runs K] [--latency-ms L] [--skip-upstream] [--concurrency C] [--baseline RESULT.json] [--no-build] [--keep] [--bin-dir DIR]"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --tables) tables="$2"; shift 2 ;;
        --items) items="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --latency-ms) latency_ms="$2"; shift 2 ;;
        --skip-upstream) skip_upstream=1; shift ;;
        --concurrency) concurrency="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --keep) keep=1; shift ;;
        --bin-dir) rel="$(cd "$2" && pwd)"; build=0; shift 2 ;;
        --baseline) baseline=(--baseline "$2"); shift 2 ;;
        -h|--help) echo "$usage"; exit 0 ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done

metadata="$root/.venv-upstream/bin/metadata"
if [[ $build == 1 ]]; then
    echo "building (release)…" >&2
    (cd "$root" && cargo build --release --locked -q -p ferrometa-cli -p ferrometa-bench \
        -p ferrometa-emulator --bin ferrometa --bin floor --bin bench-proxy --bin ferrometa-emulator)
fi
if [[ $skip_upstream == 0 && ! -x "$metadata" ]]; then
    echo "upstream client missing: run scripts/upstream-venv.sh (or pass --skip-upstream)" >&2
    exit 2
fi
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time (GNU time) is needed" >&2; exit 2; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
work="$root/bench/work/$stamp"
mkdir -p "$work" "$root/bench/results"
records="$work/records.jsonl"
: > "$records"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ $keep == 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# Waits until FILE has a line READY=1 (the helper's readiness line).
wait_ready() {
    local file="$1" pid="$2" what="$3"
    while ! grep -q '^READY=1' "$file" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "$what exited early:" >&2; cat "$work"/*.err >&2 || true; exit 1; }
        sleep 0.1
    done
}

# 1. The DynamoDB-compatible server, seeded once for every run of this invocation.
echo "seeding $tables tables × $items items…" >&2
seed_start=$(date +%s.%N)
"$rel/ferrometa-emulator" --no-demo --generated "$tables" --items "$items" >"$work/emulator.out" 2>"$work/emulator.err" &
pids+=($!)
wait_ready "$work/emulator.out" "${pids[-1]}" "the emulator"
seed_seconds=$(python3 -c "print(round($(date +%s.%N) - $seed_start, 2))")
emulator="$(sed -n 's/^FERROMETA_ENDPOINT=//p' "$work/emulator.out")"
echo "seeded in ${seed_seconds} s at $emulator" >&2

# 2. The counting proxy in front of it (adds --latency-ms per request).
"$rel/bench-proxy" --upstream "$emulator" --latency-ms "$latency_ms" >"$work/proxy.out" 2>"$work/proxy.err" &
pids+=($!)
wait_ready "$work/proxy.out" "${pids[-1]}" "the proxy"
dynamodb="$(sed -n 's/^BENCH_PROXY_ENDPOINT=//p' "$work/proxy.out")"
# Without injected latency the timed runs talk to the emulator directly: the proxy spends CPU
# on every request, on the same cores, which would weigh on whoever sends more requests. One
# counted run per contender (run 0) goes through it for the request figures. With
# --latency-ms every run goes through it, since the latency is what is measured.
if [[ $latency_ms == 0 ]]; then direct=1; else direct=0; fi
endpoint="$dynamodb"
counting=1

# 3. One catalog, served over OpenMetadata's REST API.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
catalog="$work/catalog.db"
"$rel/ferrometa" serve --catalog "$catalog" --bind "127.0.0.1:$port" -l warn >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
api="http://127.0.0.1:$port/api"
for _ in $(seq 1 100); do
    curl -sf "$api/v1/system/version" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -sf "$api/v1/system/version" >/dev/null || { echo "ferrometa serve did not start" >&2; cat "$work/server.err" >&2; exit 1; }
token="$("$rel/ferrometa" token --catalog "$catalog" --bot ingestion-bot)"

# Read capacity units the profiler may spend per table (its `sampleReadCapacity`).
profile_rcu=256

# recipe SERVICE SINK(rest|catalog) FILE [CATALOG_PATH] [WORKFLOW_TYPE]
recipe() {
    local service="$1" sink="$2" file="$3" path="${4:-}" workflow="${5:-DatabaseMetadata}"
    {
        cat <<EOF
source:
  type: dynamodb
  serviceName: $service
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsAccessKeyId: testing
        awsSecretAccessKey: testing
        awsRegion: us-east-1
        endPointURL: $endpoint
  sourceConfig:
    config:
      type: $workflow
EOF
        if [[ $workflow == Profiler ]]; then
            echo "      sampleReadCapacity: $profile_rcu"
        fi
        if [[ $concurrency != 16 ]]; then
            echo "      concurrency: $concurrency"
        fi
        if [[ $sink == rest ]]; then
            cat <<EOF
sink:
  type: metadata-rest
  config: {}
EOF
        else
            cat <<EOF
sink:
  type: catalog
  config:
    path: $path
EOF
        fi
        cat <<EOF
workflowConfig:
  loggerLevel: INFO
  openMetadataServerConfig:
    hostPort: $api
    authProvider: openmetadata
    securityConfig:
      jwtToken: $token
EOF
    } >"$file"
}

# measure NAME RUN STATUS_JSON(or "") COMMAND... : runs COMMAND under GNU time (with the
# proxy's counts zeroed when counting), and appends one JSON record.
measure() {
    local name="$1" run="$2" status="$3"
    shift 3
    local log="$work/$name-$run.log" timef="$work/$name-$run.time"
    if [[ $counting == 1 ]]; then curl -sf -X POST "$dynamodb/__bench/reset" >/dev/null; fi
    local rc=0
    /usr/bin/time -f '%e %U %S %M' -o "$timef" "$@" >"$log" 2>&1 || rc=$?
    local counts=null
    if [[ $counting == 1 ]]; then counts="$(curl -sf "$dynamodb/__bench/counts")"; fi
    read -r wall user sys rss_kb < <(tail -n 1 "$timef")
    local status_json='null'
    if [[ -n $status && -s $status ]]; then
        status_json="$(jq -c '{sourceRecords: (.source.records|length), sinkRecords: (.sink.records|length), sinkUpdated: (.sink.updatedRecords|length), unchanged: (.sink.unchanged), deleted: (.deleted|length), failures: ((.source.failures|length) + (.sink.failures|length)), readCapacity: .readCapacity, workflowSeconds: .durationSeconds}' "$status")"
    fi
    jq -nc --arg name "$name" --argjson run "$run" --argjson rc "$rc" \
        --argjson wall "$wall" --argjson user "$user" --argjson sys "$sys" --argjson rss "$rss_kb" \
        --argjson counts "$counts" --argjson status "$status_json" \
        '{name: $name, run: $run, exit: $rc, wall: $wall, cpu: ($user + $sys), user: $user, sys: $sys, rssMB: ($rss / 1024), dynamodb: $counts, status: $status}' >>"$records"
    printf '  %-22s run %s: wall %6.2f s  cpu %6.2f s  rss %6.1f MB  requests %s  exit %s\n' \
        "$name" "$run" "$wall" "$(python3 -c "print($user+$sys)")" "$(python3 -c "print($rss_kb/1024)")" \
        "$(jq -r '.totalRequests // "(not counted)"' <<<"$counts")" "$rc" >&2
    if [[ $rc != 0 ]]; then
        echo "  $name failed; the last lines of $log:" >&2
        tail -n 15 "$log" >&2
        keep=1
    fi
}

# round RUN: every contender once.
round() {
    local run="$1"
    measure floor "$run" "" "$rel/floor" --endpoint "$endpoint" --concurrency "$concurrency"

    recipe "bench_fm_rest_$run" rest "$work/fm-rest-$run.yaml"
    measure ferrometa-rest "$run" "$work/fm-rest-$run.status.json" \
        "$rel/ferrometa" ingest -c "$work/fm-rest-$run.yaml" --no-progress --status-json "$work/fm-rest-$run.status.json"

    recipe "bench_fm_embedded" catalog "$work/fm-embedded-$run.yaml" "$work/embedded-$run.db"
    measure ferrometa-embedded "$run" "$work/fm-embedded-$run.status.json" \
        "$rel/ferrometa" ingest -c "$work/fm-embedded-$run.yaml" --no-progress --status-json "$work/fm-embedded-$run.status.json"

    # The profiler over the tables that run wrote to its catalog.
    recipe "bench_fm_embedded" catalog "$work/fm-profile-$run.yaml" "$work/embedded-$run.db" Profiler
    measure ferrometa-profile "$run" "$work/fm-profile-$run.status.json" \
        "$rel/ferrometa" profile -c "$work/fm-profile-$run.yaml" --no-progress --status-json "$work/fm-profile-$run.status.json"

    if [[ $skip_upstream == 0 ]]; then
        recipe "bench_om_$run" rest "$work/om-$run.yaml"
        measure upstream "$run" "" "$metadata" ingest -c "$work/om-$run.yaml"
    fi
}

export AWS_EC2_METADATA_DISABLED=true
if [[ $direct == 1 ]]; then
    echo "counted run (through the counting proxy, not timed)" >&2
    round 0
    endpoint="$emulator"
    counting=0
fi
for run in $(seq 1 "$runs"); do
    echo "run $run/$runs" >&2
    round "$run"
done

# No-change re-runs: the same services as run 1, nothing changed in between.
echo "no-change re-runs" >&2
measure ferrometa-rest-rerun 1 "$work/fm-rest-rerun.status.json" \
    "$rel/ferrometa" ingest -c "$work/fm-rest-1.yaml" --no-progress --status-json "$work/fm-rest-rerun.status.json"
measure ferrometa-embedded-rerun 1 "$work/fm-embedded-rerun.status.json" \
    "$rel/ferrometa" ingest -c "$work/fm-embedded-1.yaml" --no-progress --status-json "$work/fm-embedded-rerun.status.json"

result="$root/bench/results/$stamp.json"
python3 "$root/bench/report.py" "$records" "$result" \
    --tables "$tables" --items "$items" --runs "$runs" --latency-ms "$latency_ms" \
    --concurrency "$concurrency" --profile-rcu "$profile_rcu" --seed-seconds "$seed_seconds" --cpus "$(nproc)" --load "$load" "${baseline[@]}"
echo "result: $result" >&2
