#!/usr/bin/env bash
# Compile cost in instructions: the compile-time crates (bench/compile-time/generate.py: N
# endpoints with `#[api]`, the same hand-written on reqwest, their models alone) at N = 10 and
# 100, each crate's own rustc run under valgrind (no cache simulation) and its instructions
# counted. Unlike seconds on a shared machine these repeat to about 0.1 %, so a change to the
# generated code can be weighed in one run. Writes results.json and REPORT.md (a section of
# BENCHMARKS.md). Needs valgrind and python3; about 15 minutes, 5 with MODES=check.
#
#   bench/compile-instructions/run.sh
#   bench/compile-instructions/run.sh --report-only
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# The compile-time bench's target directory: the dependencies are built once for both.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target/compile-time}
mkdir -p "$CARGO_TARGET_DIR"
CARGO_TARGET_DIR=$(cd "$CARGO_TARGET_DIR" && pwd)
export CARGO_INCREMENTAL=0
unset RUSTFLAGS RUSTC_WRAPPER RUSTC_BOOTSTRAP
scratch=$CARGO_TARGET_DIR/compile-instructions-crates
raw=$scratch/raw
MODES=${MODES:-"check build"}
CRATES="macro_api hand_api models_only"

if [[ ${1:-} != --report-only ]]; then
    rm -rf "$raw"
    mkdir -p "$raw"
    for n in 10 100; do
        python3 "$root/bench/compile-time/generate.py" "$n" "$scratch/n$n" >/dev/null
        for crate in $CRATES; do
            for mode in $MODES; do
                (cd "$scratch/n$n/$crate" && cargo "$mode" --offline --quiet) # dependencies, untimed
                # The crate's own artifacts go, so the next build compiles it (a touch was not
                # always enough to make cargo see it as changed).
                (cd "$scratch/n$n/$crate" && cargo clean --offline --quiet -p "$crate")
                (cd "$scratch/n$n/$crate" && COUNT_LOG=$raw/$crate-$mode-$n.log \
                    RUSTC_WORKSPACE_WRAPPER=$root/bench/compile-time/rustc-wrapper.sh cargo "$mode" --offline --quiet)
            done
        done
        echo "N=$n done" >&2
    done
    rustc --version >"$raw/rustc-version.txt"
    git -C "$root" log -1 --format=%h -- runtime macros codegen Cargo.lock >"$raw/code-commit.txt"
fi

python3 - "$raw" "$here" <<'PY'
import json, re, sys
from pathlib import Path
raw, here = Path(sys.argv[1]), Path(sys.argv[2])
crates = {"macro_api": "`#[api]`", "hand_api": "hand-written", "models_only": "models alone"}
counts = {}
for log in raw.glob("*.log"):
    crate, mode, n = re.fullmatch(r"(\w+?)-(check|build)-(\d+)\.log", log.name).groups()
    text = log.read_text()
    if f"--crate-name {crate} " not in text:
        sys.exit(f"{log}: not the compile of {crate} (cargo did not rebuild it?)")
    refs = re.search(r"I\s+refs:\s+([\d,]+)", text)
    counts[f"{crate} {mode} {n}"] = int(refs.group(1).replace(",", ""))
commit = (raw / "code-commit.txt").read_text().strip()
rustc = (raw / "rustc-version.txt").read_text().strip()
(here / "results.json").write_text(json.dumps({"commit": commit, "rustc": rustc, "instructions": counts}, indent=2) + "\n")
modes = [m for m in ("check", "build") if all(f"{c} {m} {n}" in counts for c in crates for n in (10, 100))]
out = ["## Compile cost in instructions", ""]
out.append(
    "The crates of *Compile time users wait for* below (same generator), at N = 10 and 100, each crate's own "
    "rustc run under valgrind and the instructions it executes counted (proc-macro expansion included, "
    "dependencies already built, `CARGO_INCREMENTAL=0`). These repeat to about 0.1 %, where seconds on this "
    f"shared machine move by 10–30 %, so they decide a change to the generated code in one run. Code as of `{commit}`, "
    f"{rustc}. Rerun (about 15 minutes): `bench/compile-instructions/run.sh`.")
out.append("")
out.append("| mode | crate | N = 10 | N = 100 | per endpoint (10→100) | per endpoint without the models |")
out.append("|---|---|---:|---:|---:|---:|")
slopes = {}
for m in modes:
    for c, label in crates.items():
        a, b = counts[f"{c} {m} 10"], counts[f"{c} {m} 100"]
        slopes[(m, c)] = (b - a) / 90
    for c, label in crates.items():
        a, b = counts[f"{c} {m} 10"], counts[f"{c} {m} 100"]
        own = "" if c == "models_only" else f"{(slopes[(m, c)] - slopes[(m, 'models_only')]) / 1e6:.2f} M"
        out.append(f"| {m} | {label} | {a / 1e6:,.0f} M | {b / 1e6:,.0f} M | {slopes[(m, c)] / 1e6:.2f} M | {own} |")
out.append("")
for m in modes:
    mine, hand, models = slopes[(m, "macro_api")], slopes[(m, "hand_api")], slopes[(m, "models_only")]
    verdict = "met" if mine <= hand else "not met"
    out.append(
        f"- `cargo {m}`: {mine / 1e6:.2f} M instructions per endpoint with `#[api]` against {hand / 1e6:.2f} M "
        f"hand-written (× {mine / hand:.3f}); the endpoints alone, models aside: × {(mine - models) / (hand - models):.2f}. "
        f"Target (per endpoint ≤ hand-written): {verdict}.")
out.append(
    "- Earlier figures, measured the same way (check / build, M instructions per endpoint; hand-written 61.0 / "
    "70.4 throughout): 63.58 / 72.89 at 7548480; 62.76 / 71.95 at ef999ea, after the ok type picked its "
    "decoder in one method call, the traits it resolves through were imported once per API, and the error "
    "conversion became an argument of `send_decoded` instead of a `map_err` over the awaited result; 62.22 / "
    "71.33 at cb27c6b, after each method's `Operation` became a promoted constant instead of a `static` of its "
    "own (0.54 M), `&str`/`String` path values skipped `Display`, and the blocking client was generated only "
    "with the runtime's `blocking` feature. Then the methods stopped being `async fn`s: each returns "
    "`send_decoded`'s future, which sends when first polled; the `async` body alone had cost about 13 M per "
    "endpoint to check. Two ways of doing that were measured and not kept: the decoder as a function pointer "
    "(49.34 / 198.51: each endpoint's JSON decoding compiled into the declaring crate, called or not) and "
    "`send_decoded` returning a named future type instead of an `impl Future` (62.87 / 81.17: the compiler "
    "then proves each method's future `Send` field by field).")
out.append("")
(here / "REPORT.md").write_text("\n".join(out))
print("\n".join(out))
PY
