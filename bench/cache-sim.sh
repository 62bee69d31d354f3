#!/usr/bin/env bash
# Simulated caches per call, generated client against careful hand-written reqwest: the figures of
# BENCHMARKS.md's "Where the wall time goes". cachegrind (32 KiB L1s) on `per_call calls <client>`
# at 2,000 and 4,000 calls; the difference divided by 2,000 is one call, server included. The
# counts do not depend on the machine's load. Needs valgrind and python3; about 3 minutes.
#
#   bench/cache-sim.sh
set -euo pipefail
cd "$(dirname "$0")/.."
per_call=$(bench/per-call-bin.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for client in generated careful; do
    for n in 2000 4000; do
        valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes --cachegrind-out-file=/dev/null \
            "$per_call" calls "$client" "$n" >/dev/null 2>"$work/$client.$n"
    done
done
python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
rows = [("instructions", "I\\s+refs"), ("L1 data misses", "D1\\s+misses"),
        ("L1 instruction misses", "I1\\s+misses"), ("branch mispredictions", "Mispredicts")]
def count(client, n, pattern):
    text = open(f"{work}/{client}.{n}").read()
    return int(re.search(pattern + r":\s+([\d,]+)", text).group(1).replace(",", ""))
print("| per call | generated | careful | difference |")
print("|---|---:|---:|---:|")
for label, pattern in rows:
    g, c = ((count(x, 4000, pattern) - count(x, 2000, pattern)) / 2000 for x in ("generated", "careful"))
    print(f"| {label} | {g:,.0f} | {c:,.0f} | {g - c:+,.0f} |")
PY
