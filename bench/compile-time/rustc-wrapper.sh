#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER for run.sh and ../compile-instructions/run.sh: cargo calls it only for
# the measured crate itself (the one workspace member), never for its dependencies, whose
# artifacts therefore stay the same.
# Appends "<crate> <start> <end> <cpu seconds>" for every compile of the crate to $COMPILE_TIME_LOG; with
# COMPILE_TIME_PASSES set, runs rustc with `-Z time-passes` (RUSTC_BOOTSTRAP=1 for this process
# only, so cargo's fingerprints of the dependencies do not change) and writes its report there.
# With COUNT_LOG set instead, runs rustc under valgrind (no cache simulation) and writes the
# instructions it executed there.
set -euo pipefail
rustc=$1
shift
crate=
prev=
for arg in "$@"; do
    [[ $prev == --crate-name ]] && crate=$arg
    prev=$arg
done
# No crate, or `___`: cargo asking rustc about itself or the target, not a compile.
if [[ -z $crate || $crate == ___ ]]; then
    exec "$rustc" "$@"
fi
if [[ -n ${COUNT_LOG:-} ]]; then
    exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        --log-file="$COUNT_LOG" "$rustc" "$@"
fi
extra=()
if [[ -n ${COMPILE_TIME_PASSES:-} ]]; then
    export RUSTC_BOOTSTRAP=1
    extra=(-Z time-passes)
fi
start=$(date +%s.%N)
status=0
if [[ -n ${COMPILE_TIME_PASSES:-} ]]; then
    "$rustc" "$@" "${extra[@]}" 2>"$COMPILE_TIME_PASSES" || status=$?
else
    "$rustc" "$@" || status=$?
fi
end=$(date +%s.%N)
if [[ -n ${COMPILE_TIME_LOG:-} ]]; then
    # CPU time (user + system) of rustc, all its threads: `times` in this shell (not a subshell,
    # whose children's times start at zero), second line, e.g. "0m12.345s 0m1.234s".
    times >"$COMPILE_TIME_LOG.times"
    cpu=$(tail -n 1 "$COMPILE_TIME_LOG.times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } printf "%.3f", s }')
    echo "$crate $start $end $cpu" >>"$COMPILE_TIME_LOG"
fi
exit $status
