#!/usr/bin/env bash
# The blocking client's cost per call (next to the async client and reqwest::blocking) and the
# peak memory of a 100 MiB streamed download and upload. Writes bench/results/blocking-and-streams.json;
# BENCHMARKS.md quotes it.
#
#   bench/blocking-and-streams.sh [rounds] [calls per round]     (default 9 x 2000; under a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
cargo bench -q --locked -p dintero-auth-bench --bench blocking_and_streams -- "$@" \
    | tee bench/results/blocking-and-streams.json
