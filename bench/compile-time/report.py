#!/usr/bin/env python3
"""Turns run.sh's raw logs into bench/compile-time/results.json and bench/plots/compile-time.svg,
and prints the BENCHMARKS.md section "Compile time users wait for" (standard library only).

    report.py RAW_DIR
"""
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CRATES = ["macro_api", "hand_api", "models_only"]
PAIR = ["macro_api", "hand_api"]
MODES = ["check", "build"]
LABEL = {"macro_api": "`#[api]`", "hand_api": "hand-written", "models_only": "models alone"}
# Passes of `-Z time-passes` that do not nest inside one another (LLVM_passes runs on codegen
# threads, partly beside codegen_crate).
SPLIT = [
    ("macro_expand_crate", "expansion (proc macros, derives)"),
    ("resolve_crate", "name resolution"),
    ("type_check_crate", "type checking (incl. coherence)"),
    ("MIR_borrow_checking", "MIR building + borrow checking"),
    ("lint_checking", "lints"),
    ("misc_checking_3", "misc checking 3"),
    ("generate_crate_metadata", "metadata"),
    ("codegen_crate", "codegen to LLVM IR (incl. mono collection)"),
    ("LLVM_passes", "LLVM passes"),
    ("finish_ongoing_codegen", "waiting for codegen threads"),
    ("link", "link"),
]
NESTED = ["coherence_checking", "monomorphization_collector_graph_walk", "codegen_to_LLVM_IR"]


def least_squares(xs, ys):
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return slope, my - slope * mx


def passes(path):
    out = {}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        m = re.match(r"time:\s+([\d.]+);.*\t(\S+)$", line)
        if m:
            out[m.group(2)] = out.get(m.group(2), 0.0) + float(m.group(1))
    return out


def collect(raw):
    rustc, wall, cpu = {}, {}, {}
    for line in (raw / "rustc-times.log").read_text().splitlines():
        label, mode, crate, start, end, seconds = line.split()
        rustc.setdefault((crate, mode, int(label[2:])), []).append(float(end) - float(start))
        cpu.setdefault((crate, mode, int(label[2:])), []).append(float(seconds))
    for line in (raw / "cargo.log").read_text().splitlines():
        label, crate, mode, start, end = line.split()
        wall.setdefault((crate, mode, int(label[2:])), []).append(float(end) - float(start))
    sizes = sorted({n for (_, _, n) in rustc})
    result = {
        "what": "rustc time of the user crate alone (deps built, CARGO_INCREMENTAL=0), seconds; "
        "cargo_wall adds cargo's own start-up and fingerprint checks",
        "commit": (raw / "commit.txt").read_text().strip(),
        "code_commit": (raw / "code-commit.txt").read_text().strip(),
        "rustc": (raw / "rustc-version.txt").read_text().splitlines()[0],
        "load_after": (raw / "load.txt").read_text().strip(),
        "sizes": sizes,
        "crates": {},
        "passes": {},
    }
    for crate in CRATES:
        result["crates"][crate] = {}
        for mode in MODES:
            med = [statistics.median(rustc[(crate, mode, n)]) for n in sizes]
            slope, intercept = least_squares(sizes, med)
            segments = [
                (med[i + 1] - med[i]) / (sizes[i + 1] - sizes[i]) * 1000 for i in range(len(sizes) - 1)
            ]
            cmed = [statistics.median(cpu[(crate, mode, n)]) for n in sizes]
            cslope, cintercept = least_squares(sizes, cmed)
            result["crates"][crate][mode] = {
                "cpu_runs": {str(n): cpu[(crate, mode, n)] for n in sizes},
                "cpu_median_s": {str(n): m for n, m in zip(sizes, cmed)},
                "cpu_slope_ms_per_endpoint": cslope * 1000,
                "cpu_intercept_s": cintercept,
                "cpu_segment_slopes_ms": [
                    (cmed[i + 1] - cmed[i]) / (sizes[i + 1] - sizes[i]) * 1000 for i in range(len(sizes) - 1)
                ],
                "runs": {str(n): rustc[(crate, mode, n)] for n in sizes},
                "median_s": {str(n): m for n, m in zip(sizes, med)},
                "cargo_wall_median_s": {str(n): statistics.median(wall[(crate, mode, n)]) for n in sizes},
                "slope_ms_per_endpoint": slope * 1000,
                "intercept_s": intercept,
                "segment_slopes_ms": segments,
            }
            for n in sizes:
                p = passes(raw / f"passes-{crate}-{mode}-{n}.txt")
                if p:
                    result["passes"].setdefault(crate, {}).setdefault(mode, {})[str(n)] = p
    for mode in MODES:
        m = result["crates"]["macro_api"][mode]["slope_ms_per_endpoint"]
        h = result["crates"]["hand_api"][mode]["slope_ms_per_endpoint"]
        o = result["crates"]["models_only"][mode]["slope_ms_per_endpoint"]
        result.setdefault("ratio_macro_to_hand", {})[mode] = m / h
        # What the endpoints themselves add over their models, in each crate.
        result.setdefault("endpoint_only_slope_ms", {})[mode] = {"macro_api": m - o, "hand_api": h - o}
        result.setdefault("ratio_endpoint_only", {})[mode] = (m - o) / (h - o)
    return result


