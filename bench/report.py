"""Turn measurements into the targets table, a printed summary and bench/RESULTS.md."""

import statistics

# The course's targets (issue 8). Memory in bytes (1 GB = 10^9 B), times in seconds / ms.
FLOOR_RATIO_MAX = 2.0       # lessons 0-4: median wall time within 2x the floor's
SETUP_MARGIN_S = 0.5        # each lesson's Setup cell: the floor's import-and-load + this (issue 13)
FREEZING_LESSON = 5         # the training lesson, timed on its own
FREEZING_MAX_S = 40.0       # its median wall time, kernel start included (issue 14)
WIDGET_MEDIAN_MAX_MS = 150.0
WIDGET_P95_MAX_MS = 300.0
PEAK_RSS_MAX = 1.5e9


def spread(values: list[float]) -> dict:
    """Return min, median and max of `values`."""
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def lesson_number(name: str) -> int | None:
    """Return N for a notebook named '0N_topic.ipynb', else None."""
    head = name.split("_", 1)[0]
    return int(head) if head.isdigit() else None


def _verdict(ok: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[ok]


def targets(results: dict) -> list[tuple[str, str, str]]:
    """Return (target, measured, verdict) for each of the course's targets."""
    nbs = {n["name"]: n for n in results["notebooks"]}
    rows = []

    early = {k: v for k, v in nbs.items() if (lesson_number(k) or 0) < FREEZING_LESSON}
    measured = [f"{k[:2]}: {v['ratio']:.2f}x" for k, v in sorted(early.items()) if "ratio" in v]
    broken = [k for k, v in early.items() if v.get("error")]
    missing = sorted(set(range(FREEZING_LESSON)) - {lesson_number(k) for k in early})
    too_slow = [k for k, v in early.items() if v.get("ratio", 0) > FLOOR_RATIO_MAX]
    ok = False if (broken or too_slow) else (None if missing else True)
    note = (f"; no notebook yet for lesson {missing}" if missing else "") + (
        f"; failed: {broken}" if broken else "")
    rows.append((f"Lessons 0-{FREEZING_LESSON - 1} each within {FLOOR_RATIO_MAX:g}x the floor (median wall time)",
                 ", ".join(measured) + note, _verdict(ok)))

    rows.append(setup_target(results))

    four = [v for k, v in nbs.items() if lesson_number(k) == FREEZING_LESSON]
    label = f"Lesson {FREEZING_LESSON} (freezing) at most {FREEZING_MAX_S:g} s"
    if four and not four[0].get("error"):
        w = four[0]["wall_s"]
        rows.append((label, f"median {w['median']:.1f} s (max {w['max']:.1f} s)",
                     _verdict(w["median"] <= FREEZING_MAX_S)))
    else:
        rows.append((label, four[0]["error"] if four else f"no lesson {FREEZING_LESSON} notebook",
                     _verdict(None if not four else False)))

    widgets = results.get("widgets") or []
    timed = [w for w in widgets if "median_ms" in w]
    absent = [f"{w['widget']} ({w['action']})" for w in widgets if "median_ms" not in w]
    for label, key, limit in [("median", "median_ms", WIDGET_MEDIAN_MAX_MS),
                              ("p95", "p95_ms", WIDGET_P95_MAX_MS)]:
        worst = max(timed, key=lambda w: w[key]) if timed else None
        text = (f"worst: {worst['widget']}, {worst['action']}: {worst[key]:.0f} ms" if worst else "")
        if absent:
            text += f"; not measured: {', '.join(absent)}"
        ok = False if any(w[key] >= limit for w in timed) else (
            None if (absent or not timed) else True)
        rows.append((f"Every widget update {label} under {limit:g} ms", text, _verdict(ok)))

    peaks = [(n["name"], n["peak_rss"]["max"]) for n in results["notebooks"] if n.get("peak_rss")]
    peaks.append(("floor", results["floor"]["peak_rss"]["max"]))
    if results.get("widget_kernel_peak_rss"):
        peaks.append(("widget kernel", results["widget_kernel_peak_rss"]))
    name, worst = max(peaks, key=lambda p: p[1])
    rows.append((f"Peak kernel memory under {PEAK_RSS_MAX / 1e9:g} GB",
                 f"largest: {name}, {worst / 1e6:.0f} MB", _verdict(worst < PEAK_RSS_MAX)))
    return rows


def setup_target(results: dict) -> tuple[str, str, str]:
    """Return the row for: each lesson's Setup cell (its first code cell) costs at most the floor's
    import-and-load (its two cells, kernel start excluded) + SETUP_MARGIN_S, medians of wall time."""
    label = f"Each lesson's Setup cell at most the floor's import-and-load + {SETUP_MARGIN_S:g} s"
    floor = results["floor"].get("cells_s")
    lessons = sorted((n for n in results["notebooks"] if lesson_number(n["name"]) is not None),
                     key=lambda n: n["name"])
    timed = [n for n in lessons if "first_cell_s" in n]
    if floor is None or not timed:
        return label, "not measured (results without per-cell times)", _verdict(None)
    limit = floor["median"] + SETUP_MARGIN_S
    figures = ", ".join(f"{n['name'][:2]}: {n['first_cell_s']['median']:.1f} s" for n in timed)
    failed = [n["name"] for n in lessons if n.get("error")]
    missing = sorted(set(range(FREEZING_LESSON + 1)) - {lesson_number(n["name"]) for n in lessons})
    ok = False if failed or any(n["first_cell_s"]["median"] > limit for n in timed) else (
        None if missing else True)
    text = (f"floor's import-and-load {floor['median']:.2f} s, so at most {limit:.2f} s; {figures}"
            + (f"; failed: {failed}" if failed else "") + (f"; no lesson {missing}" if missing else ""))
    return label, text, _verdict(ok)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def notebook_rows(results: dict) -> list[list[str]]:
    """Return one table row per measured kernel run group: floor first, then each notebook."""
    f = results["floor"]
    rows = [["**floor** (imports + model load)", f"{f['wall_s']['min']:.1f}", f"{f['wall_s']['median']:.1f}",
             f"{f['wall_s']['max']:.1f}", "1.00", f"{f['cpu_s']['median']:.1f}",
             f"{f['peak_rss']['max'] / 1e6:.0f}",
             f"kernel start {f['startup_s']['median']:.1f} s"
             + (f"; import-and-load (its cells) {f['cells_s']['median']:.1f} s" if "cells_s" in f else "")]]
    for n in results["notebooks"]:
        if n.get("error"):
            rows.append([f"`{n['name']}`", "-", "-", "-", "-", "-", "-", f"FAILED: {n['error']}"])
            continue
        w = n["wall_s"]
        slow = "; ".join(f"cell {c['cell']} `{c['first_line']}` {c['median_s']:.1f} s"
                         for c in n["slowest_cells"])
        rows.append([f"`{n['name']}`", f"{w['min']:.1f}", f"{w['median']:.1f}", f"{w['max']:.1f}",
                     f"{n['ratio']:.2f}", f"{n['cpu_s']['median']:.1f}",
                     f"{n['peak_rss']['max'] / 1e6:.0f}", slow])
    return rows


def widget_rows(results: dict) -> list[list[str]]:
    """Return one table row per widget scenario."""
    rows = []
    for w in results.get("widgets") or []:
        if "median_ms" not in w:
            rows.append([w["widget"], w["action"], "-", "-", "-", "-", "-", w.get("error", "")])
        else:
            rows.append([w["widget"], w["action"], f"{w['first_ms']:.0f}", f"{w['median_ms']:.0f}",
                         f"{w['p95_ms']:.0f}", f"{w['max_ms']:.0f}", f"{w['cpu_median_ms']:.0f}",
                         str(w["n"])])
    return rows


def markdown(results: dict) -> str:
    """Return the whole of bench/RESULTS.md."""
    m, runs = results["machine"], results["runs"]
    out = ["# Benchmarks: how fast the course runs, against its floor", "",
           "Written by `make bench` (`bench/`); do not edit by hand. "
           f"Measured {m['date_utc']} on {m['description']}, "
           f"{m.get('git', 'commit unknown')}.", "",
           "## Targets", ""]
    out += _table(["target", "measured", "verdict"], [list(r) for r in targets(results)])
    out += ["", "## Machine", "",
            f"- {m['cores']} CPU cores ({m['cpu']}), {m['memory_gb']:.0f} GB memory, {m['os']}",
            f"- Python {m['python']}, torch {m['torch']}, transformers {m['transformers']}, "
            f"ipykernel {m['ipykernel']}, nbclient {m['nbclient']}; torch threads in the lessons: "
            f"{m['torch_threads']}",
            f"- Load average (1/5/15 min) before the run: {m['load_before']}; after: {m['load_after']}. "
            "Other work on the machine slows every figure below by about the same factor; "
            "the ratios to the floor are steadier than the seconds.",
            "", f"## Notebooks: wall time in a fresh kernel ({runs} run{'s' if runs != 1 else ''} each, "
            "interleaved)", "",
            "Wall time = start a kernel, then run every cell top to bottom (what \"Restart Kernel and "
            "Run All\" costs). The floor is a kernel that only imports torch, transformers and "
            "`helpers` and loads the bundled tokenizer and model: no lesson can be faster. Peak "
            "RSS is the kernel process's high-water mark (`getrusage`), the largest over the runs. "
            "The floor's import-and-load is the time of its two cells (kernel start excluded); a lesson's "
            "Setup cell is its first code cell (imports, seed, style, and the model if the lesson loads it there).",
            ""]
    out += _table(["notebook", "min s", "median s", "max s", "x floor (median)", "kernel CPU s",
                   "peak RSS MB", "slowest cells (median)"], notebook_rows(results))
    out += ["", "Where each notebook's peak memory comes from: the cells that raised the kernel's "
            "high-water mark the most (after the imports), in its run with the largest peak.", ""]
    for n in results["notebooks"]:
        rises = n.get("peak_cells") or []
        if rises:
            out.append(f"- `{n['name']}`: " + "; ".join(
                f"cell {r['cell']} `{r['first_line']}` +{r['rise_bytes'] / 1e6:.0f} MB" for r in rises))
    out += ["", f"## Widget updates ({results['updates']} timed updates each, in a kernel)", "",
            "Each widget is built through `helpers.LESSONS` as `Widget(tokenizer, model)`; one untimed change first "
            "(its time is \"first\": cold caches), then each timed update sets one control's value, "
            "which runs the widget's callback synchronously. Every input is new (no cache hits), "
            "except that slider moves revisit a sentence already computed, as in class.", ""]
    out += _table(["widget", "action", "first ms", "median ms", "p95 ms", "max ms",
                   "CPU ms (median)", "n"],
                  widget_rows(results))
    s = results["setup"]
    out += ["", "## Setup", "", f"- `.venv` on disk: {s['venv_bytes'] / 1e9:.2f} GB."]
    fresh = s.get("fresh")
    if fresh and "seconds" in fresh:
        out.append(f"- Fresh `make setup` in a new clone, pip cache off, packages from this machine's "
                   f"configured index: {fresh['seconds']:.0f} s, its `.venv` "
                   f"{fresh['venv_bytes'] / 1e9:.2f} GB (measured {fresh['date_utc']}, load average "
                   f"before {fresh.get('load_before', '?')}).")
    elif fresh:
        out.append(f"- Fresh setup failed: {fresh['error']}")
    else:
        out.append("- Fresh setup time: not measured (`make bench ARGS=--setup` measures it).")
    out += ["", "## Reproduce", "", "```bash", "make bench                 # after make setup / make test",
            "make bench ARGS=--setup    # also time a fresh setup in a temporary clone (slow)",
            "make bench ARGS=--setup-only   # only that, updating the setup figures below",
            "```", f"This run: `{results['command']}`.", ""]
    return "\n".join(out)


def printed(results: dict) -> str:
    """Return a plain-text summary for the terminal."""
    lines = []
    for header, rows in [
        (["notebook", "min", "median", "max", "x floor", "CPU s", "peak MB", "slowest cells"],
         notebook_rows(results)),
        (["widget", "action", "first", "median", "p95", "max", "CPU", "n"], widget_rows(results)),
        (["target", "measured", "verdict"], [list(r) for r in targets(results)]),
    ]:
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
        widths = [min(w, 70) for w in widths]
        for row in [header, *rows]:
            lines.append("  ".join(str(x)[:70].ljust(w) for x, w in zip(row, widths, strict=True)).rstrip())
        lines.append("")
    return "\n".join(lines)
