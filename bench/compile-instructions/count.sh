#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER for run.sh: runs the measured crate's own rustc (cargo calls this only
# for it, never for its dependencies) under valgrind, counting the instructions it executes into
# $COUNT_LOG. Anything else cargo asks of rustc (its version) runs as it is.
set -euo pipefail
rustc=$1
shift
for arg in "$@"; do
    if [[ $arg == --crate-name ]]; then
        exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
            --log-file="$COUNT_LOG" "$rustc" "$@"
    fi
done
exec "$rustc" "$@"
