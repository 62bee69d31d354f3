#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER for run.sh: runs the measured crate's own rustc (cargo calls this only
# for it, never for its dependencies) under valgrind, counting the instructions it executes into
# $COUNT_LOG. Anything else cargo asks of rustc (its version, the target's settings) runs as it is.
set -euo pipefail
rustc=$1
shift
crate=
prev=
for arg in "$@"; do
    [[ $prev == --crate-name ]] && crate=$arg
    prev=$arg
done
# `___` is cargo asking rustc about the target, not a compile.
if [[ -z $crate || $crate == ___ ]]; then
    exec "$rustc" "$@"
fi
exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    --log-file="$COUNT_LOG" "$rustc" "$@"
