#!/usr/bin/env bash
# Runs every benchmark and regenerates BENCHMARKS.md and the plots in bench/plots/.
#
#   bench/run.sh                   measure (a few minutes on 2 cores), then write the report
#   bench/run.sh --clean-builds    also time clean builds (bench/clean-builds.sh, about 2 minutes)
#   bench/run.sh --report-only     rewrite BENCHMARKS.md from bench/results/*.json
#   bench/run.sh --no-expand       skip the expansion measurement (keeps its last results)
#
# On a shared machine run it as `nice bench/run.sh`. BENCH_RUNS (default 3) sets how many times
# each callgrind length, wall run and concurrent run is repeated.
#
# Needs the Rust toolchain, valgrind, rustfmt and python3 (standard library only). Builds go to
# $CARGO_TARGET_DIR if set, else target/. Raw results are kept in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
results=bench/results
mkdir -p "$results"

clean_builds=false
measure=true
expand_too=true
runs=${BENCH_RUNS:-3}
for arg in "$@"; do
    case "$arg" in
        --clean-builds) clean_builds=true ;;
        --report-only) measure=false ;;
        --no-expand) expand_too=false ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

if $measure; then
    echo "== building the benchmarks (release)"
    executables=$(cargo bench -p dintero-auth-bench --no-run --locked --message-format=json \
        | python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") and "bench" in msg["target"]["kind"]:
        print(msg["target"]["name"], msg["executable"])')
    per_call=$(awk '$1 == "per_call" {print $2}' <<<"$executables")
    expand=$(awk '$1 == "expand" {print $2}' <<<"$executables")
    future_size=$(awk '$1 == "future_size" {print $2}' <<<"$executables")

    echo "== machine"
    python3 bench/report.py machine > "$results/machine.json"

    echo "== the four clients, and the generated client's variants, send the identical request"
    "$per_call" verify > "$results/verify.json"

    echo "== future size of each endpoint's call"
    "$future_size" > "$results/future-size.json"

    echo "== instructions per call (callgrind, 2000 and 4000 calls per client and variant, $runs runs each)"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    variants="hyper-transport middleware-0 middleware-1 middleware-3 tracing-off tracing-on"
    for run in $(seq "$runs"); do
        for client in generated careful naive hyper careful-without-retries $variants; do
            for calls in 2000 4000; do
                valgrind --tool=callgrind --callgrind-out-file="$work/$client.$calls.$run.out" \
                    "$per_call" calls "$client" "$calls" 2>/dev/null
                # The server's share: the inclusive cost of the wrapper every server poll goes through.
                callgrind_annotate --inclusive=yes --threshold=100 "$work/$client.$calls.$run.out" \
                    > "$work/$client.$calls.$run.txt"
            done
        done
    done
    python3 bench/report.py instructions "$work" 2000 4000 "$runs" > "$results/instructions.json"

    echo "== allocations per call"
    "$per_call" allocs 2000 generated careful naive hyper careful-without-retries > "$work/allocs.json"
    # The generated client again, then its variants; tracing-on alone, as its subscriber is global.
    "$per_call" allocs 2000 generated hyper-transport middleware-0 middleware-1 middleware-3 tracing-off > "$work/allocs-variants.json"
    "$per_call" allocs 2000 tracing-on > "$work/allocs-tracing.json"
    python3 bench/report.py merge-allocs "$work"/allocs{,-variants,-tracing}.json > "$results/allocs.json"

    echo "== wall time, 600 interleaved rounds of 50 calls per client, and the A/A control; $runs times each"
    for run in $(seq "$runs"); do
        "$per_call" wall 600 50 > "$work/wall.$run.json"
        "$per_call" wall 600 50 control > "$work/wall-control.$run.json"
    done
    python3 bench/report.py merge-wall "$work"/wall.[0-9]*.json > "$results/wall.json"
    python3 bench/report.py merge-wall "$work"/wall-control.[0-9]*.json > "$results/wall-control.json"

    echo "== concurrent throughput, 64 tasks × 20 calls on 2 workers, 200 rounds, and the A/A control; $runs times each"
    for run in $(seq "$runs"); do
        "$per_call" concurrent 200 20 > "$work/concurrent.$run.json"
        "$per_call" concurrent 200 20 control > "$work/concurrent-control.$run.json"
    done
    python3 bench/report.py merge-concurrent "$work"/concurrent.[0-9]*.json > "$results/concurrent.json"
    python3 bench/report.py merge-concurrent "$work"/concurrent-control.[0-9]*.json > "$results/concurrent-control.json"
fi

if $measure && $expand_too; then
    echo "== expansion time and size, N = 1, 10, 100, 500"
    "$expand" 1 10 100 500 > "$results/expand.json"
    for n in 1 10 100 500; do
        valgrind --tool=callgrind --callgrind-out-file="$work/expand.$n.out" \
            --toggle-collect='*expand_api_without_manifest*' "$expand" once "$n" 2>/dev/null
    done
    python3 bench/report.py expand-instructions "$work" 1 10 100 500 > "$results/expand-instructions.json"
fi

if $clean_builds; then
    bench/clean-builds.sh > "$results/clean-builds.json"
fi

if $measure; then
    echo "== blocking client per call, and the 100 MiB streams"
    bench/blocking-and-streams.sh > /dev/null
fi

python3 bench/report.py render
echo "== wrote BENCHMARKS.md and bench/plots/"
