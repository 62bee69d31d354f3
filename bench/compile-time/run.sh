#!/usr/bin/env bash
# Compile time that users wait for: a user crate of N endpoints declared with `#[api]` against
# the same endpoints hand-written on reqwest, and their shared models alone (generate.py),
# N = 10, 100, 500. For each crate alone (dependencies already built, CARGO_INCREMENTAL=0),
# `cargo check` and `cargo build` (debug) after touching its src/lib.rs, RUNS times each (median);
# then one more check of each under `-Z time-passes`, and at the largest N one more build too.
# report.py writes results.json and bench/plots/compile-time.svg and prints the BENCHMARKS.md
# section.
#
#   bench/compile-time/run.sh              measure (about 10 minutes with a cold target dir)
#   bench/compile-time/run.sh --report-only
#
# Scratch crates and their build live in $CARGO_TARGET_DIR (default target/compile-time) under
# compile-time-crates/; the crates use the workspace's Cargo.lock and build --offline.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target/compile-time}
# Absolute: cargo runs in each scratch crate's directory, where a relative one would mean another.
mkdir -p "$CARGO_TARGET_DIR"
CARGO_TARGET_DIR=$(cd "$CARGO_TARGET_DIR" && pwd)
export CARGO_INCREMENTAL=0
unset RUSTFLAGS RUSTC_WRAPPER RUSTC_BOOTSTRAP
scratch=$CARGO_TARGET_DIR/compile-time-crates
raw=$scratch/raw
SIZES=${SIZES:-"10 100 500"}
RUNS=${RUNS:-3}
CRATES="macro_api hand_api models_only" # models_only: the shared serde models alone

if [[ ${1:-} != --report-only ]]; then
    rm -rf "$raw"
    mkdir -p "$raw"
    export RUSTC_WORKSPACE_WRAPPER=$here/rustc-wrapper.sh
    # cargo + the wrapper's log line; prints nothing, fails loudly.
    cargo_time() { # crate mode label
        local crate=$1 mode=$2 label=$3 start end out
        # The crate's own artifacts go, so cargo compiles it (after a touch alone it sometimes saw
        # the crate as fresh and logged nothing).
        (cd "$scratch/$crate" && cargo clean --offline --quiet -p "$crate")
        touch "$scratch/$crate/src/lib.rs"
        start=$(date +%s.%N)
        if ! out=$(cd "$scratch/$crate" && COMPILE_TIME_LOG=$raw/rustc.log nice cargo "$mode" --offline --quiet 2>&1); then
            echo "$out" >&2
            exit 1
        fi
        end=$(date +%s.%N)
        echo "$label $crate $mode $start $end" >>"$raw/cargo.log"
        tail -n 1 "$raw/rustc.log" | sed "s/^/$label $mode /" >>"$raw/rustc-times.log"
    }
    for n in $SIZES; do
        python3 "$here/generate.py" "$n" "$scratch"
        for crate in $CRATES; do
            for mode in check build; do # dependencies (first time only) and one untimed compile
                (cd "$scratch/$crate" && nice cargo "$mode" --offline --quiet)
            done
        done
        for run in $(seq "$RUNS"); do
            for mode in check build; do
                for crate in $CRATES; do # alternating, so a slow moment of the machine hits both
                    cargo_time "$crate" "$mode" "n=$n"
                done
            done
            echo "N=$n run $run done" >&2
        done
        # One more compile under `-Z time-passes`: check at every N, build at the largest.
        modes=check
        [[ $n == "${SIZES##* }" ]] && modes="check build"
        for crate in $CRATES; do
            for mode in $modes; do
                touch "$scratch/$crate/src/lib.rs"
                (cd "$scratch/$crate" && COMPILE_TIME_PASSES=$raw/passes-$crate-$mode-$n.txt \
                    nice cargo "$mode" --offline --quiet)
            done
        done
    done
    rustc -vV >"$raw/rustc-version.txt"
    uptime >"$raw/load.txt"
    git -C "$root" rev-parse --short HEAD >"$raw/commit.txt"
    git -C "$root" log -1 --format=%h -- runtime macros codegen Cargo.lock >"$raw/code-commit.txt"
fi
# The section BENCHMARKS.md includes (bench/report.py renders every bench/*/REPORT.md).
python3 "$here/report.py" "$raw" | tee "$here/REPORT.md"
