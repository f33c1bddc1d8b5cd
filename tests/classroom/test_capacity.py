"""bench/capacity.py's arithmetic: from per-student measurements to the planning table."""

from bench.capacity import WAIT_TARGET_S, summary, table


def fake_run():
    people = {f"s{i}": {"wall_s": 10.0 + i, "peak_mb": 500.0 + 100 * i, "cpu_s": 6.0 + i,
                        "idle_mb": 120.0, "mismatches": [] if i else ["cell 3 differs"]}
              for i in range(3)}
    return {"notebook": "03_attention.ipynb", "students": people,
            "load_before": (1.0, 1.0, 1.0), "load_after": (2.0, 1.5, 1.0)}


def test_summary_takes_the_slowest_and_the_largest():
    row = summary(fake_run())
    assert row["slowest_s"] == 12.0 and row["median_s"] == 11.0
    assert row["peak_mb"] == 700.0 and row["per_gb"] == 1024 / 700
    assert row["cpu_s"] == 7.0 and row["per_core"] == WAIT_TARGET_S / 7.0
    assert row["mismatched"] == 1 and row["load"] == (1.0, 2.0)


def test_table_has_one_row_per_lesson_and_explains_per_core():
    text = table([summary(fake_run())])
    assert text.count("\n| `03_attention.ipynb` | 3 | 12 (11) | 700 (600; 120) | 7 | 1.5 | 17 | 1 |") == 1
    assert f"within {WAIT_TARGET_S} s" in text
