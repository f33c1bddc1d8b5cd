"""Measure the course: the floor, every notebook, every widget's update, the setup.

Usage (from the repository root, after `make setup`):
    make bench                      # or: .venv/bin/python -m bench
    make bench ARGS=--setup         # also time a fresh `make setup` in a temporary clone (slow)
    .venv/bin/python -m bench --runs 1 --notebooks notebooks/03_attention.ipynb --no-write
    .venv/bin/python -m bench --runs 2 --no-widgets --no-write --json /tmp/trial.json
Prints the tables and writes bench/RESULTS.md and bench/results.json (unless --no-write).
"""

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import psutil

from bench import report, setup_cost
from bench.kernel import code_notebook, run_in_fresh_kernel, run_notebook
from bench.widget_timing import UPDATES

ROOT = Path(__file__).resolve().parent.parent
# The same quiet, offline environment as `make` exports (and conftest.py sets for pytest), for
# a run without make. Kernels inherit it.
COURSE_ENV = {
    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1", "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false", "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}

FLOOR_CELLS = (
    "import torch\nimport transformers\n\nimport helpers\nfrom helpers.models import load_model, load_tokenizer",
    "tokenizer = load_tokenizer()\nmodel = load_model()",
)
# A student has run the lesson's setup cell (seed_everything fixes torch's threads) before
# touching a widget, so the widget kernel does the same.
WIDGET_CELL = """\
import json, sys
sys.path.insert(0, {root!r})
from bench.widget_timing import run_all
from helpers import seed_everything, use_course_style
seed_everything(0)
use_course_style()
print("BENCH-WIDGETS", json.dumps(run_all({updates})))
"""


def machine() -> dict:
    """Return what the results depend on: cores, CPU, memory, versions, load, date."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count()
    memory = psutil.virtual_memory().total / 2**30
    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": cores, "cpu": cpu, "memory_gb": memory,
        "os": platform.platform(terse=True),
        "description": f"a {cores}-core {cpu} machine with {memory:.0f} GB ({platform.system()})",
        "python": platform.python_version(),
        **{name: version(name) for name in ("torch", "transformers", "ipykernel", "nbclient")},
        "load_before": _load(),
        "git": git_state(),
        "torch_threads": os.environ.get("COURSE_TORCH_THREADS") or "2 (seed_everything's default)",
    }


def git_state() -> str:
    """Return the commit measured, and which course files differ from it (if any)."""
    def git(*args):
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
        return done.stdout.rstrip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    changed = [line[3:] for line in git("status", "--porcelain", "--", "notebooks", "helpers",
                                        "data").splitlines()]
    return f"commit {commit}" + (f", with uncommitted changes in {', '.join(changed)}" if changed else "")


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in psutil.getloadavg())


def _run_summary(runs) -> dict:
    return {"wall_s": report.spread([r.wall_s for r in runs]),
            "cells_s": report.spread([sum(s for _, s, _ in r.cell_s) for r in runs]),
            "first_cell_s": report.spread([r.cell_s[0][1] if r.cell_s else 0.0 for r in runs]),
            "startup_s": report.spread([r.startup_s for r in runs]),
            "peak_rss": report.spread([r.peak_rss for r in runs if r.peak_rss] or [0]),
            "cpu_s": report.spread([r.cpu_s for r in runs if r.cpu_s] or [0]),
            "runs_s": [round(r.wall_s, 3) for r in runs]}


def slowest_cells(runs, nb_path: Path, k: int = 2) -> list[dict]:
    """Return the k cells with the largest median time over `runs`."""
    by_cell: dict[int, list[float]] = {}
    first: dict[int, str] = {}
    for run in runs:
        for index, seconds, line in run.cell_s:
            by_cell.setdefault(index, []).append(seconds)
            first[index] = line
    ranked = sorted(by_cell, key=lambda i: -statistics.median(by_cell[i]))[:k]
    return [{"cell": i, "first_line": first[i], "median_s": statistics.median(by_cell[i])}
            for i in ranked]


def peak_rises(run, k: int = 3) -> list[dict]:
    """Return the k cells that raised the kernel's peak memory the most in `run` (Linux only)."""
    rises, before = [], None
    for index, hwm, line in run.cell_peak:
        if hwm is None:
            return []
        if before is not None and hwm > before:
            rises.append({"cell": index, "first_line": line, "rise_bytes": hwm - before})
        before = hwm
    return sorted(rises, key=lambda r: -r["rise_bytes"])[:k]


