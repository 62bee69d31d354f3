#!/usr/bin/env bash
# Clean debug builds of the macros crate and of the whole workspace, each in a fresh target
# directory, with `cargo build --timings`. Prints JSON: wall time, and the slowest crates from
# the timings report. Takes minutes on 2 cores; not part of CI. Called by `bench/run.sh
# --clean-builds`; the crates are already downloaded, so only compilation is timed.
set -euo pipefail
cd "$(dirname "$0")/.."

build() {
    local name=$1
    shift
    local dir
    dir=$(mktemp -d)
    local start end
    start=$(date +%s.%N)
    CARGO_TARGET_DIR="$dir" cargo build --locked --timings "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    python3 bench/report.py timings "$name" "$start" "$end" "$dir"/cargo-timings/cargo-timing.html
    rm -rf "$dir"
}

echo "["
build "dintero-auth-macros" -p dintero-auth-macros
echo ","
build "workspace" --workspace
echo "]"
