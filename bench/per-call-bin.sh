#!/usr/bin/env bash
# Builds the `per_call` benchmark (release) and prints the path of its executable, for the scripts
# that run it under valgrind (cache-sim.sh, code-lines.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --locked -p dintero-auth-bench --bench per_call --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "per_call" and m.get("executable"):
        print(m["executable"])'