def svg(result):
    sizes = result["sizes"]
    W, H, L, R, T, B = 640, 420, 70, 620, 40, 360
    ymax = max(max(d["cpu_median_s"].values()) for c in result["crates"].values() for d in c.values())
    step = 1 if ymax <= 8 else 2 if ymax <= 16 else 5
    ytop = step * (int(ymax / step) + 1)
    xmax = sizes[-1]
    X = lambda n: L + (R - L) * n / xmax
    Y = lambda s: B - (B - T) * s / ytop
    s = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        '<text x="10" y="20" font-size="14" font-weight="bold">'
        "rustc CPU time of a user crate against its endpoint count (deps built)</text>",
    ]
    v = 0
    while v <= ytop + 1e-9:
        s.append(f'<line x1="{L}" x2="{R}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" stroke="#eee"/>')
        s.append(f'<text x="{L - 6}" y="{Y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
        v += step
    for n in [0] + sizes:
        s.append(f'<line x1="{X(n):.1f}" x2="{X(n):.1f}" y1="{T}" y2="{B}" stroke="#eee"/>')
        s.append(f'<text x="{X(n):.1f}" y="{B + 16}" text-anchor="middle">{n}</text>')
    s.append(f'<text x="{(L + R) / 2}" y="{B + 42}" text-anchor="middle">endpoints in the crate (N)</text>')
    s.append(f'<text x="16" y="{(T + B) / 2}" transform="rotate(-90 16 {(T + B) / 2})" text-anchor="middle">CPU seconds (median of 3)</text>')
    colors = {"macro_api": "#2b6cb0", "hand_api": "#c05621", "models_only": "#888"}
    dash = {"check": ' stroke-dasharray="6 4"', "build": ""}
    legend_y = T + 10
    for crate in CRATES:
        for mode in MODES:
            d = result["crates"][crate][mode]
            pts = " ".join(f"{X(n):.1f},{Y(d['cpu_median_s'][str(n)]):.1f}" for n in sizes)
            c = colors[crate]
            s.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"{dash[mode]}/>')
            for n in sizes:
                s.append(f'<circle cx="{X(n):.1f}" cy="{Y(d["cpu_median_s"][str(n)]):.1f}" r="3.5" fill="{c}"/>')
            name = {"macro_api": "#[api]", "hand_api": "hand-written", "models_only": "models alone"}[crate]
            s.append(f'<line x1="{L + 12}" x2="{L + 42}" y1="{legend_y}" y2="{legend_y}" stroke="{c}" stroke-width="2"{dash[mode]}/>')
            s.append(
                f'<text x="{L + 48}" y="{legend_y + 4}">{name}, cargo {mode}: '
                f'{d["cpu_slope_ms_per_endpoint"]:.1f} ms / endpoint</text>'
            )
            legend_y += 18
    s.append("</svg>")
    return "\n".join(s) + "\n"


def fmt_s(x):
    return f"{x:.2f}"


def markdown(result):
    sizes = result["sizes"]
    last = str(sizes[-1])
    cr = result["crates"]
    P = result["passes"]
    g = lambda c, m, n, k: P.get(c, {}).get(m, {}).get(str(n), {}).get(k)
    L = ["## Compile time users wait for", ""]
    current = subprocess.run(["git", "log", "-1", "--format=%h", "--", "runtime", "macros", "codegen"],
                             capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2]).stdout.strip()
    if current and current != result["code_commit"]:
        L.append(f"*Measured on the code as of `{result['code_commit']}`; the generated code has changed since "
                 f"(now `{current}`). *Compile cost in instructions* above has current figures.*")
        L.append("")
    L.append(
        "How long a user waits for their own crate, the dependencies already built: a generated library "
        f"crate of N endpoints (N = {', '.join(map(str, sizes))}) declared with `#[api]`, against the same "
        "endpoints hand-written on reqwest behind a trait whose methods return "
        "`impl Future<Output = Result<T, Error>> + Send`. Endpoints cycle through five shapes (path "
        "parameter; two query parameters, one `Option`; path + header parameter; JSON `#[body]`; "
        "`#[form]`), each with its own serde model struct (`Debug`, `Serialize`, `Deserialize`, three "
        "fields) used as the answer and, for the body shapes, as the request, in both crates alike. The "
        "hand-written impl uses `async fn` on a struct holding a `reqwest::Client` and a base `Url`: "
        "path values percent-encoded (all but `A–Z a–z 0–9 - . _ ~`; `.`, `..` and empty refused), "
        "`.query()`, `.header()`, `.json()` / `.form()`, and one shared generic helper for `send`, "
        "status check and JSON decode (what a careful hand-writer factors out). It depends on reqwest "
        "with the workspace's features plus `json`, percent-encoding and serde; the `#[api]` crate on "
        "`runtime/` (path dependency) and serde. A third crate, *models alone*, holds only the N model "
        "structs, the part both share. All use the workspace's `Cargo.lock`; the crates are written by "
        "`bench/compile-time/generate.py` into the target directory."
    )
    L.append("")
    L.append(
        "Measured: the rustc process of that crate alone (timed by a `RUSTC_WORKSPACE_WRAPPER`, which "
        "cargo applies to the crate only, so the dependencies' artifacts are untouched), "
        "`CARGO_INCREMENTAL=0`, after touching `src/lib.rs`; `cargo check` and `cargo build` (debug), "
        "3 runs each, the crates alternating, median of the wall time and, separately, of the CPU time; cargo's own start-up and fingerprint checks add "
        "a constant 0.2–0.3 s of wall time, which cancels in the slope. "
        f"Commit `{result['commit']}` (runtime, macro and code generator as of `{result['code_commit']}`), "
        f"{result['rustc']}, on the shared 2-core machine (load average after the run: "
        f"{result['load_after'].split('load average:')[-1].strip()}; runs of the same compile differed by "
        "up to about 30 % at N = 500, in wall time more than in CPU time). Rerun (about 10 minutes with a cold target directory, 5 once the "
        "dependencies are built; raw figures in `bench/compile-time/results.json`):"
    )
    L += ["", "```sh", "CARGO_TARGET_DIR=target/compile-time bench/compile-time/run.sh", "```", ""]
    L.append("![compile time against N](bench/plots/compile-time.svg)")
    L.append("")
    L.append("Wall time of the rustc process, medians in seconds:")
    L.append("")
    L.append("| N | " + " | ".join(f"{LABEL[c]} {m}" for m in MODES for c in CRATES) + " |")
    L.append("|---:|" + "---:|" * (len(MODES) * len(CRATES)))
    for n in sizes:
        row = [cr[c][m]["median_s"][str(n)] for m in MODES for c in CRATES]
        L.append(f"| {n} | " + " | ".join(fmt_s(x) for x in row) + " |")
    L.append("")
    L.append(
        "CPU time (user + system, all of rustc's threads) of the same compiles, medians in seconds; less "
        "disturbed than wall time by the other work on the machine:"
    )
    L.append("")
    L.append("| N | " + " | ".join(f"{LABEL[c]} {m}" for m in MODES for c in CRATES) + " |")
    L.append("|---:|" + "---:|" * (len(MODES) * len(CRATES)))
    for n in sizes:
        row = [cr[c][m]["cpu_median_s"][str(n)] for m in MODES for c in CRATES]
        L.append(f"| {n} | " + " | ".join(fmt_s(x) for x in row) + " |")
    L.append("")
    L.append(
        "Per-endpoint slopes in ms (least squares over the three N, and between neighbouring N):"
    )
    L.append("")
    L.append(
        "| mode | crate | wall slope | wall 10→100 | wall 100→500 | CPU slope | CPU 10→100 | CPU 100→500 | "
        "CPU 100→500 ÷ 10→100 |"
    )
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for m in MODES:
        for c in CRATES:
            d = cr[c][m]
            wa, wb = d["segment_slopes_ms"][0], d["segment_slopes_ms"][-1]
            ca, cb = d["cpu_segment_slopes_ms"][0], d["cpu_segment_slopes_ms"][-1]
            L.append(
                f"| {m} | {LABEL[c]} | {d['slope_ms_per_endpoint']:.1f} | {wa:.1f} | {wb:.1f} | "
                f"{d['cpu_slope_ms_per_endpoint']:.1f} | {ca:.1f} | {cb:.1f} | {cb / ca:.2f} |"
            )
    L.append("")
    L.append("Target: compile time per endpoint ≤ the hand-written-behind-a-trait figure, linear to 500.")
    L.append("")
    for m in MODES:
        mac, han, mod = (cr[c][m] for c in CRATES)
        mm, hh = mac["slope_ms_per_endpoint"], han["slope_ms_per_endpoint"]
        cm, ch, co = (x["cpu_slope_ms_per_endpoint"] for x in (mac, han, mod))
        L.append(
            f"- `cargo {m}`: `#[api]` {mm:.1f} ms / endpoint against hand-written {hh:.1f} wall "
            f"(ratio {mm / hh:.2f}), {cm:.1f} against {ch:.1f} CPU (ratio {cm / ch:.2f}, "
            f"{cm - ch:+.1f} ms per endpoint) — {'met' if mm <= hh and cm <= ch else 'not met'}. "
            f"Of that, the models (the same in both) take {co:.1f} ms CPU; the endpoints themselves add "
            f"{cm - co:.1f} ms each with `#[api]` and {ch - co:.1f} ms hand-written (ratio "
            f"{(cm - co) / (ch - co):.2f})."
        )
    ratio = lambda c, m: cr[c][m]["cpu_segment_slopes_ms"][-1] / cr[c][m]["cpu_segment_slopes_ms"][0]
    # The target is about the `#[api]` crate; the others show what the machine and rustc do.
    mine = [ratio("macro_api", m) for m in MODES]
    hand = [ratio("hand_api", m) for m in MODES]
    mlin = [ratio("models_only", m) for m in MODES]
    L.append(
        f"- linear to {sizes[-1]}: in CPU time the slope from 100 to {sizes[-1]} is "
        f"{min(mine):.2f}–{max(mine):.2f} × the slope from 10 to 100 for the `#[api]` crate "
        f"({min(hand):.2f}–{max(hand):.2f} hand-written, {min(mlin):.2f}–{max(mlin):.2f} for the models alone) — "
        + ("linear within 25 % — met" if max(mine) <= 1.25 else
           "growing faster than linear (more than 25 % steeper) — not met")
    )
    L.append("")
    if P:
        L.append(
            f"### Where the time goes\n\nOne more compile of each crate with `-Z time-passes` "
            "(`RUSTC_BOOTSTRAP=1` for that rustc process only), seconds of wall time, one run each, so moved by the machine's load "
            f"(±10–30 %, more when another build starts). At N = {last}, the passes that do not nest in one another (except the indented "
            "ones, which are part of the row above them; `LLVM_passes` runs on codegen threads partly "
            "beside `codegen_crate`):"
        )
        L.append("")
        L.append("| pass | " + " | ".join(f"{LABEL[c]} {m}" for m in MODES for c in CRATES)
                 + " | build: `#[api]` − hand-written |")
        L.append("|---|" + "---:|" * (len(MODES) * len(CRATES) + 1))
        rows = []
        for key, what in SPLIT:
            rows.append((key, what, False))
            if key == "type_check_crate":
                rows.append(("coherence_checking", "", True))
            if key == "codegen_crate":
                rows.append(("monomorphization_collector_graph_walk", "", True))
                rows.append(("codegen_to_LLVM_IR", "", True))
        rows.append(("total", "", False))
        for key, what, nested in rows:
            vals = [g(c, m, last, key) for m in MODES for c in CRATES]
            if all(v is None or v < 0.005 for v in vals):
                continue
            cells = ["–" if v is None else f"{v:.2f}" for v in vals]
            mb, hb = g("macro_api", "build", last, key), g("hand_api", "build", last, key)
            diff = "–" if mb is None or hb is None else f"{mb - hb:+.2f}"
            name = ("↳ " if nested else "") + f"`{key}`" + (f" {what}" if what else "")
            L.append(f"| {name} | " + " | ".join(cells) + f" | {diff} |")
        L.append("")
        L.append("`cargo check` at every N, for the passes that grow (seconds):")
        L.append("")
        keys = ["macro_expand_crate", "type_check_crate", "coherence_checking", "MIR_borrow_checking", "total"]
        L.append("| crate | N | " + " | ".join(f"`{k}`" for k in keys) + " |")
        L.append("|---|---:|" + "---:|" * len(keys))
        for c in CRATES:
            for n in sizes:
                vals = [g(c, "check", n, k) for k in keys]
                L.append(f"| {LABEL[c]} | {n} | " + " | ".join("–" if v is None else f"{v:.2f}" for v in vals) + " |")
        L.append("")
    return "\n".join(L)


def main():
    raw = Path(sys.argv[1])
    result = collect(raw)
    (HERE / "results.json").write_text(json.dumps(result, indent=1) + "\n")
    (ROOT / "bench" / "plots").mkdir(exist_ok=True)
    (ROOT / "bench" / "plots" / "compile-time.svg").write_text(svg(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
