"""The benchmark's arithmetic and verdicts (bench/), without starting any kernel."""

import pytest

from bench import report
from bench.widget_timing import SENTENCES, TEXTS, UPDATES, WORD_SETS, percentile, summarise


def test_percentile_interpolates_between_order_statistics():
    values = list(range(1, 21))  # 1..20
    assert percentile(values, 50) == pytest.approx(10.5)
    assert percentile(values, 95) == pytest.approx(19.05)
    assert percentile([7.0], 95) == 7.0


def test_summary_of_twenty_updates():
    summary = summarise([10.0] * 19 + [400.0])
    assert summary["median_ms"] == 10.0 and summary["max_ms"] == 400.0 and summary["n"] == 20


def test_every_timed_update_gets_a_new_input():
    for inputs in (SENTENCES, TEXTS, WORD_SETS):
        assert len(set(inputs)) >= UPDATES + 1


def _results(ratios=(1.2, 1.5, 1.9, 1.8, 1.6), lesson4_s=38.0, widget_ms=(80.0, 200.0), peak=9e8,
             setup_s=(3.5, 3.6, 3.7, 3.4, 3.8, 3.9)):
    floor = {"wall_s": report.spread([10.0]), "startup_s": report.spread([1.0]),
             "cells_s": report.spread([3.4]),
             "peak_rss": report.spread([5e8]), "cpu_s": report.spread([8.0])}
    names = ["00_start_here.ipynb", "01_tokenization.ipynb", "02_embeddings.ipynb", "03_attention.ipynb",
             "04_inside_a_layer.ipynb"]
    notebooks = [
        {"name": name, "wall_s": report.spread([10.0 * r]), "ratio": r, "cpu_s": report.spread([9.0]),
         "peak_rss": report.spread([peak]), "slowest_cells": [], "first_cell_s": report.spread([setup])}
        for name, r, setup in zip(names, ratios, setup_s, strict=False)
    ]
    notebooks.append({"name": "05_freezing.ipynb", "wall_s": report.spread([lesson4_s]),
                      "ratio": lesson4_s / 10, "cpu_s": report.spread([30.0]),
                      "peak_rss": report.spread([peak]), "slowest_cells": [],
                      "first_cell_s": report.spread([setup_s[5]])})
    median, p95 = widget_ms
    widgets = [{"widget": "attention explorer", "action": "slider move", "first_ms": 300.0,
                "median_ms": median, "p95_ms": p95, "max_ms": p95, "cpu_median_ms": median, "n": 20}]
    return {"floor": floor, "notebooks": notebooks, "widgets": widgets, "widget_kernel_peak_rss": 6e8}


def _verdicts(results):
    return [verdict for _, _, verdict in report.targets(results)]


def test_all_targets_met():
    assert _verdicts(_results()) == ["met"] * 6


@pytest.mark.parametrize(
    "changes, missed",
    [
        ({"ratios": (1.2, 2.5, 1.0, 1.0, 1.0)}, 0),
        ({"setup_s": (3.5, 3.6, 3.7, 4.0, 3.8, 3.9)}, 1),  # 4.0 s > the floor's 3.4 s + 0.5 s
        ({"lesson4_s": 45.0}, 2),
        ({"widget_ms": (160.0, 200.0)}, 3),
        ({"widget_ms": (100.0, 320.0)}, 4),
        ({"peak": 1.6e9}, 5),
    ],
)
def test_each_missed_target_is_flagged_alone(changes, missed):
    verdicts = _verdicts(_results(**changes))
    assert verdicts[missed] == "**missed**"
    assert verdicts.count("met") == 5


def test_missing_lessons_and_widgets_are_not_measured_rather_than_met():
    results = _results()
    results["notebooks"] = results["notebooks"][:2]
    results["widgets"].append({"widget": "freezing panel", "action": "checkbox", "error": "absent"})
    verdicts = _verdicts(results)
    assert verdicts[0] == verdicts[1] == verdicts[2] == verdicts[3] == verdicts[4] == "not measured"


def test_a_failed_notebook_misses_its_target():
    results = _results()
    results["notebooks"][1] = {"name": "01_tokenization.ipynb", "error": "cell 3: NameError"}
    assert _verdicts(results)[0] == "**missed**"
    assert "FAILED" in report.notebook_rows(results)[2][-1]


def test_markdown_names_machine_targets_and_command():
    results = _results()
    results.update(
        runs=3, updates=20, command="python -m bench",
        setup={"venv_bytes": 2.1e9},
        machine={"date_utc": "2026-11-26 16:40 UTC", "description": "a test machine", "cores": 2,
                 "cpu": "CPU", "memory_gb": 24, "os": "Linux", "python": "3.11.7", "torch": "2.13.0",
                 "transformers": "5.24.0", "ipykernel": "7", "nbclient": "0.11",
                 "torch_threads": "2", "load_before": "0.1", "load_after": "0.2"},
    )
    text = report.markdown(results)
    for expected in ("## Targets", "2026-11-26 16:40 UTC", "torch 2.13.0", "transformers 5.24.0",
                     "2 CPU cores", "`python -m bench`", "not measured (`make bench ARGS=--setup`"):
        assert expected in text


def test_every_scenario_drives_its_real_widget():
    """Catches a renamed control or widget: each scenario builds its widget and changes it twice."""

    from bench.widget_timing import SCENARIOS, lesson_named, time_scenario

    for widget, notebook, action_name, action in SCENARIOS:
        timed = time_scenario(lesson_named(notebook), action, updates=2)
        assert len(timed["samples_ms"]) == 2, (widget, action_name)