def measure_kernels(notebooks: list[Path], runs: int) -> tuple[dict, list[dict]]:
    """Run the floor and each notebook `runs` times, interleaved so load drift hits all alike."""
    floor_runs, nb_runs = [], {p: [] for p in notebooks}
    floor_nb = code_notebook(*FLOOR_CELLS)
    for r in range(runs):
        result = run_in_fresh_kernel(floor_nb, ROOT / "notebooks")
        if result.error:
            sys.exit(f"The floor itself failed ({result.error}): is `make setup` done?")
        floor_runs.append(result)
        print(f"[round {r + 1}/{runs}] floor {result.wall_s:.1f} s", flush=True)
        for path in notebooks:
            result = run_notebook(path)
            nb_runs[path].append(result)
            status = f"FAILED {result.error}" if result.error else f"{result.wall_s:.1f} s"
            print(f"[round {r + 1}/{runs}] {path.name} {status}", flush=True)
    floor = _run_summary(floor_runs)
    rows = []
    for path, results in nb_runs.items():
        failed = [x.error for x in results if x.error]
        if failed:
            rows.append({"name": path.name, "error": failed[0]})
            continue
        row = {"name": path.name, **_run_summary(results), "slowest_cells": slowest_cells(results, path),
               "peak_cells": peak_rises(max(results, key=lambda x: x.peak_rss or 0))}
        row["ratio"] = row["wall_s"]["median"] / floor["wall_s"]["median"]
        rows.append(row)
    return floor, rows


def measure_widgets(updates: int) -> tuple[list[dict], int | None]:
    """Time every widget scenario in one fresh kernel; return the rows and that kernel's peak RSS."""
    nb = code_notebook(WIDGET_CELL.format(root=str(ROOT), updates=updates))
    result = run_in_fresh_kernel(nb, ROOT / "notebooks")
    if result.error:
        return [{"widget": "all", "action": "-", "error": result.error}], result.peak_rss
    for line in result.stdout.splitlines():
        if line.startswith("BENCH-WIDGETS "):
            return json.loads(line.split(" ", 1)[1]), result.peak_rss
    return [{"widget": "all", "action": "-", "error": "no result printed"}], result.peak_rss


def measure_fresh_setup() -> dict:
    """Time `make setup` in a fresh temporary clone; return the figures with date and load."""
    print("fresh setup in a temporary clone (pip cache off) ...", flush=True)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = _load()
    return {**setup_cost.fresh_setup(ROOT), "date_utc": when, "load_before": load}


def setup_only(json_path: Path, write: bool) -> int:
    """Measure a fresh setup and put it into the last results (bench/results.json, RESULTS.md)."""
    fresh = measure_fresh_setup()
    print(json.dumps(fresh))
    if write and json_path.exists():
        results = json.loads(json_path.read_text())
        results["setup"]["fresh"] = fresh
        (ROOT / "bench" / "RESULTS.md").write_text(report.markdown(results))
        json_path.write_text(json.dumps(results, indent=1) + "\n")
        print("updated the setup figures in bench/RESULTS.md and bench/results.json")
    return 0 if "seconds" in fresh else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per notebook (default 3)")
    parser.add_argument("--updates", type=int, default=UPDATES, help="timed updates per widget action")
    parser.add_argument("--notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--no-widgets", action="store_true", help="skip the widget timings")
    parser.add_argument("--setup", action="store_true", help="also time a fresh setup (slow)")
    parser.add_argument("--setup-only", action="store_true",
                        help="only time a fresh setup; update it in the last results")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--json", type=Path, metavar="PATH",
                        help="also write the results as JSON to PATH (with --no-write: a trial run)")
    args = parser.parse_args(argv)

    for key, value in COURSE_ENV.items():
        os.environ.setdefault(key, value)
    json_path = ROOT / "bench" / "results.json"
    if args.setup_only:
        return setup_only(json_path, write=not args.no_write)
    notebooks = sorted(args.notebooks or (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    notebooks = [p.resolve() for p in notebooks]
    results = {"machine": machine(), "runs": args.runs, "updates": args.updates,
               "command": " ".join(["python -m bench", *map(shlex.quote, argv or sys.argv[1:])]).strip()}
    results["floor"], results["notebooks"] = measure_kernels(notebooks, args.runs)
    if not args.no_widgets:
        print("widgets ...", flush=True)
        results["widgets"], results["widget_kernel_peak_rss"] = measure_widgets(args.updates)
    results["setup"] = {"venv_bytes": setup_cost.disk_usage(ROOT / ".venv")}
    if args.setup:
        results["setup"]["fresh"] = measure_fresh_setup()
    elif json_path.exists():  # keep the last measured fresh-setup time, labelled with its date
        previous = json.loads(json_path.read_text()).get("setup", {}).get("fresh")
        if previous and "seconds" in previous:
            results["setup"]["fresh"] = previous
    results["machine"]["load_after"] = _load()

    print(report.printed(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
        print(f"wrote {args.json}")
    if not args.no_write:
        (ROOT / "bench" / "RESULTS.md").write_text(report.markdown(results))
        json_path.write_text(json.dumps(results, indent=1) + "\n")
        print("wrote bench/RESULTS.md and bench/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
