#!/usr/bin/env bash
# Lines of code each client runs per call: the distinct 64-byte lines of machine code executed
# in at least half of the measured calls (callgrind --dump-instr on `per_call calls <client>` at
# 2,000 and 4,000 calls; a line counts when the longer run executed it at least 1,000 times more
# often). The figures of BENCHMARKS.md's "Where the wall time goes": what the wall time follows
# here is the code a call runs more than its instructions. Lines are counted per client, in one
# binary; line sets of different builds are not comparable (addresses move). Needs valgrind and
# python3; under a minute.
#
#   bench/code-lines.sh [client..]     default: generated careful naive
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${*:-generated careful naive}
per_call=$(bench/per-call-bin.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for client in $clients; do
    for n in 2000 4000; do
        valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$work/$client.$n" \
            "$per_call" calls "$client" "$n" >/dev/null 2>&1
    done
done
python3 - "$work" $clients <<'PY'
import collections, re, sys

def executed(path):
    """Instructions executed per (object, address), from a callgrind file with --dump-instr=yes."""
    names, counts = {}, collections.Counter()
    obj, addr, call_line_next = None, 0, False
    for line in open(path):
        if line.startswith(("ob=", "cob=")):
            m = re.match(r"c?ob=\((\d+)\)(?: (.*))?", line.strip())
            if m.group(2):
                names[m.group(1)] = m.group(2)
            if line.startswith("ob="):
                obj = names[m.group(1)]
        elif line.startswith("calls="):
            call_line_next = True  # the next cost line is the call's inclusive cost, not its own
        elif line[:1] in "0123456789+-*":
            fields = line.split()
            position = fields[0]
            if position.startswith("0x"):
                addr = int(position, 16)
            elif position.startswith("+"):
                addr += int(position[1:])
            elif position.startswith("-"):
                addr -= int(position[1:])
            if call_line_next:
                call_line_next = False
            elif len(fields) >= 3:
                counts[(obj, addr)] += int(fields[2])
    return counts

work, clients = sys.argv[1], sys.argv[2:]
print("| client | lines of code per call | KiB |")
print("|---|---:|---:|")
for client in clients:
    short, long = executed(f"{work}/{client}.2000"), executed(f"{work}/{client}.4000")
    lines = {(obj, addr >> 6) for (obj, addr), count in long.items() if count - short[(obj, addr)] >= 1000}
    print(f"| {client} | {len(lines):,} | {len(lines) * 64 / 1024:.0f} |")
PY
